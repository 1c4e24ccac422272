#!/usr/bin/env bash
# make bench: shopstat against a bare libcsv pass over the same bytes, and against R's
# survey package doing the same job when R is installed. Prints times, ratios, peak RSS.
# Rows: BENCH_ROWS (default 1000000). Generated data goes to bench/data/ (ignored by git).
set -euo pipefail
BUILD=${1:-build}
ROWS=${BENCH_ROWS:-1000000}
cd "$(dirname "$0")/.."
mkdir -p bench/data
DATA=bench/data/export-$ROWS.csv
[ -s "$DATA" ] || "$BUILD/tools/gen_export" "$ROWS" > "$DATA"
cat "$DATA" > /dev/null   # warm the page cache: every run reads from memory
S="$BUILD/shopstat"
JOB=(tab "$DATA" --weight wt --strata region --psu panel --var would_switch --var satisfaction
     --multi pref=pref_email,pref_phone,pref_form --by spend_6m --segment heavy=spend_6m:3
     --segment 'happy=satisfaction:>=4' -o /tmp/shopstat-bench.csv)

# best of 3 wall-clock seconds of a command, and its peak RSS in MB
measure() {
    local best="" rss=0
    for _ in 1 2 3; do
        local out
        /usr/bin/time -o /tmp/shopstat-bench.time -f '%e %M' "$@" >/dev/null 2>&1
        out=$(tail -1 /tmp/shopstat-bench.time)
        local t=${out% *} m=${out#* }
        if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
        [ "$m" -gt "$rss" ] && rss=$m
    done
    echo "$best $((rss / 1024))"
}

echo "data: $DATA ($ROWS rows, $(du -m "$DATA" | cut -f1) MB; 50 strata x 40 PSUs)"
read -r t_csv m_csv < <(measure "$BUILD/tools/csvpass" "$DATA")
read -r t_read m_read < <(measure "$BUILD/tools/readpass" "$DATA")
read -r t_tab m_tab < <(measure "$S" "${JOB[@]}")
read -r t_desc m_desc < <(measure "$S" describe "$DATA" --weight wt --strata region --psu panel)
printf '%-44s %8s s  %6s MB\n' "bare libcsv pass (tools/csvpass)" "$t_csv" "$m_csv"
printf '%-44s %8s s  %6s MB  ratio %.2f\n' "shopstat reader alone (tools/readpass)" "$t_read" "$m_read" \
    "$(awk "BEGIN{print $t_read / $t_csv}")"
printf '%-44s %8s s  %6s MB  ratio %.2f\n' "shopstat tab (3 questions x 6 segments)" "$t_tab" "$m_tab" \
    "$(awk "BEGIN{print $t_tab / $t_csv}")"
printf '%-44s %8s s  %6s MB  ratio %.2f\n' "shopstat describe (design flags)" "$t_desc" "$m_desc" \
    "$(awk "BEGIN{print $t_desc / $t_csv}")"
if command -v Rscript >/dev/null && Rscript -e 'library(survey)' >/dev/null 2>&1; then
    /usr/bin/time -o /tmp/shopstat-bench.time -f '%e %M' Rscript bench/r_tab.R "$DATA" >/dev/null 2>&1
    out=$(tail -1 /tmp/shopstat-bench.time)
    t_r=${out% *}; m_r=${out#* }
    printf '%-44s %8s s  %6s MB  shopstat is %.0fx faster\n' "R survey, same job (bench/r_tab.R)" "$t_r" \
        "$((m_r / 1024))" "$(awk "BEGIN{print $t_r / $t_tab}")"
else
    echo "R survey: not installed (apt-get install r-base-core r-cran-survey), skipped"
fi
