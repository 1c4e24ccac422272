#!/usr/bin/env bash
# Nothing lost: SIGINT / SIGTERM during a run leaves no partial output and no temporary
# file, an existing output stays as it was, and the exit status is 128 + the signal.
# The data comes through a FIFO that the test keeps open, so the run is always caught
# in the middle of its pass; where the temporary file matters (replicate, charts) the
# test waits until it exists before sending the signal. Ends with "N passed, N failed".
set -u
# Job control: background jobs of a non-interactive shell otherwise start with SIGINT
# ignored, and shopstat (like every Unix tool) leaves an ignored signal ignored.
set -m
. "$(dirname "$0")/lib.sh"
bin="$root/$BUILD/shopstat"
writer=
cleanup() {
    [ -n "$writer" ] && kill "$writer" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
check() {
    if [ "$2" = "$3" ]; then pass; else fail "$1" "got '$2', expected '$3'"; fi
}

# dfl CMD...: run CMD with SIGINT, SIGTERM and SIGHUP at their default action: the test
# itself may run with them ignored (under nohup, or as a background job of a script), and
# shopstat keeps an inherited ignore. Only for background jobs (`dfl ... &`): it execs, so
# that $! is the pid of shopstat itself.
dfl() {
    exec perl -e '$SIG{$_} = "DEFAULT" for qw(INT TERM HUP); exec { $ARGV[0] } @ARGV or die "exec: $!"' "$@"
}

# Files in out/ other than the ones named (sorted, one line).
leftovers() {
    (cd out && ls -A | grep -v -x -F "$(printf '%s\n' "$@")" | tr '\n' ' ')
}

# feed: a FIFO 'in.csv' that gets a header and 200 rows, then stays open (no EOF).
feed() {
    rm -f in.csv
    mkfifo in.csv
    {
        echo "q,w,p"
        awk 'BEGIN { for (i = 1; i <= 200; i++) print (i % 3 ? "yes" : "no") "," 1 + i % 4 "," i % 20 }'
        sleep 60
    } >in.csv &
    writer=$!
}
unfeed() {
    kill -- -"$writer" 2>/dev/null # the job's process group: its sleep holds the FIFO open
    wait "$writer" 2>/dev/null
    writer=
}

# ready PID SIG: wait (up to 20 s) until PID runs shopstat and has decided what to do with
# SIG (caught or ignored, from /proc/PID/status), so the signal cannot arrive before the
# handler is installed. Without /proc, wait a second.
ready() {
    local bit=$((1 << ($(kill -l "$2") - 1)))
    if [ ! -r "/proc/$1/status" ]; then
        sleep 1
        return
    fi
    for _ in $(seq 400); do
        if [ "$(cat "/proc/$1/comm" 2>/dev/null)" = shopstat ]; then
            local cgt ign
            cgt=$(awk '$1 == "SigCgt:" { print $2 }' "/proc/$1/status")
            ign=$(awk '$1 == "SigIgn:" { print $2 }' "/proc/$1/status")
            (((0x${cgt:-0} | 0x${ign:-0}) & bit)) && return
        fi
        sleep 0.05
    done
}

# wait_for GLOB: up to 20 s until a file in out/ matches GLOB.
wait_for() {
    for _ in $(seq 400); do
        compgen -G "out/$1" >/dev/null && return 0
        sleep 0.05
    done
    return 1
}

# stop PID SIG: send SIG, give the process 20 s to die (else SIGKILL and a failure);
# sets status to its exit status.
stop() {
    kill -"$2" "$1"
    for _ in $(seq 400); do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.05
    done
    if kill -0 "$1" 2>/dev/null; then
        kill -KILL "$1"
        fail "stop $2" "the process ignored SIG$2"
    fi
    wait "$1"
    status=$?
}

# 1. tab -o, interrupted in the pass: no output, no temporary file; exit 130 / 143.
for sig in INT TERM HUP; do
    case $sig in INT) want=130 ;; TERM) want=143 ;; HUP) want=129 ;; esac
    rm -rf out && mkdir out
    feed
    dfl "$bin" tab in.csv --var q --weight w --psu p -o out/tab.csv 2>err &
    pid=$!
    ready $pid $sig
    stop $pid $sig
    check "tab_$sig status" "$status" $want
    check "tab_$sig files" "$(leftovers)" ""
    unfeed
done

# 2. An existing output is left as it was.
rm -rf out && mkdir out
echo "old result" >out/tab.csv
feed
dfl "$bin" tab in.csv --var q -o out/tab.csv 2>err &
pid=$!
ready $pid INT
stop $pid INT
check "tab_keeps_old status" "$status" 130
check "tab_keeps_old content" "$(cat out/tab.csv)" "old result"
check "tab_keeps_old files" "$(leftovers tab.csv)" ""
unfeed

# 3. replicate streams its output while reading: interrupt it once the temporary file
#    exists; the handler must remove it.
rm -rf out && mkdir out
feed
dfl "$bin" replicate in.csv --weight w --psu p --type jk1 -o out/rep.csv 2>err &
pid=$!
if wait_for ".rep.csv.tmp-*"; then pass; else fail replicate_tmp "no temporary file appeared"; fi
stop $pid INT
check "replicate_INT status" "$status" 130
check "replicate_INT files" "$(leftovers)" ""
unfeed

# 4. --chart: 60 PNG charts are all written to temporary files before any is renamed;
#    interrupt while they are being drawn. The table (-o) was committed before the
#    charts and stays; no chart and no temporary file may remain.
rm -rf out && mkdir out
awk 'BEGIN { printf "c1"; for (j = 2; j <= 60; j++) printf ",c%d", j; print "";
             for (i = 1; i <= 300; i++) { printf "%d", i % 4;
               for (j = 2; j <= 60; j++) printf ",%d", (i * j) % 5; print "" } }' >many.csv
args=()
for j in $(seq 60); do args+=(--var "c$j"); done
dfl "$bin" tab many.csv "${args[@]}" --chart out/ch.png -o out/t.csv 2>err &
pid=$!
if wait_for ".ch-*.png.tmp-*"; then pass; else fail chart_tmp "no temporary chart appeared"; fi
stop $pid INT
check "chart_INT status" "$status" 130
check "chart_INT files" "$(leftovers t.csv)" ""

# 5. An ignored signal stays ignored (nohup): the run goes on and commits its output
#    once the FIFO's writer ends the data.
rm -rf out && mkdir out
feed
dfl nohup "$bin" tab in.csv --var q --lonely-psu certainty -o out/tab.csv >/dev/null 2>err &
pid=$!
ready $pid HUP
kill -HUP $pid
sleep 0.2
unfeed
wait $pid
check "ignored_HUP status" "$?" 0
check "ignored_HUP files" "$(leftovers tab.csv)" ""
check "ignored_HUP rows" "$(wc -l <out/tab.csv | tr -d ' ')" 3

# 6. A signal between report's two renames (OUTDIR moved aside, the new folder not yet in
#    place), sent by an LD_PRELOAD'ed rename (tests/hostile/rename_sigterm.c): it waits
#    until the new report is in place, then the run ends with 143 and no old folder left.
#    Without a compiler the case is skipped.
if ${CC:-cc} -shared -fPIC -o rename_sigterm.so "$root/tests/hostile/rename_sigterm.c" -ldl 2>/dev/null; then
    rm -rf out && mkdir out
    "$bin" report "$root/surveys/servicesoft-1999/survey.yml" -o out/rep --no-charts --quiet
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
        LD_PRELOAD="$T/rename_sigterm.so" dfl "$bin" report \
        "$root/surveys/servicesoft-1999/survey.yml" -o out/rep --no-charts --quiet 2>/dev/null &
    wait $!
    check "report_commit_TERM status" "$?" 143
    check "report_commit_TERM files" "$(leftovers rep)" ""
    check "report_commit_TERM report" "$(ls out/rep 2>/dev/null | tr '\n' ' ')" \
        "comparisons.csv report.md run.json scores.csv tables.csv tables.xlsx "
fi

# 7. A disk that cannot write back: fsync fails with EIO (tests/hostile/fsync_eio.c, an
#    LD_PRELOAD shim). Every output is synced before its rename, so each run says which file
#    could not be written, exits 2, and leaves neither a temporary file nor a new target; an
#    earlier report stays as it was. (Charts and reports were renamed unsynced until
#    2026-12-03, and these runs succeeded.)
if ${CC:-cc} -shared -fPIC -o fsync_eio.so "$root/tests/hostile/fsync_eio.c" 2>/dev/null; then
    eio() {
        ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
            LD_PRELOAD="$T/fsync_eio.so" "$bin" "$@" >/dev/null 2>err
        rc=$?
    }
    D="$root/surveys/servicesoft-1999"
    A=(--weight wt --strata region --psu panel --var would_switch --segment heavy=spend_6m:3)
    rm -rf out && mkdir out
    for f in t.csv c.png c.svg c.pdf; do
        case $f in
            *.csv) eio tab "$D/respondents.csv" "${A[@]}" -o "out/$f" ;;
            *) eio tab "$D/respondents.csv" "${A[@]}" --chart "out/$f" ;;
        esac
        check "fsync_eio $f status" "$rc" 2
        check "fsync_eio $f message" "$(cat err)" "out/$f: error: cannot write: Input/output error"
        check "fsync_eio $f files" "$(leftovers)" ""
    done
    eio report "$D/survey.yml" -o out/rep --quiet --no-charts
    check "fsync_eio report status" "$rc" 2
    check "fsync_eio report message" "$(cat err)" \
        "out/rep/comparisons.csv: error: cannot write: Input/output error"
    check "fsync_eio report files" "$(leftovers)" ""
    eio report "$D/survey.yml" -o out/rep --quiet
    check "fsync_eio report charts status" "$rc" 2
    check "fsync_eio report charts message" "$(sed 's|/charts/[^:]*:|/charts/CHART:|' err)" \
        "out/rep/charts/CHART: error: cannot write: Input/output error"
    check "fsync_eio report charts files" "$(leftovers)" ""
    "$bin" report "$D/survey.yml" -o out/rep --quiet --no-charts
    before=$(cd out/rep && cksum * | sort)
    eio report "$D/survey.yml" -o out/rep --quiet --no-charts
    check "fsync_eio report kept status" "$rc" 2
    check "fsync_eio report kept files" "$(leftovers rep)" ""
    check "fsync_eio report kept report" "$(cd out/rep && cksum * | sort)" "$before"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
