# bondd: the two commands are `make demo` and `make check` (see README.md).
# Meson + ninja do the building; this file only sequences the steps.

BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_FUZZ ?= build-fuzz
# Seconds per fuzz harness: `make fuzz` (FUZZ_S) and inside `make check`.
FUZZ_S ?= 60
FUZZ_CHECK_S ?= 10
# Seconds of chaos in `make soak` (tests/soak/soak.sh; make check runs 60).
SOAK_S ?= 600
MESON_OPTS ?=
# make install: DESTDIR (a staging root) and PREFIX (empty: the build
# directory's, meson's default /usr/local; make install PREFIX=/usr).
DESTDIR ?=
PREFIX ?=
# make deb: the package, .buildinfo and .changes land here.
DEB_DIR ?= $(BUILD)/deb

.PHONY: all deps deps-build deps-deb deps-test build build-asan build-fuzz demo check unit net fuzz soak bench install deb clean

all: build

# The Debian packages: building needs only the build set; make deb adds
# debhelper and lintian; the tests, demo and benchmarks install their own
# tools (scripts/deps.sh, README "Dependencies").
deps: deps-test

deps-build:
	@sh scripts/deps.sh build

deps-deb:
	@sh scripts/deps.sh deb

deps-test:
	@sh scripts/deps.sh test

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

$(BUILD_ASAN)/build.ninja:
	meson setup $(BUILD_ASAN) -Db_sanitize=address,undefined -Db_lundef=false $(MESON_OPTS)

# libFuzzer harnesses (tests/fuzz): clang, the tree instrumented for coverage.
$(BUILD_FUZZ)/build.ninja:
	CC=clang meson setup $(BUILD_FUZZ) -Dfuzzing=true -Db_sanitize=address,undefined \
		-Db_lundef=false -Dc_args=-fsanitize=fuzzer-no-link $(MESON_OPTS)

build: deps-build $(BUILD)/build.ninja
	ninja -C $(BUILD)

# The sanitized and fuzzing builds exist for the tests: the test set.
build-asan: deps-test $(BUILD_ASAN)/build.ninja
	ninja -C $(BUILD_ASAN)

build-fuzz: deps-test $(BUILD_FUZZ)/build.ninja
	ninja -C $(BUILD_FUZZ) fuzzers

demo: deps-test build
	sh scripts/demo.sh $(BUILD)

# Unit tests (cmocka, sanitizers) and integration tests (namespaces, real
# traffic, sanitized daemon); ends with "N passed, N failed".
check: deps-test build build-asan build-fuzz
	BONDD_FUZZ_BUILD=$(BUILD_FUZZ) FUZZ_CHECK_S=$(FUZZ_CHECK_S) sh tests/run.sh $(BUILD_ASAN)

unit: build-asan
	sh tests/run.sh $(BUILD_ASAN) unit

net: build-asan
	sh tests/run.sh $(BUILD_ASAN) net

# Every fuzz harness for FUZZ_S seconds (crashes are kept in the corpus).
fuzz: build-fuzz
	bash tests/fuzz/run.sh $(BUILD_FUZZ) $(FUZZ_S)

# Soak (issue 10): seven bonds, one per mode, in one sanitized bondd, with
# traffic, link flaps, enslave/release, option changes, reloads and SIGKILL
# restarts for SOAK_S seconds; then leaks, fds, RSS, convergence, slaves
# given back. SOAK_KILLS=0 leaves out the SIGKILL restarts.
soak: build-asan
	SOAK_S=$(SOAK_S) bash tests/soak/soak.sh $(BUILD_ASAN)

# Benchmarks (namespaces, iperf3, OVS, tbf): a table, bench/results/*.json
# and a PNG chart; see docs/bench.md. `sh bench/run.sh build --quick` is
# the short version.
bench: deps-test build
	sh bench/run.sh $(BUILD)

# meson install, the one install path (dist/meson.build): programs, man
# pages, completion, unit, sysusers.d, the default /etc/bondd/bondd.conf
# (an existing one is kept) and the ifenslave link where no other is.
install: build
	@if [ -n "$(PREFIX)" ]; then meson configure $(BUILD) -Dprefix=$(PREFIX); fi
	ninja -C $(BUILD)
	DESTDIR="$(DESTDIR)" meson install -C $(BUILD) --no-rebuild
	@cat $(BUILD)/meson-logs/install-hook.log

# The Debian package (debian/), built from the working tree with
# dpkg-buildpackage -us -uc -b into DEB_DIR; DEB_VERSION=V gives it version
# V (a newer package for upgrade tests), DEB_BUILD_OPTIONS=nocheck skips
# the unit tests meson test runs in it.
deb: deps-deb
	sh scripts/mkdeb.sh $(DEB_DIR)

# tests/sys/t_systemd.sh boots the package just built under systemd.
check: deb
check: export BONDD_DEB_DIR = $(abspath $(DEB_DIR))

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ)
