#!/usr/bin/env bash
# make bench: shopstat tab against a bare single-threaded libcsv pass over the same bytes
# (tools/csvpass), with 1 and 2 threads, and against R's survey package doing the same job
# when R is installed. Prints times (best of BENCH_REPS, the programs of a size run in
# turn, round after round), ratios and peak RSS.
# Sizes: BENCH_ROWS (default "1000000 10000000"); R runs on BENCH_R_ROWS (default 100000)
# rows and its time is also shown scaled linearly to each size. Generated data goes to
# bench/data/ (ignored by git).
set -euo pipefail
BUILD=${1:-build}
SIZES=${BENCH_ROWS:-1000000 10000000}
REPS=${BENCH_REPS:-3}
R_ROWS=${BENCH_R_ROWS:-100000}
cd "$(dirname "$0")/.."
mkdir -p bench/data
S="$BUILD/shopstat"
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench: needs GNU time (/usr/bin/time, package 'time')"; exit 1; }

# The typical run: 3 questions (a single-choice one, a multi-response set of 0/1 columns,
# a multi-response set of codes), 7 segments (all, 3 --by levels, 3 conditions),
# stratified cluster design (50 strata x 40 PSUs).
job() {
    echo tab "$1" --weight wt --strata region --psu panel --var satisfaction \
        --multi pref=pref_email,pref_phone,pref_form --multi-codes problems=problems \
        --by spend_6m --segment heavy=spend_6m:3 --segment 'happy=satisfaction:>=4' \
        --segment switch=would_switch:1 -o /tmp/shopstat-bench.csv
}

data() {
    local f=bench/data/export-$1.csv
    [ -s "$f" ] || "$BUILD/tools/gen_export" "$1" > "$f"
    cat "$f" > /dev/null   # warm the page cache: every run reads from memory
    echo "$f"
}

# best wall-clock seconds of REPS runs of a command, and its largest peak RSS in MB
# (wall time from the shell's clock, to the microsecond: GNU time's %e has 10 ms steps, a
# tenth of the bare pass at 1M rows; GNU time for the peak RSS)
measure() {
    local best="" rss=0 reps=$1 k
    shift
    for ((k = 0; k < reps; k++)); do
        local t0 t1 t m
        t0=${EPOCHREALTIME/[.,]/}
        "$TIME" -o /tmp/shopstat-bench.time -f '%M' "$@" >/dev/null 2>&1
        t1=${EPOCHREALTIME/[.,]/}
        t=$(awk "BEGIN{printf \"%.3f\", ($t1 - $t0) / 1e6}")
        m=$(tail -1 /tmp/shopstat-bench.time)
        if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
        [ "$m" -gt "$rss" ] && rss=$m
    done
    echo "$best $((rss / 1024))"
}

# round NAME COMMAND...: one run of the command; best[NAME] keeps the smallest time of its
# rounds, rss[NAME] the largest peak RSS
declare -A best rss
round() {
    local name=$1 t m
    shift
    read -r t m < <(measure 1 "$@")
    if [ -z "${best[$name]:-}" ] || awk "BEGIN{exit !($t < ${best[$name]})}"; then
        best[$name]=$t
    fi
    if [ -z "${rss[$name]:-}" ] || [ "$m" -gt "${rss[$name]}" ]; then rss[$name]=$m; fi
}

have_r=0
if command -v Rscript >/dev/null && Rscript -e 'library(survey)' >/dev/null 2>&1; then
    have_r=1
fi

echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
# start-up: what every run pays before its first row (the dynamic loader, mostly)
best_us=""
for ((k = 0; k < 20; k++)); do
    t0=${EPOCHREALTIME/[.,]/}; "$S" --version >/dev/null; t1=${EPOCHREALTIME/[.,]/}
    if [ -z "$best_us" ] || [ $((t1 - t0)) -lt "$best_us" ]; then best_us=$((t1 - t0)); fi
done
printf '%-46s %8s ms\n' "start-up (shopstat --version, best of 20)" \
    "$(awk "BEGIN{printf \"%.1f\", $best_us / 1e3}")"
# The host: the bare pass pinned to each CPU in turn. A virtual machine's CPUs need not be
# equally fast (the host may share one with other guests); a 2-thread run is then held back
# by the slower one, while the bare pass below runs wherever the scheduler puts it.
if command -v taskset >/dev/null && [ "$(nproc)" -gt 1 ]; then
    HD=$(data "${SIZES%% *}")
    line="" fast="" slow=""
    for ((c = 0; c < $(nproc); c++)); do
        read -r t_c _ < <(measure "$REPS" taskset -c "$c" "$BUILD/tools/csvpass" "$HD")
        line="$line${line:+,} cpu$c $t_c s"
        if [ -z "$fast" ] || awk "BEGIN{exit !($t_c < $fast)}"; then fast=$t_c; fi
        if [ -z "$slow" ] || awk "BEGIN{exit !($t_c > $slow)}"; then slow=$t_c; fi
    done
    printf '%-46s%s' "bare pass pinned to each CPU, ${SIZES%% *} rows" "$line"
    awk "BEGIN{r = $slow / $fast; if (r > 1.15) printf \"  (%.2fx apart: 2-thread ratios suffer)\", r}"
    echo
fi
if [ "$have_r" = 1 ]; then
    RD=$(data "$R_ROWS")
    read -r t_r m_r < <(measure 1 Rscript bench/r_tab.R "$RD")
    # shellcheck disable=SC2046
    read -r t_rs m_rs < <(measure "$REPS" "$S" $(job "$RD") --threads 2)
    printf '%-46s %8s s  %6s MB\n' "R survey, same job, $R_ROWS rows" "$t_r" "$m_r"
    printf '%-46s %8s s  %6s MB  R/shopstat %.0fx\n' "shopstat, 2 threads, $R_ROWS rows" "$t_rs" \
        "$m_rs" "$(awk "BEGIN{print $t_r / ($t_rs > 0.005 ? $t_rs : 0.005)}")"
else
    echo "R survey: not installed (apt-get install r-base-core r-cran-survey), skipped"
fi
for n in $SIZES; do
    D=$(data "$n")
    echo
    echo "$D: $n rows, $(du -m "$D" | cut -f1) MB"
    # The five programs in turn, REPS rounds, each program's best: the host's speed drifts
    # from minute to minute, and a ratio of two programs timed minutes apart would carry it.
    # (readpass: shopstat's chunked reading alone, no statistics: the floor under the ratios)
    best=() rss=()
    for ((k = 0; k < REPS; k++)); do
        round csv "$BUILD/tools/csvpass" "$D"
        round r1 "$BUILD/tools/readpass" --threads 1 "$D"
        round r2 "$BUILD/tools/readpass" --threads 2 "$D"
        # shellcheck disable=SC2046
        round 1 "$S" $(job "$D") --threads 1
        # shellcheck disable=SC2046
        round 2 "$S" $(job "$D") --threads 2
    done
    t_csv=${best[csv]} m_csv=${rss[csv]} t_r1=${best[r1]} m_r1=${rss[r1]}
    t_r2=${best[r2]} m_r2=${rss[r2]} t_1=${best[1]} m_1=${rss[1]} t_2=${best[2]} m_2=${rss[2]}
    printf '%-46s %8s s  %6s MB\n' "bare libcsv pass, 1 thread (tools/csvpass)" "$t_csv" "$m_csv"
    printf '%-46s %8s s  %6s MB  ratio %.2f\n' "reading only, no statistics, 1 thread" "$t_r1" \
        "$m_r1" "$(awk "BEGIN{print $t_r1 / $t_csv}")"
    printf '%-46s %8s s  %6s MB  ratio %.2f\n' "reading only, no statistics, 2 threads" "$t_r2" \
        "$m_r2" "$(awk "BEGIN{print $t_r2 / $t_csv}")"
    printf '%-46s %8s s  %6s MB  ratio %.2f\n' "shopstat tab, 1 thread" "$t_1" "$m_1" \
        "$(awk "BEGIN{print $t_1 / $t_csv}")"
    printf '%-46s %8s s  %6s MB  ratio %.2f\n' "shopstat tab, 2 threads" "$t_2" "$m_2" \
        "$(awk "BEGIN{print $t_2 / $t_csv}")"
    if [ "$have_r" = 1 ]; then
        printf '%-46s %8s s            R/shopstat %.0fx (R scaled linearly from %s rows)\n' \
            "R survey, scaled to $n rows" "$(awk "BEGIN{printf \"%.1f\", $t_r * $n / $R_ROWS}")" \
            "$(awk "BEGIN{print $t_r * $n / $R_ROWS / $t_2}")" "$R_ROWS"
    fi
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
