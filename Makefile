# Thin wrapper around CMake/CTest. `make demo` and `make test` work on a fresh Debian 12 machine.
BUILD ?= build
JOBS  ?= $(shell nproc)

.PHONY: all deps build python demo test check-long check-sanitize fuzz bench fixtures models clean

all: build

deps:
	@scripts/install-deps

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# The Python extension, in place: python/wgankit/_wgankit*.so (use with PYTHONPATH=python, or
# install the package: see README "Python").
python: build
	@cmake --build $(BUILD) -j $(JOBS) --target python

demo: build
	@$(BUILD)/wgankit train   # its last line is the path of report.html

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -LE long

check-long: build
	@scripts/install-deps --long
	@cd $(BUILD) && ctest --output-on-failure -L long

# The whole suite (make test's tests) under ASan + UBSan + LSan, in its own build directory.
check-sanitize: deps
	@cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=Release -DWK_SANITIZE=ON >/dev/null
	@cmake --build build-sanitize -j $(JOBS)
	@cd build-sanitize && ctest --output-on-failure -j $(JOBS) -LE long

# Build the libFuzzer harnesses with clang-14 in build-fuzz/ and run each FUZZ_SECONDS (fuzz/run-all).
FUZZ_SECONDS ?= 60
fuzz:
	@scripts/install-deps fuzz
	@cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER=clang-14 -DWK_FUZZ=ON >/dev/null
	@cmake --build build-fuzz -j $(JOBS)
	@fuzz/run-all build-fuzz $(FUZZ_SECONDS)

bench: build
	@bench/run-all $(BUILD)

# Regenerate the committed reference fixtures (needs python3-torch and python3-pot).
fixtures:
	@/usr/bin/python3 tests/reference/make_fixtures.py
	@/usr/bin/python3 tests/reference/make_ot_fixtures.py
	@/usr/bin/python3 tests/reference/make_metric_fixtures.py

# The shipped feature network of the image metrics (FD, KID, IS, PR, DC), trained on
# Fashion-MNIST. Bit-for-bit reproducible on the same build and thread count (--threads 2).
FMNIST ?= /usr/share/datasets/fashion-mnist
models: build
	@mkdir -p models
	$(BUILD)/wgankit classifier train --data $(FMNIST)/train-images-idx3-ubyte.gz --labels $(FMNIST)/train-labels-idx1-ubyte.gz \
	  --test-data $(FMNIST)/t10k-images-idx3-ubyte.gz --test-labels $(FMNIST)/t10k-labels-idx1-ubyte.gz \
	  --epochs 8 --batch 128 --lr 0.001 --seed 1 --threads 2 --name fashion-mnist-lenet --out models/fashion-mnist-lenet.safetensors

clean:
	rm -rf $(BUILD) build-sanitize build-fuzz
