# okta-sandbox: the two commands are `make run` and `make test`.
# Both install what is missing (Debian 12, as root), configure, build, then run.

BUILD      ?= build
BUILD_TYPE ?= Release
# -O1 without debug info compiles about 4x faster than -O2 -g here (2 cores)
# and is plenty for the sandbox and its tests; bench/ builds its own -O2 tree.
OPT_FLAGS  ?= -O1 -DNDEBUG
JOBS       ?= $(shell nproc)
WERROR     ?= $(if $(CI),ON,OFF)
# A unity build compiles the sources of a target in batches of 8, so the
# headers (nlohmann/json, cpp-httplib, spdlog, Catch2) and their templates are
# compiled once per batch rather than once per file: a clean build takes about
# 3 minutes instead of 7 on 2 cores. UNITY=OFF when configuring a new build
# directory for file-by-file rebuilds (HACKING.md).
UNITY      ?= ON
RUN_ARGS   ?=
# The sanitizer and fuzzing tree (HACKING.md, "Fuzzing and sanitizers"): one
# clang build with ASan + UBSan + libFuzzer instrumentation. `make test` (and
# `make test-sanitize` alone) runs the C++ test binaries there and every fuzz
# target over its corpus; `make fuzz` runs each fuzz target for FUZZ_SECONDS
# in a separate -O1 tree.
SAN_BUILD    ?= build-sanitize
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 60
# With FUZZ_RUNS=N a target also stops after N executions (FUZZ_SECONDS is
# then the upper bound).
FUZZ_RUNS    ?=
# `make test` runs the sanitizer checks after the main tests; SANITIZE=OFF
# leaves them out (a quicker local loop; CI keeps them).
SANITIZE     ?= ON

APT_PACKAGES := g++ cmake make pkg-config libcpp-httplib-dev nlohmann-json3-dev libsqlite3-dev \
                libspdlog-dev catch2 libcli11-dev libssl-dev curl libxmlsec1-dev libxml2-dev zlib1g-dev
# clang and its compiler-rt runtimes (ASan, UBSan, libFuzzer: libclang-rt-dev)
# for the sanitizer tree.
TEST_APT_PACKAGES := chromium wrk clang libclang-rt-dev python3-jsonschema

.PHONY: all deps test-deps configure build run test test-sanitize sanitize-checks fuzz bench clean

all: build

# Installs only what dpkg does not already have, so it is quick when nothing is missing.
deps:
	@./tools/ensure-packages.sh $(APT_PACKAGES)

test-deps: deps
	@./tools/ensure-packages.sh $(TEST_APT_PACKAGES)
	@./tools/ensure-npm.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DCMAKE_CXX_FLAGS_RELEASE="$(OPT_FLAGS)" \
	  -DOKTA_SANDBOX_WERROR=$(WERROR) -DCMAKE_UNITY_BUILD=$(UNITY)

configure: deps $(BUILD)/CMakeCache.txt

build: configure
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/app/okta-sandbox up $(RUN_ARGS)

test: test-deps configure
	cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
ifeq ($(SANITIZE),ON)
	@$(MAKE) --no-print-directory sanitize-checks
endif

# -O0: half the compile time of -O1 under the sanitizers (measured), and the
# tests are not CPU-bound.
$(SAN_BUILD)/CMakeCache.txt:
	cmake -S . -B $(SAN_BUILD) -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O0" \
	  -DCMAKE_CXX_COMPILER=clang++ -DOKTA_SANDBOX_FUZZ=ON -DOKTA_SANDBOX_WERROR=$(WERROR) \
	  -DCMAKE_UNITY_BUILD=$(UNITY)

# The C++ test binaries (*_tests) under ASan + UBSan, and each fuzz target
# once over its corpus (fuzz_*). Not the CLI, scenario, JS or browser tests.
test-sanitize: test-deps sanitize-checks

sanitize-checks: $(SAN_BUILD)/CMakeCache.txt
	cmake --build $(SAN_BUILD) -j $(JOBS) --target sanitize_checks
	cd $(SAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) -R '_tests(_[a-z]+)?$$|^fuzz_'

# Campaigns build the fuzz targets alone in their own -O1 tree, for speed:
# the -O0 sanitizer tree is for the quick corpus replay of `make test`.
$(FUZZ_BUILD)/CMakeCache.txt:
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1" \
	  -DCMAKE_CXX_COMPILER=clang++ -DOKTA_SANDBOX_FUZZ=ON -DOKTA_SANDBOX_WERROR=$(WERROR) \
	  -DCMAKE_UNITY_BUILD=$(UNITY) -DBUILD_TESTING=OFF

fuzz: test-deps $(FUZZ_BUILD)/CMakeCache.txt
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzzers
	FUZZ_RUNS=$(FUZZ_RUNS) ./fuzz/campaign.sh $(FUZZ_BUILD)/fuzz $(FUZZ_SECONDS)

bench: build
	./bench/run.sh

clean:
	rm -rf $(BUILD) $(SAN_BUILD) $(FUZZ_BUILD)
