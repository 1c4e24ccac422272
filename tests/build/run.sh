#!/usr/bin/env bash
# A fresh machine's first build, played: `make` must ask pkg-config for the libraries' flags
# only after `make deps` has installed them. Fake dpkg-query, apt-get and pkg-config stand for
# a machine without the packages until apt-get has run; the chart plugin (13 objects, -O0) is
# built into a scratch directory and must link cairo, pango and libxlsxwriter.
set -u
cd "$(dirname "$0")/../.."
passed=0; failed=0
ok()   { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); printf 'FAIL %s\n' "$1"; }

t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
mkdir -p "$t/bin"
real_pc=$(command -v pkg-config); real_dq=$(command -v dpkg-query)
cat > "$t/bin/dpkg-query" <<SH
#!/bin/sh
[ -e "$t/installed" ] && exec "$real_dq" "\$@"
exit 1
SH
cat > "$t/bin/apt-get" <<SH
#!/bin/sh
echo "\$*" >> "$t/apt.log"
case "\$*" in *install*) touch "$t/installed" ;; esac
exit 0
SH
cat > "$t/bin/pkg-config" <<SH
#!/bin/sh
echo "\$*" >> "$t/pkg-config.log"
[ -e "$t/installed" ] && exec "$real_pc" "\$@"
exit 1
SH
printf '#!/bin/sh\nexec "$@"\n' > "$t/bin/sudo"
chmod +x "$t/bin/"*

PATH="$t/bin:$PATH" make --no-print-directory -j2 BUILD="$t/build" OPT=-O0 \
    "$t/build/shopstat-plots.so" > "$t/make.log" 2>&1
rc=$?
if [ "$rc" -eq 0 ]; then ok; else fail "make exited $rc"; sed 's/^/  /' "$t/make.log" | tail -20; fi

# make deps ran: apt-get was asked for the packages, libcairo2-dev among them
if grep -q 'install.*libcairo2-dev' "$t/apt.log" 2>/dev/null; then ok; else fail "apt-get was not asked for libcairo2-dev"; fi

# the plugin needs cairo, pango and libxlsxwriter, and nothing of them is left undefined
libs=$(ldd "$t/build/shopstat-plots.so" 2>/dev/null)
for l in libcairo.so libpangocairo-1.0.so libxlsxwriter.so; do
    if printf '%s\n' "$libs" | grep -q "$l"; then ok; else fail "the plugin does not link $l"; fi
done
if nm -D --undefined-only "$t/build/shopstat-plots.so" 2>/dev/null | grep -q ' cairo_'; then
    if printf '%s\n' "$libs" | grep -q libcairo.so; then ok; else fail "cairo symbols undefined"; fi
else
    fail "the plugin calls no cairo function (nm)"
fi

# the objects were compiled with the flags pkg-config gave once the packages were there
if grep -q -- '-I/usr/include/cairo' "$t/make.log"; then ok; else fail "plots compiled without cairo's -I"; fi

# replicate.c's double-double X'X (Dekker's split and product, the FMA kernel's matching
# adds) is exact only with no a * b + c contracted into an FMA: built as a GNU dialect for
# a CPU with FMA, where GCC contracts by default, no instruction but the FMA kernel's own
# fmsubs may fuse (before its pragma GCC fused 64 in the file).
if [ "$(uname -m)" = x86_64 ] && ${CC:-cc} -std=gnu11 -O2 -march=haswell -Iinclude -Iengine \
    -c engine/replicate.c -o "$t/rep_gnu.o" 2>"$t/rep_gnu.log"; then
    fused=$(objdump -d --no-show-raw-insn "$t/rep_gnu.o" | grep -cE 'vfn?madd|vfnmsub')
    if [ "$fused" -eq 0 ]; then ok; else fail "replicate.c built -std=gnu11 -march=haswell: $fused contracted FMAs"; fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
