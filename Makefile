# Thin wrapper around CMake/CTest. `make demo` and `make test` work on a fresh Debian 12 machine.
BUILD ?= build
JOBS  ?= $(shell nproc)

.PHONY: all deps build demo test check-long bench fixtures clean

all: build

deps:
	@scripts/install-deps

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	@$(BUILD)/wgankit train   # its last line is the path of report.html

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -LE long

check-long: build
	@cd $(BUILD) && ctest --output-on-failure -L long

bench: build
	@bench/run-all $(BUILD)

# Regenerate the committed reference fixtures (needs python3-torch and python3-pot).
fixtures:
	@/usr/bin/python3 tests/reference/make_fixtures.py
	@/usr/bin/python3 tests/reference/make_ot_fixtures.py
	@/usr/bin/python3 tests/reference/make_metric_fixtures.py

clean:
	rm -rf $(BUILD)
