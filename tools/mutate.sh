#!/usr/bin/env bash
# Mutation testing of the statistics core: does the test suite fail when a number is wrong?
# Each mutant changes one operator or constant of one line of an engine source (or deletes
# one assignment), is built, and is run against a fast subset of the tests that covers the
# statistics; a mutant no test fails ("survived") is a gap in the tests, dead code or an
# equivalent change. Not part of `make check` (a few hundred mutants take an hour).
#
#   tools/mutate.sh [FILE[:FROM-TO][@N]...]     default: the statistics core (below)
#
#   MUTATE_SAMPLE=N    draw N mutants per FILE argument without its own @N (0: all;
#                      default 30)
#   MUTATE_SEED=S      the draw's seed (default 1): the same seed, the same mutants
#   MUTATE_TIMEOUT=S   seconds for each test step of one mutant (default 120): past it the
#                      mutant counts as "timeout" (an endless loop is killed, not survived)
#   MUTATE_OUT=DIR     where report.md and results.tsv go (default out/mutate)
#   MUTATE_BUILD=DIR   the scratch build directory, kept between runs to save the first
#                      build (default: a fresh one inside the scratch copy)
#   MUTATE_RERUN=DIR   run again only the mutants that survived in DIR (an earlier
#                      MUTATE_OUT: its mutants.tsv and results.tsv), as after new tests; the
#                      report counts DIR's killed ones too (kill rates before and after)
#   MUTATE_SET=loader  the loader's files and tests instead of the statistics core's: the
#                      CSV reader, exclusions, spec, plan and describe (50 mutants each), run
#                      against their unit binaries, tests/cli, tests/hostile and tests/oracle
#   MUTATE_SET=calib   calibration and what users copy: post-stratification (calib.c), raking
#                      (rake.c), replicate.c outside the variance part the stats set draws
#                      from, pass.c's post-stratified lines (its pseudo-units, their sums
#                      and their merge), the CSV/JSON/table writers (output.c),
#                      score_format.c and xlsx.c's number cells (147 mutants), run against
#                      their unit binaries, tests/oracle (R's poststrat, rake, reppost and
#                      reprake fixtures) and tests/cli; xlsx.c's mutants tests/report too
#   MUTATE_SET=newer   what no earlier set drew from, most of it recent: the quantile
#                      estimator (score.c's quantile words, qrule "math", Woodruff's
#                      interval, a measure's decimals; pass.c's checks of a quantile's
#                      values), score_format.c, trends (period.c, pass.c's wave order),
#                      tab.c, describe's suggested commands (suggest.c) and describe.c again
#                      (seed 5 by default: other lines than the loader set's), report.c's decisions a
#                      reader sees (bases, which rows and differences a table shows, a
#                      measure's and a quantile's rows; 135 mutants), run against their unit
#                      binaries, tests/oracle (R's svyquantile fixtures, a few seconds) and
#                      tests/cli (describe's and trends' goldens); report.c's mutants
#                      tests/report too
#   MUTATE_UNIT="test_a test_b"  the unit binaries to run (default: the set's)
#   MUTATE_SCRIPTS="tests/x/run.sh ..."  the test scripts to run after them (default: the set's)
#   MUTATE_EXTRA="FILE:SCRIPT ..."  scripts run after those for FILE's mutants alone (default:
#                      the set's; "" none: the report suite takes minutes on a loaded machine)
#
# Nothing in the checkout is edited: the sources are copied to a scratch folder (removed on
# exit, on ^C and on TERM), each mutant is written there, built there with make's BUILD=
# (never build/), and the file is restored before the next one. The tests run are the
# set's unit binaries, then its test scripts (the statistics': tests/oracle/run.sh and
# tests/cli/run.sh), in that order, the first that fails killing the mutant. Needs python3 (tools/mutate.py lists and applies the
# mutants). docs/reliability.md, "Mutation testing", has the last run's figures.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
SAMPLE=${MUTATE_SAMPLE:-30}
EXTRA=""   # FILE:SCRIPT words: SCRIPT runs after the set's scripts for FILE's mutants alone
SEED=${MUTATE_SEED:-1}
TMO=${MUTATE_TIMEOUT:-120}
OUT=${MUTATE_OUT:-$root/out/mutate}
case $OUT in /*) ;; *) OUT=$PWD/$OUT ;; esac
case ${MUTATE_SET:-stats} in
stats)
    UNIT="test_adjust test_ci test_compare test_derived test_describe test_exclude test_raoscott
          test_replicate test_scale test_score test_spec test_surveys test_tab"
    SCRIPTS="tests/oracle/run.sh tests/cli/run.sh"
    if [ $# -eq 0 ]; then
        # where a wrong operator changes a published number first (variances, CIs, df, design
        # effects, comparisons, Rao-Scott), then the scores and replicate designs' variance
        set -- engine/variance.c@45 engine/ci.c@40 engine/compare.c@40 engine/raoscott.c@30 \
            engine/adjust.c@15 engine/score.c@25 engine/scale.c@20 \
            engine/replicate.c:1576-1789@25 engine/repcreate.c@10
    fi ;;
loader)
    # where users' files meet the engine: the goldens and hostile inputs first see a row
    # lost or an error's line:col moved (the oracle last: a miscounted row moves R's figures)
    UNIT="test_reader test_spec test_exclude test_describe test_tab test_surveys test_patterns"
    SCRIPTS="tests/cli/run.sh tests/hostile/run.sh tests/oracle/run.sh"
    if [ $# -eq 0 ]; then
        set -- engine/reader.c@50 engine/exclude.c@50 engine/spec.c@50 engine/plan.c@50 \
            engine/describe.c@50
    fi ;;
calib)
    # the oracle first (R's figures of every calibrated design), then the goldens; the
    # report suite (75 s) for xlsx.c's mutants alone: its workbooks are what it checks
    UNIT="test_tab test_output test_xlsx test_replicate test_score"
    SCRIPTS="tests/oracle/run.sh tests/cli/run.sh"
    EXTRA="engine/xlsx.c:tests/report/run.sh"
    if [ $# -eq 0 ]; then
        set -- engine/calib.c@35 engine/rake.c@30 engine/replicate.c:1-1575@15 \
            engine/replicate.c:1790-2376@10 engine/pass.c:2034-2079@5 \
            engine/pass.c:3129-3142@4 engine/pass.c:4415-4442@5 engine/output.c@25 \
            engine/score_format.c@6 engine/xlsx.c:206-296@6 engine/xlsx.c:892-1120@6
    fi ;;
newer)
    # the oracle first (R's quantiles and their intervals, 7 s), then the goldens (describe's
    # suggestions, trends); the report suite (75 s) for report.c's mutants alone
    UNIT="test_score test_tab test_describe test_scale test_output"
    SCRIPTS="tests/oracle/run.sh tests/cli/run.sh"
    EXTRA="engine/report.c:tests/report/run.sh"
    SEED=${MUTATE_SEED:-5}   # (the fifth round's draw; describe.c's lines other than seed 1's)
    if [ $# -eq 0 ]; then
        set -- engine/score.c:163-240@4 engine/score.c:962-1110@20 engine/score.c:1360-1385@2 \
            engine/pass.c:1605-1665@4 engine/pass.c:3660-3830@8 engine/score_format.c@6 \
            engine/period.c@20 engine/tab.c@12 engine/suggest.c@30 engine/describe.c@10 \
            engine/report.c:906-1300@8 engine/report.c:1412-1458@3 \
            engine/report.c:2081-2117@3 engine/report.c:2376-2478@5
    fi ;;
*) echo "mutate: MUTATE_SET is stats, loader, calib or newer" >&2; exit 2 ;;
esac
UNIT=${MUTATE_UNIT:-$UNIT}
SCRIPTS=${MUTATE_SCRIPTS:-$SCRIPTS}
EXTRA=${MUTATE_EXTRA-$EXTRA}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/shopstat-mutate.XXXXXX")
current=""   # the source file that holds a mutant now
# a mutant's object must not outlive it in a kept MUTATE_BUILD (the next copy's source is
# older than it, and make would not remake it)
cleanup() {
    [ -n "$current" ] && rm -f "$scratch/build-mut/${current%.c}.o" "$scratch/build-mut/libshopstat.a"
    rm -rf "$scratch"
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

# the scratch copy: the working tree as it is (uncommitted tests included), no builds
(cd "$root" && tar --exclude='./build*' --exclude='./out' --exclude='./.git' \
    --exclude='./bench/data' -cf - .) | tar -C "$scratch" -xf - || exit 1
mkdir -p "$OUT"
# the tests take BUILD relative to the checkout: build-mut inside the copy (or a link to
# MUTATE_BUILD)
B=build-mut
if [ -n "${MUTATE_BUILD:-}" ]; then
    mkdir -p "$MUTATE_BUILD" && ln -s "$(cd "$MUTATE_BUILD" && pwd)" "$scratch/$B" || exit 1
fi
targets="$B/shopstat $B/tools/csvcompare"
for t in $UNIT; do targets="$targets $B/tests/$t"; done

# The Makefile compiles a unit test again whenever the library changes; a mutant needs it
# linked only. mutate.mk (in the copy alone) compiles each test once and links it.
cat >"$scratch/mutate.mk" <<'MK'
$(BUILD)/tobj/%.o: tests/unit/%.c tests/unit/testutil.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -MMD -MP -c -o $@ $<
-include $(wildcard $(BUILD)/tobj/*.d)
MK
for t in $UNIT; do
    printf '$(BUILD)/tests/%s: $(BUILD)/tobj/%s.o $(BUILD)/libshopstat.a\n' "$t" "$t"
    printf '\t@mkdir -p $(dir $@)\n'
    printf '\t$(CC) -o $@ $< $(BUILD)/libshopstat.a $(ALL_LDLIBS) -lcmocka $(ALL_LDFLAGS)\n'
done >>"$scratch/mutate.mk"
build() {
    (cd "$scratch" && make -s -j1 -f Makefile -f mutate.mk BUILD="$B" OPT="-O1" $targets \
        >"$scratch/make.log" 2>&1)
}

# runs the tests of FILE's mutants (no FILE: the unmutated copy, every EXTRA script too);
# prints the first step that failed ("" when all passed), exit 124 on timeout
run_tests() {
    local scripts=$SCRIPTS e
    for e in $EXTRA; do
        [ -z "${1:-}" ] || [ "${e%%:*}" = "$1" ] && scripts="$scripts ${e#*:}"
    done
    export CMOCKA_MESSAGE_OUTPUT=stdout
    for t in $UNIT; do
        timeout "$TMO" "$scratch/$B/tests/$t" >/dev/null 2>&1; rc=$?
        [ $rc -eq 124 ] && { echo "$t"; return 124; }
        [ $rc -ne 0 ] && { echo "$t"; return 1; }
    done
    for s in $scripts; do
        (cd "$scratch" && BUILD="$B" timeout "$TMO" "$s" >/dev/null 2>&1); rc=$?
        [ $rc -eq 124 ] && { echo "$s"; return 124; }
        [ $rc -ne 0 ] && { echo "$s"; return 1; }
    done
    echo ""
    return 0
}

echo "mutate: building the unmutated copy in $B"
build || { cat "$scratch/make.log"; echo "mutate: the unmutated copy does not build" >&2; exit 1; }
why=$(run_tests) || { echo "mutate: the unmutated copy fails $why: fix that first" >&2; exit 1; }

list=$OUT/mutants.tsv
if [ -n "${MUTATE_RERUN:-}" ]; then
    prev=$(cd "$MUTATE_RERUN" && pwd) || exit 1
    [ "$prev" = "$(cd "$OUT" && pwd)" ] && { echo "mutate: MUTATE_OUT must differ from MUTATE_RERUN" >&2; exit 1; }
    cp "$prev/mutants.tsv" "$list" || exit 1
    set -- $(sed -n 's/^# args: //p' "$list")
fi
[ -n "${MUTATE_RERUN:-}" ] || { echo "# args: $*"; } >"$list"
[ -n "${MUTATE_RERUN:-}" ] || for spec in "$@"; do
    n=$SAMPLE
    case $spec in *@*) n=${spec##*@}; spec=${spec%@*} ;; esac
    (cd "$scratch" && python3 "$root/tools/mutate.py" list "$SEED" "$n" "$spec") >>"$list" || exit 1
done
# one id per mutant of the run (mutate.py counts each file from 1)
if [ -z "${MUTATE_RERUN:-}" ]; then
    awk -F'\t' 'BEGIN { OFS = "\t" } /^#/ { print; next } { $1 = ++n; print }' "$list" >"$list.tmp" &&
        mv "$list.tmp" "$list" || exit 1
fi
total=$(grep -vc '^#' "$list")
res=$OUT/results.tsv
printf 'id\tfile\tline\tkind\tmutation\tresult\tby\tmutated line\n' >"$res"
n=0
while IFS=$'\t' read -r id file line kind desc b64; do
    case $id in '#'*) continue ;; esac
    n=$((n + 1))
    if [ -n "${MUTATE_RERUN:-}" ]; then
        old=$(awk -F'\t' -v id="$id" '$1 == id { print $6 "\t" $7 "\t" $8 }' "$prev/results.tsv")
        if [ "${old%%$'\t'*}" != survived ]; then
            printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$file" "$line" "$kind" "$desc" "$old" >>"$res"
            continue
        fi
    fi
    cp -p "$scratch/$file" "$scratch/$file.orig"
    current=$file
    python3 "$root/tools/mutate.py" apply "$scratch/$file" "$line" "$b64"
    touch "$scratch/$file"
    if ! build; then
        result=compile-error; by=""
    else
        by=$(run_tests "$file"); rc=$?
        case $rc in 0) result=survived ;; 124) result=timeout ;; *) result=killed ;; esac
    fi
    newline=$(sed -n "${line}p" "$scratch/$file")
    mv "$scratch/$file.orig" "$scratch/$file"
    touch "$scratch/$file"   # newer than the mutant's object: the next build remakes it
    current=""
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$file" "$line" "$kind" "$desc" "$result" "$by" \
        "$(printf '%s' "$newline" | sed 's/^ *//')" >>"$res"
    printf 'mutate: %d/%d %s:%s %s: %s %s\n' "$n" "$total" "$file" "$line" "$desc" "$result" "$by"
done <"$list"
# leave the build directory matching the unmutated sources
build >/dev/null 2>&1

# the report: counts per file, then each survivor
{
    echo "# Mutation testing: $(date -u +%Y-%m-%dT%H:%MZ), seed $SEED: $*"
    [ -n "${MUTATE_RERUN:-}" ] && echo && echo "The survivors of $MUTATE_RERUN run again; the others as they were there."
    echo
    echo "| file | mutants | killed | timeout | survived | compile-error | kill rate |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    awk -F'\t' 'NR > 1 { n[$2]++; c[$2, $6]++; f[$2] = 1 }
        END { for (x in f) { k = c[x, "killed"] + c[x, "timeout"]; v = k + c[x, "survived"];
              printf "| %s | %d | %d | %d | %d | %d | %s |\n", x, n[x], c[x, "killed"],
                c[x, "timeout"], c[x, "survived"], c[x, "compile-error"],
                v ? sprintf("%.0f%%", 100 * k / v) : "-" } }' "$res" | sort
    echo
    echo "Kill rate: (killed + timeout) / (mutants that compiled)."
    echo
    echo "## Survived"
    echo
    awk -F'\t' 'NR > 1 && $6 == "survived" { printf "- %s %s:%s %s: `%s`\n", $1, $2, $3, $5, $8 }' "$res"
} >"$OUT/report.md"
echo "mutate: $n mutants run; report in $OUT/report.md"
