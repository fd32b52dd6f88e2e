# consim's build. `make demo` and `make test` are the two commands a fresh machine needs.
GO ?= go

.PHONY: build demo test test-short vet bench sweep soak hunt-checker clean

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
	$(GO) test -run '^$$' -bench . -benchtime 3x ./checker/
	$(GO) test -run '^$$' -bench . -benchtime 3x ./sim/

# Sweeps, not part of `make test` (which runs TestNoBugSweep over 5 seeds): every built-in
# scenario with faults and a workload, no bug planted, over 20 seeds (about 5 minutes on 2
# cores) or 200 (about an hour).
sweep:
	CONSIM_SWEEP_SEEDS=20 $(GO) test -count=1 -timeout 0 -run 'TestNoBugSweep' -v ./sim/

soak:
	CONSIM_SWEEP_SEEDS=200 $(GO) test -count=1 -timeout 0 -run 'TestNoBugSweep' -v ./sim/

# The checker's rewritings against the plain search on 200,000 random small histories
# (make test runs 10,000).
hunt-checker:
	CONSIM_CHECKER_HISTORIES=200000 $(GO) test -count=1 -timeout 0 -run 'TestReductionsKeepVerdicts' -v ./checker/

clean:
	rm -rf bin out
