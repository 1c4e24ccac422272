#!/bin/sh
# Makes surveymonkey_export.csv: a synthetic SurveyMonkey CSV export ("expanded" columns,
# two header rows), 40 respondents. Row 1 holds each question's text over its first
# column only; row 2 "Response" (single choice), "Open-Ended Response" (text) or one
# option per column (multi-select, grid). A ticked multi-select cell holds its option's
# label, an unticked one is blank; "Other (please specify)" holds the text typed. region
# and wt (a weight) are added columns with an empty second-row cell. A fixed generator
# (Park-Miller), so the file is the same on every machine: sh make_surveymonkey_export.sh
set -eu
cd "$(dirname "$0")"
awk 'BEGIN {
    x = 20261202
    q1 = "How satisfied were you with our customer service?"
    q2 = "Which channels would you use to contact us? (select all that apply)"
    q3 = "How would you rate us on each of the following?"
    q4 = "What problems, if any, did you have with your order?"
    q5 = "Any other comments, big or small?"
    printf "Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,"
    printf "First Name,Last Name,Custom Data 1,%s,%s,,,,,%s,,\"%s\",,,\"%s\",region,wt\r\n", q1, q2, q3, q4, q5
    printf ",,,,,,,,,Response,Phone,Email,Web form,Live chat,Other (please specify),Price,"
    printf "Delivery,Late delivery,Damaged item,Wrong item,Open-Ended Response,,\r\n"
    split("Very satisfied|Satisfied|Neither|Dissatisfied", sat, "|")
    split("Good|Fair|Poor", grid, "|")
    split("North|South", reg, "|")
    split("via my bank|a letter|text message", other, "|")
    split("Great service|Slow site|Thanks", comm, "|")
    split("Phone|Email|Web form|Live chat", ch, "|")
    split("Late delivery|Damaged item|Wrong item", pb, "|")
    for (i = 0; i < 40; i++) {
        line = sprintf("%d,410712,11/%02d/2026 09:%02d:00 AM,11/%02d/2026 09:%02d:00 AM,,,,,",
                       118000000 + 7 * i, 1 + i % 28, i % 60, 1 + i % 28, (i + 4) % 60)
        line = line "," sat[1 + r(4)]
        for (k = 1; k <= 4; k++)
            line = line "," (r(100) < 30 + 10 * k ? ch[k] : "")
        # (every fourth row ticks no channel: not in that question base)
        if (i % 4 == 3) { sub(/,[^,]*,[^,]*,[^,]*,[^,]*$/, ",,,,", line) }
        line = line "," (r(100) < 15 ? other[1 + r(3)] : "")
        line = line "," grid[1 + r(3)] "," grid[1 + r(3)]
        for (k = 1; k <= 3; k++)
            line = line "," (r(100) < 15 + 10 * k ? pb[k] : "")
        line = line "," (r(100) < 40 ? comm[1 + r(3)] " (" i ")" : "")
        line = line "," reg[1 + r(2)] "," sprintf("%.2f", 0.6 + r(100) / 100)
        printf "%s\r\n", line
    }
}
function r(n) { x = (x * 16807) % 2147483647; return int(x / 2147483647 * n) }' >surveymonkey_export.csv
