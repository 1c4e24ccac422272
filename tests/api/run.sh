#!/usr/bin/env bash
# The library as another program uses it: `make install` into a temporary prefix, then,
# with only the installed headers and `pkg-config shopstat` (with and without --static, and
# the build tree's shopstat-uninstalled.pc), the statistics linked without cairo and charts with
# `pkg-config shopstat-plots`,
# build tests/api/example.c (docs/library.md) under -std=c11 -Wall -Wextra -Werror
# -pedantic, compile every installed header alone (C11, C99 and C++11) and beside cairo.h,
# run the example on tests/oracle/data/shopper.csv and check its estimates and comparisons
# against R's (tests/oracle/expected) and against `shopstat tab` / `shopstat compare` with
# the same flags, and under valgrind (when installed) that it frees everything; write tab's
# and compare's JSON through the library (tests/api/json.c) as the program does; then fail
# each of a job's allocations in turn (tests/api/oom.c).
# Needs no network and no R; removes what it made. Ends with "N passed, N failed".
set -u
BUILD=${BUILD:-build}
root=$(cd "$(dirname "$0")/../.." && pwd)
case $BUILD in /*) bdir=$BUILD ;; *) bdir=$root/$BUILD ;; esac
CC=${CC:-cc}
CXX=${CXX:-c++}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0; failed=0
ok() { passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
cd "$root"

prefix=$TMP/prefix
if ! make -s --no-print-directory BUILD="$BUILD" PREFIX="$prefix" install >"$TMP/make.log" 2>&1; then
    fail "make install PREFIX=$prefix: $(tail -3 "$TMP/make.log")"
    echo "$passed passed, $failed failed"
    exit 1
fi
ok
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
unset PKG_CONFIG_LIBDIR
STRICT=(-std=c11 -Wall -Wextra -Werror -pedantic)
# `make sanitize` builds the archive with ASan and UBSan: a program linking it needs them too
# (and valgrind cannot run it; the sanitizers check the frees instead)
SAN=
if nm "$prefix/lib/libshopstat.a" 2>/dev/null | grep -q ' U __asan_'; then
    SAN=-fsanitize=address,undefined
    STRICT+=("$SAN")
fi

# 1. pkg-config knows the installed library, at the prefix it was installed to
if [ "$(pkg-config --modversion shopstat 2>&1)" = \
    "$(sed -n 's/^#define SHOPSTAT_VERSION "\(.*\)"/\1/p' include/shopstat/shopstat.h)" ]; then ok
else fail "pkg-config --modversion shopstat: $(pkg-config --modversion shopstat 2>&1)"; fi
case " $(pkg-config --cflags shopstat) " in
    *" -I$prefix/include "*) ok ;;
    *) fail "pkg-config --cflags shopstat has no -I$prefix/include: $(pkg-config --cflags shopstat)" ;;
esac

# 1b. one version everywhere: the header's numbers and string, shopstat_version() of the
#     archive, the .pc file's Version and `shopstat --version` of the installed program
cat >"$TMP/version.c" <<'EOF'
#include <stdio.h>
#include <shopstat/shopstat.h>
#if !defined(SHOPSTAT_VERSION_MAJOR) || !defined(SHOPSTAT_VERSION_MINOR) || \
    !defined(SHOPSTAT_VERSION_PATCH) || SHOPSTAT_VERSION_MAJOR < 0
#error "no numeric version"
#endif
int main(void)
{
    printf("%d.%d.%d %s %s\n", SHOPSTAT_VERSION_MAJOR, SHOPSTAT_VERSION_MINOR,
           SHOPSTAT_VERSION_PATCH, SHOPSTAT_VERSION, shopstat_version());
    return 0;
}
EOF
# shellcheck disable=SC2046 # pkg-config's words are separate flags
if $CC "${STRICT[@]}" -o "$TMP/version" "$TMP/version.c" \
    $(pkg-config --static --cflags --libs shopstat) 2>"$TMP/cc.err"; then
    v=$(pkg-config --modversion shopstat)
    got=$("$TMP/version" 2>&1)
    [ -n "$v" ] && [ "$got" = "$v $v $v" ] && ok ||
        fail "version: header numbers, SHOPSTAT_VERSION, shopstat_version(): '$got'; .pc Version '$v'"
    got=$("$prefix/bin/shopstat" --version 2>&1)
    [ "$got" = "shopstat $v" ] && ok || fail "shopstat --version: '$got', .pc Version '$v'"
else
    fail "a program using SHOPSTAT_VERSION_MAJOR/MINOR/PATCH and shopstat_version() does not build: $(head -3 "$TMP/cc.err")"
fi

# 2. every installed header compiles alone, in C11, C99 and C++11
ncompiled=0
for h in "$prefix"/include/shopstat/*.h; do
    n=$(basename "$h")
    printf '#include <shopstat/%s>\n' "$n" >"$TMP/h.c"
    if $CC "${STRICT[@]}" -fsyntax-only -I"$prefix/include" "$TMP/h.c" 2>"$TMP/h.err"; then
        ncompiled=$((ncompiled + 1))
    else fail "shopstat/$n alone does not compile as C11: $(head -3 "$TMP/h.err")"; fi
    $CC "${STRICT[@]}" -std=c99 -fsyntax-only -I"$prefix/include" "$TMP/h.c" 2>"$TMP/h.err" ||
        fail "shopstat/$n alone does not compile as C99: $(head -3 "$TMP/h.err")"
    if command -v "$CXX" >/dev/null; then
        cp "$TMP/h.c" "$TMP/h.cc"
        $CXX -std=c++11 -Wall -Wextra -Werror -pedantic -fsyntax-only -I"$prefix/include" \
            "$TMP/h.cc" 2>"$TMP/h.err" ||
            fail "shopstat/$n alone does not compile as C++11: $(head -3 "$TMP/h.err")"
    fi
done
[ "$ncompiled" -eq "$(ls include/shopstat/*.h | wc -l)" ] && ok ||
    fail "$ncompiled of $(ls include/shopstat/*.h | wc -l) headers compiled alone"
# ... and beside cairo.h, before or after it, in C99 too: a program drawing on its own
# context includes both (chart.h repeated cairo's typedef, which C99 forbids)
for order in "cairo.h shopstat/shopstat.h" "shopstat/shopstat.h cairo.h"; do
    for std in c99 c11; do
        printf '#include <%s>\n' $order >"$TMP/cairo.c"
        printf 'int draw(cairo_t *cr, shopstat_error *err);\n' >>"$TMP/cairo.c"
        printf 'int draw(cairo_t *cr, shopstat_error *err)\n{\n' >>"$TMP/cairo.c"
        printf '    return shopstat_chart_draw(cr, 400, 300, NULL, NULL, err);\n}\n' >>"$TMP/cairo.c"
        # shellcheck disable=SC2046 # pkg-config's words are separate flags
        $CC "${STRICT[@]}" -std=$std -fsyntax-only $(pkg-config --cflags shopstat-plots) "$TMP/cairo.c" \
            2>"$TMP/h.err" && ok ||
            fail "<${order% *}> then <${order#* }> does not compile as ${std}: $(head -3 "$TMP/h.err")"
    done
done

# the umbrella header includes every other: a program may include <shopstat/shopstat.h>
# alone (replicate.h was left out)
notincluded=
for h in include/shopstat/*.h; do
    n=$(basename "$h")
    [ "$n" = shopstat.h ] || grep -q "^#include \"shopstat/$n\"" include/shopstat/shopstat.h ||
        notincluded="$notincluded $n"
done
[ -z "$notincluded" ] && ok || fail "shopstat/shopstat.h does not include:$notincluded"

# every public function has a comment stating its contract (ownership, NULL, errors): a
# comment right before it, or before the run of declarations it belongs to (a header's
# getters share one); a declaration after a blank line has none
undocumented=$(awk 'FNR == 1 { doc = 0 } /^[[:space:]]*$/ { doc = 0; next }
    /\*\/[[:space:]]*$/ || /^[[:space:]]*\/\*/ { doc = 1 }
    /^[a-z].*shopstat_[a-z0-9_]+\(/ && !/^typedef/ && !doc {
        sub(/\(.*/, ""); sub(/.*[ *]/, ""); printf " %s", $0 }' "$prefix"/include/shopstat/*.h)
[ -z "$undocumented" ] && ok || fail "public functions without a contract comment:$undocumented"

# docs/library.md shows the example as it is tested here, and its commands as run below
sed -n '/^```c$/,/^```$/p' docs/library.md | sed '1d;$d' >"$TMP/doc_example.c"
cmp -s "$TMP/doc_example.c" tests/api/example.c && ok ||
    fail "docs/library.md's C block differs from tests/api/example.c"

# 3. the example, linked as `pkg-config --libs shopstat` and `pkg-config --static --libs`
for how in shared static; do
    flags=(--cflags --libs); [ "$how" = static ] && flags=(--static --cflags --libs)
    # shellcheck disable=SC2046 # pkg-config's words are separate flags
    if $CC "${STRICT[@]}" -o "$TMP/example-$how" tests/api/example.c \
        $(pkg-config "${flags[@]}" shopstat) 2>"$TMP/cc.err"; then ok
    else fail "example does not build with pkg-config ${flags[*]} shopstat: $(head -5 "$TMP/cc.err")"; fi
done

# 3a. the statistics link without cairo: `shopstat` names GSL, libyaml, libcsv and no
#     drawing library (a program that estimates pulls no chart object out of the archive);
#     `shopstat-plots` adds cairo, Pango and libxlsxwriter for a program that draws, and such
#     a program links with it, both ways, and not with `shopstat` alone
for static in "" --static; do
    # shellcheck disable=SC2086 # (an empty --static is no word)
    libs=$(pkg-config $static --libs shopstat 2>&1)
    case " $libs " in
        *cairo* | *pango* | *xlsxwriter* | *glib* | *gobject* | *" -lX"*)
            fail "pkg-config $static --libs shopstat names a drawing library: $libs" ;;
        *" -lshopstat "*"-lcsv"*) ok ;;
        *) fail "pkg-config $static --libs shopstat: $libs" ;;
    esac
    # shellcheck disable=SC2086 # (an empty --static is no word)
    case " $(pkg-config $static --libs shopstat-plots 2>&1) " in
        *" -lshopstat "*"-lcairo"*"-lxlsxwriter"*) ok ;;
        *) fail "pkg-config $static --libs shopstat-plots: $(pkg-config $static --libs shopstat-plots 2>&1)" ;;
    esac
done
cat >"$TMP/draw.c" <<'EOF'
#include <stdio.h>
#include <cairo.h>
#include <shopstat/shopstat.h>
int main(void)
{
    shopstat_error err;
    shopstat_error_clear(&err);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 400, 300);
    cairo_t *cr = cairo_create(s);
    shopstat_status st = shopstat_chart_draw(cr, 400, 300, NULL, NULL, &err);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    printf("%s\n", shopstat_status_name(st));
    return 0;
}
EOF
for static in "" --static; do
    # shellcheck disable=SC2086,SC2046 # pkg-config's words are separate flags
    if $CC "${STRICT[@]}" -o "$TMP/draw" "$TMP/draw.c" $(pkg-config $static --cflags --libs shopstat-plots) \
        2>"$TMP/cc.err" && "$TMP/draw" >/dev/null 2>&1; then ok
    else fail "a chart program does not build and run with pkg-config $static shopstat-plots: $(head -3 "$TMP/cc.err")"; fi
done
# shellcheck disable=SC2046 # pkg-config's words are separate flags
if $CC -std=c11 -o "$TMP/draw-core" "$TMP/draw.c" $(pkg-config --cflags shopstat-plots) \
    $(pkg-config --libs shopstat) >/dev/null 2>&1; then
    fail "a chart program links with pkg-config --libs shopstat alone: the split is not real"
else ok; fi

# 3b. the example built against the build tree, not installed: PKG_CONFIG_PATH=$BUILD finds
#     $BUILD/shopstat-uninstalled.pc (this checkout's include/ and $BUILD's archive)
# shellcheck disable=SC2046 # pkg-config's words are separate flags
if [ "$(PKG_CONFIG_PATH=$bdir pkg-config --variable=includedir shopstat 2>&1)" = "$root/include" ] &&
    $CC "${STRICT[@]}" -o "$TMP/example-build" tests/api/example.c \
        $(PKG_CONFIG_PATH=$bdir pkg-config --cflags --libs shopstat) 2>"$TMP/cc.err" &&
    "$TMP/example-build" tests/oracle/data/shopper.csv >"$TMP/ex-build.out" 2>/dev/null &&
    "$TMP/example-shared" tests/oracle/data/shopper.csv 2>/dev/null | cmp -s - "$TMP/ex-build.out"; then ok
else
    fail "example against the build tree (PKG_CONFIG_PATH=$bdir: $(PKG_CONFIG_PATH=$bdir pkg-config --cflags --libs shopstat 2>&1 | head -2)): $(head -3 "$TMP/cc.err")"
fi

# 4. its numbers: R's (the oracle fixtures of the same design, questions, segments and
#    pairs) and the program's, byte for byte
data=tests/oracle/data/shopper.csv
args=(--weight wt --strata region --psu panel --lonely-psu certainty --var would_switch
    --multi pref=pref_email,pref_form,pref_phone --multi-codes prob=problems --by wave
    --segment heavy=spend:3)
ex=$TMP/example-static
[ -x "$ex" ] || ex=$TMP/example-shared
if [ -x "$ex" ] && "$ex" "$data" >"$TMP/ex.out" 2>"$TMP/ex.err"; then ok
else fail "example $data: exit $?: $(cat "$TMP/ex.err")"; fi
# estimates up to the blank line, comparisons after it
awk 'NF == 0 { exit } { print }' "$TMP/ex.out" >"$TMP/ex_tab.csv"
awk 'seen { print } NF == 0 { seen = 1 }' "$TMP/ex.out" >"$TMP/ex_cmp.csv"
if "$bdir/tools/csvcompare" tests/oracle/expected/shopper_certainty.csv "$TMP/ex_tab.csv" \
    >"$TMP/cmp.out" 2>&1; then ok
else fail "example's estimates differ from R's (shopper_certainty): $(head -5 "$TMP/cmp.out")"; fi
# R's comparison fixture leaves the pref question out (Holm adjusts within a question)
grep -v '^pref,' "$TMP/ex_cmp.csv" >"$TMP/ex_cmp_r.csv"
if "$bdir/tools/csvcompare" tests/oracle/expected/shopper_cmp_two_pairs.csv "$TMP/ex_cmp_r.csv" \
    >"$TMP/cmp.out" 2>&1; then ok
else fail "example's comparisons differ from R's (shopper_cmp_two_pairs): $(head -5 "$TMP/cmp.out")"; fi
[ "$(grep -c '^pref,' "$TMP/ex_cmp.csv")" -eq 6 ] && ok ||
    fail "example: $(grep -c '^pref,' "$TMP/ex_cmp.csv") pref comparisons, expected 3 options x 2 pairs = 6"
"$bdir/shopstat" tab "$data" "${args[@]}" >"$TMP/cli_tab.csv" 2>/dev/null
"$bdir/shopstat" compare "$data" "${args[@]}" --pair heavy:all --pair wave=2011:heavy \
    >"$TMP/cli_cmp.csv" 2>/dev/null
cmp -s "$TMP/cli_tab.csv" "$TMP/ex_tab.csv" && ok || fail "example's estimates differ from shopstat tab"
cmp -s "$TMP/cli_cmp.csv" "$TMP/ex_cmp.csv" && ok || fail "example's comparisons differ from shopstat compare"
for cmd in tab compare; do
    words=$(tr '\n' ' ' <docs/library.md | sed 's/ *\\ */ /g' |
        grep -oE "shopstat $cmd tests/oracle/data/shopper.csv [^\`]*" | head -1 | sed 's/ *$//')
    want="shopstat $cmd $data ${args[*]}"
    [ "$cmd" = compare ] && want="$want --pair heavy:all --pair wave=2011:heavy"
    [ "${words%% shopstat compare*}" = "$want" ] && ok ||
        fail "docs/library.md: '$cmd' command '${words%% shopstat compare*}', tested '$want'"
done
# the JSON documents, written through the library with a context from the totals
# (tests/api/json.c), byte for byte those of `shopstat tab|compare --format json`
# shellcheck disable=SC2046 # pkg-config's words are separate flags
if $CC "${STRICT[@]}" -o "$TMP/json" tests/api/json.c $(pkg-config --static --cflags --libs shopstat) \
    2>"$TMP/cc.err"; then
    for cmd in tab compare; do
        pairs=(); [ "$cmd" = compare ] && pairs=(--pair heavy:all --pair wave=2011:heavy)
        "$bdir/shopstat" "$cmd" "$data" "${args[@]}" "${pairs[@]}" --format json \
            >"$TMP/cli.json" 2>/dev/null
        "$TMP/json" "$data" "$cmd" >"$TMP/lib.json" 2>"$TMP/json.err"; rc=$?
        if [ "$rc" -eq 0 ] && [ -s "$TMP/cli.json" ] && cmp -s "$TMP/cli.json" "$TMP/lib.json"; then ok
        else fail "json $cmd: exit $rc, differs from shopstat $cmd --format json: $(diff "$TMP/cli.json" "$TMP/lib.json" | head -5) $(cat "$TMP/json.err")"; fi
    done
else
    fail "tests/api/json.c does not build: $(head -5 "$TMP/cc.err")"
fi
if grep -q '^warning: pref: ' "$TMP/ex.err" &&
    grep -q '^581 rows read, 581 used; 4 strata, 16 PSUs, df 12$' "$TMP/ex.err"; then ok
else fail "example's stderr: $(cat "$TMP/ex.err")"; fi
# bad input: the error line and exit status 2, as the program's
"$ex" "$TMP/missing.csv" >"$TMP/ex.out" 2>"$TMP/ex.err"; rc=$?
if [ "$rc" -eq 2 ] && [ ! -s "$TMP/ex.out" ] &&
    [ "$(cat "$TMP/ex.err")" = "$TMP/missing.csv: error: cannot open: No such file or directory" ]; then ok
else fail "example on a missing file: exit $rc, stderr $(cat "$TMP/ex.err")"; fi

# 4b. in a server (tests/api/server.c, linked without cairo): 4 threads serving 3 requests
#     each, their passes on 2 threads of their own, every byte that of one request on one
#     thread (and under valgrind in 6.); 4 threads reading one request's totals at once (estimates, comparisons,
#     writers), each output that of one thread; a pass canceled after its first chunk and a stream's after 65,536 rows
#     (SHOPSTAT_ECANCELED, nothing returned); a request read from memory (fmemopen) as from
#     its path; under the caller's setlocale(LC_ALL, "de_DE.UTF-8") (a decimal comma: the
#     locale made here with localedef, from Debian's locales) every output byte as under C
# shellcheck disable=SC2046 # pkg-config's words are separate flags
if $CC "${STRICT[@]}" -D_POSIX_C_SOURCE=200809L -o "$TMP/server" tests/api/server.c \
    $(pkg-config --static --cflags --libs shopstat) 2>"$TMP/cc.err"; then
    for mode in "threads 4 3" "shared 4 3" cancel memory; do
        # shellcheck disable=SC2086 # the mode's words
        out=$("$TMP/server" "$data" $mode 2>"$TMP/server.err"); rc=$?
        case $rc:$out in
            "0:4 threads x 3 requests: 0 differ, 0 failed" | "0:cancel: 0 wrong" | \
                "0:4 threads x 3 readings of one totals: 0 differ, 0 failed" | \
                "0:memory: same output") ok ;;
            *) fail "server $mode: exit $rc, '$out': $(head -5 "$TMP/server.err")" ;;
        esac
    done
    mkdir -p "$TMP/loc"
    # (localedef's exit status is 1 for mere warnings: the folder tells)
    localedef -i de_DE -f UTF-8 "$TMP/loc/de_DE.UTF-8" >/dev/null 2>&1
    if [ -d "$TMP/loc/de_DE.UTF-8" ]; then
        "$TMP/server" "$data" request >"$TMP/c.out" 2>"$TMP/server.err"
        LOCPATH=$TMP/loc "$TMP/server" "$data" request de >"$TMP/de.out" 2>>"$TMP/server.err"; rc=$?
        # every line the library wrote alike; the program's own printf (the last) in its locale
        if [ "$rc" -eq 0 ] && [ "$(tail -1 "$TMP/c.out")" = 0.5 ] &&
            [ "$(tail -1 "$TMP/de.out")" = 0,5 ] &&
            cmp -s <(sed '$d' "$TMP/c.out") <(sed '$d' "$TMP/de.out") &&
            [ "$(wc -l <"$TMP/c.out")" -gt 150 ]; then ok
        else
            fail "server under de_DE.UTF-8: exit $rc: $(diff "$TMP/c.out" "$TMP/de.out" | head -6) $(head -3 "$TMP/server.err")"
        fi
    else
        echo "skip: no de_DE locale source (Debian's locales) or localedef: the locale check did not run"
    fi
else
    fail "tests/api/server.c does not build: $(head -5 "$TMP/cc.err")"
fi

# 5. the archive's namespace: a program linking it may define any name but shopstat_*.
#    Every global symbol is public (declared in an installed header) or
#    shopstat_internal_* (engine/symbols.h); shopstat_plots_version is the chart plugin's
#    version stamp, looked up by that name (engine/cli/plugin.c).
nm -g --defined-only "$prefix/lib/libshopstat.a" | awk 'NF == 3 { print $3 }' | sort -u >"$TMP/syms"
cat "$prefix"/include/shopstat/*.h >"$TMP/headers"
bad=
while IFS= read -r sym; do
    case $sym in
        shopstat_internal_*|shopstat_plots_version) ;;
        __odr_asan.*) ;; # (ASan's marks beside our globals, under make sanitize)
        shopstat_*) grep -qw "$sym" "$TMP/headers" || bad="$bad $sym" ;;
        *) bad="$bad $sym" ;;
    esac
done <"$TMP/syms"
[ "$(wc -l <"$TMP/syms")" -gt 200 ] && ok || fail "nm found $(wc -l <"$TMP/syms") symbols in the archive"
if [ -z "$bad" ]; then ok
else fail "libshopstat.a defines $(echo $bad | wc -w) global symbols outside the public API and shopstat_internal_ (make them static or add them to engine/symbols.h):$bad"; fi

# 6. everything freed, on success and on failure (valgrind is in DEB_PKGS; skipped without)
if command -v valgrind >/dev/null && [ -z "$SAN" ]; then
    for f in "$data" tests/cli/data/shop.csv; do
        valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=all \
            --errors-for-leak-kinds=all "$ex" "$f" >/dev/null 2>"$TMP/vg.err"
        rc=$?
        [ "$rc" -ne 99 ] && ok || fail "valgrind, example $f: $(grep '==' "$TMP/vg.err" | head -20)"
    done
    # canceled passes (chunked, one thread, describe) and a stream's reader free everything
    for mode in cancel memory; do
        valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=all \
            --errors-for-leak-kinds=definite,indirect "$TMP/server" "$data" $mode \
            >/dev/null 2>"$TMP/vg.err"
        rc=$?
        [ "$rc" -eq 0 ] && ok || fail "valgrind, server $mode: exit $rc: $(grep '==' "$TMP/vg.err" | head -20)"
    done
fi

# 7. out of memory at every allocation in turn (tests/api/oom.c, the archive's malloc, calloc
#    and realloc wrapped by the linker): each ends in SHOPSTAT_ENOMEM "out of memory" or in
#    the results of a run without the failure, never a crash, another error, other numbers
#    or (under make sanitize) a leak. Taylor and replicate designs, the pass on 2 threads;
#    replicate weights made for a file; a survey spec read.
# shellcheck disable=SC2046 # pkg-config's words are separate flags
if $CC "${STRICT[@]}" -D_POSIX_C_SOURCE=200809L -o "$TMP/oom" tests/api/oom.c \
    -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc $(pkg-config --static --cflags --libs shopstat) \
    2>"$TMP/cc.err"; then
    for run in "tests/oracle/data/shopper.csv taylor" "tests/oracle/data/rep_shopper.csv jk1" \
        "tests/oracle/data/shopper.csv replicate" "tests/cli/data/survey.yml spec"; do
        # shellcheck disable=SC2086 # the file and the design
        "$TMP/oom" $run >"$TMP/oom.out" 2>"$TMP/oom.err"; rc=$?
        line=$(cat "$TMP/oom.out")
        n=$(printf '%s' "$line" | sed -n 's/^\([0-9]*\) allocations, .*/\1/p')
        if [ "$rc" -eq 0 ] && [ "${n:-0}" -ge 50 ] && case $line in *" 0 wrong") true ;; *) false ;; esac; then ok
        else fail "oom $run: exit $rc, '$line': $(head -5 "$TMP/oom.err")"; fi
    done
else
    fail "tests/api/oom.c does not build: $(head -5 "$TMP/cc.err")"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
