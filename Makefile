# SPDX-License-Identifier: GPL-2.0
# xmip6 - Mobile IPv6 with an eBPF/XDP data plane.

CLANG    ?= clang
BPFTOOL  ?= bpftool
CC       ?= gcc
PKG_CONFIG ?= pkg-config
BUILD    := build

# Where `make install` puts things (GNU names; DESTDIR is prepended to all).
# The configuration lives in /etc/xmip6 whatever PREFIX is: the unit and the
# man pages name that path. The Debian package sets UNITDIR=/lib/systemd/system.
PREFIX      ?= /usr/local
DESTDIR     ?=
SBINDIR     ?= $(PREFIX)/sbin
MANDIR      ?= $(PREFIX)/share/man
SYSCONFDIR  ?= /etc
UNITDIR     ?= $(PREFIX)/lib/systemd/system
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
CONFDIR     := $(SYSCONFDIR)/xmip6

# -V prints VERSION and, built from a git checkout, its revision; a tarball
# made by `git archive` carries it in REVISION (export-subst, .gitattributes);
# any other tree prints VERSION alone.
VERSION  := 0.1.0
GIT_REV  := $(if $(wildcard .git),$(shell git describe --always --dirty --abbrev=12 \
	--exclude='*' 2>/dev/null))
GIT_REV  := $(or $(GIT_REV),$(filter-out $$Format%,$(shell cat REVISION 2>/dev/null)))

# asm/types.h lives under the multiarch include dir on Debian.
MULTIARCH := $(shell dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -dumpmachine)
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -Wall -Wextra -Werror \
	-Wno-unused-parameter -Iheaders -I/usr/include/$(MULTIARCH)

PKGS     := libbpf libmnl json-c libcrypto libconfig libcurl
CFLAGS   ?= -O2 -g
CFLAGS   += -Wall -Wextra -Werror=implicit-function-declaration -D_GNU_SOURCE \
	-Iheaders -Iuser -I$(BUILD) $(shell $(PKG_CONFIG) --cflags $(PKGS)) $(EXTRA_CFLAGS)
LDLIBS   += $(shell $(PKG_CONFIG) --libs $(PKGS)) -lelf -lz
# xmip6d alone tells systemd when it is ready, reloading, stopping (sd_notify).
SYSTEMD_LIBS := $(shell $(PKG_CONFIG) --libs libsystemd)
# xmip6d alone serves Prometheus metrics (metrics-listen).
MHD_LIBS     := $(shell $(PKG_CONFIG) --libs libmicrohttpd)

BPF_SRCS  := $(wildcard bpf/*.bpf.c)
BPF_OBJS  := $(patsubst bpf/%.bpf.c,$(BUILD)/%.bpf.o,$(BPF_SRCS))
SKELS     := $(patsubst bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))

# user/<concern>/*.c, one object each under $(BUILD)/user/<concern>/. xmip6ctl
# (all of user/cli/) and xmip6d's main() are left out of the objects every
# binary links.
CLI_SRCS    := $(wildcard user/cli/*.c)
# metrics.c is xmip6d's alone: only it links libmicrohttpd.
USER_MAINS  := $(CLI_SRCS) user/daemon/xmip6d.c user/daemon/metrics.c
USER_SRCS   := $(wildcard user/*/*.c)
USER_COMMON := $(filter-out $(USER_MAINS),$(USER_SRCS))
USER_OBJS   := $(patsubst user/%.c,$(BUILD)/user/%.o,$(USER_COMMON))
CLI_OBJS    := $(patsubst user/%.c,$(BUILD)/user/%.o,$(CLI_SRCS))
# The shared objects go into an archive: each binary takes the objects it
# refers to, and with --as-needed only the libraries those call. xmip6ctl
# then loads 7 shared libraries instead of 38 (no libcurl, libcrypto, ...)
# and starts in 5 ms of CPU instead of 18; the tests run it and the tools
# of selftests/tools thousands of times a suite. Nothing in user/ registers
# itself from a constructor, so an object no one refers to is not needed.
USER_LIB    := $(BUILD)/libxmip6.a
LDFLAGS     += -Wl,--as-needed
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

.PHONY: all install uninstall image test-package FORCE test test-asan test-valgrind demo demo-nemo lint format clean bench fuzz fuzz-build
.DELETE_ON_ERROR:

all: $(BPF_OBJS) $(SKELS) $(BINS) $(TEST_BINS)

# Rewritten only when the revision changes, so that only the two mains rebuild;
# a temporary file per make (tests run `make install` side by side).
$(BUILD)/version.h: FORCE
	@mkdir -p $(@D)
	@tmp=$@.$$$$; printf '#define XMIP6_VERSION "%s"\n#define XMIP6_GIT_REV "%s"\n' \
		'$(VERSION)' '$(GIT_REV)' >$$tmp && \
		if cmp -s $$tmp $@; then rm -f $$tmp; else mv $$tmp $@; fi
$(BUILD)/user/daemon/xmip6d.o $(BUILD)/user/daemon/metrics.o $(BUILD)/user/cli/xmip6ctl.o: \
	$(BUILD)/version.h
FORCE:

$(BUILD)/%.bpf.o: bpf/%.bpf.c
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $(subst -,_,$*) > $@

$(BUILD)/user/%.o: user/%.c | $(SKELS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

$(USER_LIB): $(USER_OBJS)
	rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/xmip6ctl: $(CLI_OBJS) $(USER_LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/xmip6d: $(BUILD)/user/daemon/xmip6d.o $(BUILD)/user/daemon/metrics.o $(USER_LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ -o $@ $(LDLIBS) $(SYSTEMD_LIBS) -lpthread $(MHD_LIBS)

define test_bin_rule
$(BUILD)/selftests/%: $(1)/%.c $(USER_LIB) | $(SKELS)
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS) $$(LDFLAGS) -Iselftests/lib $$(DEPFLAGS) $$< $$(USER_LIB) -o $$@ $$(LDLIBS)
endef
$(foreach d,$(TEST_DIRS),$(eval $(call test_bin_rule,$(d))))

MAN8 := docs/man/xmip6d.8 docs/man/xmip6ctl.8
MAN5 := docs/man/xmip6d.conf.5
INSTALLED := $(addprefix $(SBINDIR)/,$(notdir $(BINS))) \
	$(addprefix $(MANDIR)/man8/,$(notdir $(MAN8))) \
	$(addprefix $(MANDIR)/man5/,$(notdir $(MAN5))) \
	$(UNITDIR)/xmip6d.service $(BASHCOMPDIR)/xmip6ctl $(CONFDIR)/xmip6d.conf.example

# The BPF objects are not installed: the skeletons embed them in the binaries.
# The unit gets the installed paths (dist/xmip6d.service.in) and starts only
# once /etc/xmip6/xmip6d.conf exists. The example configuration holds keys:
# mode 0600, and /etc/xmip6 0700.
install: $(BINS)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(BASHCOMPDIR)
	install -d -m 0700 $(DESTDIR)$(CONFDIR)
	install -m 0755 $(BINS) $(DESTDIR)$(SBINDIR)/
	install -m 0644 $(MAN8) $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@CONFDIR@|$(CONFDIR)|g' dist/xmip6d.service.in \
		>$(DESTDIR)$(UNITDIR)/xmip6d.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/xmip6d.service
	install -m 0644 dist/xmip6ctl.bash-completion $(DESTDIR)$(BASHCOMPDIR)/xmip6ctl
	install -m 0600 docs/examples/ha.conf $(DESTDIR)$(CONFDIR)/xmip6d.conf.example

# What install wrote, and /etc/xmip6 when nothing else is left in it (never
# the operator's own configuration).
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	[ ! -d $(DESTDIR)$(CONFDIR) ] || rmdir --ignore-fail-on-non-empty $(DESTDIR)$(CONFDIR)

# The container image from scratch (buildah): the binaries and their shared
# libraries, localhost/xmip6:latest, and keepalived's beside xmip6ctl,
# localhost/xmip6-keepalived:latest (deploy/kubernetes, docs/kubernetes.md).
image: $(BINS)
	XMIP6_BUILD=$(BUILD) scripts/build-image.sh
	XMIP6_BUILD=$(BUILD) scripts/build-image.sh --keepalived

# Builds the Debian package in a copy of the tree, installs, checks and purges
# it (selftests/pkg/package.sh; root, a few minutes: not part of `make test`).
test-package:
	selftests/pkg/package.sh

# The README's test command. Needs root (namespaces, BPF).
test: all fuzz-build $(BUILD)/bench/xmbench $(BUILD)/bench/xmreg
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

# The README's main command: the demo in namespaces. Then it names the
# second one, a vehicle network behind a mobile router (NEMO, docs/nemo.md).
demo: all
	scripts/demo.sh
	@echo "A network on the move (NEMO, RFC 3963): make demo-nemo"

demo-nemo: all
	scripts/demo_nemo.sh

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
$(BUILD)/bench/xmreg: bench/xmreg.c $(USER_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $(DEPFLAGS) $< $(USER_LIB) -o $@ $(LDLIBS)

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
	python3 scripts/check-tests.py $(wildcard selftests/*/*.sh scripts/*.sh bench/*.sh)

format:
	clang-format -i $(SRC_FILES)

clean:
	rm -rf $(BUILD)

# Dependency files written by -MMD (absent before the first build).
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
