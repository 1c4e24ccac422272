#!/usr/bin/env bash
# Compare builds on a shared, noisy host: the typical run of each build (and the bare libcsv
# pass, named `bare`) run in turn, round after round, so that every build meets the same
# minutes; then each one's wall time, min / first quartile / median over the rounds, and
# the median's ratio to the bare pass's when that was run.
#
#   bench/ab.sh FILE BUILD...            BUILD: a directory holding shopstat, or bare
#   AB_ROUNDS=10 AB_THREADS=2            (the defaults)
#
# For instance, the commit before against the working tree:
#   git worktree add /tmp/before HEAD~1 && make -C /tmp/before
#   bench/ab.sh bench/data/export-10000000.csv bare /tmp/before/build build
set -euo pipefail
if [ $# -lt 2 ]; then
    echo "usage: bench/ab.sh FILE BUILD... (BUILD: a build directory, or bare)" >&2
    exit 2
fi
FILE=$1
shift
ROUNDS=${AB_ROUNDS:-10}
THREADS=${AB_THREADS:-2}
HERE=$(cd "$(dirname "$0")/.." && pwd)
[ -r "$FILE" ] || { echo "bench/ab.sh: $FILE: cannot read" >&2; exit 2; }
for b in "$@"; do
    if [ "$b" != bare ] && [ ! -x "$b/shopstat" ]; then
        echo "bench/ab.sh: $b/shopstat: no such program" >&2
        exit 2
    fi
done
[ -x "$HERE/build/tools/csvpass" ] || make -C "$HERE" -s all >/dev/null

csv=$(mktemp)
stamps=$(mktemp)
times=$(mktemp)
trap 'rm -f "$csv" "$stamps" "$times"' EXIT
cat "$FILE" >/dev/null # every run reads from the page cache

echo "load: $(cut -d' ' -f1-3 /proc/loadavg); $ROUNDS rounds, $THREADS threads, $FILE"
for ((i = 0; i < ROUNDS; i++)); do
    for b in "$@"; do
        t0=$EPOCHREALTIME # (to the microsecond: GNU time's %e has 10 ms steps)
        if [ "$b" = bare ]; then
            "$HERE/build/tools/csvpass" "$FILE" >/dev/null
        else
            "$b/shopstat" tab "$FILE" --weight wt --strata region --psu panel \
                --var satisfaction --multi pref=pref_email,pref_phone,pref_form \
                --multi-codes problems=problems --by spend_6m --segment heavy=spend_6m:3 \
                --segment 'happy=satisfaction:>=4' --segment switch=would_switch:1 \
                --threads "$THREADS" -o "$csv" >/dev/null
        fi
        t1=$EPOCHREALTIME
        echo "$b ${t0/./} ${t1/./}" >>"$stamps"
    done
done
awk '{ printf "%s %.6f\n", $1, ($3 - $2) / 1e6 }' "$stamps" >"$times" # (microseconds)
bare_med=$(awk '$1 == "bare" { print $2 }' "$times" | sort -n |
    awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }')
for b in "$@"; do
    awk -v b="$b" '$1 == b { print $2 }' "$times" | sort -n |
        awk -v b="$b" -v bare="$bare_med" '{ a[NR] = $1 }
        END {
            med = a[int((NR + 1) / 2)]
            printf "%-40s %.3f / %.3f / %.3f s", b, a[1], a[int((NR + 3) / 4)], med
            if (bare != "" && b != "bare")
                printf "   median / bare median %.2f", med / bare
            printf "\n"
        }'
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
