#!/usr/bin/env bash
# Hostile inputs: broken, huge or malicious exports, generated here (nothing large is
# committed). Each case expects either the exact one-line error "file:line:col: error: ..."
# with exit status 2, or a correct result with its values checked; every run has a 20 s
# timeout, so a hang fails too ($HOSTILE_TIMEOUT seconds if set: `make sanitize` gives its
# slower build 120, the largest cases taking 8 s under ASan on a loaded 2-CPU machine and
# over 20 on a busier one). Ends with "N passed, N failed".
# HOSTILE_SLOW=1 adds the 2 GiB per-PSU totals cap (1 GB of memory, a few seconds).
set -u
. "$(dirname "$0")/lib.sh"
S="${SHOPSTAT_WRAP:+$SHOPSTAT_WRAP }$root/$BUILD/shopstat"
TMO=${HOSTILE_TIMEOUT:-20}

# run ARGS...: shopstat with a timeout; sets rc, stdout in out, stderr in err.
run() {
    timeout $TMO $S "$@" >out 2>err
    rc=$?
}

# expect_error NAME STDERR ARGS...: exit 2, stderr exactly STDERR, stdout empty.
expect_error() {
    local name=$1 want=$2
    shift 2
    run "$@"
    if [ "$rc" -ne 2 ]; then
        fail "$name" "exit $rc, expected 2; stderr: $(head -c 300 err)"
    elif [ "$(cat err)" != "$want" ]; then
        fail "$name" "stderr '$(head -c 300 err)', expected '$want'"
    elif [ -s out ]; then
        fail "$name" "unexpected stdout: $(head -c 200 out)"
    else
        pass
    fi
}

# expect_ok NAME ARGS...: exit 0 and empty stderr; the caller then checks out.
expect_ok() {
    local name=$1
    shift
    run "$@"
    if [ "$rc" -ne 0 ]; then
        fail "$name" "exit $rc; stderr: $(head -c 300 err)"
        return 1
    fi
    if [ -s err ]; then
        fail "$name" "unexpected stderr: $(head -c 300 err)"
        return 1
    fi
    return 0
}

# get FILE KEY COLUMN: the COLUMN (header name) of the tab/compare CSV row whose first
# three fields are KEY ("variable,level,segment").
get() {
    awk -F, -v k="$2" -v c="$3" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
        ($1 "," $2 "," $3) == k { print $h[c] }' "$1"
}

# check NAME GOT WANT: string equality of one value.
check() {
    if [ "$2" = "$3" ]; then pass; else fail "$1" "got '$2', expected '$3'"; fi
}

# ---- bytes that are not a CSV file ----------------------------------------------------------

# 20,000 bytes from a fixed LCG (the same garbage on every machine).
perl -e '$s = 12345; for (1 .. 20000) { $s = ($s * 1103515245 + 12345) % 2147483648;
         print chr(($s >> 16) & 255) }' >garbage.csv
expect_error garbage "garbage.csv:1:83: error: byte 0x81 is not valid windows-1252" \
    describe garbage.csv
expect_error garbage_utf8 "garbage.csv:1:1: error: invalid UTF-8 byte 0xDC" \
    describe garbage.csv --encoding utf-8

printf 'q,w\nyes,1\nno\0,1\n' >nul.csv
expect_error nul_byte "nul.csv:3:3: error: NUL byte in the file (is it UTF-16 or not a CSV file?)" \
    tab nul.csv --var q

printf 'q,w\nyes,1\n' | iconv -f UTF-8 -t UTF-16LE >utf16le.csv
expect_error utf16le_nobom "utf16le.csv:1:1: error: file is UTF-16 (little-endian, no byte-order mark); UTF-16 is not supported: convert to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)" \
    describe utf16le.csv
printf 'q,w\nyes,1\n' | iconv -f UTF-8 -t UTF-16BE >utf16be.csv
expect_error utf16be_nobom "utf16be.csv:1:1: error: file is UTF-16 (big-endian, no byte-order mark); UTF-16 is not supported: convert to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)" \
    describe utf16be.csv
{ printf '\xff\xfe'; printf 'q,w\nyes,1\n' | iconv -f UTF-8 -t UTF-16LE; } >utf16bom.csv
expect_error utf16le_bom "utf16bom.csv:1:1: error: file is UTF-16 (byte-order mark FF FE); UTF-16 is not supported: convert to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)" \
    tab utf16bom.csv --var q
{ printf '\xfe\xff'; printf 'q,w\nyes,1\n' | iconv -f UTF-8 -t UTF-16BE; } >utf16bebom.csv
expect_error utf16be_bom "utf16bebom.csv:1:1: error: file is UTF-16 (byte-order mark FE FF); UTF-16 is not supported: convert to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)" \
    tab utf16bebom.csv --var q

# Workbooks and survey specs given as the data file: what they are and what to do, not "NUL
# byte" or "row has 4 fields"; a CSV that only starts like them is read.
printf 'PK\003\004\024\000\000\000\010\000rest' >book.xlsx
expect_error xlsx "book.xlsx:1:1: error: file is an Excel workbook (.xlsx), not a CSV export: save its sheet as CSV (in Excel: File > Save As > CSV UTF-8) and read that" \
    tab book.xlsx --var q
cp book.xlsx book.ods
expect_error ods "book.ods:1:1: error: file is an OpenDocument spreadsheet (.ods), not a CSV export: save its sheet as CSV (File > Save As > Text CSV) and read that" \
    describe book.ods
cp book.xlsx book.zip
expect_error zip "book.zip:1:1: error: file is a ZIP archive, not a CSV export: unzip it and read the CSV file inside" \
    describe book.zip
cp book.xlsx book.csv
expect_error zip_csv "book.csv:1:1: error: file is a ZIP archive (an Excel .xlsx workbook?), not a CSV export: if it is a workbook, save its sheet as CSV (in Excel: File > Save As > CSV UTF-8) and read that" \
    describe book.csv
printf '\320\317\021\340\241\261\032\341\000\000' >old.xls
expect_error xls "old.xls:1:1: error: file is an Excel 97-2003 workbook (.xls), not a CSV export: save its sheet as CSV (in Excel: File > Save As > CSV UTF-8) and read that" \
    describe old.xls
printf '# survey of 2024\r\n---\r\nsurvey: s\r\ndata: d.csv\r\n' >s.yaml
expect_error yaml_spec "s.yaml:3:1: error: this looks like a YAML survey spec, not a CSV export: run it with 'shopstat report s.yaml' (or give this command the data file it names)" \
    tab s.yaml --var q
printf '\n\ndata: d.csv\nsurvey: s\n' >spec.txt
expect_error yaml_spec_stdin "<stdin>:3:1: error: this looks like a YAML survey spec, not a CSV export: run it with 'shopstat report SPEC.yml' (or give this command the data file it names)" \
    describe - <spec.txt
printf 'survey,Q1: how much?,PK\nyes,1,2\nno,2,1\n' >like_spec.csv
if expect_ok like_spec describe like_spec.csv; then
    check like_spec_columns "$(grep '^columns:' out)" "columns: 3"
fi

# Devices and folders given as the data file.
expect_error dev_zero "/dev/zero:1:1: error: NUL byte in the file (is it UTF-16 or not a CSV file?)" \
    describe /dev/zero
expect_error dev_null "/dev/null: error: file is empty (no header row)" tab /dev/null --var q
mkdir folder.csv
expect_error folder "folder.csv: error: is a folder, not a file to read; name the file in it" describe folder.csv

# ---- shape: columns, fields, quotes, line ends ---------------------------------------------

# 5,000 columns of 0/1, four rows: every column is 1 in exactly two rows.
perl -e 'print join(",", map { "c$_" } 1 .. 5000), "\n";
         for $r (1 .. 4) { print join(",", map { ($_ + $r) % 2 } 1 .. 5000), "\n" }' >wide.csv
if expect_ok wide_describe describe wide.csv; then
    check wide_describe_columns "$(grep '^columns:' out)" "columns: 5000"
fi
multi=$(perl -e 'print join(",", map { "c$_" } 1 .. 5000)')
if expect_ok wide_multi tab wide.csv --multi "all5000=$multi" --lonely-psu certainty --format csv; then
    check wide_multi_rows "$(awk -F, 'NR > 1' out | wc -l | tr -d ' ')" 5000
    check wide_multi_props "$(awk -F, 'NR > 1 { print $7 }' out | sort -u)" "0.5"
    check wide_multi_last "$(get out all5000,c5000,all count)" 2
fi
perl -e 'print join(",", map { "c$_" } 1 .. 100001), "\n1\n"' >cols.csv
expect_error columns_cap "cols.csv:1:688896: error: header has more than 100000 columns" \
    describe cols.csv

# Fields: 3 MB quoted and unquoted (over the 1 MiB field cap), 1,000,000 bytes (under it).
perl -e 'print "q,t\n1,\"", "x" x 3000000, "\"\n"' >bigfield_quoted.csv
expect_error field_cap_quoted "bigfield_quoted.csv:2:3: error: quoted field is longer than 1048576 bytes (is its closing quote missing?)" \
    describe bigfield_quoted.csv
perl -e 'print "q,t\n1,", "x" x 3000000, "\n"' >bigfield.csv
expect_error field_cap "bigfield.csv:2:3: error: field is longer than 1048576 bytes" \
    tab bigfield.csv --var q
# Just over the cap (libcsv itself holds 64 KiB more) in a used column, among short
# rows: refused by every pass (the chunked pass once took it for an empty value).
perl -e 'print "q,t\n"; print "yes,a\n" for 1 .. 1000; print "no,", "x" x 1048586, "\n";
         print "yes,b\n" for 1 .. 1000' >overcap.csv
for th in 1 2; do
    expect_error "field_just_over_cap_threads_$th" \
        "overcap.csv:1002:4: error: field is longer than 1048576 bytes" \
        tab overcap.csv --var t --threads $th
done
rm -f overcap.csv
perl -e 'print "q,t\nyes,", "x" x 1000000, "\nno,y\n"' >field1m.csv
if expect_ok field_1m tab field1m.csv --var t --format csv; then
    check field_1m_level_len "$(awk -F, 'NR == 2 { print length($2) }' out)" 1000000
    check field_1m_prop "$(get out t,y,all proportion)" 0.5
fi
# A 2 MB header name; a last row without a line end.
perl -e 'print "x" x 2000000, "\n1\n"' >bighead.csv
expect_error header_field_cap "bighead.csv:1:1: error: field is longer than 1048576 bytes" \
    describe bighead.csv
printf 'q,w\nyes,1\nno,3' >noeol.csv
if expect_ok no_final_eol tab noeol.csv --var q --weight w --format csv; then
    check no_final_eol_prop "$(get out q,no,all proportion)" 0.75
fi
# A row over the 64 MiB row cap: 70 fields of 1,000,000 bytes.
perl -e '$f = "x" x 1000000; print join(",", map { "c$_" } 1 .. 70), "\n",
         join(",", ($f) x 70), "\n"' >bigrow.csv
expect_error row_cap "bigrow.csv:2:67000068: error: row is longer than 67108864 bytes" \
    describe bigrow.csv
rm -f bigrow.csv

# 100,000 consecutive quotes: an opening quote, 49,999 escaped quotes, a closing quote.
perl -e 'print "q,t\n1,", "\"" x 100000, "\n"' >quotes.csv
if expect_ok quotes_even tab quotes.csv --var t --lonely-psu certainty --format csv; then
    # the level is 49,999 quotes, written back as a quoted CSV field: 2 + 2 x 49,999
    check quotes_even_level "$(awk 'NR == 2' out | tr -cd '"' | wc -c | tr -d ' ')" 100000
    check quotes_even_prop "$(awk -F, 'NR == 2 { print $(NF - 6) }' out)" 1
fi
perl -e 'print "q,t\n1,", "\"" x 100001, "\n"' >quotes_odd.csv
expect_error quotes_odd "quotes_odd.csv:2:3: error: unterminated quoted field (its closing quote is missing)" \
    describe quotes_odd.csv
perl -e 'print "q,t\n1,x", "\"" x 100000, "\n"' >quotes_inner.csv
expect_error quotes_inner "quotes_inner.csv:2:4: error: quote inside an unquoted field (quote the whole field and double the quotes inside it)" \
    describe quotes_inner.csv
perl -e 'print "\"" x 100000' >quotes_header.csv
expect_error quotes_header "quotes_header.csv: error: no data rows after the header" \
    describe quotes_header.csv

# Only newlines; CR-only line ends (old Mac exports).
perl -e 'print "\n" x 100000' >newlines.csv
expect_error only_newlines "newlines.csv: error: file is empty (no header row)" describe newlines.csv
expect_error only_newlines_tab "newlines.csv: error: file is empty (no header row)" \
    tab newlines.csv --var q
printf 'q,w\ryes,1\rno,3\ryes,2\r' >cr.csv
if expect_ok cr_describe describe cr.csv; then
    check cr_line_ends "$(grep '^line ends:' out)" "line ends:  CR"
    check cr_rows "$(awk '$1 == "read" { print $2 }' out)" 3
fi
if expect_ok cr_tab tab cr.csv --var q --weight w --format csv; then
    check cr_tab_yes "$(get out q,yes,all proportion)" 0.5
    check cr_tab_base "$(get out q,no,all base_weight)" 6
fi

# Header cells with empty or repeated names: an error only for a command that names one.
printf 'q,,w,q\n1,2,3,4\n2,2,1,4\n' >emptyname.csv
if expect_ok empty_name describe emptyname.csv; then
    check empty_name_shown "$(awk '$1 == "(column" { print $1, $2, $3, $4 }' out | head -1)" \
        "(column 2, no name)"
    check empty_name_dup_shown "$(grep -c '^  q (column [14])' out)" 4
fi
if expect_ok empty_name_tab tab emptyname.csv --var w --format csv; then
    check empty_name_tab_base "$(get out w,1,all base_n)" 2
fi
expect_error dup_name_used "emptyname.csv: error: --var column 'q' is ambiguous: columns 1 and 4 have that name; rename them in the header so that each name is unique" \
    tab emptyname.csv --var q
expect_error dup_name_weight "emptyname.csv: error: --weight column 'q' is ambiguous: columns 1 and 4 have that name; rename them in the header so that each name is unique" \
    describe emptyname.csv --weight q
printf ',,\n1,2,3\n' >allempty.csv
expect_error all_empty_names "allempty.csv:1:1: error: the header row names no column (every field is empty): the first line that is not blank must hold the column names" \
    tab allempty.csv --var q
# a delimiter at the end of every line (an empty last name) is an unnamed column; at the
# end of the header line only, the rows are one field short and the message says why
printf 'id,q,w,\n1,a,1,\n2,b,1,\n' >trailing.csv
if expect_ok trailing_delimiter_all tab trailing.csv --var q --weight w --format csv; then
    check trailing_delimiter_all_p "$(get out q,a,all proportion)" 0.5
fi
printf 'id,q,w,\n1,a,1\n' >trailing.csv
expect_error trailing_delimiter "trailing.csv:2:1: error: row has 3 fields, header has 4: column 4 has an empty name, the header line ends with a delimiter; name the column, or remove the delimiter at the end of the header line" \
    describe trailing.csv

# Mixed delimiters: a ';' header with ',' rows is ragged; ';' inside ',' fields is data.
printf 'q;w;g\nyes;1;a\nno,2,b\n' >mixed.csv
expect_error mixed_ragged "mixed.csv:3:1: error: row has 1 field, header has 3" describe mixed.csv
printf 'q,w;x\nyes,1;2\nno;x,3\n' >mixed_data.csv
if expect_ok mixed_data tab mixed_data.csv --var 'w;x' --lonely-psu certainty --format csv; then
    check mixed_data_header "$(awk -F, 'NR == 2 { print $1 }' out)" "w;x"
    check mixed_data_levels "$(awk -F, 'NR > 1 { print $2 }' out | tr '\n' ' ')" "1;2 3 "
fi

# ---- numbers and weights -------------------------------------------------------------------

# A 100 KB number: 1.000...0001 (finite, parses as 1), 1111...1 (overflows), 0.000...05.
perl -e 'print "q,w\nyes,1.", "0" x 100000, "1\nno,1\nno,2\n"' >num_long.csv
if expect_ok long_number tab num_long.csv --var q --weight w --format csv; then
    check long_number_prop "$(get out q,yes,all proportion)" 0.25
fi
perl -e 'print "q,w\nyes,", "1" x 100000, "\nno,1\n"' >num_huge.csv
expect_error long_number_overflow "num_huge.csv:2:5: error: weight '1111111111111111111111111111111111111111' in column 'w' is not finite" \
    tab num_huge.csv --var q --weight w
expect_error long_number_overflow_describe "num_huge.csv:2:5: error: --weight column 'w': weight '1111111111111111111111111111111111111111...' is not finite" \
    describe num_huge.csv --weight w
perl -e 'print "q,w\nyes,0.", "0" x 100000, "5\nno,1\nyes,1\n"' >num_tiny.csv
if expect_ok long_number_underflow tab num_tiny.csv --var q --weight w --format csv; then
    check long_number_underflow_prop "$(get out q,yes,all proportion)" 0.5
    check long_number_underflow_n "$(get out q,yes,all base_n)" 3
fi

# Weights: 1e400 (not finite), 1e-400 (underflows to 0, as strtod and R's as.numeric),
# 1e308 (finite but over the 1e100 cap: its square would overflow), all zero.
printf 'q,w\nyes,1\nno,1e400\n' >w_inf.csv
expect_error weight_1e400 "w_inf.csv:3:4: error: weight '1e400' in column 'w' is not finite" \
    tab w_inf.csv --var q --weight w
expect_error weight_1e400_describe "w_inf.csv:3:4: error: --weight column 'w': weight '1e400' is not finite" \
    describe w_inf.csv --weight w
printf 'q,w\nyes,1e-400\nno,1\nyes,3\n' >w_tiny.csv
if expect_ok weight_1e-400 tab w_tiny.csv --var q --weight w --format csv; then
    check weight_1e-400_prop "$(get out q,yes,all proportion)" 0.75
    check weight_1e-400_basew "$(get out q,yes,all base_weight)" 4
fi
if expect_ok weight_1e-400_describe describe w_tiny.csv --weight w; then
    check weight_1e-400_zero "$(grep -c '1 row with weight 0' out)" 1
fi
printf 'q,w\nyes,1e308\nno,1e308\n' >w_big.csv
expect_error weight_cap "w_big.csv:2:5: error: weight '1e308' is larger than 1e100; rescale the weights" \
    tab w_big.csv --var q --weight w
expect_error weight_cap_describe "w_big.csv:2:5: error: --weight column 'w': weight '1e308' is larger than 1e100; rescale the weights (2 rows with a problem in a design column: lines 2, 3)" \
    describe w_big.csv --weight w
printf 'q,w\nyes,1e100\nno,3e99\n' >w_cap.csv
if expect_ok weight_at_cap tab w_cap.csv --var q --weight w --format csv; then
    check weight_at_cap_prop "$(get out q,yes,all proportion)" 0.7692307692307692
fi
printf 'q,g,w\nyes,a,0\nno,a,0\nyes,b,0\n' >w_zero.csv
expect_error weights_all_zero "w_zero.csv: error: every row has weight 0 in --weight column 'w'; there is nothing to estimate" \
    tab w_zero.csv --var q --weight w
expect_error weights_all_zero_compare "w_zero.csv: error: every row has weight 0 in --weight column 'w'; there is nothing to estimate" \
    compare w_zero.csv --var q --by g --pair g=a:g=b --weight w
if expect_ok weights_all_zero_describe describe w_zero.csv --weight w; then
    check weights_all_zero_kish "$(grep 'Kish' out)" "  Kish effective n: n/a of 3 rows (every weight is 0)"
fi

# ---- few rows ------------------------------------------------------------------------------

printf 'q,w\n' >header_only.csv
expect_error header_only "header_only.csv: error: no data rows after the header" describe header_only.csv
expect_error header_only_tab "header_only.csv: error: no data rows after the header" \
    tab header_only.csv --var q
expect_error header_only_chisq "header_only.csv: error: no data rows after the header" \
    chisq header_only.csv --var q --by w
printf 'q,w\nyes,1\nno,2\n' >two_rows.csv
expect_error all_rows_skipped "two_rows.csv: error: no data rows after the header and the 2 skipped rows" \
    tab two_rows.csv --var q --skip-rows 2

# One row: as R, the variance needs --lonely-psu; with certainty (or remove, adjust) the
# proportion is 1 with se 0; with average every stratum is lonely and se is NaN (empty).
printf 'q,w\nyes,2\n' >one.csv
expect_error single_row "one.csv: error: the sample has only one row, so its variance cannot be estimated; choose --lonely-psu remove, certainty, adjust or average" \
    tab one.csv --var q --weight w
for l in certainty remove adjust; do
    if expect_ok "single_row_$l" tab one.csv --var q --weight w --lonely-psu $l --format csv; then
        check "single_row_${l}_p" "$(get out q,yes,all proportion)" 1
        check "single_row_${l}_se" "$(get out q,yes,all se)" 0
        check "single_row_${l}_n" "$(get out q,yes,all base_weight)" 2
    fi
done
if expect_ok single_row_average tab one.csv --var q --weight w --lonely-psu average --format csv; then
    check single_row_average_p "$(get out q,yes,all proportion)" 1
    check single_row_average_se "$(get out q,yes,all se)" ""
fi
printf 'q,p\nyes,7\n' >one_psu.csv
expect_error single_psu "one_psu.csv: error: the sample has only one PSU, so its variance cannot be estimated; choose --lonely-psu remove, certainty, adjust or average" \
    tab one_psu.csv --var q --psu p

# ---- row accounting: read = used + excluded (by reason) -------------------------------------

# 10 data rows, 3 blank lines (not rows), the first row skipped (--skip-rows 1).
printf 'q,g\nx,1\n\nyes,1\nno,2\n\n\nyes,2\nno,1\nyes,1\nno,2\nyes,2\nno,1\nyes,2\n' >acct.csv
if expect_ok acct_describe describe acct.csv --skip-rows 1; then
    check acct_describe_rows "$(sed -n '/^rows:/,/^$/{/^$/!p}' out | tr -s ' ' | tr '\n' '|')" \
        "rows:| read 10| used 9| excluded 1 skipped by --skip-rows|"
fi
if expect_ok acct_tab tab acct.csv --skip-rows 1 --var q --lonely-psu certainty --format json; then
    check acct_tab_json "$(grep '"rows"' out)" '  "rows": {"read": 10, "used": 9, "excluded": 1, "excluded_by_reason": {"skip_rows": 1, "empty_rows": 0}},'
    check acct_tab_base "$(grep -c '"base_n": 9' out)" 2
fi
if expect_ok acct_tab_table tab acct.csv --skip-rows 1 --var q --format table; then
    check acct_tab_table_line "$(grep '^Rows:' out)" "Rows: 10 read, 9 used, 1 excluded (skipped by --skip-rows)."
fi
if expect_ok acct_compare compare acct.csv --skip-rows 1 --var q --by g --pair g=1:g=2 --format json; then
    check acct_compare_json "$(grep '"rows"' out)" '  "rows": {"read": 10, "used": 9, "excluded": 1, "excluded_by_reason": {"skip_rows": 1, "empty_rows": 0}},'
fi
# Rows with weight 0 or a missing answer are used (they count in base_n, as in R).
printf 'q,w\nyes,1\nno,0\n,2\nyes,1\n' >acct_w.csv
if expect_ok acct_weight0 tab acct_w.csv --var q --weight w --format json; then
    check acct_weight0_rows "$(grep '"rows"' out)" '  "rows": {"read": 4, "used": 4, "excluded": 0, "excluded_by_reason": {"skip_rows": 0, "empty_rows": 0}},'
fi
# Rows whose every field is empty (Excel's trailing ",,"; spaces, tabs and "" too) are
# skipped as blank lines are, but counted: read and excluded as empty rows, on one thread,
# two, and from a pipe (the exact reader); a row of one value among empties is used.
printf 'q,g,w\n,,\nyes,1,1\n , ,\t\nno,2,2\n"",,\n,,""\nyes,,3\n,,\n,,\n' >acct_e.csv
for how in "--threads 1" "--threads 2" pipe; do
    if [ "$how" = pipe ]; then
        expect_ok "acct_empty_$how" tab - --var q --weight w --format json <acct_e.csv
    else
        expect_ok "acct_empty_$how" tab acct_e.csv --var q --weight w --format json $how
    fi && check "acct_empty_rows_$how" "$(grep '"rows"' out)" \
        '  "rows": {"read": 9, "used": 3, "excluded": 6, "excluded_by_reason": {"skip_rows": 0, "empty_rows": 6}},' &&
        check "acct_empty_base_$how" "$(grep -c '"base_weight": 6' out)" 2
done
if expect_ok acct_empty_table tab acct_e.csv --skip-rows 1 --var q --weight w --format table; then
    check acct_empty_table_line "$(grep '^Rows:' out)" \
        "Rows: 9 read, 3 used, 6 excluded (1 skipped by --skip-rows, 5 empty rows)."
fi
if expect_ok acct_empty_describe describe acct_e.csv; then
    check acct_empty_describe_rows "$(sed -n '/^rows:/,/^$/{/^$/!p}' out | tr -s ' ' | tr '\n' '|')" \
        "rows:| read 9| used 3| excluded 6 empty rows (every field empty)|"
fi
printf 'q,w\n,\n"",\n' >only_empty.csv
expect_error only_empty_rows "only_empty.csv: error: no data rows after the header (2 rows with every field empty)" \
    tab only_empty.csv --var q
expect_error only_empty_rows_describe "only_empty.csv: error: no data rows after the header and the 1 skipped row (1 row with every field empty)" \
    describe only_empty.csv --skip-rows 1

# ---- many distinct values: identifiers given as questions or segments -----------------------

awk 'BEGIN { print "id,g"; for (i = 1; i <= 200000; i++) print "ID" i "," i % 3 }' >ids.csv
expect_error levels_cap "ids.csv:10002:1: error: question 'id' has more than 10000 distinct values; is column 'id' an identifier?" \
    tab ids.csv --var id
expect_error levels_cap_codes "ids.csv:10002:1: error: question 'c' has more than 10000 distinct values; is column 'id' an identifier?" \
    tab ids.csv --multi-codes c=id
expect_error by_cap "ids.csv:1002:1: error: --by column 'id' has more than 1000 distinct values; is it an identifier?" \
    tab ids.csv --var g --by id
if expect_ok levels_describe describe ids.csv; then
    check levels_describe_distinct "$(awk '$1 == "id" { print $2, $5, $6 }' out)" "text > 10000"
fi
# Memory stays bounded (sanitizer builds reserve shadow memory: no ulimit there).
case "$BUILD" in
*san*) ;;
*)
    (ulimit -v 1048576 && timeout $TMO "$root/$BUILD/shopstat" tab ids.csv --var id >/dev/null 2>&1)
    check levels_cap_1gb "$?" 2
    ;;
esac
# A post-stratified replicate design keeps, in each post-stratum, replicate totals for the
# cells its rows reach only: 700 post-strata of two rows, 80 replicates, --by the
# post-stratum (2,100 cells, a post-stratum's rows in 4 of them). A slot for every cell of
# the table in every post-stratum took 700 x 2,048 x 80 doubles (2.8 GB peak; out of memory
# under 600 MB); now 259 MB, most of it the per-unit sums. Each post-stratum's total is 9
# (the population file), y = 1 on one of its two rows of weight 2: 4.5 of 9, 3,150 of 6,300.
awk 'BEGIN { printf "g,w,y"; for (r = 1; r <= 80; r++) printf ",rep%d", r; print ""
             for (g = 1; g <= 700; g++) for (k = 0; k < 2; k++) { printf "G%d,2,%d", g, k
                 for (r = 1; r <= 80; r++) printf ",%d", 1 + (2 * g + k + r) % 3; print "" } }' >psrep.csv
awk 'BEGIN { print "g,N"; for (g = 1; g <= 700; g++) print "G" g ",9" }' >psrep_pop.csv
case "$BUILD" in
*san*) ;;
*)
    (ulimit -v 614400 && timeout $TMO "$root/$BUILD/shopstat" tab psrep.csv --weight w \
        --repweights rep --reptype bootstrap --poststratify g --population psrep_pop.csv \
        --var y --by g --threads 2 --format csv >out 2>err)
    check reppost_cells_600mb "$? $(head -c 200 err)" "0 "
    check reppost_cells_values "$(grep -E '^y,1,(all|g=G1|g=G700),' out | cut -d, -f3,5,7 | tr '\n' ' ')" \
        "all,6300,0.5 g=G1,9,0.5 g=G700,9,0.5 "
    ;;
esac
# Two questions on one column with different missing: lists are a spec error, found in
# linear time: 200 questions of 1,000 columns each and a last one on the first's first
# column. The pairwise check compared every two questions' columns (2e10 strcmp: minutes).
awk 'BEGIN { print "survey: s\ndata: d.csv\nquestions:"
             for (q = 0; q < 200; q++) {
                 printf "  q%d: {multi: [", q
                 for (c = 0; c < 1000; c++) printf "%sc%d_%d", (c ? ", " : ""), q, c
                 print "], missing: [9]}" }
             print "  z: {column: c0_0, missing: [8]}\ntables:\n  - {question: z}" }' >many_q.yml
printf 'id\n1\n' >d.csv
expect_error spec_missing_many_questions "many_q.yml:204:30: error: questions 'q0' (line 4) and 'z' read column 'c0_0' with different missing: lists ([9] and [8]); a column's missing codes hold for every question on it: give both the same missing:" \
    report many_q.yml -o many_q_out
# 2,000 tables whose names share their first 31 characters (Excel's limit for a sheet name):
# each sheet is the cut name with " (2)", " (3)", ...; the last "a_very_long_table_identi
# (2000)" (24 characters and the 7 of the suffix). Each try was compared with every earlier
# name, from " (2)" on: n^3/6 comparisons, 49 s for 2,000 tables (a 20 s timeout here).
awk 'BEGIN { print "survey: s\ndata: d2.csv\nquestions:\n  q: {column: q}\ntables:"
             for (i = 1; i <= 2000; i++) printf "  - {question: q, name: a_very_long_table_identifier_%06d}\n", i }' >many_t.yml
printf 'q\na\nb\n' >d2.csv
if expect_ok sheet_names_many_tables report many_t.yml -o many_t_out --no-charts --quiet; then
    check sheet_names_many_tables_last "$(unzip -p many_t_out/tables.xlsx xl/workbook.xml |
        grep -o '<sheet name="[^"]*"' | tail -1)" '<sheet name="a_very_long_table_identi (2000)"'
fi
# Every output is created with mode 0666 less the umask, and a file it replaces keeps its
# mode (docs/reliability.md), charts and report.pdf too: they were 0644 whatever the umask
# (a chart replacing a private 0600 one became world-readable) and the report's folder 0755.
printf 'q\na\nb\na\n' >perm.csv
(umask 077 && timeout $TMO $S tab perm.csv --var q -o perm.out.csv --chart perm.pdf >out 2>err)
check chart_mode_umask "$(stat -c %a perm.out.csv perm.pdf 2>&1 | tr '\n' ' ')" "600 600 "
printf 'old' >keep.png && chmod 640 keep.png
(umask 022 && timeout $TMO $S tab perm.csv --var q -o /dev/null --chart keep.png >out 2>err)
check chart_mode_kept "$(stat -c %a keep.png) $(head -c 4 keep.png | tail -c 3)" "640 PNG"
printf 'survey: p\ndata: perm.csv\nquestions:\n  q: {column: q}\ntables:\n  - {question: q, chart: bars}\n' >perm.yml
(umask 027 && timeout $TMO $S report perm.yml -o perm_rep --quiet >out 2>err)
check report_mode_umask "$(stat -c %a perm_rep perm_rep/tables.csv perm_rep/report.pdf perm_rep/charts perm_rep/charts/q.pdf 2>&1 | tr '\n' ' ')" "750 640 640 750 640 "
# Numbers in CSV, JSON and the workbook keep a decimal point under a library caller's
# locale with a decimal comma (the CLI sets none): test_output's and test_xlsx's locale
# cases, with a de_DE.UTF-8 made here when the machine has none installed (LOCPATH).
if command -v localedef >/dev/null && [ -e /usr/share/i18n/locales/de_DE ] && mkdir -p "$T/loc" &&
    localedef -i de_DE -f UTF-8 "$T/loc/de_DE.UTF-8" >/dev/null 2>&1; then
    for t in test_output test_xlsx; do
        if [ -x "$root/$BUILD/tests/$t" ]; then
            (cd "$T" && LOCPATH="$T/loc" "$root/$BUILD/tests/$t" >locale_$t.out 2>&1)
            check "locale_$t" "$? $(grep -m1 'ERROR' locale_$t.out)" "0 "
        fi
    done
fi
# Out of memory while the replicate df is ranked (calloc of R * R + 1 doubles failing, an
# LD_PRELOAD shim, tests/hostile/alloc_fail.c: 37 replicates, 1,370): exit 1 "out of
# memory" and no output file. A df left NaN read as an input error, "design degrees of
# freedom are nan ... rank 0: every replicate gives them weight 0". Skipped without a
# compiler, and under SHOPSTAT_WRAP (valgrind has its own calloc). Without the shim the df
# is 1: replicate r's weights are w (i r mod 3), two distinct columns (r = 1, 2 mod 3) and
# zeros, rank 2.
if [ -z "${SHOPSTAT_WRAP:-}" ] && ${CC:-cc} -shared -fPIC -o alloc_fail.so "$root/tests/hostile/alloc_fail.c" -ldl 2>/dev/null; then
    awk 'BEGIN { printf "id,w,q"; for (r = 1; r <= 37; r++) printf ",rw%d", r; print ""
                 for (i = 1; i <= 200; i++) { printf "%d,%d,%s", i, 1 + i % 3, i % 2 ? "a" : "b"
                     for (r = 1; r <= 37; r++) printf ",%d", (1 + i % 3) * ((i * r) % 3); print "" } }' >rep37.csv
    SHOPSTAT_TEST_CALLOC_FAIL=1370 ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
        LD_PRELOAD="$T/alloc_fail.so" timeout $TMO "$root/$BUILD/shopstat" tab rep37.csv --var q \
        --weight w --repweights rw --reptype bootstrap -o rep37_out.csv >out 2>err
    check rep_rank_nomem "$? $(cat err) $(ls rep37_out.csv 2>/dev/null)" "1 shopstat: error: out of memory "
    expect_ok rep_rank_nomem_without_shim tab rep37.csv --var q --weight w --repweights rw \
        --reptype bootstrap --format csv && check rep_rank_nomem_df "$(get out q,a,all df)" 1
    # Out of memory for the distinct replicate directions' table (its first 64 x 37 doubles,
    # 18,944 bytes): the pass goes on row by row, with the estimates of a run without the
    # shim. The direction was kept without its row before, and X'X read it from a NULL
    # table (a crash; past the end of the table at a later growth).
    awk 'BEGIN { printf "id,w,q"; for (r = 1; r <= 37; r++) printf ",rw%d", r; print ""
                 for (i = 1; i <= 200; i++) { printf "%d,%d,%s", i, 1 + i % 3, i % 2 ? "a" : "b"
                     for (r = 1; r <= 37; r++) printf ",%d", (1 + i % 3) * (int(i / r) % 3); print "" } }' >dirs37.csv
    $S tab dirs37.csv --var q --weight w --repweights rw --reptype bootstrap --format csv >want 2>&1
    SHOPSTAT_TEST_REALLOC_FAIL=18944 ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
        LD_PRELOAD="$T/alloc_fail.so" timeout $TMO "$root/$BUILD/shopstat" tab dirs37.csv --var q \
        --weight w --repweights rw --reptype bootstrap --format csv >out 2>err
    check rep_dirs_nomem "$? $(cat err) $(cmp -s out want && echo same)" "0  same"
    # Out of memory while libyaml loads the spec (its document's first 16 nodes, 16 x 96
    # bytes on x86-64): exit 1 "out of memory", no OUTDIR. It read as the spec's error,
    # "y.yml:1:1: error: YAML: syntax error", exit 2.
    printf 'survey: t\ndata: y.csv\nquestions:\n  q: {column: q}\ntables:\n  - {question: q}\n' >y.yml
    printf 'q\na\nb\n' >y.csv
    SHOPSTAT_TEST_MALLOC_FAIL=1536 ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
        LD_PRELOAD="$T/alloc_fail.so" timeout $TMO "$root/$BUILD/shopstat" report y.yml -o y_out \
        --no-charts --quiet >out 2>err
    check spec_yaml_nomem "$? $(cat err) $(ls -d y_out* 2>/dev/null)" "1 shopstat: error: out of memory "
    # Out of memory in fopen (its FILE, 472 bytes on x86-64 glibc): exit 1 "out of memory",
    # not the spec's "cannot open the spec: Cannot allocate memory", exit 2.
    SHOPSTAT_TEST_MALLOC_FAIL=472 ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
        LD_PRELOAD="$T/alloc_fail.so" timeout $TMO "$root/$BUILD/shopstat" report y.yml -o y_out \
        --no-charts --quiet >out 2>err
    check spec_fopen_nomem "$? $(cat err) $(ls -d y_out* 2>/dev/null)" "1 shopstat: error: out of memory "
    # Out of memory for the time order's keys (999 waves, 16 bytes each): exit 1, no output
    # file. It read as "no periods", and the waves came in byte order (Apr 1950 first).
    awk 'BEGIN { split("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec", m, " "); print "wave,q"
                 for (i = 998; i >= 0; i--) print m[i % 12 + 1] " " (1950 + int(i / 12)) "," (i % 2 ? "a" : "b") }' >waves999.csv
    SHOPSTAT_TEST_MALLOC_FAIL=15984 ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
        LD_PRELOAD="$T/alloc_fail.so" timeout $TMO "$root/$BUILD/shopstat" tab waves999.csv --var q \
        --by wave -o waves_out.csv >out 2>err
    check time_order_nomem "$? $(cat err) $(ls waves_out.csv 2>/dev/null)" "1 shopstat: error: out of memory "
    expect_ok time_order_nomem_without_shim tab waves999.csv --var q --by wave --format csv &&
        check time_order_nomem_first "$(sed -n 3p out | cut -d, -f3)" "wave=Jan 1950"
fi
# The cap on the per-PSU sums counts what a new layout holds with the old one still mapped
# (pass.c, slab_layout): 5,012 PSUs laid out in 8,192 rows of 512 cells (64 MiB), then a
# 513th cell: the new layout (8,192 x 1,024 cells, 128 MiB) is under a 136 MiB cap
# (SHOPSTAT_ACC_MAX_MB, a test knob), but with the old one and the copied rows it would hold
# 142 MiB. Counting the new layout alone let 2 GiB runs reach 3 GiB.
awk 'BEGIN { print "id,q"; for (i = 1; i <= 5000; i++) print "P" i "," i % 500
             for (i = 1; i <= 100; i++) print "Q" i "," 1000 + i }' >acc_held.csv
SHOPSTAT_ACC_MAX_MB=136 expect_error acc_cap_held "acc_held.csv:5013:1: error: the per-PSU totals would exceed 136 MiB (5012 PSUs x 513 cells); use fewer questions or segments per run, or omit --psu if every row is its own PSU" \
    tab acc_held.csv --var q --psu id
# A post-stratified design's pseudo-units keep sums only for the cells their post-stratum's
# rows reach (pass.c, ps_slots): 200 post-strata, each its own --by level (603 cells), 2,000
# PSUs of one post-stratum each. By cell every pseudo-unit held all of them (2,048 x 1,024
# cells x 24 bytes: 48 MiB on each thread, 80 merged), and an 8 MiB cap on the per-PSU sums
# (SHOPSTAT_ACC_MAX_MB) stopped the run at line 680; by slot each meets at most 6 cells (8
# with room), 0.4 MiB. The run goes through under the cap on 1 and 2 threads and through a
# pipe, writing what it writes uncapped, and the post-stratified share of q=0 in 'all' is
# sum_g N_g p_g / sum_g N_g (p_g: the weighted share in g, by awk) to 1e-12.
awk 'BEGIN { print "id,psu,g,q,wt"; n = 0; for (p = 1; p <= 2000; p++) for (i = 0; i < 4; i++)
             print ++n "," p ",G" p % 200 "," (p + i) % 3 % 2 "," 1 + (n * 7) % 5 }' >slots.csv
awk -F, 'NR > 1 { s[$3] += $5 } END { print "g,N"; for (k in s) printf "%s,%d\n", k, s[k] * 3 + 7 }' \
    slots.csv >slots_pop.csv
slots=(--weight wt --psu psu --var q --by g --poststratify g --population slots_pop.csv)
if expect_ok ps_slots_uncapped tab slots.csv "${slots[@]}"; then
    mv out slots_free.csv
    got=$(get slots_free.csv q,0,all proportion)
    check ps_slots_share "$(awk -F, -v got="$got" 'NR == FNR { if (FNR > 1) N[$1] = $2; next }
        FNR > 1 { w[$3] += $5; if ($4 == 0) z[$3] += $5 }
        END { for (g in N) { a += N[g] * z[g] / w[g]; b += N[g] }
              d = got - a / b; print (got != "" && d < 1e-12 && d > -1e-12) ? "ok" : got " vs " a / b }' \
        slots_pop.csv slots.csv)" ok
    for th in 1 2; do
        if SHOPSTAT_ACC_MAX_MB=8 expect_ok ps_slots_th$th tab slots.csv "${slots[@]}" --threads $th; then
            if cmp -s out slots_free.csv; then pass; else
                fail "ps_slots_th${th}_same" "differs from the run without the cap"
            fi
        fi
    done
    if SHOPSTAT_ACC_MAX_MB=8 expect_ok ps_slots_pipe tab - "${slots[@]}" <slots.csv; then
        if cmp -s out slots_free.csv; then pass; else
            fail ps_slots_pipe_same "differs from the run without the cap"
        fi
    fi
fi
if [ "${HOSTILE_SLOW:-0}" = 1 ]; then
    awk 'BEGIN { print "id,q"; for (i = 1; i <= 20000; i++) print "P" i "," i % 9000 }' >acc.csv
    timeout 300 $S tab acc.csv --var q --psu id >out 2>err
    check acc_cap "$(cat err)" "acc.csv:8193:1: error: the per-PSU totals would exceed 2048 MiB (8192 PSUs x 8193 cells); use fewer questions or segments per run, or omit --psu if every row is its own PSU"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
