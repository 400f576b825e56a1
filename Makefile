# rmmhunt — developer tasks. CI (.ci/run) runs `make lint`, `go test ./...`, `make test-hyperscan`, `make test-purego` and `make fuzz FUZZTIME=3s`.
GO ?= go
STATICCHECK ?= $(shell $(GO) env GOPATH)/bin/staticcheck

.PHONY: all build build-hyperscan test test-short test-hyperscan test-purego lint fuzz bench bench-hyperscan conformance corpus report-screenshot clean

all: build test

build:
	$(GO) build -o rmmhunt ./cmd/rmmhunt

test:
	$(GO) test ./...

# The optional Hyperscan prefilter (cgo; needs libhyperscan-dev and pkg-config).
build-hyperscan:
	CGO_ENABLED=1 $(GO) build -tags hyperscan -o rmmhunt ./cmd/rmmhunt

test-hyperscan:
	CGO_ENABLED=1 $(GO) test -tags hyperscan ./ingest
	CGO_ENABLED=1 $(STATICCHECK) -tags hyperscan ./ingest

# The build without assembly (what non-amd64 machines get): the prefilter's
# anchors alone, with the same answers.
test-purego:
	$(GO) vet -tags purego ./...
	$(GO) test -tags purego ./ingest/...

test-short:
	$(GO) test -short ./...

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet ./...
	@test -x $(STATICCHECK) || $(GO) install honnef.co/go/tools/cmd/staticcheck@v0.7.0
	$(STATICCHECK) ./...

# Short fuzzing runs of every fuzz target (CI runs them for a few seconds each).
FUZZTIME ?= 5s
fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) scripts/fuzz.sh

# Kusto fidelity: every recorded oracle case, with a per-family table.
conformance:
	$(GO) test ./internal/conformance/ -run 'TestOracle|TestCorpus' -v -count=1

bench:
	cd bench && $(GO) run . $(BENCHFLAGS)

# the pure-Go build, the Hyperscan build and DuckDB side by side
bench-hyperscan:
	cd bench && $(GO) run . --engines rmmhunt,rmmhunt-hs,duckdb $(BENCHFLAGS)

report-screenshot:
	$(GO) run ./cmd/rmmhunt hunt --now 2026-03-08T00:00:00Z --format html -o report.html examples/incident/
	chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
	  --disable-component-update --disable-sync --user-data-dir=$$(mktemp -d) \
	  --window-size=1400,2000 --screenshot=report-screenshot.png file://$$(pwd)/report.html

clean:
	rm -f rmmhunt report.html report-screenshot.png
