#!/usr/bin/env bash
# make profile: instructions per row of the benchmark's typical run under callgrind, next to
# a bare libcsv pass (tools/csvpass) and shopstat's chunked reading alone (tools/readpass),
# all on one thread. Instruction counts do not move with the load of the machine the way
# times do, so they compare builds that wall-clock times on a shared host cannot separate.
# Rows: PROFILE_ROWS (default 1000000). The callgrind files stay in bench/data/ for
# callgrind_annotate (source lines: callgrind_annotate --auto=yes FILE).
set -euo pipefail
BUILD=${1:-build}
ROWS=${PROFILE_ROWS:-1000000}
TOP=${PROFILE_TOP:-14}
cd "$(dirname "$0")/.."
if ! command -v valgrind >/dev/null || ! command -v callgrind_annotate >/dev/null; then
    echo "profile: needs valgrind (apt-get install valgrind)"
    exit 1
fi
mkdir -p bench/data
D=bench/data/export-$ROWS.csv
[ -s "$D" ] || "$BUILD/tools/gen_export" "$ROWS" > "$D"

# the typical run of bench/run.sh
# shellcheck disable=SC2054
JOB=(--weight wt --strata region --psu panel --var satisfaction
     --multi pref=pref_email,pref_phone,pref_form --multi-codes problems=problems
     --by spend_6m --segment heavy=spend_6m:3 --segment 'happy=satisfaction:>=4'
     --segment switch=would_switch:1)

# run NAME CMD...: callgrind's total instructions of CMD, per row
run() {
    local name=$1 out=bench/data/callgrind.$1.out
    shift
    valgrind --tool=callgrind --callgrind-out-file="$out" "$@" >/dev/null 2>&1 || {
        echo "profile: $name failed under valgrind: $*" >&2
        exit 1
    }
    callgrind_annotate "$out" | awk -v rows="$ROWS" '
        /PROGRAM TOTALS/ && !done { gsub(",", "", $1); printf "%.0f", $1 / rows; done = 1 }'
}

echo "instructions per row, $ROWS rows of $D, one thread (callgrind)"
bare=$(run csvpass "$BUILD/tools/csvpass" "$D")
read1=$(run readpass "$BUILD/tools/readpass" --threads 1 "$D")
tab1=$(run tab "$BUILD/shopstat" tab "$D" "${JOB[@]}" --threads 1 -o /tmp/shopstat-profile.csv)
rm -f /tmp/shopstat-profile.csv
printf '%-44s %6s  %5s\n' "" "Ir/row" "ratio"
printf '%-44s %6s  %5.2f\n' "bare libcsv pass (tools/csvpass)" "$bare" 1
printf '%-44s %6s  %5.2f\n' "reading only (tools/readpass --threads 1)" "$read1" \
    "$(awk "BEGIN{print $read1 / $bare}")"
printf '%-44s %6s  %5.2f\n' "shopstat tab, the typical run" "$tab1" \
    "$(awk "BEGIN{print $tab1 / $bare}")"
echo
echo "shopstat tab: the $TOP functions with the most instructions (self), per row"
callgrind_annotate bench/data/callgrind.tab.out | sed -E 's/\( +/(/' |
    awk -v rows="$ROWS" -v top="$TOP" '
    /file:function/ { on = 1; next }
    on && /^-/ { if (n) on = 0; next }
    on && NF >= 3 && n < top {
        ir = $1; gsub(",", "", ir)
        fn = $3; sub(/^.*:/, "", fn)
        pct = $2; gsub(/[()]/, "", pct)
        printf "  %-36s %6.0f  %6s\n", fn, ir / rows, pct
        n++
    }'
