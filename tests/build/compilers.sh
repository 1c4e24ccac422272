#!/usr/bin/env bash
# The library and its unit tests built otherwise than `make`'s gcc -O2 and run: with clang,
# at -O0, and at -O3 -flto (gcc), each with WERROR=1 into build-compilers/NAME, then every
# tests/unit binary run (slow, 10-30 minutes on 2 cores: `make compilers`, not in `make
# check`). Each configuration counts: built with no warning an error, unit tests passed. The
# first two found something once: the order of a call's arguments (clang's test data), a path
# GCC saw could be cut only at -O0. Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
passed=0; failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); printf 'FAIL %s\n' "$1"; }
JOBS=${JOBS:-2}

run() {
    local name=$1; shift
    local b=build-compilers/$name
    local tests
    tests=$(ls tests/unit/test_*.c | sed "s|tests/unit/|$b/tests/|; s|\.c$||")
    # shellcheck disable=SC2086 # the test binaries' paths
    if make --no-print-directory -k -j"$JOBS" BUILD="$b" WERROR=1 "$@" all $tests \
        >"$b.log" 2>&1; then ok
    else
        fail "$name ($*): the build failed: $(grep -E 'error' "$b.log" | head -5)"
        return
    fi
    local p=0 f=0 t out rc
    for t in "$b"/tests/test_*; do
        out=$(CMOCKA_MESSAGE_OUTPUT=stdout timeout "${TEST_TIMEOUT:-900}" "$t" 2>&1); rc=$?
        if [ "$rc" -eq 0 ]; then p=$((p + 1))
        else
            f=$((f + 1))
            printf '%s\n' "$out" | grep -E '^\[  (FAILED|ERROR)|LINE' | head -6
        fi
    done
    [ "$f" -eq 0 ] && ok || fail "$name: $f of $((p + f)) unit test binaries failed"
    echo "$name: $((p + f)) unit test binaries, $f failed"
}

mkdir -p build-compilers
if command -v clang >/dev/null; then run clang CC=clang; else echo "skip: no clang"; fi
run O0 OPT="-O0 -g"
# (LTO's -Wmaybe-uninitialized sees across files but not that shopstat_error_set() and
# nomem() return an error: 'id', 'c.values', 'vl' "may be used uninitialized" after a
# fallible call returned OK, in pass.c, plan.c, replicate.c and tests; warned, not failed)
run O3-flto OPT="-O3 -flto=auto -g -Wno-error=maybe-uninitialized"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
