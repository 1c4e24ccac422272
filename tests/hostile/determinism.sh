#!/usr/bin/env bash
# Determinism: tab, compare and chisq give the same results (to 1e-12) whatever
# the order of the rows within PSUs, the order of the PSUs, the order of all rows of an
# element design, and the reader's block size. The data comes from build/tools/gen_export
# (20,000 rows, 50 strata, up to 40 PSUs each); the orders from a fixed LCG, so a
# failure reproduces. Ends with "N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
S="$root/$BUILD/shopstat"
cmp="$root/$BUILD/tools/csvcompare"

"$root/$BUILD/tools/gen_export" 20000 11 >base.csv

# shuffle MODE < in > out, header kept. MODE: rows (all rows), within (rows within each
# (region, panel) PSU, PSUs in their first-appearance order), psus (whole PSUs reordered,
# rows inside kept). The same LCG on every machine.
shuffle() {
    perl -e '
        my $mode = shift; my $s = 987654321;
        sub rnd { $s = ($s * 1103515245 + 12345) % 2147483648; return $s / 2147483648 }
        sub shuf { my @a = @_; for (my $i = $#a; $i > 0; $i--) { my $j = int(rnd() * ($i + 1));
                   @a[$i, $j] = @a[$j, $i] } return @a }
        my $h = <STDIN>; print $h; my (@order, %rows);
        while (my $l = <STDIN>) { my @f = split /,/, $l; my $k = "$f[1],$f[2]";
            push @order, $k unless exists $rows{$k}; push @{$rows{$k}}, $l }
        if ($mode eq "rows") { print shuf(map { @{$rows{$_}} } @order) }
        elsif ($mode eq "within") { print shuf(@{$rows{$_}}) for @order }
        else { print @{$rows{$_}} for shuf(@order) }' "$1"
}
shuffle rows <base.csv >rows.csv
shuffle within <base.csv >within.csv
shuffle psus <base.csv >psus.csv
if cmp -s base.csv rows.csv || cmp -s base.csv within.csv || cmp -s base.csv psus.csv; then
    fail shuffle "a shuffled file equals the original"
fi
if [ "$(sort base.csv | md5sum)" != "$(sort rows.csv | md5sum)" ]; then
    fail shuffle "the shuffled file lost rows"
fi

questions=(--var satisfaction --var would_switch --multi prefs=pref_email,pref_phone,pref_form
    --multi-codes problems=problems --by spend_6m --segment hi=satisfaction:4,5)
cluster=(--weight wt --strata region --psu panel)
element=(--weight wt)
repl=(--weight wt --repweights rep --reptype jk1)

# The replicate design: JK1 weights on 40 PSUs (panel), created once from the base file,
# then the rows shuffled like the others.
"$S" replicate base.csv --weight wt --psu panel --type jk1 --prefix rep -o rep_base.csv 2>/dev/null
shuffle rows <rep_base.csv >rep_rows.csv

# same NAME REFERENCE OTHER: the two CSV outputs agree to 1e-12, relative or absolute
# whichever is larger. Absolute matters for differences of two close proportions: in an
# element design a cell total is one plain sum over all rows of a stratum, so its last bit
# follows the row order (about 1e-15 of a proportion), and a difference of 4.6e-4 between
# two such proportions then moves by 3e-12 of itself.
same() {
    if [ ! -s "$2" ] || [ ! -s "$3" ]; then
        fail "$1" "no output ($(head -c 200 err))"
    elif "$cmp" "$2" "$3" --rel 1e-12 --abs 1e-12 >diff.txt; then
        pass
    elif [[ " $known " == *" $1 "* ]]; then
        echo "XFAIL $1 (known, see below): $(head -1 diff.txt)"
        xfail=$((xfail + 1))
        pass
    else
        fail "$1" "$(head -3 diff.txt)"
    fi
}
# Known misses of 1e-12, counted as passes but printed (none: the element design's
# per-stratum sums, which the variance subtracts, are compensated in pass.c).
known=""
xfail=0

# run OUT DATA ARGS...: one command, CSV output, errors in err.
run() {
    local out=$1
    shift
    timeout 60 "$S" "$@" --format csv -o "$out" 2>err || fail "$out" "exit $?: $(head -c 300 err)"
}

for design in cluster element repl; do
    case $design in
    cluster) d=("${cluster[@]}") files=(base rows within psus) ;;
    element) d=("${element[@]}") files=(base rows) ;;
    repl) d=("${repl[@]}") files=(rep_base rep_rows) ;;
    esac
    for f in "${files[@]}"; do
        run "tab_${design}_$f.csv" tab "$f.csv" "${d[@]}" "${questions[@]}"
        run "cmp_${design}_$f.csv" compare "$f.csv" "${d[@]}" "${questions[@]}" \
            --pair spend_6m=1:spend_6m=3 --pair hi:rest
        run "chi_${design}_$f.csv" chisq "$f.csv" "${d[@]}" --var satisfaction --by spend_6m
    done
    ref=${files[0]}
    for f in "${files[@]:1}"; do
        for c in tab cmp chi; do
            same "${c}_${design}_$f" "${c}_${design}_$ref.csv" "${c}_${design}_$f.csv"
        done
    done
    # Block sizes: 1 byte, a prime, 4 KiB against the default (1 MiB).
    for bs in 1 4093 4096; do
        for c in tab cmp chi; do
            case $c in
            tab) SHOPSTAT_BLOCK_SIZE=$bs run "${c}_${design}_bs$bs.csv" tab "$ref.csv" \
                "${d[@]}" "${questions[@]}" ;;
            cmp) SHOPSTAT_BLOCK_SIZE=$bs run "${c}_${design}_bs$bs.csv" compare "$ref.csv" \
                "${d[@]}" "${questions[@]}" --pair spend_6m=1:spend_6m=3 --pair hi:rest ;;
            chi) SHOPSTAT_BLOCK_SIZE=$bs run "${c}_${design}_bs$bs.csv" chisq "$ref.csv" \
                "${d[@]}" --var satisfaction --by spend_6m ;;
            esac
            same "${c}_${design}_bs$bs" "${c}_${design}_$ref.csv" "${c}_${design}_bs$bs.csv"
        done
    done
    # Threads: 1, 2 and 3 threads over 64 KiB chunks (about a dozen of them) agree with the
    # default run to 1e-12, and with each other exactly (chunks merged in file order).
    for th in 1 2 3; do
        for c in tab cmp chi; do
            case $c in
            tab) args=(tab "$ref.csv" "${d[@]}" "${questions[@]}") ;;
            cmp) args=(compare "$ref.csv" "${d[@]}" "${questions[@]}"
                       --pair spend_6m=1:spend_6m=3 --pair hi:rest) ;;
            chi) args=(chisq "$ref.csv" "${d[@]}" --var satisfaction --by spend_6m) ;;
            esac
            SHOPSTAT_CHUNK_BYTES=65536 run "${c}_${design}_th$th.csv" "${args[@]}" --threads "$th"
            same "${c}_${design}_th$th" "${c}_${design}_$ref.csv" "${c}_${design}_th$th.csv"
            if [ "$th" -gt 1 ]; then
                if cmp -s "${c}_${design}_th1.csv" "${c}_${design}_th$th.csv"; then pass; else
                    fail "${c}_${design}_th$th" "differs from 1 thread over the same chunks"
                fi
            fi
            # the cluster design is merged once (exact per-PSU sums, ids in file order): the
            # very bytes of the one-chunk run over any chunks; merged chunk by chunk in file
            # order (SHOPSTAT_ORDERED=1), the same to 1e-12
            if [ "$design" = cluster ]; then
                if cmp -s "${c}_${design}_$ref.csv" "${c}_${design}_th$th.csv"; then pass; else
                    fail "${c}_${design}_th$th" "merged once: differs from the one-chunk run"
                fi
                SHOPSTAT_ORDERED=1 SHOPSTAT_CHUNK_BYTES=65536 run "${c}_${design}_ord$th.csv" \
                    "${args[@]}" --threads "$th"
                same "${c}_${design}_ord$th" "${c}_${design}_$ref.csv" "${c}_${design}_ord$th.csv"
            fi
        done
    done
done

# A gzip-compressed export (one thread parses it as one chunk; with 2 or 3, another
# inflates ahead): the plain file's results to 1e-12, and the same bytes on any thread
# count, and from a pipe (the exact pass, whatever its block size).
gzip -cn base.csv >base.csv.gz
for th in 1 2 3; do
    run "tab_gzip_th$th.csv" tab base.csv.gz "${cluster[@]}" "${questions[@]}" --threads "$th"
    same "tab_gzip_th$th" tab_cluster_base.csv "tab_gzip_th$th.csv"
done
run tab_gzip_pipe.csv tab - "${cluster[@]}" "${questions[@]}" <base.csv.gz
SHOPSTAT_BLOCK_SIZE=4093 run tab_gzip_bs.csv tab - "${cluster[@]}" "${questions[@]}" \
    <base.csv.gz
for f in tab_gzip_th2.csv tab_gzip_th3.csv tab_gzip_pipe.csv tab_gzip_bs.csv; do
    if cmp -s tab_gzip_th1.csv "$f"; then pass; else fail "$f" "differs from 1 thread"; fi
done

# The variances of a cluster design's estimates come in groups, each group from one pass
# over the PSUs (variance.c, totals_ratio_vars): groups of 1 and 7 estimates (a test knob)
# give the very bytes of one group; and under --lonely-psu fail the message names the same
# stratum. (The tab of this file has 7 x 24 estimates.)
run tab_cluster_group.csv tab base.csv "${cluster[@]}" "${questions[@]}"
for g in 1 7; do
    SHOPSTAT_RATIO_GROUP=$g run "tab_cluster_group$g.csv" tab base.csv "${cluster[@]}" "${questions[@]}"
    if [ -s tab_cluster_group.csv ] && cmp -s tab_cluster_group.csv "tab_cluster_group$g.csv"; then
        pass
    else
        fail "tab_cluster_group$g" "differs from one group"
    fi
done
awk -F, 'NR == 1 || !($2 == "R07" && $3 != "1")' base.csv >lonely.csv
"$S" tab lonely.csv "${cluster[@]}" "${questions[@]}" -o lonely_out.csv 2>lonely_err1.txt
SHOPSTAT_RATIO_GROUP=5 "$S" tab lonely.csv "${cluster[@]}" "${questions[@]}" \
    -o lonely_out.csv 2>lonely_err5.txt
if grep -q "stratum 'R07' has only one PSU" lonely_err1.txt && cmp -s lonely_err1.txt lonely_err5.txt &&
    [ ! -e lonely_out.csv ]; then
    pass
else
    fail tab_lonely_group "$(head -c 300 lonely_err1.txt) / $(head -c 300 lonely_err5.txt)"
fi

# The per-PSU sums of all threads' totals past the process's cap (SHOPSTAT_ACC_LIMIT_MB, a
# test knob; 4 GiB by default): the chunked pass gives up and one thread, under the cap,
# gives the same results (and the bytes of the freed totals are no longer counted).
SHOPSTAT_ACC_LIMIT_MB=6 SHOPSTAT_CHUNK_BYTES=65536 run tab_cluster_acclimit.csv \
    tab base.csv "${cluster[@]}" "${questions[@]}" --threads 2
same tab_cluster_acclimit tab_cluster_base.csv tab_cluster_acclimit.csv
# A layout of the per-PSU sums makes room for 4 times the PSUs it needs only under the caps
# (pass.c, slab_layout): at 6 MiB the 1,025 PSUs of a one-thread pass (2,048 laid out) fit,
# 8,192 would not, and the run must not fail for it.
SHOPSTAT_ACC_LIMIT_MB=6 run tab_cluster_acclimit1.csv \
    tab base.csv "${cluster[@]}" "${questions[@]}" --threads 1
same tab_cluster_acclimit1 tab_cluster_base.csv tab_cluster_acclimit1.csv

# Replicate designs past the direction cap (SHOPSTAT_REP_MAX_DIRS, a test knob: X'X built
# row by row, and merged as matrices, whether the worker, the merged totals or both went
# past it): the same estimates, SEs and df as with directions, 1 and 2 threads.
# rows sorted by PSU, 2 MiB chunks: each thread sees fewer than 30 of the 40 directions,
# the merged totals pass 30 at a merge (checked with a debug print when written)
(head -1 rep_base.csv && tail -n +2 rep_base.csv | sort -t, -k3,3n -k1,1n) >rep_sorted.csv
run tab_repl_sorted.csv tab rep_sorted.csv "${repl[@]}" "${questions[@]}"
SHOPSTAT_REP_MAX_DIRS=30 SHOPSTAT_CHUNK_BYTES=2097152 run tab_repl_sorted30.csv \
    tab rep_sorted.csv "${repl[@]}" "${questions[@]}" --threads 2
same tab_repl_sorted30 tab_repl_sorted.csv tab_repl_sorted30.csv
for th in 1 2; do
    SHOPSTAT_REP_MAX_DIRS=3 SHOPSTAT_CHUNK_BYTES=65536 run "tab_repl_rowwise_th$th.csv" \
        tab rep_base.csv "${repl[@]}" "${questions[@]}" --threads "$th"
    same "tab_repl_rowwise_th$th" tab_repl_rep_base.csv "tab_repl_rowwise_th$th.csv"
    SHOPSTAT_REP_MAX_DIRS=30 SHOPSTAT_CHUNK_BYTES=65536 run "cmp_repl_rowwise30_th$th.csv" \
        compare rep_base.csv "${repl[@]}" "${questions[@]}" --pair spend_6m=1:spend_6m=3 \
        --pair hi:rest --threads "$th"
    same "cmp_repl_rowwise30_th$th" cmp_repl_rep_base.csv "cmp_repl_rowwise30_th$th.csv"
done

# describe in chunks on 1-3 threads prints what one pass over a pipe prints (less the file
# name line): columns past the 10,000-value cap, a text column past its byte budget, more
# than 100,000 distinct weights (binned median), strata, PSUs that span chunks, fpc.
awk 'BEGIN { srand(7); print "id,region,panel,wt,fpc,txt,code";
             for (i = 1; i <= 110000; i++) { r = int(rand() * 30) + 1;
                 printf "%d,R%d,%d,%.6f,%d,t%08d-%s,%d\n", i, r, int(rand() * 20) + 1,
                        0.5 + rand() * 3, 1000 + r, int(rand() * 1e8),
                        "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz",
                        int(rand() * 7) } }' >desc.csv
# skip: the same after two Qualtrics-like rows (a quoted newline, CRLF) that --skip-rows
# skips: the chunks start after them
{ head -n 1 desc.csv; printf '"Respondent\r\nID",Region,Panel,"Weight, final",FPC,Text,Code\r\n'
  printf '"{""ImportId"":""QID1""}",,,,,,\n'; tail -n +2 desc.csv; } >skip.csv
# latin: the same in windows-1252 (an accented letter in every text value): each chunk is
# converted to UTF-8 as it is read
sed $'s/-abc/-\xe9bc/' desc.csv >latin.csv
join_lines() { # a line ending in a backslash joined to the next
    sed -e ':a' -e '/\\$/N' -e 's/ *\\\n */ /' -e 'ta'
}
for f in base desc skip latin; do
    case $f in
    base) dd=(--weight wt --strata region --psu panel) ;;
    desc) dd=(--weight wt --strata region --psu panel --fpc fpc) ;;
    skip) dd=(--weight wt --strata region --psu panel --fpc fpc --skip-rows 2) ;;
    latin) dd=(--weight wt --strata region --psu panel --fpc fpc) ;;
    esac
    # (the start's commands name the data as given, /dev/stdin there, and wrap by their
    # length: compared joined)
    cat "$f.csv" | timeout 60 "$S" describe /dev/stdin "${dd[@]}" 2>err | tail -n +2 |
        join_lines | sed "s# /dev/stdin # $f.csv #" >"d_${f}_pipe.txt"
    # 64 KiB chunks: the caps are reached in the merged description; 2 MiB chunks (over
    # 10,000 rows each): within a chunk too
    for run in 1:65536 2:65536 3:65536 2:2097152; do
        th=${run%:*} cb=${run#*:}
        SHOPSTAT_CHUNK_BYTES=$cb timeout 60 "$S" describe "$f.csv" "${dd[@]}" --threads "$th" \
            2>err | tail -n +2 | join_lines >"d_${f}_th$th.txt"
        if [ -s "d_${f}_pipe.txt" ] && cmp -s "d_${f}_pipe.txt" "d_${f}_th$th.txt"; then pass; else
            fail "describe_${f}_th${th}_$cb" "differs from one pass: $(diff "d_${f}_pipe.txt" "d_${f}_th$th.txt" | head -3)"
        fi
    done
done
if grep -q 'median ~' d_desc_pipe.txt && grep -q '> 9' d_desc_pipe.txt; then pass; else
    fail describe_caps "the describe case no longer reaches the weight and byte caps"
fi

# SurveyMonkey's two header rows (--header-rows 2): the base file with the preferences
# under one question text and their options in a second row, read in 64 KiB chunks on 1, 2
# and 3 threads (the ranges start after both header rows): the same table each time, and
# the same as the one-row file's (the levels then named by their columns)
{
    printf 'id,region,panel,wt,spend_6m,would_switch,Which channels would you prefer?,,,problems,satisfaction\n'
    printf ',,,,,Response,Email,Phone,Form,,Response\n'
    tail -n +2 base.csv
} >sm_base.csv
run sm_one.csv tab base.csv "${cluster[@]}" --var satisfaction --multi prefs=pref_email,pref_phone,pref_form
for th in 1 2 3; do
    SHOPSTAT_CHUNK_BYTES=65536 run "sm_th$th.csv" tab sm_base.csv "${cluster[@]}" --header-rows 2 \
        --var satisfaction --multi 'prefs=Which channels would you prefer? / *' --threads "$th"
    sed -e 's/^prefs,Email,/prefs,pref_email,/; s/^prefs,Phone,/prefs,pref_phone,/' \
        -e 's/^prefs,Form,/prefs,pref_form,/' "sm_th$th.csv" >"sm_th${th}_named.csv"
    same "surveymonkey_th$th" sm_one.csv "sm_th${th}_named.csv"
    if [ "$th" -gt 1 ]; then
        if cmp -s sm_th1.csv "sm_th$th.csv"; then pass; else
            fail "surveymonkey_th$th" "differs from 1 thread over the same chunks"
        fi
    fi
done
if grep -q '^prefs,Email,all,' sm_th2.csv && [ "$(grep -c '^satisfaction,' sm_th2.csv)" -ge 4 ]; then
    pass
else
    fail surveymonkey_levels "the two-row file's levels are not its options' labels"
fi

# Post-stratified designs (--poststratify region,spend_6m: 150 post-strata, a PSU in up to 3
# of them): the pseudo-units (stratum, PSU, post-stratum) merge as PSUs do, so any row order,
# 1, 2 or 3 threads over 64 KiB chunks and the one-thread exact pass (a pipe) agree to 1e-12,
# and the thread counts exactly; cluster and element designs.
awk -F, 'NR > 1 { s[$2 "," $5] += $4 } END { print "region,spend_6m,N";
    for (k in s) printf "%s,%.0f\n", k, s[k] * 1.1 + 1 }' base.csv >pop.csv
for design in cluster element; do
    case $design in
    cluster) d=("${cluster[@]}") ;;
    element) d=("${element[@]}") ;;
    esac
    d+=(--poststratify region,spend_6m --population pop.csv)
    for c in tab cmp chi; do
        case $c in
        tab) args=("${questions[@]}") ;;
        cmp) args=("${questions[@]}" --pair spend_6m=1:spend_6m=3 --pair hi:rest) ;;
        chi) args=(--var satisfaction --by spend_6m) ;;
        esac
        cmd=$c
        [ "$c" = cmp ] && cmd=compare
        [ "$c" = chi ] && cmd=chisq
        run "ps_${c}_${design}.csv" "$cmd" base.csv "${d[@]}" "${args[@]}"
        run "ps_${c}_${design}_rows.csv" "$cmd" rows.csv "${d[@]}" "${args[@]}"
        same "ps_${c}_${design}_rows" "ps_${c}_${design}.csv" "ps_${c}_${design}_rows.csv"
        run "ps_${c}_${design}_pipe.csv" "$cmd" - "${d[@]}" "${args[@]}" <base.csv
        same "ps_${c}_${design}_pipe" "ps_${c}_${design}.csv" "ps_${c}_${design}_pipe.csv"
        for th in 1 2 3; do
            SHOPSTAT_CHUNK_BYTES=65536 run "ps_${c}_${design}_th$th.csv" "$cmd" base.csv \
                "${d[@]}" "${args[@]}" --threads "$th"
            same "ps_${c}_${design}_th$th" "ps_${c}_${design}.csv" "ps_${c}_${design}_th$th.csv"
            if [ "$th" -gt 1 ]; then
                if cmp -s "ps_${c}_${design}_th1.csv" "ps_${c}_${design}_th$th.csv"; then pass; else
                    fail "ps_${c}_${design}_th$th" "differs from 1 thread over the same chunks"
                fi
            fi
        done
    done
done

# Raked designs (--rake region and --rake spend_6m, R's rake: the joint cells numbered from
# the margins' cells, the same in every thread): as the post-stratified ones, any row order,
# 1, 2 or 3 threads over 64 KiB chunks and the exact pass agree to 1e-12, and the thread
# counts exactly.
awk -F, 'NR > 1 { s[$2] += $4 } END { print "region,N"; for (k in s) printf "%s,%.0f\n", k, s[k] * 1.1 + 1 }' \
    base.csv >rake_region.csv
awk -F, 'NR == FNR { if (FNR > 1) T += $2; next } FNR > 1 { s[$5] += $4; W += $4 }
    END { print "spend_6m,N"; n = 0; for (k in s) { v[++n] = k }
          for (i = 1; i <= n; i++) { x = i < n ? sprintf("%.0f", s[v[i]] * T / W) : T - acc
              acc += x; printf "%s,%.0f\n", v[i], x } }' rake_region.csv base.csv >rake_spend.csv
for c in tab cmp chi; do
    case $c in
    tab) args=("${questions[@]}") ;;
    cmp) args=("${questions[@]}" --pair spend_6m=1:spend_6m=3 --pair hi:rest) ;;
    chi) args=(--var satisfaction --by spend_6m) ;;
    esac
    cmd=$c
    [ "$c" = cmp ] && cmd=compare
    [ "$c" = chi ] && cmd=chisq
    d=("${cluster[@]}" --rake region=rake_region.csv --rake spend_6m=rake_spend.csv)
    run "rk_${c}.csv" "$cmd" base.csv "${d[@]}" "${args[@]}"
    run "rk_${c}_rows.csv" "$cmd" rows.csv "${d[@]}" "${args[@]}"
    same "rk_${c}_rows" "rk_${c}.csv" "rk_${c}_rows.csv"
    run "rk_${c}_pipe.csv" "$cmd" - "${d[@]}" "${args[@]}" <base.csv
    same "rk_${c}_pipe" "rk_${c}.csv" "rk_${c}_pipe.csv"
    for th in 1 2 3; do
        SHOPSTAT_CHUNK_BYTES=65536 run "rk_${c}_th$th.csv" "$cmd" base.csv "${d[@]}" "${args[@]}" \
            --threads "$th"
        same "rk_${c}_th$th" "rk_${c}.csv" "rk_${c}_th$th.csv"
        if [ "$th" -gt 1 ]; then
            if cmp -s "rk_${c}_th1.csv" "rk_${c}_th$th.csv"; then pass; else
                fail "rk_${c}_th$th" "differs from 1 thread over the same chunks"
            fi
        fi
    done
done

# The outputs themselves are byte-identical run to run (no time stamps, no addresses).
run again.csv tab base.csv "${cluster[@]}" "${questions[@]}"
if cmp -s again.csv tab_cluster_base.csv; then pass; else fail rerun "two runs differ"; fi

[ "$xfail" -gt 0 ] && echo "($xfail of the passes are known failures, XFAIL above)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
