# Build, test and run the provisioner and cloud binaries. Targets install their own prerequisites.
SWIFT ?= swift
export TESTBED_HOME ?= $(CURDIR)/.testbed
RELEASE_BIN = $(shell $(SWIFT) build -c release --show-bin-path 2>/dev/null)
# Extra `swift build` flags for build/cloud/provisioner; `make dist` adds --static-swift-stdlib.
SWIFT_BUILD_FLAGS ?=
VERSION = $(shell git describe --tags --always --dirty 2>/dev/null || echo unknown)
DIST_ARCH = $(shell uname -m | sed -e 's/^x86_64$$/amd64/' -e 's/^aarch64$$/arm64/')
DIST_NAME = cloud-provisioner-$(VERSION)-linux-$(DIST_ARCH)
DIST_VALUES = $(wildcard Sources/provisioner/Services/values/*.yaml)
DOCKER ?= docker
IMAGE_PREFIX ?= cloud-provisioner
IMAGE_TAG ?= $(VERSION)

# install_bins DIR, NAMES: copy each release binary to DIR under a temporary name, then rename it over
# the old one. A rename replaces the directory entry, so a copy still running (`make run`) keeps its
# file and the build does not fail with "Text file busy", as writing into that file would.
define install_bins
@mkdir -p $(1)
@for b in $(2); do \
	install -m 0755 "$(RELEASE_BIN)/$$b" "$(1)/.$$b.new" && mv -f "$(1)/.$$b.new" "$(1)/$$b" || exit 1; \
done
endef

.PHONY: format lint build cloud provisioner test doc-test e2e api-fuzz fuzz bench check-linkage check-deliverables run clean deps testbed dist docker
FUZZ_SECONDS ?= 120

## build: both binaries, release mode, copied to ./bin/
build: deps
	$(SWIFT) build -c release $(SWIFT_BUILD_FLAGS) --product provisioner
	$(SWIFT) build -c release $(SWIFT_BUILD_FLAGS) --product cloud
	$(call install_bins,bin,provisioner cloud)
	@echo "built bin/provisioner and bin/cloud"

## cloud: only the cloud binary
cloud: deps
	$(SWIFT) build -c release $(SWIFT_BUILD_FLAGS) --product cloud
	$(call install_bins,bin,cloud)

## provisioner: only the provisioner binary
provisioner: deps
	$(SWIFT) build -c release $(SWIFT_BUILD_FLAGS) --product provisioner
	$(call install_bins,bin,provisioner)

## test: every test, against the testbed (real Helm, emulated Kubernetes) and moto (AWS)
test: deps testbed
	@$(MAKE) --no-print-directory lint
	$(SWIFT) build --build-tests
	@$(MAKE) --no-print-directory check-linkage BIN=$$($(SWIFT) build --show-bin-path)
	@$(MAKE) --no-print-directory check-deliverables BIN=$$($(SWIFT) build --show-bin-path)
	./scripts/doc-test --bin $$($(SWIFT) build --show-bin-path)
	./scripts/api-fuzz
	$(SWIFT) test --skip-build

## doc-test: the README's console sessions, run against the stack `make run` starts (debug binaries)
doc-test: deps testbed
	$(SWIFT) build
	./scripts/doc-test --bin $$($(SWIFT) build --show-bin-path)

## format: swift-format over the sources and tests (.swift-format: Hummingbird's style, 150 columns)
format:
	$(SWIFT) format --in-place --recursive Sources Tests Fuzz Plugins

## lint: fails when a file is not as `make format` leaves it; part of `make test`
lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Fuzz Plugins

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

## check-linkage: the provisioner is stateless and must never link a database library; cloud never holds HelmDriver
check-linkage:
	@test -x "$(BIN)/provisioner" || { echo "check-linkage: no $(BIN)/provisioner" >&2; exit 1; }
	@found=$$(ldd "$(BIN)/provisioner" | grep -oE 'lib(sqlite3|pq)\.so[.0-9]*' | sort -u | xargs); \
	if [ -n "$$found" ]; then \
		echo "check-linkage: $(BIN)/provisioner links $$found" >&2; exit 1; \
	else echo "check-linkage: provisioner links neither libsqlite3 nor libpq"; fi
	@# Swift mangles a module's name as its length and name: 10HelmDriver.
	@if nm "$(BIN)/cloud" | grep -q 10HelmDriver; then \
		echo "check-linkage: $(BIN)/cloud holds HelmDriver code" >&2; exit 1; \
	else echo "check-linkage: cloud holds no HelmDriver code"; fi

## check-deliverables: build/Dockerfile, `make dist` and deploy/kubernetes (against the testbed emulator, and the
## flags against the binaries in BIN, default `swift build --show-bin-path`), without Docker
check-deliverables:
	@if python3 -m pyflakes --version >/dev/null 2>&1; then python3 -m pyflakes scripts/check_deliverables.py scripts/deliverables; \
	else python3 -m py_compile scripts/check_deliverables.py scripts/deliverables/*.py; fi
	@./scripts/check-deliverables $(if $(BIN),--bin "$(BIN)")

## dist: dist/cloud-provisioner-VERSION-linux-ARCH.tar.gz with both release binaries (Swift runtime
## linked in), the shipped default values, README.md, docs/ and go-compat-notes.md.
## `make -o build dist` packs whatever is in bin/ without building.
dist: SWIFT_BUILD_FLAGS += --static-swift-stdlib
dist: build
	@for b in bin/provisioner bin/cloud; do \
		test -x $$b || { echo "make dist: $$b is missing; run make build" >&2; exit 1; }; \
		if readelf -d $$b 2>/dev/null | grep -q 'libswiftCore\.so'; then \
			echo "make dist: warning: $$b links the Swift runtime dynamically; the tarball needs Swift 6 on the target (plain \`make dist\` links it in)" >&2; fi; \
	done
	rm -rf dist/$(DIST_NAME) dist/$(DIST_NAME).tar.gz
	mkdir -p dist/$(DIST_NAME)/bin dist/$(DIST_NAME)/values
	cp bin/provisioner bin/cloud dist/$(DIST_NAME)/bin/
	@# Symbols and debug info are most of a statically linked binary's size (150 MB each unstripped).
	strip --strip-unneeded dist/$(DIST_NAME)/bin/provisioner dist/$(DIST_NAME)/bin/cloud
	cp $(DIST_VALUES) dist/$(DIST_NAME)/values/
	cp README.md go-compat-notes.md dist/$(DIST_NAME)/
	cp -R docs dist/$(DIST_NAME)/
	tar -C dist --sort=name --owner=0 --group=0 --numeric-owner -czf dist/$(DIST_NAME).tar.gz $(DIST_NAME)
	rm -rf dist/$(DIST_NAME)
	@echo "built dist/$(DIST_NAME).tar.gz"

## docker: both images from build/Dockerfile ($(IMAGE_PREFIX)/provisioner and /cloud, tag IMAGE_TAG); needs a Docker engine
docker:
	@$(DOCKER) info >/dev/null 2>&1 || { echo "make docker: no Docker engine answers ('$(DOCKER) info' failed); build the images where one runs" >&2; exit 1; }
	$(DOCKER) build -f build/Dockerfile --target provisioner --build-arg VERSION=$(VERSION) -t $(IMAGE_PREFIX)/provisioner:$(IMAGE_TAG) .
	$(DOCKER) build -f build/Dockerfile --target cloud --build-arg VERSION=$(VERSION) -t $(IMAGE_PREFIX)/cloud:$(IMAGE_TAG) .
	@echo "built $(IMAGE_PREFIX)/provisioner:$(IMAGE_TAG) and $(IMAGE_PREFIX)/cloud:$(IMAGE_TAG)"

## run: build and start the stack locally (see README)
run: build testbed
	./scripts/run-local

## clean: remove build output
clean:
	rm -rf .build bin dist

deps:
	@./scripts/install-deps

testbed: deps
	@testbed/setup >/dev/null
