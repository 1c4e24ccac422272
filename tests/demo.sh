#!/usr/bin/env bash
# make demo: the report of the bundled Servicesoft survey (SYNTHETIC data built to match the
# published 1999 figures): every table, comparison and chart of its spec, from one pass.
set -euo pipefail
S=${1:-build/shopstat}
SPEC=surveys/servicesoft-1999/survey.yml
OUT=out/servicesoft-1999
echo "== shopstat report $SPEC  (SYNTHETIC data reproducing the published figures)"
"$S" report "$SPEC" -o "$OUT"
echo
echo "== Heavy buyers vs all buyers (from $OUT/report.md)"
sed -n '/^## Would switch/,/^## Bought more/p' "$OUT/report.md" | sed '$d'
echo "Outputs in $OUT/:"
echo "  report.pdf (title page + one chart per table, and per score; short ones stacked), charts/*.pdf|png, report.md,"
echo "  tables.xlsx, tables.csv, comparisons.csv, scores.csv, run.json"
