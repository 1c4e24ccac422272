#!/usr/bin/env bash
# make demo: run shopstat on the bundled Servicesoft survey (synthetic data built to match
# the published 1999 figures) and show the tables a report would start from.
set -euo pipefail
S=${1:-build/shopstat}
D=surveys/servicesoft-1999/respondents.csv
DESIGN="--weight wt --strata region --psu panel"
echo "== Servicesoft 1999 (SYNTHETIC data reproducing the published figures): heavy vs all buyers"
"$S" tab "$D" $DESIGN --var would_switch --var bought_more \
    --multi channel=pref_email,pref_phone,pref_form,pref_mail \
    --segment heavy=spend_6m:3 --format table
echo
echo "== Heavy buyers vs all buyers (overlapping segments, design-based tests)"
"$S" compare "$D" $DESIGN --var would_switch --var bought_more \
    --multi channel=pref_email,pref_phone,pref_form,pref_mail \
    --segment heavy=spend_6m:3 --pair heavy:all --format table
