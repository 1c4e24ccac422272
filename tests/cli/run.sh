#!/usr/bin/env bash
# CLI golden tests. Each case is a folder tests/cli/cases/NAME holding:
#   cmd     one shell command line; $SHOPSTAT is the binary, the working directory is
#           tests/cli/data, and $TMP is a fresh scratch folder for outputs
#   stdout  expected standard output (byte for byte)
#   stderr  expected standard error (byte for byte)
#   status  expected exit status
#   check   optional script run after cmd (same cwd and variables); must exit 0
# SHOPSTAT_WRAP (e.g. "valgrind -q --error-exitcode=99") is put in front of the binary
# (make valgrind); cmd scripts must therefore use $SHOPSTAT unquoted.
# UPDATE=1 rewrites stdout/stderr/status from the current binary: review the diff.
# Arguments name cases to run (tests/cli/run.sh NAME...; UPDATE=1 then rewrites those
# alone); none runs every case.
set -u
# the table views fit $COLUMNS when it is set (shopstat.1): the goldens are one line a row
unset COLUMNS
BUILD=${BUILD:-build}
root=$(cd "$(dirname "$0")/../.." && pwd)
export SHOPSTAT="${SHOPSTAT_WRAP:+$SHOPSTAT_WRAP }$root/$BUILD/shopstat"
passed=0; failed=0
dirs=()
if [ $# -eq 0 ]; then
    dirs=("$root"/tests/cli/cases/*/)
else
    for name in "$@"; do
        name=${name%/}; name=${name##*/}
        if [ ! -f "$root/tests/cli/cases/$name/cmd" ]; then
            echo "tests/cli/run.sh: no case '$name' (tests/cli/cases/$name/cmd)" >&2
            exit 2
        fi
        dirs+=("$root/tests/cli/cases/$name/")
    done
fi
for dir in "${dirs[@]}"; do
    name=$(basename "$dir")
    [ -f "$dir/cmd" ] || continue
    TMP=$(mktemp -d); export TMP
    (cd "$root/tests/cli/data" && bash "$dir/cmd" >"$TMP.out" 2>"$TMP.err" </dev/null)
    rc=$?
    if [ "${UPDATE:-0}" = 1 ]; then
        cp "$TMP.out" "$dir/stdout"; cp "$TMP.err" "$dir/stderr"; echo "$rc" >"$dir/status"
    fi
    ok=1
    if [ "$rc" != "$(cat "$dir/status")" ]; then echo "FAIL $name: exit $rc, expected $(cat "$dir/status")"; ok=0; fi
    if ! diff -u "$dir/stdout" "$TMP.out" >"$TMP.diff"; then echo "FAIL $name: stdout differs"; head -40 "$TMP.diff"; ok=0; fi
    if ! diff -u "$dir/stderr" "$TMP.err" >"$TMP.diff"; then echo "FAIL $name: stderr differs"; head -20 "$TMP.diff"; ok=0; fi
    if [ $ok = 1 ] && [ -f "$dir/check" ]; then
        if ! (cd "$root/tests/cli/data" && bash "$dir/check"); then echo "FAIL $name: check failed"; ok=0; fi
    fi
    if [ $ok = 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
    rm -rf "$TMP" "$TMP.out" "$TMP.err" "$TMP.diff"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
