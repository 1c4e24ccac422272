#!/bin/sh
# Makes two exports from shop_codes.csv (sh make_shop_codes.sh first) for describe's
# totals rows. shop_totals_sums.csv: resp, enseigne (the store's brand), montant,
# delai_h, nb_visites, note for the 600 shoppers, then the row a spreadsheet's SUM left
# under them with no label: blank but the sums of montant (2 decimals), delai_h (1) and
# nb_visites. shop_total_brand.csv: the same 600 rows without the sums, the last
# shopper's brand being "Total" (a chain of petrol stations' shops: a respondent like
# any other, whose row is full and holds no sum).
set -eu
cd "$(dirname "$0")"
awk -F, 'BEGIN { OFS = ","; split("Carrefour Leclerc Auchan Intermarche Casino Lidl Monoprix", b, " ") }
NR == 1 { print "resp,enseigne,montant,delai_h,nb_visites,note"; next }
{ print $1, b[1 + $2 % 7], $5, $6, $8, $9; m += $5 * 100; d += $6 * 10; v += $8 }
END { printf ",,%.2f,%.1f,%d,\n", m / 100, d / 10, v }' shop_codes.csv >shop_totals_sums.csv
awk -F, 'BEGIN { OFS = "," } NR <= 601 { if (NR == 601) $2 = "Total"; print }' \
    shop_totals_sums.csv >shop_total_brand.csv
