#!/bin/bash
# make style: checkpatch (from Debian's linux-source-6.1) on the kernel code
# and the uapi header.  Any warning or error fails.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
src_tar=${BBLOG_KERNEL_SRC:-/usr/src/linux-source-6.1.tar.xz}
cache=${BBLOG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tcp_bblog}
cp_dir=$cache/checkpatch
if [ ! -x "$cp_dir/scripts/checkpatch.pl" ]; then
	mkdir -p "$cp_dir"
	tar -C "$cp_dir" --strip-components=1 -xf "$src_tar" \
		--wildcards '*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
fi
cd "$top"
files=$(ls module/*.[ch] uapi/linux/*.h tests/kunit/*.c tests/harness/*.c | grep -v '^module/compat.h$')
checkpatch() {
	"$cp_dir/scripts/checkpatch.pl" --no-tree --quiet --show-types --strict \
		--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG "$@"
}
checkpatch -f $files
# The compat header is the one place allowed to test kernel versions, and
# to expand the kernel's own list macros (an element is a COMPLEX_MACRO, a
# designated initializer "[X] = name," as in net/core/skbuff.c, which
# checkpatch takes for a BRACKET_SPACE).
checkpatch --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON,COMPLEX_MACRO,BRACKET_SPACE \
	-f module/compat.h
files="$files module/compat.h"
echo "checkpatch: clean ($(echo $files | wc -w) files)"
