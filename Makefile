# softness — the two commands of the README are `make demo` and `make test`.
SWIFT ?= swift
DEMO_DIR ?= scratch/demo
SOFTNESS := .build/release/softness

.PHONY: setup build release install demo test fuzz bench fixtures check-h5py check-imports clean

setup:
	@bash tools/install-deps.sh

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release --product softness

## install: a relocatable softness in $(PREFIX)/bin, its libraries in $(PREFIX)/lib/softness (tools/install.sh).
PREFIX ?= /usr/local
install: setup
	bash tools/install.sh $(PREFIX)

## demo: build in release and run the paper's toy story end to end (tools/demo.sh), files in $(DEMO_DIR).
demo: release
	DEMO_DIR=$(DEMO_DIR) SOFTNESS=$(SOFTNESS) bash tools/demo.sh

## test: all unit and end-to-end tests (no Python needed).
test: setup
	$(SWIFT) test

## fuzz: a long mutation campaign, N mutants per format (make fuzz N=1000); `make test` runs 100.
N ?= 1000
fuzz: setup
	SOFTNESS_FUZZ_MUTANTS=$(N) $(SWIFT) test --filter MutationCampaignTests

## bench: HDF5 vs h5py, SVM/diagnose/RFE vs scikit-learn, featurize vs numpy (needs python3 with h5py, numpy, scipy, scikit-learn).
bench: setup
	bash benchmarks/run.sh
	bash benchmarks/run_diagnostics.sh
	bash benchmarks/featurize_bench.sh
	bash benchmarks/results_store_bench.sh
	bash benchmarks/convert_bench.sh
	bash benchmarks/batch_bench.sh

## fixtures: regenerate the committed test fixtures (needs python3 with h5py, scikit-learn, scipy, pandas).
fixtures:
	python3 tools/make_h5py_fixtures.py
	python3 tools/make_sklearn_fixtures.py
	python3 tools/make_scipy_fixtures.py
	$(SWIFT) build --product softness
	SOFTNESS=.build/debug/softness python3 tools/make_interchange_fixtures.py

## check-h5py: read a generated table back with h5py (needs python3 with h5py).
check-h5py: release
	@mkdir -p $(DEMO_DIR)
	$(SOFTNESS) generate -n 5000 --test-rows 1000 --storage float32 -o $(DEMO_DIR)/h5py-check.h5 --force
	python3 tools/check_with_h5py.py $(DEMO_DIR)/h5py-check.h5

## check-imports: Package.swift declares exactly the modules each target imports (needs python3).
check-imports:
	bash tools/check_imports.sh

clean:
	rm -rf .build .build-static scratch
