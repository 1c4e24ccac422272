#!/bin/sh
# Makes shop_codes_stripped.csv: a synthetic survey of 600 shoppers whose export lost what
# told its codes from its measures. Codes: lieu, the store's number under a name that says
# nothing (3 digits, 101 to 250, each store about as often); domicile, the shopper's German
# postcode (one of 80 PLZ, 01001 to 99998) with the leading 0 a spreadsheet dropped (1067
# for 01067: 4 and 5 digits); shop_visited, a 2-digit shop number. Measures: q7, a basket
# in whole euros, 100 to 999, skewed to its low end (3 digits each, as the stores'); age,
# 18 to 80; visites, a count, 0 to 40; taille_cm, a height in cm (150 to 199, about its
# middle); note, a 1-5 rating. A fixed generator (Park-Miller), so the file is the same on
# every machine: sh make_shop_codes_stripped.sh
set -eu
cd "$(dirname "$0")"
awk 'BEGIN {
    seed = 20261205
    for (k = 1; k <= 80; k++) plz[k] = 1001 + int(rnd() * 98998)
    print "resp,lieu,domicile,shop_visited,q7,age,visites,taille_cm,note"
    for (i = 1; i <= 600; i++) {
        lieu = 101 + int(rnd() * 150)
        dom = plz[1 + int(rnd() * 80)]
        shop = 12 + int(rnd() * 76)
        q7 = 100 + int(60 * (-log(1 - rnd())) * (1 + rnd()))
        if (q7 > 999) q7 = 999
        age = 18 + int(rnd() * rnd() * 63)
        v = int(rnd() * rnd() * 41)
        t = 150 + int((rnd() + rnd() + rnd()) / 3 * 50)
        printf "%d,%d,%d,%d,%d,%d,%d,%d,%d\n", i, lieu, dom, shop, q7, age, v, t, 1 + int(rnd() * 5)
    }
}
# Park-Miller minimal standard generator, in [0, 1)
function rnd() { seed = (seed * 16807) % 2147483647; return seed / 2147483647 }' >shop_codes_stripped.csv
