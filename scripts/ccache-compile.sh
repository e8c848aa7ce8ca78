#!/usr/bin/env bash
# The compiler launcher CMake uses when ccache is installed (CMakeLists.txt):
#   scripts/ccache-compile.sh CCACHE COMPILER ARGS…
# It runs the compile through ccache and, when the output is a precompiled header
# (.gch for g++, .pch for clang), writes its checksum beside it as OUTPUT.sum. With
# pch_external_checksum, ccache hashes that small file instead of the 120-190 MB
# header for every source using it: that was 0.7 s of each cache hit, about 100 s
# of a warm build on two cores. The header is read once here instead.
set -euo pipefail
out=
prev=
for arg in "$@"; do
  [[ $prev == -o ]] && out=$arg
  prev=$arg
done
case "$out" in
  *.gch | *.pch)
    rm -f "$out.sum"
    "$@"
    sum=$(sha1sum "$out")
    printf '%s\n' "${sum%% *}" >"$out.sum.tmp"
    mv -f "$out.sum.tmp" "$out.sum"
    ;;
  *) exec "$@" ;;
esac
