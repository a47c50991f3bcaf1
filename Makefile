# Pieces: two programs, built side by side but sharing no code.
#   make            build build/pieces-run and build/pieces-build
#   make install    install into $(DESTDIR)$(PREFIX)/bin
#   make test       run every bats test (as root)
#   make demo       build the example Piecefile from a local tarball and run it
PREFIX ?= /usr/local
BUILD ?= build
PKG_CONFIG ?= pkg-config

CC ?= cc
OPTFLAGS ?= -O2
CFLAGS ?= $(OPTFLAGS) -g
HARDEN_CFLAGS = -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fstack-clash-protection \
                -fcf-protection -fPIE -Wformat -Wformat-security
HARDEN_LDFLAGS = -pie -Wl,-z,relro,-z,now,-z,noexecstack
# snprintf truncation is deliberate where we bound what a hostile config can print;
# where a cut would change meaning, the return value is checked.
WARN = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
       -Wno-unused-parameter $(NO_FORMAT_TRUNCATION)
# gcc only: clang has no such warning and would reject the flag.
NO_FORMAT_TRUNCATION := $(shell $(CC) -Werror -Wno-format-truncation -E -x c /dev/null \
                          >/dev/null 2>&1 && echo -Wno-format-truncation)
ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(WARN) $(HARDEN_CFLAGS) $(CFLAGS) -MMD -MP
ALL_LDFLAGS = $(HARDEN_LDFLAGS) -Wl,--as-needed $(LDFLAGS)

RUNTIME_LIBS = jansson libcap libseccomp
BUILDER_LIBS = libcurl libarchive jansson libcrypto

RUNTIME_SRC = $(wildcard runtime/*.c)
BUILDER_SRC = $(wildcard builder/*.c)
RUNTIME_OBJ = $(RUNTIME_SRC:%.c=$(BUILD)/%.o)
BUILDER_OBJ = $(BUILDER_SRC:%.c=$(BUILD)/%.o)

all: $(BUILD)/pieces-run $(BUILD)/pieces-build

$(BUILD)/pieces-run: $(RUNTIME_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS) $(shell $(PKG_CONFIG) --libs $(RUNTIME_LIBS))

$(BUILD)/pieces-build: $(BUILDER_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS) $(shell $(PKG_CONFIG) --libs $(BUILDER_LIBS))

$(BUILD)/runtime/%.o: runtime/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(shell $(PKG_CONFIG) --cflags $(RUNTIME_LIBS)) -c -o $@ $<

$(BUILD)/builder/%.o: builder/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(shell $(PKG_CONFIG) --cflags $(BUILDER_LIBS)) -c -o $@ $<

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BUILD)/pieces-run $(BUILD)/pieces-build $(DESTDIR)$(PREFIX)/bin/

# Tests run as root: they make namespaces, mounts and device nodes.
test: all
	scripts/run-tests.sh

# podman, buildah and containerd driving pieces-run (RUNTIME=/usr/sbin/runc to check
# the harness itself against runc).
test-engines: all
	scripts/run-tests.sh tests/engines-*.bats

demo: all
	scripts/demo.sh

format:
	clang-format -i runtime/*.[ch] builder/*.[ch]

clean:
	rm -rf $(BUILD)

.PHONY: all install test test-engines demo format clean
-include $(RUNTIME_OBJ:.o=.d) $(BUILDER_OBJ:.o=.d)
