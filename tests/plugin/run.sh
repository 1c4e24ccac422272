#!/usr/bin/env bash
# The program and its charts: shopstat links the statistics only and loads
# shopstat-plots.so (cairo, pango, libxlsxwriter) when a command first draws or writes a
# workbook (engine/cli/plugin.c). Checks that the libraries stay out of commands that do not
# need them, that the object is found beside the program and where `make install` puts it,
# and that a missing or broken object fails at once, in one line, with nothing written.
# Ends with "N passed, N failed".
set -u
BUILD=${BUILD:-build}
root=$(cd "$(dirname "$0")/../.." && pwd)
bin="$root/$BUILD/shopstat"
plugin="$root/$BUILD/shopstat-plots.so"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0; failed=0
ok() { passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
cd "$root"

data=surveys/servicesoft-1999/respondents.csv
spec=surveys/servicesoft-1999/survey.yml
tab=(tab "$data" --weight wt --strata region --psu panel --var would_switch --by spend_6m)

# what the dynamic linker loads for a run
loaded() { # PROGRAM ARGS...: the loader's trace on stdout
    LD_DEBUG=files "$@" 2>&1 >/dev/null | grep -o 'file=[^ ]*' | sort -u
}

# 1. the program's own dependencies leave out the drawing and workbook libraries
needed=$(readelf -d "$bin" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p')
for lib in libcairo libpango libpangocairo libxlsxwriter libgobject; do
    if printf '%s\n' "$needed" | grep -q "^$lib"; then fail "$bin needs $lib"; else ok; fi
done
pneeded=$(readelf -d "$plugin" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p')
for lib in libcairo libpangocairo libxlsxwriter; do
    if printf '%s\n' "$pneeded" | grep -q "^$lib"; then ok; else fail "$plugin does not need $lib"; fi
done

# 2. tab without a chart loads none of them; with a chart it loads the object, once
trace=$(loaded "$bin" "${tab[@]}")
if printf '%s\n' "$trace" | grep -q 'cairo\|pango\|shopstat-plots\|xlsxwriter'; then
    fail "tab without --chart loaded: $(printf '%s\n' "$trace" | grep 'cairo\|pango\|plots\|xlsx' | tr '\n' ' ')"
else ok; fi
trace=$(loaded "$bin" "${tab[@]}" --chart "$TMP/c.pdf")
for lib in shopstat-plots.so libcairo.so libpangocairo; do
    if printf '%s\n' "$trace" | grep -q "$lib"; then ok; else fail "tab --chart did not load $lib"; fi
done
[ "$(pdfinfo "$TMP/c.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')" = 1 ] && ok ||
    fail "tab --chart: $TMP/c.pdf is not a one-page PDF"

# 3. a program without its object: tables as before; charts, reports fail first
mkdir -p "$TMP/alone/bin" "$TMP/out"
cp "$bin" "$TMP/alone/bin/"
"$bin" "${tab[@]}" -o "$TMP/with.csv" 2>/dev/null
if "$TMP/alone/bin/shopstat" "${tab[@]}" -o "$TMP/alone.csv" 2>"$TMP/err" &&
    cmp -s "$TMP/with.csv" "$TMP/alone.csv"; then ok; else fail "tab without the object: $(cat "$TMP/err")"; fi
# expect_load_error WHY ARGS...: exit 2, one line naming WHY, nothing in $TMP/out
expect_load_error() {
    local why=$1; shift
    "$TMP/alone/bin/shopstat" "$@" >"$TMP/stdout" 2>"$TMP/err"; local rc=$?
    [ "$rc" -eq 2 ] && ok || fail "$*: exit $rc, expected 2"
    [ "$(wc -l <"$TMP/err")" -eq 1 ] && ok || fail "$*: stderr not one line: $(cat "$TMP/err")"
    grep -q "^shopstat: error: cannot load the chart and XLSX writer: .*$why" "$TMP/err" && ok ||
        fail "$*: message '$(cat "$TMP/err")' does not say '$why'"
    [ -z "$(ls -A "$TMP/out")" ] && ok || fail "$*: wrote $(ls -A "$TMP/out" | tr '\n' ' ')"
    [ ! -s "$TMP/stdout" ] && ok || fail "$*: printed on stdout"
}
expect_load_error "no shopstat-plots.so beside $TMP/alone/bin" \
    "${tab[@]}" -o "$TMP/out/t.csv" --chart "$TMP/out/c.pdf"
expect_load_error "no shopstat-plots.so" report "$spec" -o "$TMP/out/report"
expect_load_error "no shopstat-plots.so" compare "$data" --weight wt --var would_switch \
    --segment heavy=spend_6m:3 --pair heavy:all -o "$TMP/out/d.csv" --chart "$TMP/out/d.pdf"
# a file that is not a shared object: the loader's reason
head -c 100 /dev/urandom >"$TMP/alone/bin/shopstat-plots.so"
expect_load_error "$TMP/alone/bin/shopstat-plots.so: " report "$spec" -o "$TMP/out/report"
# an object from another release: named, with both versions
printf 'const char *const shopstat_plots_version = "0.0.1";\n' >"$TMP/old.c"
if ${CC:-cc} -shared -fPIC -o "$TMP/alone/bin/shopstat-plots.so" "$TMP/old.c" 2>"$TMP/cc.err"; then
    expect_load_error "shopstat-plots.so is from shopstat 0.0.1, this program is " \
        report "$spec" -o "$TMP/out/report"
else
    fail "cc could not build a stand-in object: $(cat "$TMP/cc.err")"
fi
rm "$TMP/alone/bin/shopstat-plots.so"

# 4. installed: PREFIX/bin/shopstat finds PREFIX/lib/shopstat/shopstat-plots.so, also
#    when called through a symbolic link
if make -s --no-print-directory BUILD="$BUILD" DESTDIR="$TMP/inst" PREFIX=/usr install \
    >"$TMP/make.log" 2>&1; then ok; else fail "make install: $(tail -3 "$TMP/make.log")"; fi
[ -f "$TMP/inst/usr/lib/shopstat/shopstat-plots.so" ] && ok || fail "make install: no lib/shopstat/shopstat-plots.so"
ln -s "$TMP/inst/usr/bin/shopstat" "$TMP/link"
for prog in "$TMP/inst/usr/bin/shopstat" "$TMP/link"; do
    rm -rf "$TMP/rep"
    if "$prog" report "$spec" -o "$TMP/rep" --quiet 2>"$TMP/err" &&
        [ "$(pdfinfo "$TMP/rep/report.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')" -gt 1 ] &&
        [ -s "$TMP/rep/tables.xlsx" ]; then ok
    else fail "$prog report: $(cat "$TMP/err")"; fi
done
if make -s --no-print-directory BUILD="$BUILD" DESTDIR="$TMP/inst" PREFIX=/usr uninstall \
    >"$TMP/make.log" 2>&1 && [ ! -e "$TMP/inst/usr/lib/shopstat" ] &&
    [ ! -e "$TMP/inst/usr/bin/shopstat" ]; then ok; else fail "make uninstall left files"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
