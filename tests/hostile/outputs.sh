#!/usr/bin/env bash
# Failure paths of the outputs and of a run: a file past `ulimit -f`, a full device, two
# outputs of one command on one path, every allocation failing in turn, a crash while
# temporary files exist, an input cut while it is read, a file name with a newline. Each
# must end in one error line and its documented exit status, with no temporary file left
# and no earlier output touched. Ends with "N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
bin="$root/$BUILD/shopstat"
S="${SHOPSTAT_WRAP:+$SHOPSTAT_WRAP }$bin"

check() {
    if [ "$2" = "$3" ]; then pass; else fail "$1" "got '$2', expected '$3'"; fi
}

# Files in the current folder other than the ones named (sorted, one line).
leftovers() {
    ls -A | grep -v -x -F "$(printf '%s\n' "$@")" | tr '\n' ' '
}

awk 'BEGIN { print "id,g,q,w"; for (i = 1; i <= 3000; i++) print i "," i % 4 "," (i % 3 ? "yes" : "no") "," 1 + i % 5 }' >d.csv
# a small report: its tables.csv is some 20 KB (a question of 300 levels)
awk 'BEGIN { print "id,g,q,w"; for (i = 1; i <= 600; i++) print i "," i % 2 "," i % 300 "," 1 + i % 5 }' >r.csv
cat >s.yml <<'YML'
survey: s
data: r.csv
design: {weight: w}
questions:
  q: {column: q}
segments:
  all: {}
  one: {where: "g == 1"}
tables:
  - {question: q, segments: [all, one]}
YML
keep="d.csv r.csv s.yml out err status lib"
mkdir lib # (the LD_PRELOAD shims)

# 1. A file past `ulimit -f`: the write fails (EFBIG) and the run says which file and why,
#    exit 2, nothing left. Until 2026-12-03 shopstat died of SIGXFSZ (exit 153) and left
#    its temporary files (.big.csv.tmp-PID-N, a report's OUTDIR.tmp-XXXXXX folder).
(
    ulimit -f 8
    $S tab d.csv --var id --by g -o big.csv >out 2>err
    echo "$?"
) >status
check xfsz_tab_status "$(cat status)" 2
check xfsz_tab_message "$(cat err)" "big.csv: error: cannot write: File too large"
check xfsz_tab_files "$(leftovers $keep status)" ""
# the table view, written by compare's own code (its error said "shopstat: error: cannot
# write the output: the stream reported an error": no file, no reason)
(
    ulimit -f 8
    $S compare d.csv --var id --by g --pair g=1:g=2 --format table -o big.txt >out 2>err
    echo "$?"
) >status
check xfsz_compare_table "$(cat status) $(cat err)" "2 big.txt: error: cannot write: File too large"
check xfsz_compare_files "$(leftovers $keep status)" ""
(
    ulimit -f 8
    $S report s.yml -o rep --no-charts --quiet >out 2>err
    echo "$?"
) >status
# (it said "cannot write the file": no reason)
check xfsz_report "$(cat status) $(cat err)" "2 rep/tables.csv: error: cannot write: File too large"
check xfsz_report_files "$(leftovers $keep status)" ""
# an earlier report stays as it was
$S report s.yml -o rep --no-charts --quiet
sum=$(cat rep/*.csv rep/report.md | cksum)
(
    ulimit -f 8
    $S report s.yml -o rep --no-charts --quiet >out 2>err
    echo "$?"
) >status
check xfsz_report_kept "$(cat status) $(cat rep/*.csv rep/report.md | cksum)" "2 $sum"
check xfsz_report_kept_files "$(leftovers $keep status rep)" ""
rm -rf rep

# the workbook past the limit (7.5 KB; the report's other files are under 1 KB): one line,
# ours, with the system's reason. libxlsxwriter printed its own "[ERROR] workbook_close():
# Zip ZIP_ERRNO error while creating xlsx file '...'. System error = File too large" above
# it, and ours said "cannot write the workbook: Zip generic error ZIP_ERRNO while creating
# the xlsx file."
cat >x.yml <<'YML'
survey: x
data: d.csv
design: {weight: w}
questions:
  q: {column: q}
tables:
  - {question: q}
YML
(
    ulimit -f 4
    $S report x.yml -o rep --no-charts --quiet >out 2>err
    echo "$?"
) >status
check xfsz_report_xlsx "$(cat status) $(cat err)" "2 rep/tables.xlsx: error: cannot write: File too large"
check xfsz_report_xlsx_files "$(leftovers $keep status x.yml)" ""
rm -f x.yml

# 2. A full device, and the errno of a write that failed long before the commit (it was
#    whatever call failed last: a full disk could be reported as "Success").
$S tab d.csv --var q -o /dev/full >out 2>err
check dev_full "$? $(cat err)" "2 /dev/full: error: cannot write: No space left on device"
$S tab d.csv --var q >/dev/full 2>err
check dev_full_stdout "$? $(cat err)" "2 -: error: cannot write to standard output: No space left on device"
# (past stdio's buffer the failed write was long before: its errno is not known)
$S tab d.csv --var id --format json >/dev/full 2>err
check dev_full_stdout_long "$? $(cat err)" "2 -: error: cannot write to standard output"

# 3. Two outputs of one command on one path: the table was renamed over the chart, exit 0.
for c in "tab d.csv --var q -o x.svg --chart ./x.svg" \
    "compare d.csv --var q --by g --pair g=1:g=2 -o x.svg --chart x.svg" \
    "score d.csv --score q:yes=1,no=0 -o $T/x.svg --chart x.svg"; do
    read -r -a args <<<"$c"
    $S "${args[@]}" >out 2>err
    check "same_path ${args[0]}" "$? $(sed 's/(.*)/(...)/' err)" \
        "2 $(printf '%s' "${args[-1]}"): error: is both the --chart file and the -o file (...): one would overwrite the other; give them different names"
    check "same_path ${args[0]} files" "$(leftovers $keep)" ""
done

# The data file itself as the output, given as a name or as standard input redirected
# from it: refused before the pass, the data kept. Read from standard input it was
# replaced by the table (exit 0) until 2026-12-03.
cp d.csv data.csv
sum=$(cksum <data.csv)
for c in "tab data.csv --var q -o data.csv" "tab - --var q -o data.csv" \
    "describe - -o data.csv" "replicate - --psu id --type bootstrap --replicates 2 -o ./data.csv"; do
    read -r -a args <<<"$c"
    $S "${args[@]}" <data.csv >out 2>err
    rc=$?
    msg="is the data file being read; write the output to another file"
    [ "${args[1]}" = - ] &&
        msg="is the data file being read (standard input is redirected from it); write the output to another file"
    check "output_is_input ${args[0]} ${args[1]}" "$rc $(cat err) $(cksum <data.csv)" \
        "2 ${args[-1]}: error: $msg $sum"
done
rm -f data.csv

# 4. Out of memory at every allocation of a run, one at a time (tests/hostile/nth_alloc.c):
#    each run exits 0 with the usual output, or 1 with one line "...: error: out of memory"
#    and no file. Until 2026-12-03 a failure while the flags were read, while the data file was
#    opened (fopen's FILE) or while the output was written said so with exit 2, the status
#    of bad input ("cannot open: Cannot allocate memory"). Not under valgrind or the
#    sanitizers (their allocators are their own).
case "$BUILD" in *san*) nth=0 ;; *) nth=1 ;; esac
if [ "$nth" = 1 ] && [ -z "${SHOPSTAT_WRAP:-}" ] &&
    ${CC:-cc} -shared -fPIC -o "$T/lib/nth_alloc.so" "$root/tests/hostile/nth_alloc.c" -ldl 2>/dev/null; then
    mkdir oom && cd oom || exit 1
    # (describe every 5th: it has as many, and it is the slower)
    for c in "1 tab ../d.csv --var q --by g --weight w --missing 9 --threads 1 -o t.csv" \
        "5 describe ../d.csv --threads 1 -o t.csv"; do
        read -r -a args <<<"$c"
        step=${args[0]}
        args=("${args[@]:1}")
        $bin "${args[@]}" && mv t.csv want.csv
        SHOPSTAT_TEST_NTH_COUNT=count LD_PRELOAD="$T/lib/nth_alloc.so" $bin "${args[@]}"
        total=$(cat count)
        rm -f t.csv
        bad=
        for n in $(seq 1 "$step" "$total"); do
            SHOPSTAT_TEST_NTH_ALLOC=$n LD_PRELOAD="$T/lib/nth_alloc.so" timeout ${HOSTILE_TIMEOUT:-20} $bin "${args[@]}" >out 2>err
            rc=$?
            # (describe says what it could not count: "sums: not computed (out of memory)")
            if [ "$rc" = 0 ] && [ ! -s err ] && { cmp -s t.csv want.csv || grep -q '(out of memory)' t.csv; }; then
                :
            elif [ "$rc" = 1 ] && [ "$(wc -l <err)" = 1 ] && grep -q 'error: out of memory$' err && [ ! -e t.csv ]; then
                :
            else
                bad="$bad $n:$rc:$(head -c 80 err)"
            fi
            rm -f t.csv
            [ -z "$(ls -A | grep -v -x -e out -e err -e want.csv -e count)" ] || bad="$bad $n:files"
        done
        check "nth_alloc ${args[0]} ($total allocations)" "${bad# }" ""
        rm -f want.csv
    done
    cd .. && rm -rf oom
fi

# 5. A crash while temporary files exist (a library's abort, here in fsync,
#    tests/hostile/fsync_abort.c): they are removed before the process dies of the signal
#    (exit 134). They stayed: .t.csv.tmp-PID-N, a report's OUTDIR.tmp-XXXXXX folder.
if [ -z "${SHOPSTAT_WRAP:-}" ] &&
    ${CC:-cc} -shared -fPIC -o "$T/lib/fsync_abort.so" "$root/tests/hostile/fsync_abort.c" 2>/dev/null; then
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
        LD_PRELOAD="$T/lib/fsync_abort.so" $bin tab d.csv --var q -o t.csv >out 2>err
    check crash_tab "$? $(leftovers $keep)" "134 "
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
        LD_PRELOAD="$T/lib/fsync_abort.so" $bin report s.yml -o rep --no-charts --quiet >out 2>err
    check crash_report "$? $(leftovers $keep)" "134 "
fi

# 6. An input cut while it is read (an export rewritten in place; tests/hostile/cut_read.c
#    truncates it at a line end once its first block is read): an error, not the results
#    of the rows before the cut (exit 0 with 20,000 of 40,000 rows until 2026-12-03), on
#    one thread and on two.
if [ -z "${SHOPSTAT_WRAP:-}" ] &&
    ${CC:-cc} -shared -fPIC -o "$T/lib/cut_read.so" "$root/tests/hostile/cut_read.c" -ldl 2>/dev/null; then
    awk 'BEGIN { print "q,w"; for (i = 1; i <= 40000; i++) print (i % 3 ? "yes" : "no") "," 1 + i % 4 }' >cutsrc.csv
    size=$(head -n 20001 cutsrc.csv | wc -c)
    for th in 1 2; do
        cp cutsrc.csv cut.csv
        SHOPSTAT_TEST_CUT="cut.csv:$size" LD_PRELOAD="$T/lib/cut_read.so" \
            ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
            $bin tab cut.csv --var q --weight w --threads $th -o t.csv >out 2>err
        check "cut_while_read threads $th" "$? $(cat err) $(ls t.csv 2>/dev/null)" \
            "2 cut.csv: error: the file was cut while it was read (226671 bytes when opened, 113338 now): was it being rewritten? Read a copy that no program is writing "
    done
    # An export written anew and renamed over the one being read (after its first block):
    # the run reads the file it opened, whole. The chunked pass opened the data again by
    # name and read the new file's bytes at the old one's offsets (37,778 rows of the new
    # file, with exit 0, until 2026-12-03).
    $bin tab cutsrc.csv --var q --weight w -o want.csv
    awk 'BEGIN { print "q,w"; for (i = 1; i <= 40000; i++) print "no,10" }' >new.csv
    for th in 1 2; do
        cp cutsrc.csv cut.csv
        cp new.csv new2.csv
        SHOPSTAT_TEST_REPLACE="new2.csv:cut.csv" LD_PRELOAD="$T/lib/cut_read.so" \
            ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
            $bin tab cut.csv --var q --weight w --threads $th -o t.csv >out 2>err
        check "replaced_while_read threads $th" "$? $(cat err) $(cmp t.csv want.csv 2>&1)" "0  "
    done
    rm -f cutsrc.csv cut.csv new.csv want.csv t.csv
fi

# 7. A file name with a newline and a byte that is not UTF-8: still one line, the bytes
#    escaped (it was printed raw, the error line split in two).
name=$'two\nlines\xff.csv'
$S tab "$name" --var q >out 2>err
check name_newline "$? $(wc -l <err) $(cat err)" '2 1 two\nlines\xFF.csv: error: cannot open: No such file or directory'

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
