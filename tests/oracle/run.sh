#!/usr/bin/env bash
# Oracle suite: runs shopstat on every case of cases.txt (and rep_cases.txt) and compares its csv with the
# R-generated expected/NAME.csv (missing/cases.txt: missing/NAME.csv; exclude/cases.txt: exclude/NAME.csv; likewise codes_sep/, one_psu/, rest/, wilson/, edge/, rep_rank/, jk2/, jk2_create/, tracker/, puf/, stage/, calib/, calib_extreme/, rake/, reppost/, reprake/ and quantile/) using build/tools/csvcompare (1e-6 relative, or 1e-9 absolute, unless the case
# says |tol=REL or |abs=ABS: a case of SEs near 1e-8 compares them relatively with abs=1e-15). Also self-checks csvcompare on selftest/. Ends with "N passed, N failed".
#   ORACLE_ONLY=REGEX   run only the cases whose name matches (bash regex)
#   ORACLE_KEEP=DIR     keep each case's actual output as DIR/NAME.csv (and NAME.err)
# Cases of a command whose --help still says "Not implemented yet" are skipped (noted), so
# that `make check` stays green until the engine lands.
set -u
BUILD=${BUILD:-build}
root=$(cd "$(dirname "$0")/../.." && pwd)
case $BUILD in /*) bdir=$BUILD ;; *) bdir=$root/$BUILD ;; esac
here=$root/tests/oracle
SHOPSTAT=$bdir/shopstat
CMP=$bdir/tools/csvcompare
passed=0; failed=0; skipped=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

if [ ! -x "$CMP" ]; then
    echo "FAIL: $CMP is missing (run make)"
    echo "0 passed, 1 failed"
    exit 1
fi

# --- csvcompare self-check: it must accept what matches and reject what does not.
selftest() { # NAME EXPECTED_STATUS ARGS...
    local name=$1 want=$2; shift 2
    (cd "$here/selftest" && "$CMP" "$@" >"$tmp/self.out" 2>"$tmp/self.err")
    local rc=$?
    if [ "$rc" = "$want" ]; then ok; else fail "csvcompare self-check $name: exit $rc, expected $want"; cat "$tmp/self.out" "$tmp/self.err"; fi
}
selftest identical 0 expected.csv expected.csv
selftest within-tolerance 0 expected.csv within.csv
selftest mismatches 1 expected.csv off.csv
if ! diff -u "$here/selftest/off.out" "$tmp/self.out" >/dev/null; then
    fail "csvcompare self-check mismatch report differs from selftest/off.out"
    diff -u "$here/selftest/off.out" "$tmp/self.out"
else ok; fi
selftest loose-rel-still-keys 1 expected.csv off.csv --rel 1e-3
selftest missing-rows 1 expected.csv short.csv
selftest extra-rows 1 short.csv expected.csv
selftest header 1 expected.csv header.csv
selftest usage 2 expected.csv
selftest bad-option 2 expected.csv within.csv --rel x
selftest unreadable 2 expected.csv no-such-file.csv

# --- oracle cases
implemented() {
    ! "$SHOPSTAT" "$1" --help 2>/dev/null | grep -q "Not implemented yet"
}
declare -A skip_cmd=()
# (each line comes as EXPECTED_DIR|line: expected/ for cases.txt and rep_cases.txt, missing/
# and codes_sep/ for make_missing_fixtures.R's and make_codes_sep_fixtures.R's own folders)
while IFS= read -r line || [ -n "$line" ]; do
    expdir=${line%%|*}
    line=${line#*|}
    case $line in ''|'#'*) continue ;; esac
    name=${line%%|*}
    rest=${line#*|}
    cmd=${rest%%|*}
    extra=""
    [ "$rest" != "$cmd" ] && extra=${rest#*|}
    if [ -n "${ORACLE_ONLY:-}" ] && ! [[ $name =~ $ORACLE_ONLY ]]; then continue; fi
    rel=1e-6; abs=1e-9
    case $extra in tol=*) rel=${extra#tol=} ;; abs=*) abs=${extra#abs=} ;; esac
    read -r -a args <<<"$cmd"
    if ! implemented "${args[0]}"; then
        skipped=$((skipped + 1)); skip_cmd[${args[0]}]=1
        continue
    fi
    out=$tmp/$name.csv; err=$tmp/$name.err
    fmt=(--format csv); [ "${args[0]}" = replicate ] && fmt=()
    (cd "$here" && "$SHOPSTAT" "${args[@]}" "${fmt[@]}" >"$out" 2>"$err" </dev/null)
    rc=$?
    if [ -n "${ORACLE_KEEP:-}" ]; then mkdir -p "$ORACLE_KEEP"; cp "$out" "$err" "$ORACLE_KEEP/"; fi
    if [ "$rc" -ne 0 ]; then
        fail "$name: shopstat exited $rc: shopstat $cmd --format csv"
        head -5 "$err"
        continue
    fi
    if (cd "$here" && "$CMP" "$expdir/$name.csv" "$out" --rel "$rel" --abs "$abs" >"$tmp/cmp.out" 2>&1); then
        ok
    else
        fail "$name: output differs from $expdir/$name.csv: shopstat $cmd --format csv"
        head -20 "$tmp/cmp.out"
    fi
done < <(cat "$here/cases.txt" "$here/rep_cases.txt" 2>/dev/null | sed 's/^/expected|/'
         sed 's/^/missing|/' "$here/missing/cases.txt"
         sed 's/^/exclude|/' "$here/exclude/cases.txt"
         sed 's/^/codes_sep|/' "$here/codes_sep/cases.txt"
         sed 's/^/one_psu|/' "$here/one_psu/cases.txt"
         sed 's/^/rest|/' "$here/rest/cases.txt"
         sed 's/^/wilson|/' "$here/wilson/cases.txt"
         sed 's/^/edge|/' "$here/edge/cases.txt"
         sed 's/^/rep_rank|/' "$here/rep_rank/cases.txt"
         sed 's/^/jk2|/' "$here/jk2/cases.txt"
         sed 's/^/jk2_create|/' "$here/jk2_create/cases.txt"
         sed 's/^/tracker|/' "$here/tracker/cases.txt"
         sed 's/^/puf|/' "$here/puf/cases.txt"
         sed 's/^/stage|/' "$here/stage/cases.txt"
         sed 's/^/calib|/' "$here/calib/cases.txt"
         sed 's/^/calib_extreme|/' "$here/calib_extreme/cases.txt"
         sed 's/^/rake|/' "$here/rake/cases.txt"
         sed 's/^/reppost|/' "$here/reppost/cases.txt"
         sed 's/^/reprake|/' "$here/reprake/cases.txt"
         sed 's/^/quantile|/' "$here/quantile/cases.txt")
# --- round trips: create replicates, analyse them with the flags `replicate` prints, and
# match R's results for the replicate design as.svrepdesign makes of the Taylor design
# (JKn: rep_apistrat_jkn; JK1 with an fpc, whose scale only the printed flags carry:
# rep_roundtrip_jk1_fpc; JKn with a single-PSU stratum sampled whole, which is no lonely
# stratum: rep_roundtrip_jkn_certainty; JKn with strata of two PSUs sampled whole:
# rep_roundtrip_jkn_whole_strata; the paired jackknife, which as.svrepdesign does not make,
# against svrepdesign(type = "JK2") on the weights make_jk2_create_fixtures.R builds:
# jk2_create/roundtrip_jk2). EXPECTED is a NAME of expected/ or a DIR/NAME of this folder.
round_trip() { # NAME EXPECTED "REPLICATE ARGS" "TAB ARGS"
    local name=$1 expected=expected/$2.csv rt=$tmp/$1.csv
    case $2 in */*) expected=$2.csv ;; esac
    local -a rargs targs rtflags
    read -r -a rargs <<<"$3"
    read -r -a targs <<<"$4"
    if [ -n "${ORACLE_ONLY:-}" ] && ! [[ $name =~ $ORACLE_ONLY ]]; then return; fi
    if (cd "$here" && "$SHOPSTAT" replicate "${rargs[@]}" -o "$rt" 2>"$tmp/rt.err") &&
        read -r -a rtflags < <(sed -n 's/^analyse with: //p' "$tmp/rt.err") &&
        (cd "$here" && "$SHOPSTAT" tab "$rt" "${rtflags[@]}" "${targs[@]}" \
            --format csv >"$tmp/rt.out" 2>>"$tmp/rt.err") &&
        (cd "$here" && "$CMP" "$expected" "$tmp/rt.out" >"$tmp/cmp.out" 2>&1); then
        ok
    else
        fail "$name: shopstat replicate $3, then tab with the flags it prints $4"
        head -5 "$tmp/rt.err" "$tmp/cmp.out" 2>/dev/null
    fi
}
round_trip round_trip rep_apistrat_jkn \
    "data/apistrat.csv --weight pw --strata stype --psu snum --fpc fpc --type jkn" \
    "--var sch_wide --var awards --by stype"
round_trip round_trip_jk1_fpc rep_roundtrip_jk1_fpc \
    "data/apiclus1.csv --weight pw --psu dnum --fpc fpc --type jk1" \
    "--var sch_wide --var awards --segment elem=stype:E"
round_trip round_trip_jkn_certainty rep_roundtrip_jkn_certainty \
    "data/shopper_fpc.csv --weight wt --strata region --psu panel --fpc fpc_cert --type jkn" \
    "--var would_switch --by wave"
round_trip round_trip_jkn_whole_strata rep_roundtrip_jkn_whole_strata \
    "data/nhanes.csv --weight WTMEC2YR --strata SDMVSTRA --psu SDMVPSU --fpc fpc_psu --type jkn" \
    "--var HI_CHOL --by race"
round_trip round_trip_jk2 jk2_create/roundtrip_jk2 \
    "jk2_create/nhanes_pairs.csv --weight WTMEC2YR --strata SDMVSTRA --psu SDMVPSU --type jk2" \
    "--var HI_CHOL --by race"
if [ "$skipped" -gt 0 ]; then
    echo "note: $skipped oracle cases skipped: not implemented yet: ${!skip_cmd[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
