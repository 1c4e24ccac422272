#!/usr/bin/env bash
# make bench, replicate-weight part: `shopstat tab` on an export carrying 80 bootstrap
# replicate weights (made by `shopstat replicate`), against R's survey package doing the
# same job (svrepdesign, type "bootstrap") when R is installed. Prints times and peak RSS.
# Rows: BENCH_REP_ROWS (default 1000000). R runs on BENCH_REP_R_ROWS rows (default 100000:
# at 1M rows R needs most of an hour), and the ratio is taken against shopstat on the
# same R-sized file, so both do exactly the same job.
set -euo pipefail
BUILD=${1:-build}
ROWS=${BENCH_REP_ROWS:-1000000}
RROWS=${BENCH_REP_R_ROWS:-100000}
cd "$(dirname "$0")/.."
mkdir -p bench/data
S="$BUILD/shopstat"

# an export with rep1..rep80: generated once, then reused
make_data() {
    local rows=$1 base=bench/data/export-$1.csv out=bench/data/rep80-$1.csv
    [ -s "$base" ] || "$BUILD/tools/gen_export" "$rows" >"$base"
    [ -s "$out" ] || "$S" replicate "$base" --weight wt --strata region --psu panel \
        --type bootstrap --replicates 80 --seed 7 -o "$out" 2>/dev/null
    echo "$out"
}

# wall-clock seconds and peak RSS (MB) of one run
measure() {
    /usr/bin/time -o /tmp/shopstat-bench-rep.time -f '%e %M' "$@" >/dev/null 2>&1
    local out
    out=$(tail -1 /tmp/shopstat-bench-rep.time)
    echo "${out% *} $((${out#* } / 1024))"
}

job() {
    echo tab "$1" --weight wt --repweights rep --reptype bootstrap --var would_switch \
        --var satisfaction --multi pref=pref_email,pref_phone,pref_form --by spend_6m \
        --segment heavy=spend_6m:3 --segment 'happy=satisfaction:>=4' -o /tmp/shopstat-bench-rep.csv
}

DATA=$(make_data "$ROWS")
cat "$DATA" >/dev/null
echo "replicate weights: $DATA ($ROWS rows x 80 bootstrap replicates, $(du -m "$DATA" | cut -f1) MB)"
# shellcheck disable=SC2046
read -r t m < <(measure "$S" $(job "$DATA"))
printf '%-44s %8s s  %6s MB\n' "shopstat tab, 80 replicates, $ROWS rows" "$t" "$m"

if command -v Rscript >/dev/null && Rscript -e 'library(survey)' >/dev/null 2>&1; then
    RDATA=$(make_data "$RROWS")
    # shellcheck disable=SC2046
    read -r ts ms < <(measure "$S" $(job "$RDATA"))
    read -r tr mr < <(measure Rscript bench/r_rep.R "$RDATA")
    printf '%-44s %8s s  %6s MB\n' "shopstat tab, 80 replicates, $RROWS rows" "$ts" "$ms"
    printf '%-44s %8s s  %6s MB  shopstat is %.0fx faster\n' \
        "R survey, same job, $RROWS rows (r_rep.R)" "$tr" "$mr" "$(awk "BEGIN{print $tr / $ts}")"
else
    echo "R survey: not installed (apt-get install r-base-core r-cran-survey), skipped"
fi
