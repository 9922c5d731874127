# okta-sandbox: the two commands are `make run` and `make test`.
# Both install what is missing (Debian 12, as root), configure, build, then run.

BUILD      ?= build
BUILD_TYPE ?= Release
# -O1 without debug info compiles about 4x faster than -O2 -g here (2 cores)
# and is plenty for the sandbox and its tests; bench/ builds its own -O2 tree.
OPT_FLAGS  ?= -O1 -DNDEBUG
JOBS       ?= $(shell nproc)
WERROR     ?= $(if $(CI),ON,OFF)
RUN_ARGS   ?=

APT_PACKAGES := g++ cmake make pkg-config libcpp-httplib-dev nlohmann-json3-dev libsqlite3-dev \
                libspdlog-dev catch2 libcli11-dev libssl-dev curl libxmlsec1-dev libxml2-dev zlib1g-dev
TEST_APT_PACKAGES := chromium wrk

.PHONY: all deps test-deps configure build run test bench clean

all: build

# Installs only what dpkg does not already have, so it is quick when nothing is missing.
deps:
	@./tools/ensure-packages.sh $(APT_PACKAGES)

test-deps: deps
	@./tools/ensure-packages.sh $(TEST_APT_PACKAGES)
	@./tools/ensure-npm.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DCMAKE_CXX_FLAGS_RELEASE="$(OPT_FLAGS)" \
	  -DOKTA_SANDBOX_WERROR=$(WERROR)

configure: deps $(BUILD)/CMakeCache.txt

build: configure
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/app/okta-sandbox up $(RUN_ARGS)

test: test-deps configure
	cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: build
	./bench/run.sh

clean:
	rm -rf $(BUILD)
