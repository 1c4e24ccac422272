#!/usr/bin/env bash
# A fresh machine's first build, played: `make` must ask pkg-config for the libraries' flags
# only after `make deps` has installed them. Fake dpkg-query, apt-get and pkg-config stand for
# a machine without the packages until apt-get has run; the chart plugin (13 objects, -O0) is
# built into a scratch directory and must link cairo, pango and libxlsxwriter.
# Then what a distribution's build asks: the builder's CPPFLAGS/CFLAGS after the project's,
# the same bytes from another checkout's path, a staged install (DESTDIR, LIBDIR), and no
# apt-get for the tests' tools when the build has its libraries.
set -u
cd "$(dirname "$0")/../.."
BUILD_DIR=${BUILD:-build}
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

# A build that has the libraries but not the tests' tools (a Debian package's build, its
# Build-Depends installed, no valgrind or clang) builds without running apt-get: `make`
# asked for every package of `make deps`, the test tools too, and tried to install them
mkdir -p "$t/bin2"
cat > "$t/bin2/dpkg-query" <<SH
#!/bin/sh
case "\$*" in *valgrind* | *clang* | *cmocka* | *poppler*) exit 1 ;; esac
exec "$real_dq" "\$@"
SH
cat > "$t/bin2/apt-get" <<SH
#!/bin/sh
echo "\$*" >> "$t/apt2.log"
exit 1
SH
chmod +x "$t/bin2/"*
PATH="$t/bin2:$PATH" make --no-print-directory BUILD="$t/nodeps" "$t/nodeps/engine/error.o" \
    "$t/nodeps/pic/plots/text.o" > "$t/nodeps.log" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && [ ! -e "$t/apt2.log" ]; then ok
else fail "make without the tests' tools: exit $rc, apt-get $(cat "$t/apt2.log" 2>/dev/null): $(tail -3 "$t/nodeps.log")"; fi

# The builder's flags (GNU's conventions, as a Debian package's build gives dpkg-buildflags'):
# CFLAGS on make's command line come after the project's own (-O3 after -O2) and do not
# replace them (before, `make CFLAGS=-O3` lost -std=c11 and -Iinclude: "cli/cli.h: No such
# file"), and CPPFLAGS reach the compiler (dpkg-buildflags' -D_FORTIFY_SOURCE=2 was dropped).
# (A make of its own, not one given the flags of a `make sanitize` this runs under: its
# OPT=-O1 and SAN reach here through MAKEFLAGS and the environment.)
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u OPT -u SAN make --no-print-directory BUILD="$t/flags" \
    CFLAGS=-O3 \
    CPPFLAGS=-DSHOPSTAT_BUILDER_CPPFLAGS=1 "$t/flags/engine/cli/opts.o" >"$t/flags.log" 2>&1
rc=$?
line=$(grep -- ' -c engine/cli/opts.c' "$t/flags.log")
case "$rc:$line" in
    0:*-std=c11*-O2*-Iinclude*-DSHOPSTAT_BUILDER_CPPFLAGS=1*-O3*) ok ;;
    *) fail "make CFLAGS=-O3 CPPFLAGS=-D...: exit $rc: $(tail -3 "$t/flags.log")" ;;
esac

# Reproducible: the same sources built in another checkout (another path) give the same
# bytes, at the default flags (objects held DWARF's compilation directory, the checkout's path), and no file the
# build made holds this checkout's path.
mkdir -p "$t/copy"
cp -r Makefile engine include plots "$t/copy/"
for k in 1 2; do
    d=.; [ "$k" = 2 ] && d=$t/copy
    make --no-print-directory -C "$d" BUILD="$t/repro$k" "$t/repro$k/engine/output.o" \
        "$t/repro$k/pic/plots/text.o" > "$t/repro.log" 2>&1 || fail "make in $d: $(tail -3 "$t/repro.log")"
done
for o in engine/output.o pic/plots/text.o; do
    if cmp -s "$t/repro1/$o" "$t/repro2/$o"; then ok; else fail "$o differs when built from another path"; fi
done
here=$(pwd)
for f in "$BUILD_DIR/libshopstat.a" "$BUILD_DIR/shopstat" "$BUILD_DIR/shopstat-plots.so"; do
    [ -e "$f" ] || continue
    if grep -qaF "$here" "$f"; then fail "$f holds the checkout's path $here"; else ok; fi
done

# Large files: every object is built with -D_FILE_OFFSET_BITS=64 (off_t, fopen and pread of
# 64 bits on a 32-bit C library too; no change on 64-bit). A 32-bit target is refused at its
# first file with one message (the engine takes unsigned __int128 and 64-bit size_t), not
# at an __int128 deep in pass.c; checked where the compiler has 32-bit headers (gcc-multilib).
if grep -- ' -c ' "$t/make.log" | grep -qv -- '-D_FILE_OFFSET_BITS=64'; then
    fail "an object built without -D_FILE_OFFSET_BITS=64: $(grep -- ' -c ' "$t/make.log" | grep -v -- '-D_FILE_OFFSET_BITS=64' | head -1)"
elif grep -q -- ' -c ' "$t/make.log"; then ok; else fail "no compile line in the first build's log"; fi
if printf '#include <stdint.h>\nint x;\n' | ${CC:-cc} -m32 -x c -fsyntax-only - 2>/dev/null; then
    # (the first error, -Wfatal-errors: before, "'__int128' is not supported on this target")
    ${CC:-cc} -m32 -std=c11 -D_POSIX_C_SOURCE=200809L -Iinclude -Iengine -fsyntax-only \
        -Wfatal-errors engine/reader.c >"$t/m32.log" 2>&1
    if grep -m1 'error' "$t/m32.log" | grep -q 'builds for 64-bit targets only'; then ok
    else fail "-m32: $(head -3 "$t/m32.log")"; fi
fi

# make check BUILD=/abs/path: the test scripts name the build "$root/$BUILD", which an
# absolute path broke ("$root//abs/path/shopstat": every CLI case failed); check passes them
# the path relative to the checkout, and a suite run with it finds the build
abs=$(cd "$BUILD_DIR" && pwd)
line=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -n --no-print-directory check BUILD="$abs" 2>"$t/absn.log" |
    grep 'tests/run.sh')
rel=$(printf '%s\n' "$line" | sed -n 's/^BUILD=\([^ ]*\) tests\/run.sh$/\1/p')
case $rel in
    /* | '') fail "make check BUILD=$abs runs '$line' $(tail -2 "$t/absn.log")" ;;
    *) if [ -x "./$rel/shopstat" ] && out=$(BUILD="$rel" tests/docs/run.sh 2>&1) &&
          printf '%s\n' "$out" | tail -1 | grep -q ' 0 failed$'; then ok
       else fail "make check BUILD=$abs: the suites do not find the build at $rel: $(printf '%s\n' "$out" | tail -3)"; fi ;;
esac

# A package's install: staged in DESTDIR for PREFIX=/usr, the archive and the pkg-config files
# in LIBDIR (Debian's multiarch folder), the plugin where the program looks for it
# (../lib/shopstat), the man page and the headers; no file holds the staging folder, and
# pkg-config, pointed at the staged tree, names it
dest=$t/dest
multi=/usr/lib/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
make --no-print-directory -s BUILD="$BUILD_DIR" DESTDIR="$dest" PREFIX=/usr LIBDIR="$multi" install \
    > "$t/install.log" 2>&1 || fail "make install DESTDIR=... PREFIX=/usr: $(tail -3 "$t/install.log")"
for f in /usr/bin/shopstat /usr/lib/shopstat/shopstat-plots.so /usr/share/man/man1/shopstat.1 \
    /usr/include/shopstat/shopstat.h "$multi/libshopstat.a" "$multi/pkgconfig/shopstat.pc" \
    "$multi/pkgconfig/shopstat-plots.pc"; do
    [ -f "$dest$f" ] && ok || fail "make install LIBDIR=$multi: no $f"
done
if grep -rqaF "$dest" "$dest"; then fail "an installed file holds DESTDIR: $(grep -rlaF "$dest" "$dest")"; else ok; fi
libs=$(PKG_CONFIG_SYSROOT_DIR=$dest PKG_CONFIG_PATH=$dest$multi/pkgconfig pkg-config --libs shopstat 2>&1)
case " $libs " in
    *" -L$dest$multi -lshopstat "*) ok ;;
    *) fail "pkg-config --libs shopstat of the staged install: $libs" ;;
esac

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
