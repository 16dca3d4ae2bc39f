# SPDX-License-Identifier: GPL-2.0
# xmip6 - Mobile IPv6 with an eBPF/XDP data plane.

CLANG    ?= clang
BPFTOOL  ?= bpftool
CC       ?= gcc
PKG_CONFIG ?= pkg-config
PREFIX   ?= /usr/local
DESTDIR  ?=
BUILD    := build

# asm/types.h lives under the multiarch include dir on Debian.
MULTIARCH := $(shell dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -dumpmachine)
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -Wall -Wextra -Werror \
	-Wno-unused-parameter -Iheaders -I/usr/include/$(MULTIARCH)

PKGS     := libbpf libmnl json-c libcrypto libconfig
CFLAGS   ?= -O2 -g
CFLAGS   += -Wall -Wextra -Werror=implicit-function-declaration -D_GNU_SOURCE \
	-Iheaders -Iuser -I$(BUILD) $(shell $(PKG_CONFIG) --cflags $(PKGS)) $(EXTRA_CFLAGS)
LDLIBS   += $(shell $(PKG_CONFIG) --libs $(PKGS)) -lelf -lz

BPF_SRCS  := $(wildcard bpf/*.bpf.c)
BPF_OBJS  := $(patsubst bpf/%.bpf.c,$(BUILD)/%.bpf.o,$(BPF_SRCS))
SKELS     := $(patsubst bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))

# user/<concern>/*.c, one object each under $(BUILD)/user/<concern>/. xmip6ctl
# (all of user/cli/) and xmip6d's main() are left out of the objects every
# binary links.
CLI_SRCS    := $(wildcard user/cli/*.c)
USER_MAINS  := $(CLI_SRCS) user/daemon/xmip6d.c
USER_SRCS   := $(wildcard user/*/*.c)
USER_COMMON := $(filter-out $(USER_MAINS),$(USER_SRCS))
USER_OBJS   := $(patsubst user/%.c,$(BUILD)/user/%.o,$(USER_COMMON))
CLI_OBJS    := $(patsubst user/%.c,$(BUILD)/user/%.o,$(CLI_SRCS))
BINS        := $(BUILD)/xmip6ctl $(BUILD)/xmip6d
# Test programs: C unit tests (selftests/unit), the BPF_PROG_TEST_RUN runner
# (selftests/bpf) and the tools the Python and shell tests drive
# (selftests/tools), all built into $(BUILD)/selftests/.
TEST_DIRS   := selftests/unit selftests/bpf selftests/tools
TEST_SRCS   := $(wildcard $(addsuffix /*.c,$(TEST_DIRS)))
TEST_BINS   := $(addprefix $(BUILD)/selftests/,$(basename $(notdir $(TEST_SRCS))))

# Every compile writes a dependency file (-MMD -MP) next to its output, so a
# header change rebuilds exactly what includes it. The skeletons are
# order-only: they must exist before the first compile, which has no .d yet.
DEPFLAGS = -MMD -MP -MF $@.d

.PHONY: all install uninstall test test-asan test-valgrind demo lint format clean bench fuzz fuzz-build
.DELETE_ON_ERROR:

all: $(BPF_OBJS) $(SKELS) $(BINS) $(TEST_BINS)

$(BUILD)/%.bpf.o: bpf/%.bpf.c
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $(subst -,_,$*) > $@

$(BUILD)/user/%.o: user/%.c | $(SKELS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/xmip6ctl: $(CLI_OBJS) $(USER_OBJS)
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/xmip6d: $(BUILD)/user/daemon/xmip6d.o $(USER_OBJS)
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

define test_bin_rule
$(BUILD)/selftests/%: $(1)/%.c $(USER_OBJS) | $(SKELS)
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS) -Iselftests/lib $$(DEPFLAGS) $$< $$(USER_OBJS) -o $$@ $$(LDLIBS)
endef
$(foreach d,$(TEST_DIRS),$(eval $(call test_bin_rule,$(d))))

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin
	install -m 0755 $(BINS) $(DESTDIR)$(PREFIX)/sbin/

uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/sbin/,$(notdir $(BINS)))

# The README's test command. Needs root (namespaces, BPF).
test: all fuzz-build $(BUILD)/bench/xmreg
	selftests/run.sh

# The whole suite again with every user-space program built with clang,
# AddressSanitizer and UndefinedBehaviorSanitizer in build/asan:
# any report from any process (daemons included) fails it.
ASAN_BUILD := $(BUILD)/asan
test-asan:
	$(MAKE) BUILD=$(ASAN_BUILD) CC=clang EXTRA_CFLAGS="$(FUZZ_SAN)" all fuzz-build
	XMIP6_BUILD=$(abspath $(ASAN_BUILD)) selftests/run-asan.sh

# The daemon's main paths (registration, refresh, handover, deregistration,
# RFC 4285, DHAAD/MPD, CN and route optimisation, control socket, SIGHUP,
# restart) with every xmip6d and xmip6ctl under valgrind memcheck:
# any error or definite leak fails it. TESTS overrides the set.
test-valgrind: all
	selftests/run-valgrind.sh $(TESTS)

# libFuzzer targets (selftests/fuzz/*.c) over the user-space parsers, built
# with clang, AddressSanitizer and UndefinedBehaviorSanitizer into their own
# objects. `make fuzz` runs each for FUZZ_TIME seconds (default 60; 0 = until
# stopped); `make test` runs each briefly through selftests/fuzz/test_fuzz.sh.
FUZZ_CC     ?= clang
FUZZ_TIME   ?= 60
FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
FUZZ_CFLAGS := -O1 -g $(FUZZ_SAN) -Wall -Wno-unused-parameter -D_GNU_SOURCE \
	-Iuser -Iheaders -I$(BUILD) $(shell $(PKG_CONFIG) --cflags $(PKGS))
FUZZ_SRCS   := $(wildcard selftests/fuzz/*.c)
FUZZ_BINS   := $(patsubst selftests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
FUZZ_OBJS   := $(patsubst user/%.c,$(BUILD)/fuzz/obj/%.o,$(USER_COMMON))

$(BUILD)/fuzz/obj/%.o: user/%.c | $(SKELS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(DEPFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(BUILD)/fuzz/%: selftests/fuzz/%.c $(FUZZ_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(DEPFLAGS) -fsanitize=fuzzer $< $(FUZZ_OBJS) -o $@ $(LDLIBS)

$(BUILD)/fuzz/corpus/.stamp: selftests/fuzz/seeds.py $(wildcard docs/examples/*)
	rm -rf $(@D)
	/usr/bin/python3 selftests/fuzz/seeds.py $(@D) 2>/dev/null
	touch $@

# Kept between runs: without this make deletes them as intermediates.
.SECONDARY: $(FUZZ_OBJS)

fuzz-build: $(FUZZ_BINS) $(BUILD)/fuzz/corpus/.stamp

fuzz: fuzz-build
	selftests/fuzz/run.sh $(FUZZ_TIME)

# The README's main command: the demo in namespaces.
demo: all
	scripts/demo.sh

# Benchmarks: root, namespaces only, not part of `make test`.
bench: all $(BUILD)/bench/xmbench $(BUILD)/bench/xmreg
	bench/bench.sh

$(BUILD)/bench/bench.bpf.o: bench/bench.bpf.c
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) $(DEPFLAGS) -Ibench -c $< -o $@

$(BUILD)/bench/bench.skel.h: $(BUILD)/bench/bench.bpf.o
	$(BPFTOOL) gen skeleton $< name bench > $@

$(BUILD)/bench/xmbench: bench/xmbench.c $(BUILD)/bench/bench.skel.h $(SKELS)
	$(CC) $(CFLAGS) $(DEPFLAGS) -I$(BUILD)/bench -Ibench $< -o $@ $(LDLIBS)

# The registration load generator builds its BUs with the project's own mh.c/auth.c.
$(BUILD)/bench/xmreg: bench/xmreg.c $(USER_OBJS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(DEPFLAGS) $< $(USER_OBJS) -o $@ $(LDLIBS)

SRC_FILES := $(wildcard bpf/*.c bpf/*.h user/*/*.c user/*/*.h headers/*.h selftests/*/*.c \
	selftests/*/*.h bench/*.c bench/*.h)
# clang-format, cppcheck, and the layout rules (scripts/check-layout.py): no
# include circle, no circle among user/'s folders or objects, no role named
# by the daemon.
lint: $(USER_OBJS) $(CLI_OBJS)
	clang-format --dry-run --Werror $(SRC_FILES)
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--inline-suppr --suppress=missingIncludeSystem -Iheaders -Iuser \
		-Iselftests/lib $(wildcard user/*/*.c selftests/*/*.c)
	python3 scripts/check-layout.py $(USER_OBJS) $(CLI_OBJS)

format:
	clang-format -i $(SRC_FILES)

clean:
	rm -rf $(BUILD)

# Dependency files written by -MMD (absent before the first build).
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
