#!/usr/bin/env bash
# A report spec of many questions and segments paired sparsely by its tables (each table one
# question in 1-3 segments, every other one compared with the rest), and the report's peak
# memory: docs/performance.md, "Sparse cells". SYNTHETIC data, made here.
#   bench/sparse.sh [BUILD] [QUESTIONS] [SEGMENTS] [ROWS] [SCORES]
#   (defaults: build 300 300 20000 0; SCORES 1 gives every question a score: mean)
# The data: QUESTIONS columns of two answers, SEGMENTS segments "dK == V" over columns of ten
# values, 10 strata x 10 PSUs; table i shows question i % QUESTIONS in segments i, i+1 and
# i+7 (1 + i % 3 of them). Prints the peak RSS of the report on 1 and 2 threads (GNU time).
set -euo pipefail
BUILD=${1:-build}
NQ=${2:-300}
NS=${3:-300}
ROWS=${4:-20000}
SCORES=${5:-0}
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/time ]; then
    echo "sparse: needs GNU time (apt-get install time)"
    exit 1
fi
D=$(mktemp -d /tmp/shopstat-sparse-XXXXXX)
trap 'rm -rf "$D"' EXIT
ND=$(((NS + 9) / 10))
awk -v nq="$NQ" -v nd="$ND" -v rows="$ROWS" 'BEGIN {
    srand(1); printf "region,panel,wt"
    for (q = 0; q < nq; q++) printf ",q%d", q
    for (d = 0; d < nd; d++) printf ",d%d", d
    print ""
    for (r = 0; r < rows; r++) {
        printf "R%d,%d,%.4f", int(rand() * 10), int(rand() * 10), 0.5 + 1.5 * rand()
        for (q = 0; q < nq; q++) printf ",%d", 1 + int(rand() * 2)
        for (d = 0; d < nd; d++) printf ",%d", 1 + int(rand() * 10)
        print ""
    } }' >"$D/data.csv"
{
    printf 'survey: sparse\ndata: data.csv\ndesign: {weight: wt, strata: region, psu: panel}\n'
    echo "questions:"
    score=""
    [ "$SCORES" = 1 ] && score=", score: mean"
    for q in $(seq 0 $((NQ - 1))); do echo "  q$q: {column: q$q$score}"; done
    echo "segments:"
    for k in $(seq 0 $((NS - 1))); do echo "  s$k: {where: \"d$((k / 10)) == $((k % 10 + 1))\"}"; done
    echo "tables:"
    n=$((NQ > NS ? NQ : NS))
    for i in $(seq 0 $((n - 1))); do
        segs="s$((i % NS))"
        [ $((i % 3)) -ge 1 ] && segs="$segs, s$(((i + 1) % NS))"
        [ $((i % 3)) -ge 2 ] && segs="$segs, s$(((i + 7) % NS))"
        cmp=""
        [ $((i % 2)) -eq 1 ] && cmp=", compare: [\"s$((i % NS)):rest\"]"
        echo "  - {name: t$i, question: q$((i % NQ)), segments: [$segs]$cmp, chart: none}"
    done
} >"$D/spec.yml"
echo "$NQ questions x $NS segments, $ROWS rows, 100 PSUs, $n tables"
for th in 1 2; do
    /usr/bin/time -f "%M" -o "$D/rss" "$BUILD/shopstat" report "$D/spec.yml" -o "$D/out$th" \
        --quiet --no-charts --threads "$th"
    printf 'threads %d: peak RSS %d MB, %d rows of tables.csv\n' "$th" $(($(cat "$D/rss") / 1024)) \
        "$(($(wc -l <"$D/out$th/tables.csv") - 1))"
done
cmp -s "$D/out1/tables.csv" "$D/out2/tables.csv" || echo "sparse: tables.csv differs between 1 and 2 threads"
