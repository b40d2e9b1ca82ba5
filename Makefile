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

## bench: benchmarks (see bench/README.md); rows are appended to bench/results.md
bench: build testbed
	@echo "\n### $$(date -u +%Y-%m-%d) on $$(nproc) cores, $$(free -g | awk '/Mem/ {print $$2}') GiB, release build" >> bench/results.md
	./bench/orchestration | tee -a bench/results.md

## check-linkage: the provisioner is stateless and must never link a database library
check-linkage:
	@test -x "$(BIN)/provisioner" || { echo "check-linkage: no $(BIN)/provisioner" >&2; exit 1; }
	@found=$$(ldd "$(BIN)/provisioner" | grep -oE 'lib(sqlite3|pq)\.so[.0-9]*' | sort -u | xargs); \
	if [ -n "$$found" ]; then \
		echo "check-linkage: $(BIN)/provisioner links $$found" >&2; exit 1; \
	else echo "check-linkage: provisioner links neither libsqlite3 nor libpq"; fi

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
