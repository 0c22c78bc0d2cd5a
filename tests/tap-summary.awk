#!/usr/bin/awk -f
# Numbers the TAP lines of every stage ("ok - x", "not ok 3 - y", ...),
# passes comments through, and ends with "N passed, N failed, N skipped".
# Exit status 1 if anything failed or nothing ran.
function num(line,   rest) {
	rest = line
	sub(/^(not ok|ok)( [0-9]+)?/, "", rest)
	return rest
}
/^not ok/ { n++; failed++; printf "not ok %d%s\n", n, num($0); fflush(); next }
/^ok/ {
	n++
	if ($0 ~ /# SKIP/) skipped++; else passed++
	printf "ok %d%s\n", n, num($0); fflush(); next
}
/^(TAP version|1\.\.)/ { next }
{ print; fflush() }
END {
	printf "1..%d\n", n
	printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped
	exit (failed > 0 || n == 0) ? 1 : 0
}
