# Build, test and run the provisioner and cloud binaries. Targets install their own prerequisites.
SWIFT ?= swift
export TESTBED_HOME ?= $(CURDIR)/.testbed
RELEASE_BIN = $(shell $(SWIFT) build -c release --show-bin-path 2>/dev/null)

.PHONY: build cloud provisioner test e2e api-fuzz fuzz bench check-linkage run clean deps testbed
FUZZ_SECONDS ?= 120

## build: both binaries, release mode, copied to ./bin/
build: deps
	$(SWIFT) build -c release --product provisioner
	$(SWIFT) build -c release --product cloud
	@mkdir -p bin && cp "$(RELEASE_BIN)/provisioner" "$(RELEASE_BIN)/cloud" bin/
	@echo "built bin/provisioner and bin/cloud"

## cloud: only the cloud binary
cloud: deps
	$(SWIFT) build -c release --product cloud
	@mkdir -p bin && cp "$(RELEASE_BIN)/cloud" bin/

## provisioner: only the provisioner binary
provisioner: deps
	$(SWIFT) build -c release --product provisioner
	@mkdir -p bin && cp "$(RELEASE_BIN)/provisioner" bin/

## test: every test, against the testbed (real Helm, emulated Kubernetes) and moto (AWS)
test: deps testbed
	$(SWIFT) build --build-tests
	@$(MAKE) --no-print-directory check-linkage BIN=$$($(SWIFT) build --show-bin-path)
	./scripts/api-fuzz
	$(SWIFT) test --skip-build

## api-fuzz: schemathesis against both running servers, from their OpenAPI documents
api-fuzz: deps testbed
	$(SWIFT) build
	./scripts/api-fuzz

## e2e: only the chaos suite (20 clusters, 3 provisioners, processes killed mid-way); part of `make test`
e2e: deps testbed
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --filter ChaosTests

## fuzz: libFuzzer on the parsers of outside input (kubeconfig, values, requests) for FUZZ_SECONDS
fuzz: deps
	FUZZ=1 $(SWIFT) build --scratch-path .build-fuzz --product FuzzParsers -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library
	@mkdir -p .build-fuzz/corpus && cp Fuzz/corpus/* .build-fuzz/corpus/
	.build-fuzz/debug/FuzzParsers .build-fuzz/corpus -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -print_final_stats=1

## bench: every benchmark on release binaries, written to bench/results.md (see bench/README.md)
bench: build testbed
	@command -v wrk >/dev/null && command -v nginx >/dev/null || { \
		if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi; \
		$$SUDO apt-get install -y -qq wrk nginx-light >/dev/null; }
	./bench/run-all

## check-linkage: the provisioner is stateless and must never link libsqlite3
check-linkage:
	@if ldd "$(BIN)/provisioner" | grep -q sqlite; then \
		echo "check-linkage: $(BIN)/provisioner links libsqlite3" >&2; exit 1; \
	else echo "check-linkage: provisioner does not link libsqlite3"; fi

## run: build and start the stack locally (see README)
run: build testbed
	./scripts/run-local

## clean: remove build output
clean:
	rm -rf .build bin

deps:
	@./scripts/install-deps

testbed: deps
	@testbed/setup >/dev/null
