#!/bin/sh
# Makes shop_codes.csv: a synthetic retail customer survey of 600 shoppers, as a chain's
# export holds it, with numbers that are codes beside numbers that are measures (describe
# proposes a mean and a median for the latter only). Codes: store, the store's number
# (4 digits, 1001 to 1240, about 2.5 shoppers a store), lieu, the same number again under
# a name that says nothing, cp, the shopper's French postcode (5 digits as text,
# leading zeros kept: 01000 Bourg-en-Bresse, 06000 Nice; 60 postcodes). Measures:
# montant, the basket in euros (2 decimals), delai_h, the delivery time in hours (1
# decimal), budget, the monthly budget in euros (multiples of 50, 1000 to 9950: four
# digits each, rounded as amounts are), nb_visites (visits this year, 0 to 40); note, a
# 1-5 rating. A fixed generator (Park-Miller), so the file is the same on every machine:
# sh make_shop_codes.sh
set -eu
cd "$(dirname "$0")"
awk 'BEGIN {
    seed = 20261204
    split("01000 01100 02100 06000 06100 06200 07000 13001 13008 13100 " \
          "14000 17000 21000 25000 29200 31000 31100 33000 33100 34000 " \
          "35000 37000 38000 38100 42000 44000 45000 49000 51100 54000 " \
          "57000 59000 59100 63000 64000 67000 67100 68100 69001 69003 " \
          "69007 72000 74000 75008 75011 75015 75017 75020 76000 76600 " \
          "80000 83000 84000 86000 87000 90000 92100 93100 94000 95000", cp, " ")
    print "resp,store,lieu,cp,montant,delai_h,budget,nb_visites,note"
    for (i = 1; i <= 600; i++) {
        store = 1001 + int(rnd() * 240)
        c = cp[1 + int(rnd() * 60)]
        # a right-skewed basket: 5 to about 400 euros
        m = 5 + 40 * (-log(1 - rnd())) * (1 + rnd())
        d = 2 + 30 * (-log(1 - rnd()))
        b = 1000 + 50 * int(rnd() * 180)
        v = int(rnd() * rnd() * 41)
        n = 1 + int(rnd() * 5)
        printf "%d,%d,%d,%s,%.2f,%.1f,%d,%d,%d\n", i, store, store, c, m, d, b, v, n
    }
}
# Park-Miller minimal standard generator, in [0, 1)
function rnd() { seed = (seed * 16807) % 2147483647; return seed / 2147483647 }' >shop_codes.csv
