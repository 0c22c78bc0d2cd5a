# Harness self-test: a guest test that fails.
. /guest/lib.sh
expect_eq "harness" "one" "two"
