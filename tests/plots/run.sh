#!/usr/bin/env bash
# Chart tests: render every chart type with build/tools/chartdemo and check the output with
# poppler (pdfinfo, pdftotext, pdftotext -bbox): page count and size, titles, labels, values and
# bases present, byte-identical re-renders (PDF, SVG, PNG), and text boxes inside the page
# without overlaps (long and non-ASCII labels included). Ends with "N passed, N failed".
set -u
BUILD=${BUILD:-build}
root=$(cd "$(dirname "$0")/../.." && pwd)
demo="$root/$BUILD/tools/chartdemo"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0; failed=0
ok() { passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

if [ ! -x "$demo" ]; then
    fail "$demo not built"
    echo "$passed passed, $failed failed"; exit 1
fi
for t in pdfinfo pdftotext; do
    command -v $t >/dev/null || { fail "$t not installed (poppler-utils)"; echo "$passed passed, $failed failed"; exit 1; }
done

# render DEMO FILE [chartdemo options...]: must succeed.
render() {
    local d=$1 f=$2; shift 2
    if "$demo" "$@" "$d" "$f" 2>"$TMP/err"; then ok; else fail "render $d -> $f: $(cat "$TMP/err")"; fi
}
# pdf_pages FILE N, pdf_size FILE "W x H"
pdf_pages() {
    local n; n=$(pdfinfo "$1" 2>/dev/null | sed -n 's/^Pages: *//p')
    [ "$n" = "$2" ] && ok || fail "$1: $n pages, expected $2"
}
pdf_size() {
    local s; s=$(pdfinfo "$1" 2>/dev/null | sed -n 's/^Page size: *\([0-9.]* x [0-9.]*\) pts.*/\1/p')
    [ "$s" = "$2" ] && ok || fail "$1: page size '$s', expected '$2'"
}
# has FILE TEXT... : each text occurs in pdftotext's output (layout off, one line per block).
has() {
    local f=$1; shift
    pdftotext -enc UTF-8 "$f" "$TMP/text.txt" 2>/dev/null
    tr '\n' ' ' <"$TMP/text.txt" | sed 's/  */ /g' >"$TMP/flat.txt"
    for t in "$@"; do
        if grep -qF -- "$t" "$TMP/flat.txt"; then ok; else fail "$(basename "$f"): text '$t' missing"; fi
    done
}
# before FILE A B: A's first occurrence precedes B's (top-to-bottom reading order).
before() {
    pdftotext -enc UTF-8 "$1" - 2>/dev/null | tr '\n' ' ' >"$TMP/o.txt"
    local a b
    a=$(grep -bo -F -- "$2" "$TMP/o.txt" | head -1 | cut -d: -f1)
    b=$(grep -bo -F -- "$3" "$TMP/o.txt" | head -1 | cut -d: -f1)
    if [ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]; then ok; else fail "$(basename "$1"): '$2' not before '$3'"; fi
}
# boxes FILE: every word's box inside the page (5 pt clear of the edge), and no two words'
# boxes overlapping by more than 0.3 pt in both directions.
# words FILE: every word of the PDF, one per line: text, xMin, xMax, yMin, yMax (tab-separated)
words() {
    pdftotext -bbox "$1" - 2>/dev/null | awk '/<word / {
        s = $0; sub(/.*">/, "", s); sub(/<\/word>.*/, "", s)
        match($0, /xMin="[0-9.-]+"/); x0 = substr($0, RSTART + 6, RLENGTH - 7) + 0
        match($0, /xMax="[0-9.-]+"/); x1 = substr($0, RSTART + 6, RLENGTH - 7) + 0
        match($0, /yMin="[0-9.-]+"/); y0 = substr($0, RSTART + 6, RLENGTH - 7) + 0
        match($0, /yMax="[0-9.-]+"/); y1 = substr($0, RSTART + 6, RLENGTH - 7) + 0
        printf "%s\t%s\t%s\t%s\t%s\n", s, x0, x1, y0, y1 }'
}
boxes() {
    pdftotext -bbox "$1" "$TMP/bbox.html" 2>/dev/null || { fail "$1: pdftotext -bbox failed"; return; }
    local out
    out=$(awk '
        function check(   i, j, ox, oy) {
            for (i = 1; i <= n; i++) {
                if (x0[i] < 5 || y0[i] < 5 || x1[i] > W - 5 || y1[i] > H - 5)
                    printf "page %d: \"%s\" outside the page (%.1f %.1f %.1f %.1f)\n", p, w[i], x0[i], y0[i], x1[i], y1[i]
                for (j = i + 1; j <= n; j++) {
                    ox = (x1[i] < x1[j] ? x1[i] : x1[j]) - (x0[i] > x0[j] ? x0[i] : x0[j])
                    oy = (y1[i] < y1[j] ? y1[i] : y1[j]) - (y0[i] > y0[j] ? y0[i] : y0[j])
                    if (ox > 0.3 && oy > 0.3)
                        printf "page %d: \"%s\" overlaps \"%s\"\n", p, w[i], w[j]
                }
            }
        }
        /<page / { if (p) check(); p++; n = 0
                   match($0, /width="[0-9.]+"/); W = substr($0, RSTART + 7, RLENGTH - 8) + 0
                   match($0, /height="[0-9.]+"/); H = substr($0, RSTART + 8, RLENGTH - 9) + 0 }
        /<word / { n++
                   match($0, /xMin="[0-9.-]+"/); x0[n] = substr($0, RSTART + 6, RLENGTH - 7) + 0
                   match($0, /yMin="[0-9.-]+"/); y0[n] = substr($0, RSTART + 6, RLENGTH - 7) + 0
                   match($0, /xMax="[0-9.-]+"/); x1[n] = substr($0, RSTART + 6, RLENGTH - 7) + 0
                   match($0, /yMax="[0-9.-]+"/); y1[n] = substr($0, RSTART + 6, RLENGTH - 7) + 0
                   s = $0; sub(/.*">/, "", s); sub(/<\/word>.*/, "", s); w[n] = s }
        END { if (p) check(); if (!p) print "no pages" }' "$TMP/bbox.html")
    if [ -z "$out" ]; then ok; else fail "$(basename "$1"): text boxes"; printf '%s\n' "$out" | head -10; fi
}

# axis_ticks FILE PAGE REGEX: the words matching REGEX on the page's fullest row of such words
# (the tick labels of the axis), left to right, joined by spaces.
axis_ticks() {
    pdftotext -f "$2" -l "$2" -bbox "$1" "$TMP/ticks.html" 2>/dev/null
    awk -v re="$3" '/<word / {
            s = $0; sub(/.*">/, "", s); sub(/<\/word>.*/, "", s)
            if (s !~ re) next
            match($0, /xMin="[0-9.-]+"/); x = substr($0, RSTART + 6, RLENGTH - 7) + 0
            match($0, /yMin="[0-9.-]+"/); y = sprintf("%.0f", substr($0, RSTART + 6, RLENGTH - 7))
            n[y]++; w[y, n[y]] = s; xs[y, n[y]] = x }
        END { best = ""; for (y in n) if (best == "" || n[y] > n[best]) best = y
              for (i = 1; i <= n[best]; i++) for (j = i + 1; j <= n[best]; j++)
                  if (xs[best, j] < xs[best, i]) { t = xs[best, i]; xs[best, i] = xs[best, j]; xs[best, j] = t
                                                   t = w[best, i]; w[best, i] = w[best, j]; w[best, j] = t }
              for (i = 1; i <= n[best]; i++) printf "%s%s", (i > 1 ? " " : ""), w[best, i] }' "$TMP/ticks.html"
}

cd "$TMP" || exit 1

# --- every chart type renders, one page of the default A4 landscape size -------------------
for d in bars diff likert trend stress channel satisfied teletech_waves segments_vs_all reach_waves agree4 \
         score_nps score_mean score_lowbase score_long score_negative score_cut; do
    render $d $d.pdf
    pdf_pages $d.pdf 1
    pdf_size $d.pdf "842 x 595"
done
render all all.pdf
pdf_pages all.pdf 18

# --- content: titles, labels, values, bases, footers -------------------------------------------
has bars.pdf "Would you switch supplier after one poor service experience?" "Yes, would switch" \
    "69%" "87%" "All buyers n=836, eff. n=610" "Heavy buyers n=248, eff. n=180" \
    "95% confidence intervals (Wilson method)" "Source: Synthetic data built to match published figures" \
    "Base: Business buyers of office software, 1999"
before bars.pdf "Yes, would switch" "No, would stay"
before bars.pdf "No, would stay" "Don"
has satisfied.pdf "65%" "79%" "Bought more where satisfied"
has channel.pdf "Multiple answers allowed: percentages may add to more than 100%." "effective base below 30" "eff. n=24" "Telephone" "71%"
before channel.pdf "In person (technician visit)" "Other"
has diff.pdf "Where heavy buyers differ from all buyers" "+18 [" "p<0.001" "Holm" \
    "Would switch after poor service" "Adj. p" "(difference ± t × SE, design df)"
has likert.pdf "Certainly would switch" "Not sure" "Light buyers" "69%" "87%" "n=588, eff. n=430"
has trend.pdf "2010" "2011" "Reached a person by phone" "22%" "7%" "85%" "76%" "37%" "21%" "64%"
has teletech_waves.pdf "2010 wave" "2011 wave" "22%" "n/a"
has stress.pdf "Joignabilité du service client" "Überweisungsbestätigung" "ultérieur" \
    "Très gros acheteurs" "Autre (préciser)"
before stress.pdf "Überweisungsbestätigung" "Ne sait pas"
has segments_vs_all.pdf "Heavy minus all" "Public sector minus all" "p=0.620" "−5 [−22, +12]"
has reach_waves.pdf "2008" "2009" "Large companies" "Small companies" "27%" "Hollow points: effective base below 30" \
    "Large companies n=70" "Small companies n=25" "Small companies n=54"
# zoomed, but the 2% points keep the axis at 0%: no "does not start at 0%" warning
if grep -qF "Zoomed axis" "$TMP/flat.txt"; then fail "reach_waves.pdf: axis from 0% called zoomed"; else ok; fi
has agree4.pdf "Strongly disagree" "Strongly agree" "62%" "75%" "middle of the scale"
if grep -q "…" "$TMP/flat.txt"; then fail "stress.pdf: ellipsis found (labels must wrap)"; else ok; fi

# --- score charts: a dot per segment on the score's own axis, its value beside it -------------
# once WORD... (after has FILE): each word occurs exactly once among the PDF's words
once() {
    for t in "$@"; do
        local k; k=$(awk -F'\t' -v t="$t" '$1 == t { k++ } END { print k + 0 }' "$TMP/score.words")
        [ "$k" = 1 ] && ok || fail "$SCORE_PDF: '$t' found $k times, expected once"
    done
}
# The demo NPS are 100 x (promoters - detractors): 38-26, 52-21, 33-29, 21-35, 27-33 percent;
# signed, no % sign, each printed once (a tick of +50 or -100 is not a value).
SCORE_PDF=score_nps.pdf; words score_nps.pdf >"$TMP/score.words"
has score_nps.pdf "Net Promoter Score: % promoters (9-10) minus % detractors (0-6)." \
    "Whiskers: 95% confidence intervals (estimate ± t × SE, design df)." "+31 ▲" "−14 ▼" \
    "All buyers" "n=836, eff. n=610" "Significantly above / below all buyers"
once +12 +31 +4 −14 −6
if grep -qF -e "Hollow points" -e "Zoomed" "$TMP/flat.txt"; then fail "score_nps.pdf: a low-base or zoom note"; else ok; fi
t=$(axis_ticks score_nps.pdf 1 '^[+−0-9.]+$')
[ "$t" = "−100 −50 0 +50 +100" ] && ok || fail "score_nps.pdf axis ticks: '$t'"
# a 1-5 mean: two decimals, an axis of the scale's own ends and no zero line
SCORE_PDF=score_mean.pdf; words score_mean.pdf >"$TMP/score.words"
once 3.84 4.12 3.71 4.78
t=$(axis_ticks score_mean.pdf 1 '^[0-9.]+$')
[ "$t" = "1 2 3 4 5" ] && ok || fail "score_mean.pdf axis ticks: '$t'"
has score_mean.pdf "Key accounts" "n=19, eff. n=16" "Hollow points: effective base below 30; read with caution."
# a 0-10 mean: one decimal; a segment without an estimate says n/a
SCORE_PDF=score_lowbase.pdf; words score_lowbase.pdf >"$TMP/score.words"
once 7.4 6.1 5.3 n/a
t=$(axis_ticks score_lowbase.pdf 1 '^[0-9.]+$')
[ "$t" = "0 2 4 6 8 10" ] && ok || fail "score_lowbase.pdf axis ticks: '$t'"
# negative everywhere: 14-48, 11-56, 19-37
SCORE_PDF=score_negative.pdf; words score_negative.pdf >"$TMP/score.words"
once −34 −45 −18
has score_long.pdf "maintenance" "Particuliers" "+23"
# an interval past the scale's end (1.35 [0.76, 1.94], 4.82 [4.51, 5.13] on 1-5) is cut at
# the axis with an arrowhead, and the footer says so (it was cut without a mark: the cut
# read as the bound); so is score_mean's Key accounts, 4.78 [4.51, 5.05]; a chart whose
# intervals stay within the scale says nothing of it
has score_cut.pdf "1.35" "4.82" "An arrowhead: the interval runs on past the end of the axis (the tables give its bounds)."
has score_mean.pdf "An arrowhead: the interval runs on past the end of the axis"
for f in score_nps.pdf score_lowbase.pdf score_negative.pdf; do
    has "$f" "Whiskers"
    if grep -qF "An arrowhead" "$TMP/flat.txt"; then fail "$f: an arrowhead note without a cut interval"; else ok; fi
done
# zoomed: nice ticks around the values and CIs (the NPS from -28.7 to +42.6: -40 to +60 by 20;
# the means from 3.62 to the scale's top, 5: 3.5 to 5 by 0.5, every tick with its decimal),
# and the footer gives the whole scale
render score_nps znps.pdf --zoom
t=$(axis_ticks znps.pdf 1 '^[+−0-9.]+$')
[ "$t" = "−40 −20 0 +20 +40 +60" ] && ok || fail "zoomed score_nps axis ticks: '$t'"
has znps.pdf "Zoomed axis: the scale runs from −100 to +100."
render score_mean zmean.pdf --zoom
t=$(axis_ticks zmean.pdf 1 '^[0-9.]+$')
[ "$t" = "3.5 4.0 4.5 5.0" ] && ok || fail "zoomed score_mean axis ticks: '$t'"
has zmean.pdf "Zoomed axis: the scale runs from 1 to 5."
boxes znps.pdf
# Where things are drawn (the SVG's paths, in the PDF's points): the zero line (the one ink
# line) under the "0" tick; each filled dot at its value on the axis read from the centres of
# the end ticks; each value label level with its dot and right of it. NPS 12 31 4 -14 -6 top
# to bottom; the 1-5 means have no zero line.
score_geometry() { # PDF SVG LO HI LOLABEL HILABEL VALUES... -> problems, one a line
    local pdf=$1 svg=$2 lo=$3 hi=$4 lol=$5 hil=$6; shift 6
    words "$pdf" >"$TMP/g.words"
    # (a path's coordinates are the page's once its transform's translation is added: a chart
    # whose rows stop short of its page is drawn shifted down, centred)
    grep -o '<path style="[^"]*" d="[^"]*"[^>]*' "$svg" | awk -v lo="$lo" -v hi="$hi" -v lol="$lol" -v hil="$hil" \
        -v vals="$*" -v wf="$TMP/g.words" '
        BEGIN { # the tick labels: the row (yMin rounded) holding the most numbers
                while ((getline l < wf) > 0) { split(l, f, "\t"); n++; w[n] = f[1]; xc[n] = (f[2] + f[3]) / 2
                    xa[n] = f[2]; yc[n] = (f[4] + f[5]) / 2; row[n] = sprintf("%.0f", f[4])
                    if (f[1] ~ /^[+−0-9.]+$/ && ++cnt[row[n]] > cnt[best]) best = row[n] }
                for (k = 1; k <= n; k++) if (row[k] == best) {
                    if (w[k] == lol) xlo = xc[k]
                    if (w[k] == hil) xhi = xc[k]
                    if (w[k] == "0") x0 = xc[k] }
                nv = split(vals, v, " ") }
        { tx = 0; ty = 0
          if (match($0, /transform="matrix\(1,0,0,1,[-0-9.]+,[-0-9.]+\)"/)) {
              split(substr($0, RSTART + 26, RLENGTH - 28), t, ","); tx = t[1]; ty = t[2] } }
        /stroke:rgb\(13%,13%,13%\)/ && /d="M [0-9.]+ [0-9.]+ L [0-9.]+ [0-9.]+ "/ {
            split($0, p, "d=\"M "); split(p[2], q, " ")
            if (q[1] == q[4]) { nz++; zx = q[1] + tx } }
        /fill:rgb\(0%,44.705882%,69.803922%\)/ && /d="M [0-9.]+ [0-9.]+ C/ {
            split($0, p, "d=\"M "); split(p[2], q, " "); nd++; dx[nd] = q[1] - 4.5 + tx; dy[nd] = q[2] + ty }
        END {
            if (xlo == "" || xhi == "") { print "end ticks " lol " " hil " not found"; exit }
            if (lo < 0) {
                if (nz != 1) print nz + 0 " zero lines"
                else if (zx - x0 > 0.6 || x0 - zx > 0.6) print "zero line at x " zx ", the 0 tick at " x0
            } else if (nz) print nz " zero lines on a scale from " lo
            if (nd != nv) { print nd + 0 " dots, " nv " values"; exit }
            for (i = 1; i <= nd; i++) {
                want = xlo + (v[i] - lo) / (hi - lo) * (xhi - xlo)
                if (dx[i] - want > 0.6 || want - dx[i] > 0.6) printf "dot %d (%s) at x %.2f, want %.2f\n", i, v[i], dx[i], want
                lab = 0
                for (k = 1; k <= n; k++) if (w[k] ~ /^[+−0-9.]+$/ && xa[k] > dx[i] && yc[k] - dy[i] < 1.5 && dy[i] - yc[k] < 1.5) {
                    s = w[k]; gsub("−", "-", s); if (s + 0 == v[i] + 0) lab++ }
                if (lab != 1) printf "dot %d (%s): %d value labels level with it, right of it\n", i, v[i], lab
            } }'
}
"$demo" score_nps "$TMP/g.svg" && out=$(score_geometry score_nps.pdf "$TMP/g.svg" -100 100 −100 +100 12 31 4 -14 -6)
[ -z "$out" ] && ok || { fail "score_nps geometry"; printf '%s\n' "$out"; }
"$demo" score_negative "$TMP/g.svg" && out=$(score_geometry score_negative.pdf "$TMP/g.svg" -100 100 −100 +100 -34 -45 -18)
[ -z "$out" ] && ok || { fail "score_negative geometry"; printf '%s\n' "$out"; }
"$demo" score_mean "$TMP/g.svg" && out=$(score_geometry score_mean.pdf "$TMP/g.svg" 1 5 1 5 3.84 4.12 3.71)
[ -z "$out" ] && ok || { fail "score_mean geometry"; printf '%s\n' "$out"; }
"$demo" --zoom score_nps "$TMP/g.svg" && out=$(score_geometry znps.pdf "$TMP/g.svg" -40 60 −40 +60 12 31 4 -14 -6)
[ -z "$out" ] && ok || { fail "zoomed score_nps geometry"; printf '%s\n' "$out"; }

# cli COMMAND ARGS...: the program's tab and compare with --chart-decimals 0, their charts'
# percentages whole as before 2026-12-04 (they take one decimal by default now, as the table
# view: tests/cli tab_chart, tab_chart_decimals): the checks below read those labels
cli() {
    local c=$1
    shift
    case $c in
    tab | compare) "$root/$BUILD/shopstat" "$c" "$@" --chart-decimals 0 ;;
    *) "$root/$BUILD/shopstat" "$c" "$@" ;;
    esac
}

# --- the CLI: a --source that already says "Source:" is not prefixed twice --------------------
cli tab "$root/surveys/servicesoft-1999/respondents.csv" --weight wt \
    --var would_switch --source "Source: Servicesoft (1999), synthetic data" \
    --chart "$TMP/src.pdf" >/dev/null 2>&1 || fail "tab --chart --source failed"
has "$TMP/src.pdf" "Source: Servicesoft (1999), synthetic data"
if grep -qF "Source: Source" "$TMP/flat.txt"; then fail "source line says 'Source:' twice"; else ok; fi

# --- the CLI without --source: what the report's charts say ---------------------------------
# the bundled survey's spec beside its data gives its source: and note: (synthetic data)
cli compare "$root/surveys/servicesoft-1999/respondents.csv" --weight wt \
    --var would_switch --segment heavy=spend_6m:3 --pair heavy:all \
    --chart "$TMP/nosrc.pdf" >/dev/null 2>&1 || fail "compare --chart without --source failed"
has "$TMP/nosrc.pdf" "Source: Servicesoft / Jupiter Communications, end of 1999 (published figures)." \
    "SYNTHETIC DATA: respondent-level answers were generated"
# the same rows elsewhere: the file's name; a survey.yml there naming another file: the same
mkdir -p "$TMP/own"
cp "$root/surveys/servicesoft-1999/respondents.csv" "$TMP/own/panel.csv"
tables='questions: {would_switch: {column: would_switch}}\ntables: [{question: would_switch}]\n'
printf "survey: other\\ndata: other.csv\\nsource: \"Not this one\"\\n$tables" >"$TMP/own/survey.yml"
cli tab "$TMP/own/panel.csv" --weight wt --var would_switch \
    --chart "$TMP/own.pdf" >/dev/null 2>&1 || fail "tab --chart of a copy failed"
has "$TMP/own.pdf" "Data: panel.csv."
if grep -qF -e "Not this one" -e "SYNTHETIC" -e "Source:" "$TMP/flat.txt"; then
    fail "own.pdf: a source line not of this file"; else ok; fi
# a spec there that names it (relative to its folder) gives its note, with no source: the note
printf "survey: own\\ndata: panel.csv\\nnote: \"Panel wave 3, unweighted pilot.\"\\n$tables" \
    >"$TMP/own/survey.yml"
cli tab "$TMP/own/panel.csv" --weight wt --var would_switch \
    --chart "$TMP/own2.pdf" >/dev/null 2>&1 || fail "tab --chart beside its spec failed"
has "$TMP/own2.pdf" "Data: panel.csv. Panel wave 3, unweighted pilot."

# --- score --chart: a score chart per score (as the report's), tab's flags and source line ---
# R's means (tests/report/expected/scores/servicesoft_scores.csv): 3.41 all, 3.45 heavy
ss="$root/surveys/servicesoft-1999/respondents.csv"
sdes="--weight wt --strata region --psu panel --lonely-psu adjust --segment heavy=spend_6m:3"
# shellcheck disable=SC2086
"$root/$BUILD/shopstat" score "$ss" $sdes --score svc_satisfaction --score svc_satisfaction:1-3=0,4-5=100 \
    --chart "$TMP/sc.pdf" --title "Service satisfaction" --subtitle "Servicesoft 1999" \
    -o "$TMP/sc.csv" 2>"$TMP/err" || fail "score --chart failed: $(cat "$TMP/err")"
pdf_pages "$TMP/sc.pdf" 2
# (no --chart-size: A4 landscape's width, as tall as the chart: two rows take under half of A4)
h=$(pdfinfo "$TMP/sc.pdf" 2>/dev/null | awk '/^Page size/ && $3 == 842 { print $5 }')
[ -n "$h" ] && awk -v h="$h" 'BEGIN { exit !(h > 144 && h < 595 / 2) }' && ok ||
    fail "sc.pdf: page height '$h', expected 842 wide and under 297.5 high"
boxes "$TMP/sc.pdf"
has "$TMP/sc.pdf" "Service satisfaction" "Servicesoft 1999" "3.41" "3.45" "Mean (1-5)" "Score (0-100)" \
    "Source: Servicesoft / Jupiter Communications, end of 1999 (published figures)." \
    "SYNTHETIC DATA: respondent-level answers were generated"
test -s "$TMP/sc.csv" && ok || fail "score --chart: its csv was not written"
# PNG: a file per score, named as tab's (the question's name, then -2 for its second score)
rm -f "$TMP"/scp*.png
# shellcheck disable=SC2086
"$root/$BUILD/shopstat" score "$ss" $sdes --score svc_satisfaction --score svc_satisfaction:nps_like=x \
    --chart "$TMP/scp.png" -o /dev/null 2>/dev/null && fail "score: a bad map drew a chart" || ok
test ! -e "$TMP/scp.png" && ok || fail "score: a failed run left a chart"
# shellcheck disable=SC2086
"$root/$BUILD/shopstat" score "$ss" $sdes --score svc_satisfaction --score switch_intent \
    --chart "$TMP/scp.png" --chart-size 600x400 --zoom -o /dev/null 2>"$TMP/err" ||
    fail "score --chart png failed: $(cat "$TMP/err")"
test "$(cd "$TMP" && ls scp*.png | tr '\n' ' ')" = "scp-svc_satisfaction.png scp-switch_intent.png " &&
    ok || fail "score --chart png: $(cd "$TMP" && ls scp*.png | tr '\n' ' ')"
# compare --score --chart: the levels' difference chart, then a score chart per score marked
# for the pairs as the report marks them (heavy above all: A; above the rest: the triangle)
# shellcheck disable=SC2086
cli compare "$root/tests/oracle/data/shopper_nps.csv" --weight wt \
    --strata region --psu panel --lonely-psu adjust --missing 99 --var would_switch \
    --score recommend:nps --segment heavy=spend:3 --pair heavy:all --pair heavy:rest \
    --chart "$TMP/cs.pdf" -o /dev/null 2>"$TMP/err" || fail "compare --score --chart failed: $(cat "$TMP/err")"
pdf_pages "$TMP/cs.pdf" 2
has "$TMP/cs.pdf" "heavy minus the rest" "Net Promoter Score" "−39" "−22 A ▲" \
    "▲ / ▼: significantly higher / lower than the rest (those not in heavy)"
before "$TMP/cs.pdf" "heavy minus the rest" "Net Promoter Score"

# --- compare with a segment of design df 0: drawn without whiskers, and the footer says why ---
cli compare "$root/tests/oracle/data/shopper_channel.csv" --weight wt \
    --strata region --psu panel --lonely-psu certainty --var channel --by region \
    --pair region=N:region=W --chart-type bars --chart "$TMP/df0.pdf" >/dev/null 2>&1 ||
    fail "compare --chart with a segment of df 0 failed"
has "$TMP/df0.pdf" "No interval for region=W: design df 0 (the rows lie within one PSU per" "51% C"
# tab and score draw such a segment too (they stopped at df 0 before): p1 = panel 1 of each
# region, one PSU per stratum; its bars and its score's point without whiskers
cli tab "$root/tests/oracle/data/shopper.csv" --weight wt --strata region \
    --psu panel --lonely-psu adjust --var would_switch --segment p1=panel:1 \
    --chart "$TMP/tdf0.pdf" >/dev/null 2>&1 || fail "tab --chart with a segment of df 0 failed"
has "$TMP/tdf0.pdf" "No interval for p1: design df 0 (the rows lie within one PSU per" "37%"
"$root/$BUILD/shopstat" score "$root/tests/oracle/data/shopper_nps.csv" --weight wt \
    --strata region --psu panel --lonely-psu adjust --missing 99 --score spend \
    --segment p1=panel:1 --chart "$TMP/sdf0.pdf" >/dev/null 2>&1 ||
    fail "score --chart with a segment of df 0 failed"
has "$TMP/sdf0.pdf" "No interval for p1: design df 0 (the rows lie within one PSU per" "1.84"

# --- a Likert scale with a point nobody chose: --levels gives the scale, else a warning -------
# g=a answers 1 or 5, g=b 3 (59 rows) or 4 (1): on the scale 1-5, 3 is the neutral middle, so
# g=b has 0% on the negative side; read as 1,3,4,5 (no 2) it had 98% there
awk 'BEGIN { print "g,l"; for (i = 0; i < 60; i++) { print "a," (i < 30 ? 1 : 5); print "b," (i < 59 ? 3 : 4) } }' \
    >"$TMP/lk.csv"
cli tab "$TMP/lk.csv" --var l --by g --chart-type likert \
    --chart "$TMP/lk0.pdf" >/dev/null 2>"$TMP/lk0.err" || fail "tab likert (gap) failed"
grep -qF "no row holds 2 of l's scale 1-5" "$TMP/lk0.err" && grep -qF -- "--levels l:1,2,3,4,5" \
    "$TMP/lk0.err" && ok || fail "likert with a gap: no warning ($(cat "$TMP/lk0.err"))"
cli tab "$TMP/lk.csv" --var l --by g --levels l:1,2,3,4,5 --chart-type likert \
    --chart "$TMP/lk1.pdf" >/dev/null 2>"$TMP/lk1.err" || fail "tab likert --levels failed"
[ -s "$TMP/lk1.err" ] && fail "likert --levels: a warning ($(cat "$TMP/lk1.err"))" || ok
has "$TMP/lk1.pdf" "centred on the neutral answer"
pdftotext -layout "$TMP/lk1.pdf" - | awk '$1 == "g=b" { print $2, $NF }' >"$TMP/lk1.row"
[ "$(cat "$TMP/lk1.row")" = "0% 2%" ] && ok || fail "likert --levels: g=b totals '$(cat "$TMP/lk1.row")', want '0% 2%'"

# --- a text scale's Likert chart: Don't know and Prefer not to say stand apart ------------------
# (in the base, not in the bars): the legend holds the five points alone, in scale order; the
# answers apart head columns right of the right totals (their shares: 9 of 80 = 11% and
# 7 of 80 = 9% in all), no text overlaps, on A4 and on a small 720 x 405 page
awk 'BEGIN { print "g,q"; split("Very dissatisfied,Dissatisfied,Neutral,Satisfied,Very satisfied", v, ",")
    for (i = 0; i < 80; i++) print (i % 2 ? "a" : "b") "," (i < 9 ? "Don\x27t know / not sure" : i < 16 ? "Prefer not to say" : v[1 + i % 5]) }' >"$TMP/ts.csv"
cli tab "$TMP/ts.csv" --var q --by g --chart-type likert --chart "$TMP/ts.pdf" \
    >/dev/null 2>"$TMP/ts.err" || fail "tab likert (text scale) failed: $(cat "$TMP/ts.err")"
[ -s "$TMP/ts.err" ] && fail "likert text scale: a warning ($(cat "$TMP/ts.err"))" || ok
cli tab "$TMP/ts.csv" --var q --by g --chart-type likert --chart "$TMP/ts-small.pdf" \
    --chart-size 720x405 >/dev/null 2>&1 || fail "tab likert (text scale, 720x405) failed"
boxes "$TMP/ts.pdf"
boxes "$TMP/ts-small.pdf"
pdftotext -layout "$TMP/ts.pdf" - | sed -e 's/^ *//' -e 's/  \+/|/g' >"$TMP/ts.txt"
grep -qx "Very dissatisfied|Dissatisfied|Neutral|Satisfied|Very satisfied" "$TMP/ts.txt" && ok ||
    fail "likert text scale: legend '$(sed -n 2p "$TMP/ts.txt")'"
awk -F'|' '$1 == "all" { print $NF, $(NF - 1) }' "$TMP/ts.txt" >"$TMP/ts.row"
[ "$(cat "$TMP/ts.row")" = "9% 11%" ] && ok || fail "likert text scale: all's answers apart '$(cat "$TMP/ts.row")', want '9% 11%'"
words "$TMP/ts.pdf" >"$TMP/ts.words"
px=$(awk -F'\t' '$1 == "Prefer" { print $2; exit }' "$TMP/ts.words")
tx=$(awk -F'\t' '$1 ~ /%$/ { if ($3 > m && $2 < '"${px:-0}"') m = $3 } END { print m + 0 }' "$TMP/ts.words")
awk -v p="${px:-0}" -v t="$tx" 'BEGIN { exit !(p > t && t > 400) }' && ok ||
    fail "likert text scale: 'Prefer' at x=$px, not right of the right totals (x=$tx)"

# --- a chart that cannot be written says why (a full disk, here a file-size limit) -----------
out=$( (trap '' XFSZ; ulimit -f 8; cli tab "$root/surveys/servicesoft-1999/respondents.csv" \
    --var would_switch --chart "$TMP/efbig.png" >/dev/null) 2>&1); rc=$?
[ $rc = 2 ] && [ "$out" = "$TMP/efbig.png: error: cannot write: File too large" ] && [ ! -e "$TMP/efbig.png" ] &&
    ok || fail "chart over a file-size limit: exit $rc, '$out'"

# --- compare bars: upper-case letters at alpha, legend naming each letter's segment ----------
cli compare "$root/surveys/servicesoft-1999/respondents.csv" --weight wt \
    --strata region --psu panel --multi contact=pref_email,pref_phone,pref_form,pref_mail \
    --segment heavy=spend_6m:3 --pair heavy:all --chart-type bars \
    --chart "$TMP/letters.pdf" >/dev/null 2>&1 || fail "compare --chart-type bars failed"
has "$TMP/letters.pdf" "71% A" "45% B" "(A = all, B = heavy), adjusted p < 0.05"
# the footer names the design, not the weight alone: the intervals are design-based
has "$TMP/letters.pdf" "Weighted by wt; strata region, PSUs panel."
has "$TMP/src.pdf" "Weighted by wt."
# an fpc and no weight: R's weights N/n from the fpc, said so (not "Unweighted")
cli tab "$root/tests/oracle/data/apistrat.csv" --strata stype --fpc fpc \
    --var sch_wide --chart "$TMP/fpcw.pdf" >/dev/null 2>&1 || fail "tab --fpc --chart failed"
has "$TMP/fpcw.pdf" "Weighted by N/n from the fpc; strata stype, population sizes fpc."
# fractions are not population sizes: the pass tells which the column held (all <= 1)
cli tab "$root/tests/oracle/data/apistrat.csv" --strata stype \
    --fpc fpc_frac --var sch_wide --chart "$TMP/fpcf.pdf" >/dev/null 2>&1 ||
    fail "tab --fpc fractions --chart failed"
has "$TMP/fpcf.pdf" "Weighted by N/n from the fpc; strata stype, sampling fractions fpc_frac."
if grep -qF "population sizes" "$TMP/flat.txt"; then fail "fractions called population sizes"; else ok; fi
# the lonely-PSU rule, when not the default fail, as in tab's table view
cli tab "$root/tests/oracle/data/shopper.csv" --weight wt --strata region \
    --psu panel --lonely-psu adjust --var would_switch --chart "$TMP/lonely.pdf" >/dev/null 2>&1 ||
    fail "tab --lonely-psu adjust --chart failed"
has "$TMP/lonely.pdf" "Weighted by wt; strata region, PSUs panel; lonely PSUs: adjust."

# --- compare differences against rest: "X minus the rest", one row per value of a --by set -----
cli compare "$root/surveys/servicesoft-1999/respondents.csv" --weight wt \
    --strata region --psu panel --var would_switch --by spend_6m --pair spend_6m:rest \
    --chart "$TMP/byrest.pdf" >/dev/null 2>&1 || fail "compare --pair spend_6m:rest --chart failed"
has "$TMP/byrest.pdf" "spend_6m=1 minus the rest" "spend_6m=2 minus the rest" \
    "spend_6m=3 minus the rest" "+25 [+18, +31]"

# --- a pair against the rest, whose rest has no bar: a triangle on the segment's bar, up or down,
# explained with who the rest are; the difference chart says who they are too ----------------
# (light buyers' e-mail: 42% vs 54% for the rest, adjusted p = 0.034; the other channels: p > 0.05)
for t in bars diff; do
    cli compare "$root/surveys/servicesoft-1999/respondents.csv" --weight wt \
        --strata region --psu panel --multi contact=pref_email,pref_phone,pref_form,pref_mail \
        --segment light=spend_6m:1 --pair light:rest --chart-type $t \
        --chart "$TMP/rest-$t.pdf" >/dev/null 2>&1 || fail "compare --pair light:rest --chart-type $t failed"
done
has "$TMP/rest-bars.pdf" "42% ▼" "▲ / ▼: significantly higher / lower than the rest (those not in light), adjusted p < 0.05."
n=$(grep -o "[▲▼]" "$TMP/flat.txt" | wc -l)
[ "$n" = 3 ] && ok || fail "rest-bars.pdf: $n triangles, expected 3 (one bar and the footnote's two)"
if grep -qF "Letters:" "$TMP/flat.txt"; then fail "rest-bars.pdf explains letters it does not draw"; else ok; fi
boxes "$TMP/rest-bars.pdf"
has "$TMP/rest-diff.pdf" "light minus the rest" "The rest: those not in light." "p=0.034"

# --- a bar's value, its letters and its triangle stand a space apart, at any size ------------
# (servicesoft's heavy buyers' Yes: above all buyers, A, and above the rest, ▲. Before, the
# letter and the triangle ran together, "87% A▲", one word to pdftotext.) Each gap, value to
# letters and letters to triangle, is a word space of the marks' type: at least a fifth of the
# value's height and each within 0.6 points of the other, at A4, a small and a large
# --chart-size.
for sz in a4 480x300 1600x1000; do
    cli compare "$root/surveys/servicesoft-1999/respondents.csv" --weight wt \
        --var would_switch --segment heavy=spend_6m:3 --pair heavy:all --pair heavy:rest \
        --chart-type bars --chart-size $sz --chart "$TMP/gap-$sz.pdf" >/dev/null 2>&1 ||
        fail "compare --chart-size $sz --chart failed"
    gaps=$(words "$TMP/gap-$sz.pdf" | awk -F'\t' '
        $1 == "87%" { v1 = $3; y = $4; h = $5 - $4; next }
        $1 == "A" && v1 != "" && $4 == y { a0 = $2; a1 = $3; next }
        $1 == "▲" && a1 != "" && $4 == y { t0 = $2 }
        END { if (t0 == "") print "missing"; else printf "%.2f %.2f %.2f\n", a0 - v1, t0 - a1, h }')
    echo "$gaps" | awk '{ exit !(NF == 3 && $1 >= $3 / 5 && $2 >= $3 / 5 && \
                               ($1 - $2 < 0.6 && $2 - $1 < 0.6)) }' &&
        ok || fail "gap-$sz.pdf: '87%' A ▲ gaps (value-letter, letter-triangle, height): $gaps"
done
has "$TMP/gap-a4.pdf" "87% A ▲"

# --- a chart whose bars stop short of a fixed --chart-size (two levels, bars at their greatest
# thickness, on a 960x540 slide) has its legend, bars and axis centred between the title and
# the footer: before, the axis stood under the bars and a blank band of 250 points ran down to
# the footer. The space over the legend and the space under the axis labels differ by less
# than 10 points (the body's own margins: 14 and 16 points x the type scale). -------------
cli compare "$root/surveys/servicesoft-1999/respondents.csv" --weight wt \
    --var would_switch --segment heavy=spend_6m:3 --pair heavy:all --chart-type bars \
    --chart-size 960x540 --chart "$TMP/slide.pdf" >/dev/null 2>&1 || fail "compare --chart-size 960x540 failed"
bands=$(words "$TMP/slide.pdf" | awk -F'\t' '
    $1 == "would_switch" && t == "" { t = $5 }
    $1 == "all" && l == "" { l = $4 }
    $1 == "100%" { a = $5 }
    $1 == "Weighted" { f = $4 }
    END { printf "%.1f %.1f", l - t, f - a }')
echo "$bands" | awk '{ d = $1 - $2; exit !(NF == 2 && d < 10 && d > -10) }' &&
    ok || fail "slide.pdf: space over the legend and under the axis, $bands: want within 10 points"

# --- a difference chart of one pair still says what was subtracted from what -----------------
# (with several pairs each sub-row is labelled "heavy minus all"; with one, the axis title is)
cli compare "$root/surveys/servicesoft-1999/respondents.csv" --weight wt \
    --strata region --psu panel --var would_switch --segment heavy=spend_6m:3 --pair heavy:all \
    --chart "$TMP/onepair.pdf" >/dev/null 2>&1 || fail "compare --pair heavy:all --chart failed"
has "$TMP/onepair.pdf" "heavy minus all" "+18 ["
boxes "$TMP/onepair.pdf"

# --- the difference chart's table keeps inside its zebra rows, clear of the page's margin -----
# (README's example at 720x300: the margin is 22.5 pt; the labels and the "Adj. p" column keep
# 4.5 pt more, instead of ending on the rows' edge)
cli compare "$root/surveys/servicesoft-1999/respondents.csv" --weight wt \
    --strata region --psu panel --multi contact=pref_email,pref_phone,pref_form,pref_mail \
    --segment heavy=spend_6m:3 --pair heavy:all --chart-size 720x300 \
    --chart "$TMP/diff720.pdf" >/dev/null 2>&1 || fail "compare --chart-size 720x300 failed"
pdftotext -bbox "$TMP/diff720.pdf" "$TMP/diff720.html" 2>/dev/null
edges=$(awk '/<word / { match($0, /xMin="[0-9.]+"/); x0 = substr($0, RSTART + 6, RLENGTH - 7) + 0
                        match($0, /xMax="[0-9.]+"/); x1 = substr($0, RSTART + 6, RLENGTH - 7) + 0
                        s = $0; sub(/.*">/, "", s); sub(/<\/word>.*/, "", s)
                        if (s ~ /^(p[<=][0-9.]+|p)$/ && x1 > r) r = x1
                        if (s ~ /^pref_/ && (l == "" || x0 < l)) l = x0 }
             END { printf "%.1f %.1f", l, r }' "$TMP/diff720.html")
read -r lmin rmax <<<"${edges:-0 999}"
if awk -v r="$rmax" 'BEGIN { exit !(r > 0 && r <= 720 - 26) }'; then ok; else
    fail "diff720.pdf: the p column ends at x=$rmax, within 26 pt of the right edge"; fi
if awk -v l="$lmin" 'BEGIN { exit !(l >= 26) }'; then ok; else
    fail "diff720.pdf: a level label starts at x=$lmin, within 26 pt of the left edge"; fi
boxes "$TMP/diff720.pdf"

# --- the difference chart's legend keys both colours, over two lines when narrow ------------
# ("Significant (adjusted p < 0.05): ● higher ● lower ○ Not significant"; at 300 points wide
# its last words ran off the page's right edge)
cli compare "$root/surveys/servicesoft-1999/respondents.csv" --weight wt \
    --var would_switch --segment heavy=spend_6m:3 --pair heavy:all --chart-size 300x300 \
    --chart "$TMP/diff300.pdf" >/dev/null 2>&1 || fail "compare --chart-size 300x300 failed"
has "$TMP/diff300.pdf" "Significant (adjusted p < 0.05):" "higher" "lower" "Not significant"
boxes "$TMP/diff300.pdf"

# --- --zoom: the footer says the axis does not start at 0% only when it does not -------------
# would_switch (69%, 31%, ...) zooms to an axis from 20%; svc_satisfaction's smallest answers
# pull its zoomed axis down to 0%, where the sentence would be false.
cli tab "$root/surveys/servicesoft-1999/respondents.csv" --weight wt \
    --var would_switch --var svc_satisfaction --zoom --chart "$TMP/zoom2.pdf" >/dev/null 2>&1 ||
    fail "tab --zoom --chart failed"
for p in 1 2; do
    words=$(pdftotext -f $p -l $p "$TMP/zoom2.pdf" - 2>/dev/null | tr -s ' \n' '\n\n')
    says=0; echo "$words" | tr '\n' ' ' | grep -qF "does not start at 0%" && says=1
    zero=0; echo "$words" | grep -qx "0%" && zero=1
    if [ $says != $zero ]; then ok; else fail "zoom2.pdf page $p: axis from 0% = $zero, footer says it does not start at 0% = $says"; fi
done

# --- tick labels name their ticks: a step of 2.5 is labelled with one decimal ----------------
# 45% and 55% of 10,000 answers: logit CIs 44.0-46.0% and 54.0-56.0%, so the zoomed axis is
# 42.5-57.5% in steps of 2.5 (a range of 12% in about 5 steps); before, the ticks at 42.5, 47.5,
# 52.5 and 57.5 were printed rounded: "43% 45% 48% 50% 52% 55% 58%".
awk 'BEGIN { print "q"; for (i = 0; i < 10000; i++) print (i < 4500 ? "a" : "b") }' >"$TMP/z.csv"
cli tab "$TMP/z.csv" --var q --zoom --chart "$TMP/ticks.pdf" >/dev/null 2>&1 ||
    fail "tab --zoom --chart (ticks) failed"
t=$(axis_ticks "$TMP/ticks.pdf" 1 '^[0-9.]+%$')
[ "$t" = "42.5% 45.0% 47.5% 50.0% 52.5% 55.0% 57.5%" ] && ok || fail "zoomed bar axis ticks: '$t'"
# a difference of 50% - 40% of 1,000 each: +10 points, CI +5.7 to +14.3 (SE 2.21): the axis
# runs from 0 (always included) to +15 in steps of 2.5 points
awk 'BEGIN { print "g,m1"; for (i = 0; i < 1000; i++) { print "x," (i < 400); print "y," (i < 500) } }' \
    >"$TMP/d.csv"
cli compare "$TMP/d.csv" --multi m=m1 --segment y=g:y --segment x=g:x \
    --pair y:x --chart "$TMP/dticks.pdf" >/dev/null 2>&1 || fail "compare --chart (ticks) failed"
t=$(axis_ticks "$TMP/dticks.pdf" 1 '^[+0-9.−-]+$')
[ "$t" = "0.0 +2.5 +5.0 +7.5 +10.0 +12.5 +15.0" ] && ok || fail "difference axis ticks: '$t'"

# --- a hatched bar's legend gives an effective base below the threshold -----------------------
# 30 rows, one of weight 1.5: Kish's effective base (30.5)^2 / 31.25 = 29.768, below 30, so the
# bars are hatched and the footer says "below 30"; the legend said "n=30" (eff. n hidden as
# within 0.5 of n), and with n=35 it said "eff. n=30". Now "eff. n=29.7" (cut, not rounded).
awk 'BEGIN { print "g,q,w"; for (i = 0; i < 30; i++) print "s," (i < 12 ? "yes" : "no") "," (i == 0 ? 1.5 : 1)
             for (i = 0; i < 100; i++) print "t," (i < 50 ? "yes" : "no") ",1" }' >"$TMP/e.csv"
cli tab "$TMP/e.csv" --var q --by g --weight w --chart "$TMP/eff.pdf" >/dev/null 2>&1 ||
    fail "tab --chart (effective base) failed"
has "$TMP/eff.pdf" "g=s n=30, eff. n=29.7" "g=t n=100 " "effective base below 30"
cli tab "$TMP/e.csv" --var q --by g --weight w --chart-type likert \
    --chart "$TMP/effl.pdf" >/dev/null 2>&1 || fail "tab --chart-type likert (effective base) failed"
has "$TMP/effl.pdf" "n=30, eff. n=29.7" "effective base below 30"

# --- a trend whose first line has no values: the end labels after it keep their own heights ----
# (Busy, a 3-line label and Voicemail end at 42, 41 and 40%: the long label took the height of
# the line before it, one line, and was drawn over Busy)
render trend_gap "$TMP/gap.pdf"
boxes "$TMP/gap.pdf"

# --- a trend's values at middle waves are not printed over each other --------------------------
# four answers at 24-26% in the middle wave: the four labels were drawn over each other; now
# one above the meeting point, one below, the others left out (as Likert numbers that do not fit)
awk 'BEGIN { print "wave,q"; split("40 30 20 10", a); split("26 25 24 25", b); split("10 20 30 40", c)
             for (l = 1; l <= 4; l++) { for (i = 0; i < a[l]; i++) print "2019," l
                                        for (i = 0; i < b[l]; i++) print "2020," l
                                        for (i = 0; i < c[l]; i++) print "2021," l } }' >"$TMP/w.csv"
cli tab "$TMP/w.csv" --var q --by wave --chart-type trend \
    --chart "$TMP/mid.pdf" >/dev/null 2>&1 || fail "tab --chart-type trend (middle labels) failed"
boxes "$TMP/mid.pdf"
n=$(pdftotext "$TMP/mid.pdf" - 2>/dev/null | grep -c "^2[456]%$")
[ "$n" = 2 ] && ok || fail "mid.pdf: $n labels at the middle wave, expected 2 (above and below)"
# ... and the two left out are named under the chart, so that every value can be read: the
# middle wave's labels and the note's "N, 2020: V%" together are the four 2020 values (26, 25,
# 24 and 25 of 100 each), each line once
pdftotext "$TMP/mid.pdf" "$TMP/mid.txt" 2>/dev/null
got=$( { grep -x "2[456]%" "$TMP/mid.txt" | tr -d %
         tr '\n' ' ' <"$TMP/mid.txt" | grep -o "Not labelled where lines meet:[^.]*" |
             grep -o "[0-9]*, 2020: [0-9]*%" | sed 's/.*: //; s/%//'; } | sort -n | tr '\n' ' ')
[ "$got" = "24 25 25 26 " ] && ok || fail "mid.pdf: 2020 values labelled or named: '$got', expected '24 25 25 26 '"
lines=$(tr '\n' ' ' <"$TMP/mid.txt" | grep -o "Not labelled where lines meet:[^.]*" | grep -o "[0-9]*, 2020" | sort | tr '\n' ' ')
n=$(grep -cx "2[456]%" "$TMP/mid.txt")
[ "$(printf '%s' "$lines" | wc -w)" = $((2 * (4 - n))) ] && ok || fail "mid.pdf: note names '$lines', expected $((4 - n)) lines"

# --- a difference that cannot be computed says "n/a", as a bar chart's missing cell does --------
# (segment b never answers q: "b minus a" has no estimate; its rows were left blank)
awk 'BEGIN { print "g,q"; for (i = 0; i < 50; i++) print "a,yes\na,no\nb,\nc,yes" }' >"$TMP/m.csv"
cli compare "$TMP/m.csv" --var q --by g --pair g=a:g=c --pair g=b:g=a \
    --chart "$TMP/na.pdf" >/dev/null 2>&1 || fail "compare --chart (n/a) failed"
has "$TMP/na.pdf" "g=b minus g=a" "+50 [+40, +60]" "−50 [−60, −40]"
n=$(pdftotext "$TMP/na.pdf" - 2>/dev/null | grep -c "^n/a$")
[ "$n" = 2 ] && ok || fail "na.pdf: $n n/a, expected 2 (b minus a, for yes and no)"
boxes "$TMP/na.pdf"

# --- report.pdf's title page keeps a long notice and title above its footer line -------------
# (the servicesoft spec with its notice ten times over and a three-line title: the last line,
# "Intervals: ...", was printed over "Made with shopstat"; longer ones were dropped unsaid)
mkdir -p "$TMP/tp"
cp "$root/surveys/servicesoft-1999/respondents.csv" "$TMP/tp/"
n6=$(printf 'respondent-level answers were generated to match the published figures; every other number is illustrative. %.0s' 1 2 3 4 5 6 7 8 9 10)
sed -e "s/^note: .*/note: \"SYNTHETIC DATA: $n6\"/" \
    -e 's/^title: .*/title: "Online buyers and customer service: a long report title that keeps going across the page and wraps onto several lines, Überweisungsbestätigungsbenachrichtigung"/' \
    "$root/surveys/servicesoft-1999/survey.yml" >"$TMP/tp/survey.yml"
"$root/$BUILD/shopstat" report "$TMP/tp/survey.yml" -o "$TMP/tp/out" >/dev/null 2>&1 ||
    fail "report with a long notice failed"
pdftotext -f 1 -l 1 -enc UTF-8 "$TMP/tp/out/report.pdf" "$TMP/tp/p1.txt" 2>/dev/null
for t in "Intervals: 95% logit" "Rows: 836 read" "Made with shopstat"; do
    grep -qF "$t" "$TMP/tp/p1.txt" && ok || fail "title page: '$t' missing"
done
pdfseparate -f 1 -l 1 "$TMP/tp/out/report.pdf" "$TMP/tp/p1.pdf" 2>/dev/null && boxes "$TMP/tp/p1.pdf"

# --- a trend gives the base of each wave under its label ----------------------------------------
# (tab --by wave --chart-type trend printed no n for any wave: no legend, no footer line.) 120,
# 80 and 45 unweighted rows in the three waves: "n=120" under "2019", and so on, each centred
# under its wave's label (within 2 points) and below it.
awk 'BEGIN { print "wave,q"; split("120 80 45", n); split("2019 2020 2021", w)
             for (k = 1; k <= 3; k++) for (i = 0; i < n[k]; i++) print w[k] "," (i % 3 ? "yes" : "no") }' >"$TMP/wb.csv"
if cli tab "$TMP/wb.csv" --var q --by wave --chart-type trend \
    --chart "$TMP/wb.pdf" >/dev/null 2>&1; then
    pdftotext -bbox "$TMP/wb.pdf" "$TMP/wb.html" 2>/dev/null
    for pair in 2019:n=120 2020:n=80 2021:n=45; do
        out=$(awk -v a="${pair%%:*}" -v b="${pair#*:}" '/<word / {
                s = $0; sub(/.*">/, "", s); sub(/<\/word>.*/, "", s)
                match($0, /xMin="[0-9.-]+"/); x0 = substr($0, RSTART + 6, RLENGTH - 7) + 0
                match($0, /xMax="[0-9.-]+"/); x1 = substr($0, RSTART + 6, RLENGTH - 7) + 0
                match($0, /yMin="[0-9.-]+"/); y0 = substr($0, RSTART + 6, RLENGTH - 7) + 0
                if (s == a) { ax = (x0 + x1) / 2; ay = y0; na++ }
                if (s == b) { bx = (x0 + x1) / 2; by = y0; nb++ } }
            END { if (na != 1 || nb != 1) print "found " na " \"" a "\" and " nb " \"" b "\""
                  else if (by <= ay || (bx - ax) > 2 || (ax - bx) > 2) print b " not under " a }' "$TMP/wb.html")
        [ -z "$out" ] && ok || fail "wb.pdf: $out"
    done
    boxes "$TMP/wb.pdf"
else
    fail "tab --chart-type trend (wave bases) failed"
fi

# eight waves named "Spring 2011 wave" ...: the names wrap to two lines, and the bases go under
# both (the second line, "wave", was drawn over "n=21")
awk 'BEGIN { print "wave,q"; for (k = 1; k <= 8; k++) for (i = 0; i < 20 + k; i++)
             print "Spring 20" (10 + k) " wave," (i % 3 ? "yes" : "no") }' >"$TMP/ww.csv"
if cli tab "$TMP/ww.csv" --var q --by wave --chart-type trend \
    --chart "$TMP/ww.pdf" >/dev/null 2>&1; then
    has "$TMP/ww.pdf" "Spring 2011 wave" "n=21" "n=28"
    boxes "$TMP/ww.pdf"
else
    fail "tab --chart-type trend (wrapped wave names) failed"
fi

# eight weighted waves of 113 rows whose line has a long name: each wave's bases, "n=113, eff.
# n=94", do not fit its column and wrap after the comma, "eff. n=94" whole on the second line
# (it broke as "n=113, eff." over "n=94" under every wave: eight "eff." with no n beside them)
awk 'BEGIN { print "wave,q,w"; split("Jan Apr Jul Oct Jan Apr Jul Oct", m)
             for (k = 1; k <= 8; k++) for (i = 0; i < 113; i++)
                 print "Wave " k " (" m[k] " " (k < 5 ? 2025 : 2026) ")," (i % 3 ? "yes" : "no") "," 1 + i % 4 }' \
    >"$TMP/effw.csv"
if cli tab "$TMP/effw.csv" --var q --by wave --weight w --chart-type trend \
    --labels 'q:yes=Would recommend the store to friends and colleagues' \
    --chart "$TMP/effw.pdf" >/dev/null 2>&1; then
    out=$(pdftotext -bbox "$TMP/effw.pdf" - | awk '/<word / { s = $0; sub(/.*">/, "", s); sub(/<\/word>.*/, "", s)
            match($0, /yMin="[0-9.-]+"/); y = substr($0, RSTART + 6, RLENGTH - 7) + 0
            if (p == "eff." && (s !~ /^n=/ || y - py > 1 || py - y > 1)) bad++
            if (s == "eff.") n++; p = s; py = y }
        END { if (n != 8 || bad) print n + 0 " \"eff.\", " bad + 0 " of them not beside their n=" }')
    [ -z "$out" ] && ok || fail "effw.pdf: $out"
    boxes "$TMP/effw.pdf"
else
    fail "tab --chart-type trend (weighted wave bases) failed"
fi

# --- a score's trend from the command line (score / compare --score --chart-type trend) --------
# It was refused ("the one type it takes is 'score'"): only a report's table drew an NPS or a
# mean across waves. Teletech's e-mail form as a 0-100 score (SYNTHETIC data built to match the
# published 85% in 2010 and 76% in 2011): one line on the score's axis, the waves the --by
# values (the pooled 'all', 80, is no wave), each wave's base under it; with --pair
# wave:prev, 2011 marked down and the change named in the footer, as the report's
# charts/NAME-score.pdf of the same table (tests/report: '100 85 80 76 ▼ Score (0-100)').
TTD="$root/surveys/teletech-open-to-dialog-2011/respondents.csv"
if "$root/$BUILD/shopstat" score "$TTD" --weight wt --strata sector --score 'email_shown:0=0,1=100' \
    --by wave --chart-type trend --chart "$TMP/strend.pdf" >/dev/null 2>"$TMP/err"; then
    has "$TMP/strend.pdf" "100 85 80 76 Score (0-100)" "wave=2010 wave=2011 n=480 n=494" \
        "Shaded bands: 95% confidence intervals (estimate ± t × SE, design df)."
    grep -qF "n=974" "$TMP/flat.txt" && fail "strend.pdf: the pooled 'all' drawn as a wave" || ok
    grep -qF "▼" "$TMP/flat.txt" && fail "strend.pdf: a change marked without --pair" || ok
    boxes "$TMP/strend.pdf"
else
    fail "score --chart-type trend failed: $(cat "$TMP/err")"
fi
if cli compare "$TTD" --weight wt --strata sector --score 'email_shown:0=0,1=100' \
    --by wave --pair wave:prev --chart-type trend --chart "$TMP/ctrend.pdf" >/dev/null 2>"$TMP/err"; then
    has "$TMP/ctrend.pdf" "100 85 80 76 ▼ Score (0-100)" \
        "▲▼: significantly higher or lower than the wave before (p < 0.05): wave=2011 vs wave=2010: -9 (p < 0.001)."
    boxes "$TMP/ctrend.pdf"
else
    fail "compare --score --chart-type trend failed: $(cat "$TMP/err")"
fi
"$root/$BUILD/shopstat" score "$TTD" --weight wt --score 'email_shown:0=0,1=100' --by wave \
    --chart-type bars --chart "$TMP/sbars.pdf" >/dev/null 2>"$TMP/err"
[ $? -eq 2 ] && grep -qF "the types it takes are 'score' and 'trend'" "$TMP/err" && [ ! -e "$TMP/sbars.pdf" ] &&
    ok || fail "score --chart-type bars: $(cat "$TMP/err")"

# --- --chart-dpi: a PNG at print resolution ------------------------------------------------------
# The PNG was 2 pixels a point whatever was asked (144 dpi: a slide's 1920 x 1080, an A4 page's
# 1684 x 1190, too coarse for print). At 300 dpi a slide (960 x 540 points) is 4000 x 2250
# pixels; 72 dpi is a point a pixel; 50 and 'high' are refused before the data are read, exit 2,
# no file.
png_wh() { od -An -tu1 -j16 -N8 "$1" | awk '{ printf "%dx%d", (($1 * 256 + $2) * 256 + $3) * 256 + $4, (($5 * 256 + $6) * 256 + $7) * 256 + $8 }'; }
for dpi in 300:4000x2250 72:960x540; do
    rm -f "$TMP/dpi.png"
    if cli tab "$TMP/effw.csv" --var q --by wave --weight w --chart "$TMP/dpi.png" \
        --chart-size slide --chart-dpi "${dpi%%:*}" >/dev/null 2>"$TMP/err"; then
        wh=$(png_wh "$TMP/dpi.png")
        [ "$wh" = "${dpi#*:}" ] && ok || fail "--chart-dpi ${dpi%%:*}: a ${wh} PNG, want ${dpi#*:}"
    else
        fail "--chart-dpi ${dpi%%:*} failed: $(cat "$TMP/err")"
    fi
done
for bad in 50 high; do
    rm -f "$TMP/dpi.png"
    cli tab "$TMP/effw.csv" --var q --chart "$TMP/dpi.png" --chart-dpi $bad >/dev/null 2>"$TMP/err"
    [ $? -eq 2 ] && grep -qF "error: --chart-dpi: a PNG's pixels per inch, from 72 to 576 (150 for a screen, 300 for print), not '$bad'" "$TMP/err" &&
        [ ! -e "$TMP/dpi.png" ] && ok || fail "--chart-dpi $bad: $(cat "$TMP/err")"
done

# --- a series of low effective base: its legend swatch pale and hatched, as its bars ------------
# (its bars were hatched beside a solid swatch, which read as another series.) 200 rows of big
# and 20 of small: the swatch left of the legend's "small" (cropped 2 points inside, 150 dpi,
# grey) holds the pale fill and the hatching's dark lines, from under 80 to over 150; big's
# stays one grey.
awk 'BEGIN { print "g,q"; for (i = 0; i < 220; i++) print (i < 200 ? "big" : "small") "," (i % 3 ? "yes" : "no") }' >"$TMP/lowsw.csv"
if cli tab "$TMP/lowsw.csv" --var q --by g --chart "$TMP/lowsw.pdf" --chart-size a4 \
    >/dev/null 2>"$TMP/err"; then
    for w in small:hatched big:solid; do
        r=$(pdftotext -bbox "$TMP/lowsw.pdf" - | awk -v w=">${w%%:*}</word>" 'index($0, w) {
            match($0, /xMin="[0-9.]+"/); x = substr($0, RSTART + 6, RLENGTH - 7)
            match($0, /yMin="[0-9.]+"/); y0 = substr($0, RSTART + 6, RLENGTH - 7)
            match($0, /yMax="[0-9.]+"/); y1 = substr($0, RSTART + 6, RLENGTH - 7)
            k = 150 / 72; printf "%d %d %d %d", (x - 13) * k, ((y0 + y1) / 2 - 3) * k, 6 * k, 6 * k; exit }')
        set -- $r
        pdftoppm -gray -r 150 -x "$1" -y "$2" -W "$3" -H "$4" -singlefile "$TMP/lowsw.pdf" "$TMP/lowsw"
        mm=$(tail -c $(($3 * $4)) "$TMP/lowsw.pgm" | od -An -tu1 -v | awk '{ for (i = 1; i <= NF; i++) {
            if (!n++ || $i < lo) lo = $i; if ($i > hi) hi = $i } } END { print lo + 0, hi + 0 }')
        set -- $mm
        if [ "${w#*:}" = hatched ]; then
            [ "$1" -lt 80 ] && [ "$2" -gt 150 ] && ok || fail "lowsw.pdf: small's swatch greys $1-$2, want hatched (< 80 and > 150)"
        else
            [ $(($2 - $1)) -lt 10 ] && ok || fail "lowsw.pdf: big's swatch greys $1-$2, want one grey"
        fi
    done
else
    fail "tab --chart with a low-base segment failed: $(cat "$TMP/err")"
fi

# --- a trend's wave labels wrap alike -----------------------------------------------------------
# Fourteen waves "Wave 1" ... "Wave 14": "Wave 9" fitted its column on one line and "Wave 10" was
# wrapped to two ("Wave" over "10"). Every label's number must now sit on one line, as every
# "Wave" must; with eight waves (all fit) each label is one line, its number beside its "Wave".
for nw in 14 8; do
    awk -v N=$nw 'BEGIN { print "wave,q"; for (k = 1; k <= N; k++) for (i = 0; i < 30; i++)
                         print "Wave " k "," (i % 3 ? "yes" : "no") }' >"$TMP/wa$nw.csv"
    if cli tab "$TMP/wa$nw.csv" --var q --by wave --chart-type trend \
        --chart "$TMP/wa$nw.pdf" >/dev/null 2>&1; then
        pdftotext -bbox "$TMP/wa$nw.pdf" "$TMP/wa$nw.html" 2>/dev/null
        out=$(awk -v N=$nw '/<word / {
                s = $0; sub(/.*">/, "", s); sub(/<\/word>.*/, "", s)
                match($0, /yMin="[0-9.-]+"/); y = substr($0, RSTART + 6, RLENGTH - 7) + 0
                if (s == "Wave") { nwv++; wy[y] = 1 }
                else if (s ~ /^[0-9]+$/) { nn++; ny[y] = 1 } }
            END { for (y in wy) a++; for (y in ny) b++
                  if (nwv != N || nn != N) print "found " nwv " Wave and " nn " numbers, not " N
                  else if (a != 1 || b != 1) print "wave labels on " a " and " b " lines: uneven wrap"
                  else if (N == 8) { for (y in wy) p = y; for (y in ny) q = y
                                     if (p != q) print "labels wrapped though all fit" } }' \
            "$TMP/wa$nw.html")
        [ -z "$out" ] && ok || fail "wa$nw.pdf: $out"
        boxes "$TMP/wa$nw.pdf"
    else
        fail "tab --chart-type trend (wave labels wrap alike) failed"
    fi
done

# --- a trend's start labels stay by their lines' first points ------------------------------------
# Twelve answers at 7-10% in 2019 (counts 7 7 7 8 8 8 9 9 9 9 9 10 of 100), spread 1-12 of 78 in
# 2020: the twelve start labels were spread over 120 points with no leader, "7%" printed beside
# the 10% points. Each start label printed (right of the 0%-100% tick column, left of "2019")
# must have its centre within 12 points (its own height) of where its value sits on the axis,
# the axis read from the centres of the "0%" and "100%" ticks; and some must be printed.
awk 'BEGIN { print "wave,q"; split("7 7 7 8 8 8 9 9 9 9 9 10", a)
             for (l = 1; l <= 12; l++) { for (i = 0; i < a[l]; i++) print "2019," l
                                         for (i = 0; i < l; i++) print "2020," l } }' >"$TMP/st.csv"
if cli tab "$TMP/st.csv" --var q --by wave --chart-type trend \
    --chart "$TMP/st.pdf" >/dev/null 2>&1; then
    words "$TMP/st.pdf" >"$TMP/st.words"
    out=$(awk -F'\t' '{
            n++; w[n] = $1; xa[n] = $2; xb[n] = $3; yc[n] = ($4 + $5) / 2
            if ($1 == "2019") wx = ($2 + $3) / 2 }
        END { for (i = 1; i <= n; i++) {
                  if (w[i] == "0%" && (z == "" || xb[i] < tx)) { z = yc[i]; tx = xb[i] }
                  if (w[i] == "100%" && (h == "" || xb[i] < hx)) { h = yc[i]; hx = xb[i] } }
              if (wx == "" || z == "" || h == "") { print "axis or 2019 not found"; exit }
              for (i = 1; i <= n; i++) {
                  if (w[i] !~ /^[0-9]+%$/ || xb[i] <= tx + 5 || xb[i] >= wx) continue
                  want = z + (h - z) * (w[i] + 0) / 100; k++
                  if (yc[i] - want > 12 || want - yc[i] > 12)
                      printf "start label %s at y %.1f, its point at %.1f\n", w[i], yc[i], want }
              if (k < 2) print k " start labels printed" }' "$TMP/st.words")
    [ -z "$out" ] && ok || { fail "st.pdf: start labels"; printf '%s\n' "$out" | head -12; }
    # the start labels left out are named under the chart: the labels printed left of 2019 and
    # the note's "N, 2019: V%" are together the twelve 2019 values (7 7 7 8 8 8 9 9 9 9 9 10 of
    # 100), each line once
    got=$( { awk -F'\t' '{ n++; w[n] = $1; xb[n] = $3; if ($1 == "2019") wx = ($2 + $3) / 2 }
                 END { for (i = 1; i <= n; i++) if (w[i] == "0%" && (tx == "" || xb[i] < tx)) tx = xb[i]
                       for (i = 1; i <= n; i++)
                           if (w[i] ~ /^[0-9]+%$/ && xb[i] > tx + 5 && xb[i] < wx) print w[i] + 0 }' "$TMP/st.words"
             pdftotext "$TMP/st.pdf" - 2>/dev/null | tr '\n' ' ' | grep -o "Not labelled where lines meet:[^.]*" |
                 grep -o "[0-9]*, 2019: [0-9]*%" | sed 's/.*: //; s/%//'; } | sort -n | tr '\n' ' ')
    [ "$got" = "7 7 7 8 8 8 9 9 9 9 9 10 " ] && ok ||
        fail "st.pdf: 2019 values labelled or named: '$got', expected '7 7 7 8 8 8 9 9 9 9 9 10 '"
    boxes "$TMP/st.pdf"
else
    fail "tab --chart-type trend (start labels) failed"
fi

# --- bars of more segments than greys carry their letters ---------------------------------------
# (all and eight by: values: nine series, and six greys; in greyscale print sky blue and the
# lighter orange, black and the dark teal were matched to the legend by nothing.) Each bar has
# its letter on its left, A to I top to bottom in each of the 3 levels, level with the bar's
# value label (centres within 1.5 points); each legend swatch has its letter too (9 more).
awk 'BEGIN { print "g,q"; for (g = 1; g <= 8; g++) for (i = 0; i < 60; i++)
             print "grp" g "," (i % (g + 1) == 0 ? "yes" : (i % 3 ? "no" : "maybe")) }' >"$TMP/g9.csv"
if cli tab "$TMP/g9.csv" --var q --by g --chart "$TMP/g9.pdf" >/dev/null 2>&1; then
    words "$TMP/g9.pdf" >"$TMP/g9.words"
    out=$(awk -F'\t' '{ n++; w[n] = $1; xa[n] = $2; xb[n] = $3; yc[n] = ($4 + $5) / 2 }
        END { # the 0% tick: the lowest "0%" (a bar of 0% has a value label "0%" too)
              for (i = 1; i <= n; i++) if (w[i] == "0%" && (zy == "" || yc[i] > zy)) { zx = xa[i]; zy = yc[i] }
              if (zx == "") { print "no 0% tick"; exit }
              # the bars start at the first value label (right of the axis); above it, the legend
              for (i = 1; i <= n; i++)
                  if (w[i] ~ /^[0-9]+%$/ && xa[i] > zx + 2 && (top == "" || yc[i] < top)) top = yc[i]
              for (i = 1; i <= n; i++) {
                  if (w[i] !~ /^[A-I]$/) continue
                  if (yc[i] > top - 6) { nb++; bl[nb] = w[i]; by[nb] = yc[i] }
                  else { nl++; lw[nl] = w[i]; lk[nl] = sprintf("%08.1f %08.1f", yc[i], xa[i]) } }
              # reading order: legend by row then x, bars top to bottom
              for (i = 2; i <= nl; i++) for (j = i; j > 1 && lk[j - 1] > lk[j]; j--) {
                  t = lk[j]; lk[j] = lk[j - 1]; lk[j - 1] = t; t = lw[j]; lw[j] = lw[j - 1]; lw[j - 1] = t }
              for (i = 2; i <= nb; i++) for (j = i; j > 1 && by[j - 1] > by[j]; j--) {
                  t = by[j]; by[j] = by[j - 1]; by[j - 1] = t; t = bl[j]; bl[j] = bl[j - 1]; bl[j - 1] = t }
              for (i = 1; i <= nl; i++) ll = ll lw[i]
              if (ll != "ABCDEFGHI") print "legend letters " ll
              seq = ""
              for (k = 1; k <= nb; k++) {
                  seq = seq bl[k]; near = 0
                  for (i = 1; i <= n; i++)
                      if (w[i] ~ /^[0-9]+%$/ && xa[i] > zx + 2 && yc[i] - by[k] < 1.5 && by[k] - yc[i] < 1.5) near = 1
                  if (!near) print "bar letter " bl[k] " at y " by[k] " has no value label level with it" }
              if (seq != "ABCDEFGHIABCDEFGHIABCDEFGHI") print "bar letters " seq }' "$TMP/g9.words")
    [ -z "$out" ] && ok || { fail "g9.pdf: letters"; printf '%s\n' "$out" | head -12; }
    boxes "$TMP/g9.pdf"
else
    fail "tab --chart (nine series) failed"
fi
# six series have greys of their own: no letters
grep -v "^grp[678]," "$TMP/g9.csv" >"$TMP/g6.csv"
cli tab "$TMP/g6.csv" --var q --by g --chart "$TMP/g6.pdf" >/dev/null 2>&1 ||
    fail "tab --chart (six series) failed"
n=$(pdftotext "$TMP/g6.pdf" - 2>/dev/null | grep -c "^[A-F]$")
[ "$n" = 0 ] && ok || fail "g6.pdf: $n letters with six series"

# --- the difference column is as wide as its header ------------------------------------------
# (16% vs 10% ticked of 1,000 each: "+6 [+3, +9]" is narrower than "Difference [CI]", whose
# "[CI]" was printed over the next column's "Adj.")
awk 'BEGIN { print "g,m1"; for (i = 0; i < 1000; i++) { print "x," (i < 100); print "y," (i < 160) } }' \
    >"$TMP/dn.csv"
cli compare "$TMP/dn.csv" --multi m=m1 --segment y=g:y --segment x=g:x \
    --pair y:x --chart "$TMP/narrow.pdf" >/dev/null 2>&1 || fail "compare --chart (narrow) failed"
has "$TMP/narrow.pdf" "+6 [+3, +9]" "Difference [CI]" "Adj. p"
boxes "$TMP/narrow.pdf"
# (11% vs 10% ticked of 4,000 each: the lower bound, -0.34 points, keeps its sign: "[0, +2]"
# read as an interval touching zero where it crosses it; an axis of 3 points takes a decimal,
# as the table view does: "+1.0 [-0.3, +2.3]", not "+1 [−0.3, +2]")
awk 'BEGIN { print "g,m1"; for (i = 0; i < 4000; i++) { print "x," (i < 400); print "y," (i < 440) } }' \
    >"$TMP/dd.csv"
cli compare "$TMP/dd.csv" --multi m=m1 --segment y=g:y --segment x=g:x \
    --pair y:x --chart "$TMP/tenths.pdf" >/dev/null 2>&1 || fail "compare --chart (tenths) failed"
has "$TMP/tenths.pdf" "+1.0 [−0.3, +2.3]" "Difference [CI]" "Adj. p"
boxes "$TMP/tenths.pdf"

# --- long and non-ASCII labels stay inside the page, nothing overlaps ----------------------
boxes all.pdf
render stress stress-small.pdf --size 600x560
pdf_size stress-small.pdf "600 x 560"
boxes stress-small.pdf
render all portrait.pdf --size a4-portrait
boxes portrait.pdf
render all slide.pdf --size slide
pdf_size slide.pdf "960 x 540"
boxes slide.pdf
render all poster.pdf --size 2000x1400
boxes poster.pdf
render all zoom.pdf --zoom --sort none
boxes zoom.pdf

# --- the height a "does not fit" error asks for is one at which the chart fits ----------------
# Type grows with the page, so a taller page needs taller rows, and a short title block can hide
# the rows' need: the height first computed was short. Before, 'all' at 842x300 asked for 364
# points, which then asked for 380; stress at 300x150 asked for 256 (title and footer), then 524.
# ('all' at 842x300 fits now: its bar charts go on in a second column; stress at 842x250 asks
# for the height at which two columns fit.)
for c in "stress 600x300" "stress 400x400" "stress 300x150" "stress 842x250" "diff 842x160"; do
    set -- $c
    "$demo" --size "$2" "$1" fit.pdf 2>err.txt && { fail "$1 at $2 fits: expected a usage error"; continue; }
    h=$(sed -n 's/.*need a height of \(about \)\{0,1\}\([0-9]*\) points.*/\2/p' err.txt)
    if [ -z "$h" ]; then fail "$1 at $2: no height in '$(cat err.txt)'"; continue; fi
    grep -qF "(use --chart-size ${2%x*}x$h)" err.txt && ok || fail "$1 at $2: no WxH to use in '$(cat err.txt)'"
    if "$demo" --size "${2%x*}x$h" "$1" fit.pdf 2>err.txt; then ok; else fail "$1 at $2 -> height $h: $(cat err.txt)"; fi
    boxes fit.pdf
done

# --- a page made tall for many rows keeps the type of a portrait page of its width -----------
# (type grew with the page's area: at 842x2400 the title was 2.0 times its A4 size, and the
# labels squeezed the bars into a narrow column; now at most 842/595 = 1.415 times)
first_word_height() {
    pdftotext -bbox "$1" - 2>/dev/null | awk '/<word / {
        match($0, /yMin="[0-9.]+"/); y0 = substr($0, RSTART + 6, RLENGTH - 7)
        match($0, /yMax="[0-9.]+"/); y1 = substr($0, RSTART + 6, RLENGTH - 7)
        printf "%.3f", y1 - y0; exit }'
}
render bars tall-a4.pdf
render bars tall.pdf --size 842x2400
render bars tall-portrait.pdf --size a4-portrait
ha=$(first_word_height tall-a4.pdf); ht=$(first_word_height tall.pdf); hp=$(first_word_height tall-portrait.pdf)
if awk -v a="$ha" -v t="$ht" 'BEGIN { exit !(a > 0 && t / a <= 842 / 595 + 0.01) }'; then ok; else
    fail "title at 842x2400 is $ht pt high, $ha at A4: more than 842/595 times"; fi
# (A4 portrait, as wide as its type allows, keeps the A4 landscape type)
[ "$ha" = "$hp" ] && ok || fail "title at A4 portrait $hp pt high, $ha at A4 landscape"
boxes tall.pdf

# --- a page too small for the rows is a usage error, not an overlapping chart ------------------
"$demo" --size 300x150 stress small.pdf 2>err.txt; rc=$?
if [ $rc = 2 ] && grep -q "does not fit" err.txt && [ ! -e small.pdf ]; then ok; else fail "too small: exit $rc, $(cat err.txt)"; fi
"$demo" stress out.jpg 2>err.txt; rc=$?
if [ $rc = 2 ] && grep -q ".pdf, .png or .svg" err.txt; then ok; else fail "bad extension: exit $rc"; fi

# --- deterministic output: two renders are byte-identical --------------------------------------
for e in pdf svg png; do
    render all a.$e
    sleep 1
    render all b.$e
done
cmp -s a.pdf b.pdf && ok || fail "PDF renders differ"
for q in switch satisfied channel heavy_vs_all intent teletech teletech_waves stress \
         segments_vs_all reach_waves agree4 score_nps score_mean score_lowbase score_long \
         score_negative; do
    for e in svg png; do
        cmp -s a-$q.$e b-$q.$e && ok || fail "$e renders of $q differ"
    done
done
render stress alone.svg
cmp -s alone.svg a-stress.svg && ok || fail "SVG of one chart depends on what the process drew before"
pdfinfo a.pdf | grep -q "CreationDate: *Sat Jan  1 00:00:00 2000" && ok || fail "PDF creation date not fixed"

# --- PNG and SVG files ----------------------------------------------------------------------
dims=$(od -An -tu1 -j16 -N8 a-switch.png | awk '{print $1*16777216+$2*65536+$3*256+$4 "x" $5*16777216+$6*65536+$7*256+$8}')
[ "$dims" = "1684x1190" ] && ok || fail "PNG size $dims, expected 1684x1190"
head -c 5 a-switch.svg | grep -q "<?xml" && grep -q "<svg" a-switch.svg && ok || fail "SVG header"
n=$(ls a-*.png | wc -l); [ "$n" = 18 ] && ok || fail "$n PNG files, expected 18"
ls ./*.tmp-* >/dev/null 2>&1 && fail "temporary files left behind" || ok

# --- the CLI's default page is as tall as its chart (no --chart-size) --------------------------
# two Likert rows (all, heavy) filled 35% of an A4 page, the rest blank. Without --chart-size
# the page keeps A4's width and type and ends under the footer: PDF, PNG (2 px a point) and SVG
# alike; with --chart-size a4 the page is A4.
awk 'BEGIN { print "h,s"; for (i = 0; i < 100; i++) print (i < 30 ? 1 : 0) "," (i % 5 + 1) }' >"$TMP/fit.csv"
fit="tab $TMP/fit.csv --var s --segment heavy=h:1 --levels s:1,2,3,4,5 --chart-type likert"
# shellcheck disable=SC2086
"$root/$BUILD/shopstat" $fit --chart "$TMP/fit.pdf" -o "$TMP/fit.csv.out" &&
    "$root/$BUILD/shopstat" $fit --chart "$TMP/fit.png" -o "$TMP/fit.csv.out" &&
    "$root/$BUILD/shopstat" $fit --chart "$TMP/fit.svg" -o "$TMP/fit.csv.out" &&
    "$root/$BUILD/shopstat" $fit --chart "$TMP/fit4.pdf" --chart-size a4 -o "$TMP/fit.csv.out" ||
    fail "tab --chart-type likert (fitted page) failed"
fh=$(pdfinfo "$TMP/fit.pdf" 2>/dev/null | awk '/^Page size/ && $3 == 842 { print $5 }')
[ -n "$fh" ] && awk -v h="$fh" 'BEGIN { exit !(h >= 144 && h < 595 / 2) }' && ok ||
    fail "fit.pdf: page height '$fh', expected 842 wide and under 297.5 high"
has "$TMP/fit.pdf" "Bars centred on the neutral answer" "heavy"
boxes "$TMP/fit.pdf"
# (the footer is the page's last text, within its 30-point margin: nothing was cut)
last=$(words "$TMP/fit.pdf" | awk -F'\t' '{ if ($5 > y) y = $5 } END { print y }')
awk -v y="$last" -v h="$fh" 'BEGIN { exit !(y < h - 10 && y > h - 40) }' && ok ||
    fail "fit.pdf: last text ends at $last of $fh"
dims=$(od -An -tu1 -j16 -N8 "$TMP/fit.png" | awk '{print $1*16777216+$2*65536+$3*256+$4 "x" $5*16777216+$6*65536+$7*256+$8}')
[ "$dims" = "1684x$((${fh%.*} * 2))" ] && ok || fail "fit.png: $dims, expected 1684x$((${fh%.*} * 2))"
grep -q "height=\"${fh%.*}\(pt\)\?\"" "$TMP/fit.svg" && ok || fail "fit.svg: not ${fh%.*} high: $(grep -o 'height="[^"]*"' "$TMP/fit.svg" | head -1)"
pdf_size "$TMP/fit4.pdf" "842 x 595"

# --- a 0-10 question over four segments: the levels go on in a second column, on one page ---
# (44 bars at a label's height each need about 1030 points in one column: the report ran it
# over two pages and the CLI refused an A4 page). Levels 0-5 (in the spec's order, --sort
# none) left, 6-10 right of them, every word on the page and apart.
awk 'BEGIN { print "g,r"; for (i = 0; i < 400; i++) print "g" (i % 3) "," (i * 7) % 11 }' >"$TMP/r11.csv"
if cli tab "$TMP/r11.csv" --var r --by g --sort none --levels r:0,1,2,3,4,5,6,7,8,9,10 \
    --chart-size a4 --chart "$TMP/r11.pdf" -o "$TMP/r11.out" 2>"$TMP/err"; then
    pdf_pages "$TMP/r11.pdf" 1
    pdf_size "$TMP/r11.pdf" "842 x 595"
    boxes "$TMP/r11.pdf"
    # the level labels: the words left of each column's bars whose text is a level alone
    cols=$(words "$TMP/r11.pdf" | awk -F'\t' '$1 ~ /^[0-9]+$/ && $2 < 842 / 2 - 300 { l = l $1 " " }
        $1 ~ /^[0-9]+$/ && $2 > 842 / 2 && $2 < 842 / 2 + 150 { r = r $1 " " } END { print l "| " r }')
    [ "$cols" = "0 1 2 3 4 5 | 6 7 8 9 10 " ] && ok || fail "r11.pdf: columns '$cols'"
else
    fail "tab --chart (0-10 over four segments) failed: $(cat "$TMP/err")"
fi

# --- without --chart-size, a chart too tall for A4 landscape grows the page, at A4's type ------
# (the help: "842 wide, as tall as the chart"; it failed with "does not fit in 842x595 ...
# about 810 points (use --chart-size)", and at 842x830 asked for 1729, its type having grown):
# seven labels of 80-110 characters (German, Polish, Greek, Japanese) over
# twelve segments, and the same seven as the lines of a trend over twelve waves
awk 'BEGIN { split("Überweisungsbestätigung per E-Mail kam zu spät, und die Rückerstattung dauerte länger als vierzehn Werktage|Zamówienie dotarło uszkodzone, a żaden pracownik działu obsługi klienta nie odpowiedział na zgłoszenie|Η παραγγελία έφτασε με μεγάλη καθυστέρηση και η εξυπηρέτηση πελατών δεν απάντησε ποτέ στο μήνυμά μου|注文した商品が届くまでに二週間以上かかり、カスタマーサービスからの返信もまったくありませんでした。とても残念です|Reklamationen wurden nach Rücksprache mit der Geschäftsführung übernommen, aber die Erstattung blieb aus|Odpowiedź przyszła po trzech tygodniach i nie dotyczyła mojego zgłoszenia, tylko zupełnie innej sprawy|Other (please specify in the comment field below, with as much detail as you can remember about it)", l, "|")
    print "g,w,q"; for (i = 0; i < 840; i++) { w = int(i / 7) % 12; x = i * 0.6180339887; x -= int(x)
        printf "Region %d,Wave %d,\"%s\"\n", i % 12 + 1, w + 1, l[int(7 * x ^ (1 + (w % 4) * 0.4)) + 1] } }' >"$TMP/tall.csv"
for t in "bars --by g Region_12" "trend --by w Shaded_bands:"; do
    set -- $t
    if cli tab "$TMP/tall.csv" --var q $2 $3 --chart-type $1 --chart "$TMP/tall-$1.pdf" \
        -o "$TMP/tall.out" 2>"$TMP/err"; then
        h=$(pdfinfo "$TMP/tall-$1.pdf" 2>/dev/null | awk '/^Page size/ { print $3 "x" $5 }')
        awk -v h="${h#842x}" -v w="${h%x*}" 'BEGIN { exit !(w == 842 && h > 595 && h < 14400) }' && ok ||
            fail "tall $1 chart: page $h, expected 842 wide and taller than 595"
        boxes "$TMP/tall-$1.pdf"
        has "$TMP/tall-$1.pdf" "Zamówienie" "Überweisungsbestätigung" "${4/_/ }" "Data: tall.csv."
    else
        fail "tab --chart-type $1 (long labels, 12 segments, no --chart-size) failed: $(cat "$TMP/err")"
    fi
done
# twelve segments and all are lettered A-M beside their bars: the letters stand clear of the labels'
# right edge (they were 2 points from it, "... vierzehn Werktage H", read as one)
out=$(words "$TMP/tall-bars.pdf" | awk -F'\t' '$1 ~ /%$/ && !y0 { y0 = $4 } $1 == "0%" { ya = $4 } { w[NR] = $1; x0[NR] = $2; x1[NR] = $3; y[NR] = $4 }
    END { lx = 1e9; for (i = 1; i <= NR; i++) if (y[i] > y0 - 5 && w[i] ~ /^[A-Z]$/ && x0[i] < lx) lx = x0[i]
          for (i = 1; i <= NR; i++) if (y[i] > y0 - 5 && y[i] < ya && w[i] !~ /^[A-Z]$/ && x1[i] < lx + 3 && x1[i] > rx) rx = x1[i]
          if (lx - rx < 6) printf "labels end at %.1f, the letters start at %.1f\n", rx, lx }')
[ -z "$out" ] && ok || fail "tall-bars.pdf: $out"

# --- a trend's "Not labelled where lines meet" note names every value, however long ----------
# seven lines of 80-110 character labels at 14% in each of twelve waves (each wave: each answer
# once in seven rows): most values are left unlabelled and the note is 8.6 KB; an 8192-byte
# buffer cut it short, in the middle of a character, and cairo refused it ("input string not
# valid UTF-8"). Its last entry is the last line's last unlabelled wave, with its full stop.
awk 'BEGIN { split("Überweisungsbestätigung per E-Mail kam zu spät, und die Rückerstattung dauerte länger als vierzehn Werktage|Zamówienie dotarło uszkodzone, a żaden pracownik działu obsługi klienta nie odpowiedział na zgłoszenie|Η παραγγελία έφτασε με μεγάλη καθυστέρηση και η εξυπηρέτηση πελατών δεν απάντησε ποτέ στο μήνυμά μου|注文した商品が届くまでに二週間以上かかり、カスタマーサービスからの返信もまったくありませんでした。とても残念です|Reklamationen wurden nach Rücksprache mit der Geschäftsführung übernommen, aber die Erstattung blieb aus|Odpowiedź przyszła po trzech tygodniach i nie dotyczyła mojego zgłoszenia, tylko zupełnie innej sprawy|Other (please specify in the comment field below, with as much detail as you can remember about it)", l, "|")
    print "w,q"; for (i = 0; i < 840; i++) printf "Wave %d,\"%s\"\n", int(i / 7) % 12 + 1, l[(i * 5 + int(i / 84)) % 7 + 1] }' >"$TMP/flat.csv"
if cli tab "$TMP/flat.csv" --var q --by w --chart-type trend --chart "$TMP/flat.pdf" \
    -o "$TMP/flat.out" 2>"$TMP/err"; then
    has "$TMP/flat.pdf" "Not labelled where lines meet:" "とても残念です, Wave 11: 14%. Unweighted."
else
    fail "trend with a long 'Not labelled' note failed: $(cat "$TMP/err")"
fi

# --- right-to-left labels: a Hebrew level label flush right against its bars, as the others; an
# Arabic segment's legend item its name, then its bases (Pango's automatic direction swapped
# the alignment of a right-to-left paragraph: the label stood flush left, 200 points from its
# bars, and the legend read "n=60  الشرق")
awk 'BEGIN { print "g,q"; for (i = 0; i < 120; i++) print (i % 2 ? "الشرق" : "West") "," (i % 3 == 0 ? "Yes" : i % 3 == 1 ? "\"ההזמנה הגיעה באיחור רב ושירות הלקוחות לא ענה לפניות שלי בדואר האלקטרוני במשך שבועיים שלמים למרות תזכורות חוזרות ונשנות\"" : "No") }' >"$TMP/rtl.csv"
if cli tab "$TMP/rtl.csv" --var q --by g --chart "$TMP/rtl.pdf" -o "$TMP/rtl.out" 2>"$TMP/err"; then
    words "$TMP/rtl.pdf" >"$TMP/rtl.words"
    # (poppler gives each right-to-left letter its own box: a line's right edge is their largest xMax)
    out=$(awk -F'\t' '$1 == "Yes" { yes = $3 } $1 == "n=60" && $2 > n60 { n60 = $2; ly = $4 }
        $1 !~ /^[ -~]+$/ { k = sprintf("%.0f", $4); if ($3 > r[k]) r[k] = $3; if (!(k in y)) y[k] = $4 }
        END { for (k in r) { if (y[k] - ly < 1 && ly - y[k] < 1) { if (r[k] > n60) print "legend: the Arabic name ends at " r[k] ", right of its bases at " n60 }
                             else { nl++; if (r[k] - yes > 1 || yes - r[k] > 1) print "label line at y " k " ends at " r[k] ", Yes at " yes } }
              if (nl < 2) print nl + 0 " lines of the Hebrew label" }' "$TMP/rtl.words")
    [ -z "$out" ] && ok || { fail "rtl.pdf: right-to-left text"; printf '%s\n' "$out"; }
else
    fail "tab --chart with right-to-left labels failed: $(cat "$TMP/err")"
fi

# --- a Likert segment's figure is white or ink, whichever reads better on its colour ----------
# (WCAG 2 contrast): on the five-point scale's mid blue, white had 3.5:1 and ink has 4.7:1. The
# demo's first mid-blue bar (the SVG's second path of that colour: the first is its legend
# swatch), cropped 3 points inside at 150 dpi in grey: its figure's pixels are dark (under 80),
# none white (over 200).
"$demo" likert "$TMP/lkc.svg" && "$demo" likert "$TMP/lkc.pdf" || fail "likert demo (contrast)"
r=$(grep -o 'fill:rgb(27.294555%,57.128139%,73.949202%);fill-opacity:1;" d="M [0-9.]* [0-9.]* L [0-9.]* [0-9.]* L [0-9.]* [0-9.]*' \
    "$TMP/lkc.svg" | sed -n 2p | awk '{ k = 150 / 72; printf "%d %d %d %d", ($3 + 3) * k, ($4 + 3) * k, ($9 - $3 - 6) * k, ($10 - $4 - 6) * k }')
if [ -n "$r" ]; then
    set -- $r
    pdftoppm -gray -r 150 -x "$1" -y "$2" -W "$3" -H "$4" -singlefile "$TMP/lkc.pdf" "$TMP/lkc"
    mm=$(tail -c $(($3 * $4)) "$TMP/lkc.pgm" | od -An -tu1 -v | awk '{ for (i = 1; i <= NF; i++) { if (!n++ || $i < lo) lo = $i; if ($i > hi) hi = $i } } END { print lo + 0, hi + 0 }')
    set -- $mm
    [ "$1" -lt 80 ] && [ "$2" -le 200 ] && ok || fail "likert mid-blue segment: grey pixels from $1 to $2, want dark text (< 80) and none white (> 200)"
else
    fail "likert demo: no mid-blue segment in the SVG"
fi

# --- a bar chart of 30 segments (all and 29 stores): the legend letters A to Z, the rest none ---
# (the legend read a 26-entry array of letters for each of its 30 items: a crash, exit 139)
awk 'BEGIN { print "g,q"; for (i = 0; i < 600; i++) printf "Store %02d,%s\n", i % 30 + 1, (i % 7 < 3 ? "Yes" : "No") }' >"$TMP/s30.csv"
cli tab "$TMP/s30.csv" --var q --by g --chart "$TMP/s30.pdf" -o "$TMP/s30.out" 2>"$TMP/err"
rc=$?
if [ "$rc" = 0 ]; then
    has "$TMP/s30.pdf" "Store 30 n=20" "Store 25 n=20"
    boxes "$TMP/s30.pdf"
else
    fail "tab --chart with 30 segments: exit $rc $(cat "$TMP/err")"
fi

# --- bars no thicker than 1.6 times the labels' type, whatever the page's spare height -----------
# A bar chart of four levels and three segments alone on an A4 page (--chart-size a4: no
# fit_height) had bars 26 points thick, twice its 10-point labels' height, and a chart of fewer
# levels as thick; the cap is 1.6 x 10 = 16 points. Measured on the SVG: every bar's rectangle
# (the paths wider than the 10-point legend swatches), and the four levels' bars all there.
awk 'BEGIN { print "g,q"; for (i = 0; i < 400; i++) print (i % 2 ? "men" : "women") "," (i % 7 < 3 ? "Email" : i % 7 < 5 ? "Phone" : i % 7 < 6 ? "Form" : "Mail") }' >"$TMP/four.csv"
for lv in 4 2; do
    [ $lv = 2 ] && sed -i -e 's/,Form$/,Email/' -e 's/,Mail$/,Phone/' "$TMP/four.csv"
    if cli tab "$TMP/four.csv" --var q --by g --chart "$TMP/four.svg" --chart-size a4 \
        >/dev/null 2>"$TMP/err"; then
        r=$(grep -o 'fill-opacity:1;" d="M [0-9.]* [0-9.]* L [0-9.]* [0-9.]* L [0-9.]* [0-9.]* L [0-9.]* [0-9.]* Z' "$TMP/four.svg" |
            awk '{ w = $6 - $3; h = $10 - $4; if (w > 10.5) { n++; if (h > mx) mx = h } } END { printf "%d %.2f", n, mx }')
        set -- $r
        [ "$1" = $((lv * 3)) ] && ok || fail "four.svg ($lv levels): $1 bars, want $((lv * 3))"
        awk -v h="$2" 'BEGIN { exit !(h > 0 && h <= 16.001) }' && ok ||
            fail "four.svg ($lv levels): bars $2 points thick, want at most 16 (1.6 x the 10-point labels)"
    else
        fail "tab --chart of $lv levels: $(cat "$TMP/err")"
    fi
done

# --- a numeric rating scale without labels keeps its order in a bar chart ---------------------
# svc_satisfaction's codes 1-5: sorted by size they read 4, 3, 5, 2, 1 (until 2026-12-04);
# --sort all still sorts them, and two codes (yes/no) are sorted as before.
sat_levels() { # chart FLAGS...: its level labels top to bottom
    local f=$1; shift
    cli tab "$root/surveys/servicesoft-1999/respondents.csv" --weight wt \
        --strata region --psu panel "$@" --chart "$TMP/$f" -o /dev/null 2>"$TMP/err" ||
        { echo "failed: $(cat "$TMP/err")"; return; }
    pdftotext -layout "$TMP/$f" - | sed -n 's/^ *\([0-5]\)  .*/\1/p' | tr '\n' ' '
}
r=$(sat_levels sat.pdf --var svc_satisfaction)
[ "$r" = "1 2 3 4 5 " ] && ok || fail "a 1-5 rating's bar chart: levels '$r', want '1 2 3 4 5 '"
r=$(sat_levels sat_sorted.pdf --var svc_satisfaction --sort all)
[ "$r" = "4 3 5 2 1 " ] && ok || fail "--sort all: levels '$r', want '4 3 5 2 1 '"
r=$(sat_levels slow.pdf --var prob_slow)
[ "$r" = "1 0 " ] && ok || fail "two codes by size: levels '$r', want '1 0 ' (56% and 44%)"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
