#!/usr/bin/env bash
# Regenerates the pictures of README.md and docs/charts.md from the bundled survey (synthetic
# data), with the commands README.md shows. Run from the repository root after `make`.
set -euo pipefail
S=${SHOPSTAT:-build/shopstat}
D=surveys/servicesoft-1999/respondents.csv
SRC="shopstat bundled survey servicesoft-1999: SYNTHETIC microdata built to match the figures Servicesoft published in 1999"
design=(--weight wt --strata region --psu panel)
contact=(--multi contact=pref_email,pref_phone,pref_form,pref_mail --segment heavy=spend_6m:3)

# README.md: the contact channels, bars with letters, then the differences
$S compare $D "${design[@]}" "${contact[@]}" --pair heavy:all --chart-type bars \
    --chart docs/readme-bars.png --chart-size 720x405 --title "Preferred contact channels" \
    --subtitle 'All online buyers and heavy buyers (spent over $2,000 in six months)' \
    --source "$SRC" >/dev/null
$S compare $D "${design[@]}" "${contact[@]}" --pair heavy:all \
    --chart docs/readme-diff.png --chart-size 720x300 \
    --title "Where heavy buyers differ: preferred contact channels" --source "$SRC" >/dev/null

# docs/charts.md: the two chart types, titled by the question's name as without --title
$S compare $D "${design[@]}" "${contact[@]}" --pair heavy:all --chart-type bars \
    --chart docs/chart-bars.png --chart-size 720x480 --source "$SRC" >/dev/null
$S compare $D "${design[@]}" "${contact[@]}" --pair heavy:all \
    --chart docs/chart-diff.png --chart-size 720x360 --source "$SRC" >/dev/null
# docs/charts.md: a score chart, from chartdemo's synthetic NPS
build/tools/chartdemo --size 720x400 score_nps docs/chart-score.png
# README.md: the bundled report's first chart page (after the title page and the contents),
# as pdftoppm renders it at 60 dpi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
$S report surveys/servicesoft-1999/survey.yml -o "$tmp/report" --quiet
pdftoppm -png -r 60 -f 3 -l 3 -singlefile "$tmp/report/report.pdf" docs/report-switch
echo "docs/images.sh: readme-bars, readme-diff, chart-bars, chart-diff, chart-score, report-switch .png written"
