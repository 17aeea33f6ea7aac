# bondd: the two commands are `make demo` and `make check` (see README.md).
# Meson + ninja do the building; this file only sequences the steps.

BUILD      ?= build
BUILD_ASAN ?= build-asan
MESON_OPTS ?=

.PHONY: all deps build build-asan demo check unit net bench install clean

all: build

deps:
	@sh scripts/deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

$(BUILD_ASAN)/build.ninja:
	meson setup $(BUILD_ASAN) -Db_sanitize=address,undefined -Db_lundef=false $(MESON_OPTS)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

build-asan: deps $(BUILD_ASAN)/build.ninja
	ninja -C $(BUILD_ASAN)

demo: build
	sh scripts/demo.sh $(BUILD)

# Unit tests (cmocka, sanitizers) and integration tests (namespaces, real
# traffic, sanitized daemon); ends with "N passed, N failed".
check: build build-asan
	sh tests/run.sh $(BUILD_ASAN)

unit: build-asan
	sh tests/run.sh $(BUILD_ASAN) unit

net: build-asan
	sh tests/run.sh $(BUILD_ASAN) net

# Benchmarks (namespaces, iperf3, OVS, tbf): a table, bench/results/*.json
# and a PNG chart; see docs/bench.md. `sh bench/run.sh build --quick` is
# the short version.
bench: build
	sh bench/run.sh $(BUILD)

install: build
	sh scripts/install.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(BUILD_ASAN)
