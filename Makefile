# Thin wrapper around CMake/CTest. `make demo` and `make test` work on a fresh Debian 12 machine.
BUILD ?= build
JOBS  ?= $(shell nproc)

.PHONY: all deps build demo test check-long bench fixtures models clean

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

# The shipped feature network of the image metrics (FD, KID, IS, PR, DC), trained on
# Fashion-MNIST. Bit-for-bit reproducible on the same build and thread count (--threads 2).
FMNIST ?= /usr/share/datasets/fashion-mnist
models: build
	@mkdir -p models
	$(BUILD)/wgankit classifier train --data $(FMNIST)/train-images-idx3-ubyte.gz --labels $(FMNIST)/train-labels-idx1-ubyte.gz \
	  --test-data $(FMNIST)/t10k-images-idx3-ubyte.gz --test-labels $(FMNIST)/t10k-labels-idx1-ubyte.gz \
	  --epochs 8 --batch 128 --lr 0.001 --seed 1 --threads 2 --name fashion-mnist-lenet --out models/fashion-mnist-lenet.safetensors

clean:
	rm -rf $(BUILD)
