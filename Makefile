# shopstat: GNU make build. `make` builds build/shopstat and build/libshopstat.a (and
# build/shopstat-plots.so, the charts and XLSX writer the program loads when it needs them);
# `make check` runs every test; `make demo` renders the bundled report.
# Dependencies come from Debian only; `make deps` installs what is missing.

PREFIX   ?= /usr/local
# where the archive and the pkg-config files go (a Debian package: /usr/lib/<multiarch triplet>);
# the chart plugin stays in PREFIX/lib/shopstat, where the program looks (engine/cli/plugin.c)
LIBDIR   ?= $(PREFIX)/lib
CC       ?= cc
BUILD    ?= build
SAN      ?=
WERROR   ?=
OPT      ?= -O2 -g

CORE_PKGS := gsl glib-2.0 yaml-0.1 zlib
PLOT_PKGS := cairo pangocairo xlsxwriter
PKGS     := $(CORE_PKGS) $(PLOT_PKGS)
# What `make` (all, install) needs; the rest is the tests' (cmocka, poppler-utils, unzip, the
# fonts, locales, valgrind) and the fuzzers' (clang). A build that has the first list (a
# Debian package's Build-Depends) never runs apt-get for the second.
BUILD_DEB_PKGS := gcc make pkg-config libgsl-dev libcsv-dev libcairo2-dev libpango1.0-dev \
            libyaml-dev zlib1g-dev libxlsxwriter-dev libglib2.0-dev
DEB_PKGS := $(BUILD_DEB_PKGS) libcmocka-dev poppler-utils unzip fonts-dejavu-core clang \
            libclang-rt-14-dev valgrind locales

WARN     := -Wall -Wextra -Wpedantic -Wshadow $(if $(WERROR),-Werror,)

# What pkg-config says of the libraries is asked once the packages are there: $(BUILD)/config.mk
# is made after `deps`, and make reads itself again once an included makefile has been made.
# Asked while this file was read, before `deps` had installed anything, the flags of a fresh
# machine's first build were empty, and the chart plugin linked without cairo (it loaded with
# "undefined symbol: cairo_set_line_join"); tests/build/run.sh plays that first build.
CONFIG   := $(BUILD)/config.mk
ifeq ($(filter clean deps build-deps format uninstall,$(MAKECMDGOALS)),)
include $(CONFIG)
endif

# CPPFLAGS, CFLAGS, LDFLAGS and LDLIBS are the builder's (GNU's conventions): from the
# environment or make's command line, as a Debian package's build gives dpkg-buildflags'
# hardening (-D_FORTIFY_SOURCE=2 is a CPPFLAGS flag), they come after the project's own, so
# `make CFLAGS=-O3` builds at -O3 instead of losing -std=c11 and -Iinclude (a variable on the
# command line replaces a `+=` of the makefile). -ffile-prefix-map: no build's objects hold the
# checkout's path (DWARF's compilation directory), so two checkouts build the same bytes.
SS_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_FILE_OFFSET_BITS=64 $(OPT) $(WARN) $(SAN) -ffile-prefix-map=$(CURDIR)=. \
            -Iinclude -Iengine $(PKG_CFLAGS)
ALL_CFLAGS = $(SS_CFLAGS) $(CPPFLAGS) $(CFLAGS)
ALL_LDLIBS = $(PKG_LIBS) -lcsv -lm -lpthread $(LDLIBS)
ALL_LDFLAGS = $(SAN) $(LDFLAGS)

# The program links the statistics only; what draws and writes workbooks is a shared
# object it opens on first use (engine/cli/plugin.c), built from position-independent
# copies of plots/ and engine/xlsx.c and calling back into the program for plugin.list.
# Start-up is a fixed cost of every run (2% of the benchmark's 1M-row bare pass): the
# program links GSL statically (its archive comes with libgsl-dev; the dynamic loader spent
# 0.3-0.6 ms on libgsl.so's symbols) and loads GLib only when a report takes a checksum
# (engine/sha256.c; 1 ms). zlib, which reads gzip-compressed exports (engine/inflate.c), is
# linked statically too (its archive comes with zlib1g-dev). libcsv stays shared, as in the
# bare pass it is measured against.
CLI_LDLIBS := $(GSL_LIBS_L) -Wl,-Bstatic -lgsl -lgslcblas -lz -Wl,-Bdynamic $(YAML_LIBS) -lcsv \
              -lm -lpthread
PLUGIN_LIBS := $(PLUGIN_PKG_LIBS) -lm

LIB_SRC  := $(sort $(wildcard engine/*.c plots/*.c))
CLI_SRC  := $(sort $(wildcard engine/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
PLUGIN_SRC := $(sort $(wildcard plots/*.c)) engine/xlsx.c
PLUGIN_OBJ := $(PLUGIN_SRC:%.c=$(BUILD)/pic/%.o)
PLUGIN   := $(BUILD)/shopstat-plots.so
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_BIN := $(patsubst tools/%.c,$(BUILD)/tools/%,$(wildcard tools/*.c))
FUZZ_BIN := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 10

.PHONY: all deps build-deps check unit compilers sanitize tsan fuzz fuzz-run valgrind install uninstall demo bench profile audit mutate clean format
.DEFAULT_GOAL := all

all: $(BUILD)/shopstat $(PLUGIN) $(BUILD)/libshopstat.a $(BUILD)/shopstat-uninstalled.pc $(TOOL_BIN)

# Idempotent and silent when every package is there; needs root (or sudo) otherwise.
# `make deps` installs every package; build-deps those the build needs (first: two apt-get
# at once under -j would fight over dpkg's lock).
deps: PKGS_WANTED = $(DEB_PKGS)
build-deps: PKGS_WANTED = $(BUILD_DEB_PKGS)
deps: build-deps
deps build-deps:
	@missing=""; for p in $(PKGS_WANTED); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make $@: installing$$missing"; \
	  SUDO=; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

$(CONFIG): Makefile | build-deps
	@mkdir -p $(dir $@)
	@pkg-config --exists --print-errors $(PKGS) glib-2.0 gobject-2.0 || { \
	  echo "make: pkg-config does not find the libraries above; 'make deps' installs them" >&2; \
	  exit 1; }
	@{ echo "PKG_CFLAGS := $$(pkg-config --cflags $(PKGS))"; \
	   echo "PKG_LIBS := $$(pkg-config --libs $(PKGS))"; \
	   echo "GSL_LIBS_L := $$(pkg-config --libs-only-L gsl)"; \
	   echo "YAML_LIBS := $$(pkg-config --libs yaml-0.1)"; \
	   echo "PLUGIN_PKG_LIBS := $$(pkg-config --libs $(PLOT_PKGS) glib-2.0 gobject-2.0)"; \
	} > $@.tmp && mv $@.tmp $@

$(BUILD)/%.o: %.c | build-deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libshopstat.a: $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/pic/%.o: %.c | build-deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fPIC -MMD -MP -c $< -o $@

$(PLUGIN): $(PLUGIN_OBJ)
	$(CC) $(ALL_LDFLAGS) -shared -o $@ $^ $(PLUGIN_LIBS)

$(BUILD)/shopstat: $(CLI_OBJ) $(BUILD)/libshopstat.a engine/cli/plugin.list | $(PLUGIN)
	$(CC) $(ALL_LDFLAGS) -Wl,--dynamic-list=engine/cli/plugin.list -o $@ $(CLI_OBJ) \
	  $(BUILD)/libshopstat.a $(CLI_LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/testutil.h $(BUILD)/libshopstat.a | deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libshopstat.a $(ALL_LDLIBS) -lcmocka $(ALL_LDFLAGS) \
	  $(TEST_LDFLAGS)

# test_sparse counts the library's heap through a wrapped allocator (its memory cap)
$(BUILD)/tests/test_sparse: TEST_LDFLAGS = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free

$(BUILD)/tools/%: tools/%.c $(BUILD)/libshopstat.a | build-deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libshopstat.a $(ALL_LDLIBS) $(ALL_LDFLAGS)

$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz_common.h $(BUILD)/libshopstat.a | deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $< $(BUILD)/libshopstat.a $(ALL_LDLIBS) $(ALL_LDFLAGS)

# (the test scripts name the build $$root/$$BUILD: an absolute BUILD goes to them relative to the checkout)
TEST_BUILD = $(if $(filter /%,$(BUILD)),$(shell realpath -m --relative-to=$(CURDIR) $(BUILD)),$(BUILD))
check: all $(TEST_BIN)
	@BUILD=$(TEST_BUILD) tests/run.sh

# LSan suppressions (fontconfig/pango caches) live in tests/lsan.supp.
sanitize:
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 HOSTILE_TIMEOUT=120 \
	$(MAKE) BUILD=build-san OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" check

# The parallel pass under ThreadSanitizer: its unit tests, output files opened and committed
# on several threads (test_outfile), gzip inflated ahead on a thread (test_inflate), the
# determinism checks (1-3 threads, tiny chunks) and a server's threads each serving requests
# of their own, passes on threads of their own and canceled passes among them
# (tests/api/server.c), any data race failing the run.
tsan:
	$(MAKE) BUILD=build-tsan OPT="-O1 -g" SAN="-fsanitize=thread" \
	  build-tsan/shopstat build-tsan/tests/test_parallel build-tsan/tests/test_outfile \
	  build-tsan/tests/test_inflate build-tsan/tools/csvcompare build-tsan/tools/gen_export \
	  build-tsan/libshopstat.a
	$(CC) -std=c11 -D_POSIX_C_SOURCE=200809L -O1 -g -fsanitize=thread -Iinclude \
	  -o build-tsan/api_server tests/api/server.c build-tsan/libshopstat.a $(CLI_LDLIBS) -ldl
	TSAN_OPTIONS=halt_on_error=1:exitcode=66 build-tsan/tests/test_parallel
	TSAN_OPTIONS=halt_on_error=1:exitcode=66 build-tsan/tests/test_outfile
	TSAN_OPTIONS=halt_on_error=1:exitcode=66 build-tsan/tests/test_inflate
	TSAN_OPTIONS=halt_on_error=1:exitcode=66 build-tsan/api_server \
	  tests/oracle/data/shopper.csv threads 4 3
	TSAN_OPTIONS=halt_on_error=1:exitcode=66 build-tsan/api_server \
	  tests/oracle/data/shopper.csv shared 4 3
	TSAN_OPTIONS=halt_on_error=1:exitcode=66 build-tsan/api_server tests/oracle/data/shopper.csv cancel
	TSAN_OPTIONS=halt_on_error=1:exitcode=66 BUILD=build-tsan tests/hostile/determinism.sh

# libFuzzer targets tests/fuzz/fuzz_*.c, built with clang, ASan and UBSan into build-fuzz/
# and run one after another for FUZZ_SECONDS each; any finding fails (docs/reliability.md).
fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=all" fuzz-run

fuzz-run: $(FUZZ_BIN)
	@tests/fuzz/run.sh $(BUILD) $(FUZZ_SECONDS)

# The library and its unit tests built with clang, at -O0 and at -O3 -flto, each run (slow:
# not in CI; tests/build/compilers.sh).
compilers:
	@tests/build/compilers.sh

# CLI golden tests and hostile inputs with the binary under valgrind memcheck (slow: not in CI).
VALGRIND := valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
	  --errors-for-leak-kinds=definite,indirect --suppressions=$(CURDIR)/tests/valgrind.supp
valgrind: all
	@BUILD=$(TEST_BUILD) SHOPSTAT_WRAP="$(VALGRIND)" tests/cli/run.sh
	@BUILD=$(TEST_BUILD) SHOPSTAT_WRAP="$(VALGRIND)" tests/hostile/run.sh

demo: all
	@tests/demo.sh $(BUILD)/shopstat

bench: all
	@bench/run.sh $(BUILD)
	@bench/rep.sh $(BUILD)

# The randomized audit against R's survey package (needs R; AUDIT_SEEDS="FROM TO", default
# 1..160): tests/oracle/audit/README.md.
audit: all
	@BUILD=$(BUILD) tests/oracle/audit/run.sh $(AUDIT_SEEDS)

# Mutation testing of the statistics core (slow, about 10 s a mutant: not in CI; MUTATE_*
# variables and file arguments in tools/mutate.sh; docs/reliability.md).
mutate:
	@tools/mutate.sh $(MUTATE_FILES)

# Instructions per row of the benchmark's typical run under callgrind (PROFILE_ROWS rows).
profile: all
	@bench/profile.sh $(BUILD)

# pkg-config files for programs linked with libshopstat.a (written at install time, for
# PREFIX). The archive holds everything, but a static link takes only the objects a program
# reaches: one that estimates (reader, plan, pass, estimates, comparisons, writers, specs)
# needs GSL, libyaml, libcsv and libdl (GLib is opened on first use: engine/sha256.c), and
# nothing of cairo; the charts, report.pdf, the workbook and whole reports (chart.h,
# chartset.h, report.h, report_pdf.h, xlsx.h) reach cairo, Pango and libxlsxwriter too. So
# `shopstat` is the statistics, and `shopstat-plots` requires it and the drawing libraries.
# Only the archive is installed, never a shared library: every link of it is static, so the
# libraries it needs are Requires and Libs, not .private (Requires.private would leave them
# out of `pkg-config --libs shopstat`, which then could not link, and build systems ask
# without --static unless told); `pkg-config --static --libs` gives the same and more.
# tests/api/run.sh builds a program both ways, and checks that a program that estimates
# links without cairo.
VERSION := $(shell sed -n 's/^\#define SHOPSTAT_VERSION "\(.*\)"/\1/p' include/shopstat/shopstat.h)
PC_CORE_LIBS := -lshopstat -lcsv -lm -lpthread -ldl
# (relative to prefix unless LIBDIR moved it, so that pkg-config --define-prefix works)
PC_LIBDIR = $(if $(filter $(PREFIX)/lib,$(LIBDIR)),$${exec_prefix}/lib,$(LIBDIR))
define PC_TEXT
prefix=$(PREFIX)
exec_prefix=$${prefix}
libdir=$(PC_LIBDIR)
includedir=$${prefix}/include

Name: shopstat
Description: Design-based survey statistics for shopper surveys (no charts: see shopstat-plots)
Version: $(VERSION)
Requires: $(filter-out glib-2.0,$(CORE_PKGS))
Cflags: -I$${includedir}
Libs: -L$${libdir} $(PC_CORE_LIBS)
endef
export PC_TEXT
define PC_PLOTS_TEXT
prefix=$(PREFIX)
exec_prefix=$${prefix}
libdir=$(PC_LIBDIR)
includedir=$${prefix}/include

Name: shopstat-plots
Description: shopstat's charts, report.pdf, workbooks and reports (cairo, Pango, libxlsxwriter)
Version: $(VERSION)
Requires: shopstat = $(VERSION) $(PLOT_PKGS)
Cflags: -I$${includedir}
Libs:
endef
export PC_PLOTS_TEXT

# The same for the build tree, before any install: PKG_CONFIG_PATH=$(BUILD) makes pkg-config
# find $(BUILD)/shopstat-uninstalled.pc for `shopstat` (it prefers NAME-uninstalled.pc), whose
# paths are this checkout's include/ and $(BUILD)'s archive (tests/api/run.sh builds the
# example with it), and $(BUILD)/shopstat-plots-uninstalled.pc for `shopstat-plots`.
define PC_UNINSTALLED_TEXT
prefix=$(CURDIR)
libdir=$(abspath $(BUILD))
includedir=$${prefix}/include

Name: shopstat
Description: Design-based survey statistics for shopper surveys (uninstalled, $(abspath $(BUILD)))
Version: $(VERSION)
Requires: $(filter-out glib-2.0,$(CORE_PKGS))
Cflags: -I$${includedir}
Libs: -L$${libdir} $(PC_CORE_LIBS)
endef
export PC_UNINSTALLED_TEXT
define PC_PLOTS_UNINSTALLED_TEXT
Name: shopstat-plots
Description: shopstat's charts, report.pdf, workbooks and reports (uninstalled, $(abspath $(BUILD)))
Version: $(VERSION)
Requires: shopstat = $(VERSION) $(PLOT_PKGS)
Cflags:
Libs:
endef
export PC_PLOTS_UNINSTALLED_TEXT

$(BUILD)/shopstat-uninstalled.pc: include/shopstat/shopstat.h Makefile
	@mkdir -p $(dir $@)
	@printf '%s\n' "$$PC_UNINSTALLED_TEXT" >$@
	@printf '%s\n' "$$PC_PLOTS_UNINSTALLED_TEXT" >$(BUILD)/shopstat-plots-uninstalled.pc

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PREFIX)/include/shopstat \
	  $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(LIBDIR)/pkgconfig
	install -m 755 $(BUILD)/shopstat $(DESTDIR)$(PREFIX)/bin/shopstat
	install -d $(DESTDIR)$(PREFIX)/lib/shopstat
	install -m 755 $(PLUGIN) $(DESTDIR)$(PREFIX)/lib/shopstat/shopstat-plots.so
	install -m 644 $(BUILD)/libshopstat.a $(DESTDIR)$(LIBDIR)/libshopstat.a
	install -m 644 include/shopstat/*.h $(DESTDIR)$(PREFIX)/include/shopstat/
	install -m 644 docs/shopstat.1 $(DESTDIR)$(PREFIX)/share/man/man1/shopstat.1
	printf '%s\n' "$$PC_TEXT" >$(DESTDIR)$(LIBDIR)/pkgconfig/shopstat.pc
	printf '%s\n' "$$PC_PLOTS_TEXT" >$(DESTDIR)$(LIBDIR)/pkgconfig/shopstat-plots.pc
	chmod 644 $(DESTDIR)$(LIBDIR)/pkgconfig/shopstat.pc $(DESTDIR)$(LIBDIR)/pkgconfig/shopstat-plots.pc

uninstall:
	rm -rf $(DESTDIR)$(PREFIX)/lib/shopstat
	rm -f $(DESTDIR)$(PREFIX)/bin/shopstat $(DESTDIR)$(LIBDIR)/libshopstat.a \
	  $(DESTDIR)$(PREFIX)/share/man/man1/shopstat.1 $(DESTDIR)$(LIBDIR)/pkgconfig/shopstat.pc \
	  $(DESTDIR)$(LIBDIR)/pkgconfig/shopstat-plots.pc
	rm -rf $(DESTDIR)$(PREFIX)/include/shopstat

format:
	clang-format -i $(LIB_SRC) $(CLI_SRC) $(TEST_SRC) include/shopstat/*.h

clean:
	rm -rf build build-san build-fuzz build-tsan build-compilers

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(PLUGIN_OBJ:.o=.d)
