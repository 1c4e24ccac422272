#!/bin/sh
# Makes decipher_export.csv: a synthetic panel export as Decipher (and Alchemer) write one,
# 60 respondents. A UTF-8 BOM, CRLF line ends, a trailing empty column (each line ends with
# a delimiter); the header names the variables and the row under it holds each question's
# text (accents and quotes: 'Where did you hear of "Le Petit Marché"? - TV'), so it wants
# --skip-rows 1. record (three respondents exported twice, at the end), status ("Screened
# out" rows have no weight and no answers but q1 = 1), region (the strata, accented),
# hweight (the weight), q1 buying frequency 2-5 (heavy = 4, 5), q2 shops as codes in one
# cell ("3;5;6"; "98" alone: don't know), q3r1..q3r5 0/1 ticks, q4_Email.. "Selected" or
# blank, q5 a 1-5 satisfaction with 98 "don't know" (and 99 "refused" in longer runs), q6 a
# text scale with "Don't know", q7 0-10 with 98, q8 comments. A fixed generator
# (Park-Miller), so the file is the same on every machine: sh make_decipher_export.sh
set -eu
cd "$(dirname "$0")"
awk 'BEGIN {
    x = 20260415
    printf "\357\273\277record,uuid,status,region,hweight,q1,q2,q3r1,q3r2,q3r3,q3r4,q3r5,q4_Email,q4_Phone,q4_Chat,q5,q6,q7,q8,\r\n"
    printf "Record ID,UUID,Status,Région,Weight,How often have you bought online in the past 6 months?,"
    printf "\"Which of these shops have you bought from? (select all)\","
    printf "\"Where did you hear of \"\"Le Petit Marché\"\"? - TV\",\"Where did you hear of \"\"Le Petit Marché\"\"? - Radio\","
    printf "\"Where did you hear of \"\"Le Petit Marché\"\"? - Press\",\"Where did you hear of \"\"Le Petit Marché\"\"? - Social media\","
    printf "\"Where did you hear of \"\"Le Petit Marché\"\"? - Friends\","
    printf "How would you like to be contacted? - Email,How would you like to be contacted? - Phone,How would you like to be contacted? - Chat,"
    printf "Overall satisfaction (1 = very dissatisfied ... 5 = very satisfied; 98 = don’t know; 99 = refused),"
    printf "How likely are you to buy again from Le Petit Marché?,How likely are you to recommend us (0-10)?,Comments,\r\n"
    split("Île-de-France|Nord|Sud-Ouest|Rhône-Alpes", reg, "|")
    split("Very likely|Somewhat likely|Not very likely|Not at all likely|Don'"'"'t know|Prefer not to say", lk, "|")
    split("Great, \"\"fast\"\" delivery|Trop cher|Service après-vente lent|", com, "|")
    n = 0
    for (i = 1; i <= 60; i++) {
        screened = (r(100) < 12)
        rg = 1 + r(4)
        q1 = screened ? 1 : 2 + r(4)
        line = sprintf("%d,%08x-%04x,%s,%s", 1000 + i, r(2147483647), r(65535), screened ? "Screened out" : "Complete", reg[rg])
        if (screened) { line = line ",," q1 ",,,,,,,,,,,,,,"; emit(line); continue }
        wt = 0.5 + r(150) / 100 + (rg == 1 ? 0.4 : 0)
        line = line "," sprintf("%.4f", wt) "," q1
        # q2: codes in one cell
        c = ""
        for (k = 1; k <= 8; k++) if (r(100) < 15 + 5 * k + (q1 >= 4 ? 15 : 0)) c = c (c == "" ? "" : ";") k
        if (c == "") c = (r(3) == 0 ? "98" : "")
        line = line "," c
        for (k = 1; k <= 5; k++) line = line "," (r(100) < 20 + 10 * k ? 1 : 0)
        for (k = 1; k <= 3; k++) line = line "," (r(100) < 60 - 15 * k + (q1 >= 4 ? 10 : 0) ? "Selected" : "")
        s = 1 + r(5); if (q1 >= 4 && s < 3 && r(2)) s += 2
        u = r(100); if (u < 4) s = 98; else if (u < 6) s = 99
        line = line "," s
        l = 1 + r(4); if (q1 >= 4 && l > 1 && r(2)) l--
        u = r(100); if (u < 5) l = 5; else if (u < 7) l = 6
        line = line "," lk[l]
        p = r(11); if (q1 >= 4 && p < 8) p += r(4)
        if (r(100) < 5) p = 98
        line = line "," p
        cc = com[1 + r(4)]
        line = line "," (cc ~ /[,"]/ ? "\"" cc "\"" : cc) ","
        emit(line)
    }
    # a few respondents exported twice
    printf "%s\r\n", rows[17]; printf "%s\r\n", rows[31]; printf "%s\r\n", rows[52]
}
function emit(l) { n++; rows[n] = l; printf "%s\r\n", l }
function r(m) { x = (x * 16807) % 2147483647; return int(x / 2147483647 * m) }' >decipher_export.csv
