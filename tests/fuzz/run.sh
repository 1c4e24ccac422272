#!/usr/bin/env bash
# Run every libFuzzer target in BUILD/fuzz for SECONDS each, one after another.
# Seeds come from tests/fuzz/corpus/NAME (read only); new inputs go to BUILD/corpus/NAME;
# a crash, leak, sanitizer report, timeout or out-of-memory is written to
# BUILD/artifacts/NAME-* and fails the run. Usage: run.sh BUILD SECONDS [NAME...]
set -u
build=${1:?usage: run.sh BUILD SECONDS [NAME...]}
secs=${2:?usage: run.sh BUILD SECONDS [NAME...]}
shift 2
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for f in tests/fuzz/fuzz_*.c; do names+=("$(basename "$f" .c)"); done
fi
# halt on the first UBSan report too; libFuzzer turns the abort into a finding.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
passed=0; failed=0
for name in "${names[@]}"; do
    bin="$build/fuzz/$name"
    mkdir -p "$build/corpus/$name" "$build/artifacts"
    dict=()
    [ -f "tests/fuzz/$name.dict" ] && dict=(-dict="tests/fuzz/$name.dict")
    log="$build/$name.log"
    "$bin" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -max_len=16384 \
        -print_final_stats=1 -artifact_prefix="$build/artifacts/$name-" "${dict[@]}" \
        "$build/corpus/$name" "tests/fuzz/corpus/$name" >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    if [ $rc -eq 0 ]; then
        echo "fuzz $name: ok, ${execs:-?} executions in ${secs}s"
        passed=$((passed + 1))
    else
        echo "FAIL fuzz $name: exit $rc after ${execs:-?} executions; log $log"
        grep -m1 -A30 'ERROR\|runtime error\|SUMMARY' "$log"
        ls "$build/artifacts/$name-"* 2>/dev/null
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
