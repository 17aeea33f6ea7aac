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

.PHONY: all deps build build-asan build-fuzz demo check unit net fuzz soak bench install clean

all: build

deps:
	@sh scripts/deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

$(BUILD_ASAN)/build.ninja:
	meson setup $(BUILD_ASAN) -Db_sanitize=address,undefined -Db_lundef=false $(MESON_OPTS)

# libFuzzer harnesses (tests/fuzz): clang, the tree instrumented for coverage.
$(BUILD_FUZZ)/build.ninja:
	CC=clang meson setup $(BUILD_FUZZ) -Dfuzzing=true -Db_sanitize=address,undefined \
		-Db_lundef=false -Dc_args=-fsanitize=fuzzer-no-link $(MESON_OPTS)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

build-asan: deps $(BUILD_ASAN)/build.ninja
	ninja -C $(BUILD_ASAN)

build-fuzz: deps $(BUILD_FUZZ)/build.ninja
	ninja -C $(BUILD_FUZZ) fuzzers

demo: build
	sh scripts/demo.sh $(BUILD)

# Unit tests (cmocka, sanitizers) and integration tests (namespaces, real
# traffic, sanitized daemon); ends with "N passed, N failed".
check: build build-asan build-fuzz
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
bench: build
	sh bench/run.sh $(BUILD)

install: build
	sh scripts/install.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ)
