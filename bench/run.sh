#!/usr/bin/env bash
# Times describe on a generated 1M-row export against a bare libcsv pass (the baseline)
# and a bare shopstat reader pass; prints seconds (best of 3) and the ratios.
set -eu
BUILD=${1:-build}
cd "$(dirname "$0")/.."
data=bench/data/export_1m.csv
mkdir -p bench/data
[ -s "$data" ] || "$BUILD"/tools/gen_export 1000000 > "$data"
cat "$data" > /dev/null   # warm the page cache so every run reads from memory
best() {
    local b=999
    for _ in 1 2 3; do
        local s e
        s=$(date +%s.%N); "$@" > /dev/null; e=$(date +%s.%N)
        b=$(echo "$e - $s" | bc -l | awk -v b="$b" '{print ($1 < b) ? $1 : b}')
    done
    printf '%.3f' "$b"
}
base=$(best "$BUILD"/tools/csvpass "$data")
read=$(best "$BUILD"/tools/readpass "$data")
plain=$(best "$BUILD"/shopstat describe "$data")
design=$(best "$BUILD"/shopstat describe "$data" --weight wt --strata region --psu panel)
printf 'file: %s (%s bytes)\n' "$data" "$(stat -c %s "$data")"
printf '%-44s %7s s\n' "libcsv pass (tools/csvpass, baseline)" "$base"
printf '%-44s %7s s  x%.2f\n' "shopstat reader pass (tools/readpass)" "$read" "$(echo "$read / $base" | bc -l)"
printf '%-44s %7s s  x%.2f\n' "describe" "$plain" "$(echo "$plain / $base" | bc -l)"
printf '%-44s %7s s  x%.2f\n' "describe --weight --strata --psu" "$design" "$(echo "$design / $base" | bc -l)"
