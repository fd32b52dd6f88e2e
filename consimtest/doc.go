// Package consimtest runs consim's simulation from a Go test: what net/http/httptest is to
// an HTTP server, this is to a cluster scenario. It loads a scenario (a file or a built-in),
// runs it in the simulated world with a seed, and judges the run exactly as `consim run`
// does: linearizability per read mode, lost writes, membership, the scenario's expect
// section. A run that breaks an expectation is a Result to look at (Result.Err), not an
// error of Run; only a failure of the harness itself is.
//
// A package that uses it runs its tests through Main, as its whole TestMain:
//
//	func TestMain(m *testing.M) { consimtest.Main(m) }
//
// Then each run executes in a worker process (the test binary re-executed), which the
// harness kills at the wall-time limit; without Main, runs stay in-process and take about
// twice as long. A test runs a scenario like this:
//
//	func TestBaseline(t *testing.T) {
//		sc, err := consimtest.Load("baseline") // or a path: "testdata/my-scenario.yaml"
//		if err != nil {
//			t.Fatal(err)
//		}
//		res, err := consimtest.Run(context.Background(), sc, consimtest.Options{Seed: 7, Dir: t.TempDir()})
//		if err != nil {
//			t.Fatal(err) // the harness failed: the world hung or crashed
//		}
//		if err := res.Err(); err != nil {
//			t.Fatal(err) // which expectations failed, and the command that replays the run
//		}
//	}
//
// Property is the same judgement as a rapid property over generated scenarios
// (scenarios/gen): every correct run keeps consistent reads linearizable (default reads
// too when no fault is scheduled), loses no
// acknowledged write, delivers every owed user event once, declares no member failed
// with no fault in progress, and converges once every fault is healed. A failure writes
// the scenario, seed included, to a file that `consim run FILE` replays:
//
//	func TestProperties(t *testing.T) {
//		rapid.Check(t, consimtest.Property(consimtest.PropertyOptions{File: "testdata/failing.yaml"}))
//	}
//
// Hunt runs the same search with shrinking and workers for programs that are not tests
// (`consim hunt`).
//
// The first run of a process builds the simulated world (cmd/simworld for wasip1) from the
// consim source the test binary was built with, or finds it in the cache (sim.CacheDir);
// building takes about a minute once per consim version and Go version, and needs the Go
// toolchain on PATH, which `go test` has. Every later run of the process reuses it.
package consimtest
