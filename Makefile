# Makefile - builds the kiosk firmware, its tools and its tests.
#
# Sources are found by pattern, so adding a module needs no edit here:
#   core/ domain/ drivers/ update/ print/ flow/ ui/ voice/ hub/ fleet/ app/
#     (*.c, one level of subfolders; docs/conventions.md)  -> libkiosk.a
#   app/main.c                                             -> bin/kiosk
#   tools/<name>.c                                         -> bin/<name>
#   tests/unit/test_<name>.c                               -> unit test (cmocka)
#   tests/fuzz/fuzz_<name>.c                               -> libFuzzer target
#   tests/cli/*.sh                                         -> shell tests
#
# Build folders: build/native (objects), build/bin (native binaries),
# build/asan (sanitizer build), build/arm64 (cross build), build/fuzz.

ARCH ?= native
PREFIX ?= /usr/local
DESTDIR ?=
FUZZ_SECONDS ?= 30
SCREENSHOTS_DIR ?= build/screenshots

PKGS := sdl2 SDL2_ttf libusb-1.0 libqrencode sqlite3 libcrypto libcjson libpng zlib libutf8proc espeak-ng
# Headers only: drivers/hubfeed loads libcurl with dlopen, in board mode;
# libmosquitto is linked by kiosk-fleet-agent alone (fleet/README.md).
PKGS_HDR := libcurl libmosquitto
PKGS_TEST := cmocka

ifeq ($(ARCH),arm64)
  CC := aarch64-linux-gnu-gcc
  PKG_CONFIG := PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig pkg-config
  OUT := build/arm64
  BIN := build/arm64/bin
  RUN := qemu-aarch64 -L /
else ifeq ($(ARCH),native)
  CC ?= cc
  PKG_CONFIG := pkg-config
  OUT := build/native
  BIN := build/bin
  RUN :=
else
  $(error ARCH must be native or arm64)
endif

SHARE := $(BIN)/../share/kiosk
CSTD := -std=c11 -D_GNU_SOURCE
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
# Includes name their folder from the repository root ("domain/ledger.h").
LAYERS := core domain drivers update print flow ui voice hub fleet app
INC := -I.
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) $(PKGS_HDR))
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS)) -lm -lpthread
TEST_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS_TEST))
TEST_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS_TEST))
OPT ?= -O2 -g
CFLAGS_ALL = $(CSTD) $(OPT) $(WARN) $(INC) $(PKG_CFLAGS) $(EXTRA_CFLAGS) -MMD -MP
LDFLAGS_ALL = -Wl,--as-needed $(EXTRA_LDFLAGS)

LIB_SRC := $(filter-out app/main.c, \
	$(wildcard $(addsuffix /*.c,$(LAYERS)) $(addsuffix /*/*.c,$(LAYERS))))
TOOL_SRC := $(wildcard tools/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_HELP_SRC := $(filter-out $(UNIT_SRC), $(wildcard tests/unit/*.c))
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
TTOOL_SRC := $(wildcard tests/tools/*.c)

LIB_OBJ := $(patsubst %.c,$(OUT)/obj/%.o,$(LIB_SRC))
LIB := $(OUT)/libkiosk.a
TOOLS := $(patsubst tools/%.c,$(BIN)/%,$(TOOL_SRC))
UNITS := $(patsubst tests/unit/%.c,$(OUT)/tests/%,$(UNIT_SRC))
UNIT_HELP_OBJ := $(patsubst %.c,$(OUT)/obj/%.o,$(UNIT_HELP_SRC))
TTOOLS := $(patsubst tests/tools/%.c,$(OUT)/tests/tools/%,$(TTOOL_SRC))

.PHONY: all run test test-native test-asan test-arm64 test-units test-cli \
	test-scenarios test-fuzz fuzz bench screenshots stress install clean deps-run \
	deps-test deps-vm assets units image vm-test vm-test-ci

.SECONDARY:

all: $(BIN)/kiosk $(TOOLS) $(BIN)/kiosk-fleet assets

# ---- set-up --------------------------------------------------------------
deps-run:
	@sh tools/deps.sh run
deps-test:
	@sh tools/deps.sh test

# ---- build ---------------------------------------------------------------
$(OUT)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_ALL) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

$(BIN)/kiosk: $(OUT)/obj/app/main.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS)

# The hub alone links libmicrohttpd (hub/README.md).
$(BIN)/kiosk-hub: TOOL_LIBS = $(shell $(PKG_CONFIG) --libs libmicrohttpd)
$(BIN)/kiosk-fleet-agent: TOOL_LIBS = $(shell $(PKG_CONFIG) --libs libmosquitto)
# The province technician's fleet tool: a Python script (python3-paho-mqtt).
$(BIN)/kiosk-fleet: tools/kiosk-fleet.py
	@mkdir -p $(dir $@)
	install -m 755 $< $@

$(BIN)/%: $(OUT)/obj/tools/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS) $(TOOL_LIBS)

$(OUT)/obj/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_ALL) $(TEST_CFLAGS) -c $< -o $@

$(OUT)/tests/%: $(OUT)/obj/tests/unit/%.o $(UNIT_HELP_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS)

# The fleet's scale simulation runs real agents: libmosquitto.
$(OUT)/tests/tools/fleet_sim: PKG_LIBS += $(shell $(PKG_CONFIG) --libs libmosquitto)
$(OUT)/tests/tools/%: $(OUT)/obj/tests/tools/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS)

# Unit tests plus the test-only programs of tests/tools (decoders, harnesses,
# benchmarks).
units: $(UNITS) $(TTOOLS)

# Assets: the repository's assets plus the pinned font files, copied next to
# the binaries (bin/../share/kiosk) so the kiosk finds them without options.
FONTS := NotoSans-Regular.ttf NotoSans-Bold.ttf
assets: $(SHARE)/.stamp
$(SHARE)/.stamp: $(shell find assets -type f) tools/copy-assets.sh
	sh tools/copy-assets.sh assets $(SHARE)
	@touch $@

# ---- run -----------------------------------------------------------------
run: deps-run
	$(MAKE) all
	HUB=$(HUB) sh tools/run-kiosk.sh $(BIN)/kiosk

# ---- tests ---------------------------------------------------------------
# `make test`: native tests, sanitizer tests, fuzzers, then the arm64 build
# and its tests under qemu. `make test ARCH=arm64`: only the arm64 part.
ifeq ($(ARCH),arm64)
test: deps-test
	$(MAKE) ARCH=arm64 all units
	sh tests/run-tests.sh --arch arm64 --bin $(BIN) --units $(OUT)/tests --run "$(RUN)" --quick
else
test: deps-test
	$(MAKE) test-native
	$(MAKE) test-asan
	$(MAKE) test-fuzz
	$(MAKE) ARCH=arm64 all units
	sh tests/run-tests.sh --arch arm64 --bin build/arm64/bin --units build/arm64/tests --run "qemu-aarch64 -L /" --quick
	@echo "make test: all stages passed"
endif

test-native: all units
	sh tests/run-tests.sh --arch native --bin $(BIN) --units $(OUT)/tests

ASAN_FLAGS := -fsanitize=address,undefined,float-cast-overflow -fno-omit-frame-pointer -fno-sanitize-recover=all
test-asan:
	$(MAKE) OUT=build/asan BIN=build/asan/bin OPT="-O1 -g" \
		EXTRA_CFLAGS="$(ASAN_FLAGS)" EXTRA_LDFLAGS="$(ASAN_FLAGS)" all units
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		sh tests/run-tests.sh --arch asan --bin build/asan/bin --units build/asan/tests

# libFuzzer targets, built with clang into build/fuzz; each links the whole
# library built for fuzzing.
FUZZ_FLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_BINS := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRC))
fuzz-build:
	$(MAKE) CC=clang OUT=build/fuzz BIN=build/fuzz/bin OPT="-O1 -g" \
		EXTRA_CFLAGS="$(FUZZ_FLAGS)" build/fuzz/libkiosk.a $(FUZZ_BINS)
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c build/fuzz/libkiosk.a
	clang $(CSTD) -O1 -g $(INC) $(PKG_CFLAGS) -fsanitize=fuzzer,address,undefined \
		-o $@ $< build/fuzz/libkiosk.a $(PKG_LIBS)
test-fuzz: fuzz-build
	sh tests/run-fuzz.sh 30
fuzz: fuzz-build
	sh tests/run-fuzz.sh $(FUZZ_SECONDS)

# The benchmarks use the test programs of tests/tools too (units).
bench: all units
	sh tests/run-bench.sh $(BIN)

stress: all
	sh tests/run-stress.sh $(BIN)

screenshots: all
	sh tools/screenshots.sh $(BIN) $(SCREENSHOTS_DIR)

# ---- VM test bench (docs/vm-bench.md) ------------------------------------
# `make image ARCH=arm64`: kernel, initramfs, read-only root disk and seeded
# data disk in build/vm, from Debian arm64 packages and the arm64 build.
deps-vm:
	@sh tools/deps.sh vm

image: deps-vm
	$(MAKE) ARCH=native all
	$(MAKE) ARCH=arm64 all units
	sh tools/vm/build-image.sh build/vm build/arm64/bin build/arm64/tests/tools
vm-test: image
	$(MAKE) ARCH=native all build/native/tests/tools/escpos_decode
	python3 tests/vm/scenarios.py
vm-test-ci: image
	$(MAKE) ARCH=native all build/native/tests/tools/escpos_decode
	python3 tests/vm/scenarios.py --ci

# ---- install ---------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/kiosk
	install -m 0755 $(BIN)/kiosk $(TOOLS) $(DESTDIR)$(PREFIX)/bin/
	cp -R $(SHARE)/. $(DESTDIR)$(PREFIX)/share/kiosk/
	rm -f $(DESTDIR)$(PREFIX)/share/kiosk/.stamp

clean:
	rm -rf build

-include $(shell find $(OUT) -name "*.d" 2>/dev/null)
