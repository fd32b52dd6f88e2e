# consim's build. `make demo` and `make test` are the two commands a fresh machine needs.
GO ?= go

.PHONY: build demo test test-short vet bench soak clean

build:
	$(GO) build -o bin/consim ./cmd/consim

# Runs the built-in baseline scenario: 5 servers, 3 clients, 60 virtual seconds.
demo: build
	./bin/consim run baseline

# Every test, including the simulation tests that build and run the wasm guest.
test: vet
	$(GO) test -count=1 -timeout 9m ./...

test-short:
	$(GO) test -count=1 -short ./...

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...

# Benchmarks: the netmodel packet path and full simulated runs. Figures go in the README.
bench:
	$(GO) test -run '^$$' -bench . ./netmodel/
	$(GO) test -run '^$$' -bench . -benchtime 3x ./sim/

# A long sweep, not part of `make test`: every built-in scenario with faults and a workload
# over 200 seeds, no bug planted (TestNoBugSweep; `make test` runs it over fewer seeds).
soak:
	CONSIM_SWEEP_SEEDS=200 $(GO) test -count=1 -timeout 0 -run 'TestNoBugSweep' -v ./sim/

clean:
	rm -rf bin out
