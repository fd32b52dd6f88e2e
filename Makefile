# consim's build. `make demo` and `make test` are the two commands a fresh machine needs.
GO ?= go

.PHONY: build demo test test-short vet bench sweep soak hunt-checker properties hunt native-test native-matrix clean

build:
	$(GO) build -o bin/consim ./cmd/consim

# Runs the built-in lease-window scenario, the read modes side by side: default reads go
# stale under a deposed leader, consistent reads stay linearizable. Then says what to try.
demo: build
	./bin/consim run lease-window
	@echo
	@echo "Try next:"
	@echo "  open out/lease-window-seed-1/report.html                    the whole run: verdicts, timeline, latency, anomalies"
	@echo "  open out/lease-window-seed-1/linearizability-default.html   the stale reads, each anomaly in words and in the history"
	@echo "  ./bin/consim scenarios show lease-window                     how the scenario makes them, in its comments"
	@echo "  ./bin/consim scenarios                                       every built-in, with the faults it fires"
	@echo "  ./bin/consim run lease-window --seed 2                       another seed (the same seed replays byte for byte)"
	@echo "  ./bin/consim check out/lease-window-seed-1                   the verdicts again, from the saved stream alone"
	@echo "  ./bin/consim report out/lease-window-seed-1                  the pages again, from the saved stream alone"

# Every test, including the simulation tests that build and run the wasm guest.
test: vet
	$(GO) test -count=1 -timeout 15m ./...

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
	$(GO) test -run '^$$' -bench . -benchtime 3x ./reports/
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

# The properties over 200 generated scenarios with no bug planted (make test runs 4).
properties:
	CONSIM_PROPERTY_CHECKS=200 $(GO) test -count=1 -timeout 0 -run 'TestProperties' -v ./consimtest/

# The native engine (docs/native-engine.md). make test replays a few built-ins natively and
# runs the stress test; native-test runs just those (about 20 s once built); native-matrix
# runs every built-in (or NATIVE_SCENARIOS, comma-separated), seeds 1..NATIVE_SEEDS,
# NATIVE_RUNS times each, lists every scenario and seed that gave more than one stream and
# keeps those streams in out/native-matrix (20 built-ins, 20 seeds, 10 runs: 4,000 runs,
# 16 minutes on a quiet machine; NATIVE_SEEDS=3 about 3 minutes).
NATIVE_SEEDS ?= 20
NATIVE_RUNS ?= 10
NATIVE_SCENARIOS ?=
native-test:
	$(GO) test -count=1 -run 'TestNative' -v ./sim/native/
native-matrix:
	CONSIM_NATIVE_MATRIX_SEEDS=$(NATIVE_SEEDS) CONSIM_NATIVE_MATRIX_RUNS=$(NATIVE_RUNS) \
		CONSIM_NATIVE_MATRIX_SCENARIOS=$(NATIVE_SCENARIOS) CONSIM_NATIVE_MATRIX_KEEP=$(CURDIR)/out/native-matrix \
		$(GO) test -count=1 -timeout 0 -run 'TestNativeMatrix|TestNativeStress' -v ./sim/native/

# consim hunt with every planted bug in turn: each must be found and shrunk to a file.
hunt: build
	for bug in $$(./bin/consim hunt --help | sed -n 's/.*plant these bugs in every generated scenario (\(.*\)).*/\1/p' | tr -d ,); do \
		./bin/consim hunt --bugs $$bug --seed 1 --shrink-time 5m --out out/hunt-$$bug.yaml; \
		test $$? -eq 1 || { echo "hunt did not find $$bug"; exit 1; }; \
	done

clean:
	rm -rf bin out
