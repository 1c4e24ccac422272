#!/usr/bin/env bash
# Runs every test suite (cmocka unit binaries, CLI golden tests, R oracle comparisons)
# and ends with one line "N passed, N failed". Exit status 1 if anything failed.
set -u
# the table views fit $COLUMNS when it is set (shopstat.1): the goldens are one line a row
unset COLUMNS
BUILD=${BUILD:-build}
cd "$(dirname "$0")/.."
# the suites name the build "$root/$BUILD": an absolute one is passed relative to the checkout
case $BUILD in /*) BUILD=$(realpath -m --relative-to=. "$BUILD") ;; esac
passed=0; failed=0
export CMOCKA_MESSAGE_OUTPUT=stdout
for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    # a hang (a lost wake-up in the parallel pass, say) fails the binary, not the run
    out=$(timeout "${TEST_TIMEOUT:-600}" "$t" 2>&1); rc=$?
    [ "$rc" -eq 124 ] && out="$out
$(basename "$t"): timed out after ${TEST_TIMEOUT:-600} s"
    p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
    f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
    p=${p:-0}; f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed before its summary
    if [ "$f" -ne 0 ]; then printf '%s\n' "$out"; fi
    printf '%-40s %4d passed, %d failed\n' "unit/$(basename "$t")" "$p" "$f"
    passed=$((passed + p)); failed=$((failed + f))
done
for s in tests/cli/run.sh tests/hostile/run.sh tests/hostile/interrupt.sh tests/hostile/outputs.sh tests/hostile/determinism.sh tests/oracle/run.sh tests/plots/run.sh tests/report/run.sh tests/plugin/run.sh tests/api/run.sh tests/docs/run.sh tests/build/run.sh; do
    [ -x "$s" ] || continue
    out=$(BUILD="$BUILD" "$s" 2>&1); rc=$?
    line=$(printf '%s\n' "$out" | tail -1)
    p=$(printf '%s' "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1/p')
    f=$(printf '%s' "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\2/p')
    p=${p:-0}; f=${f:-1}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    if [ "$f" -ne 0 ]; then printf '%s\n' "$out"; fi
    printf '%-40s %4d passed, %d failed\n' "$s" "$p" "$f"
    passed=$((passed + p)); failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
