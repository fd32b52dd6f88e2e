package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/consim/consim/event"
	"github.com/consim/consim/scenarios"
)

// Run tests start the simulated world. The first run in a fresh cache builds the guest
// (about a minute); after that a run of testdata/small.yaml takes well under a second.

// needGuest skips a test that runs the simulated world under -short.
func needGuest(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the simulated world; skipped with -short")
	}
}

// fixtures holds the runs that several tests compare against, made once per test
// binary in a directory that TestMain removes.
var fixtures fixtureSet

type fixtureSet struct {
	mu    sync.Mutex
	root  string
	small *runDir
}

func (f *fixtureSet) cleanup() {
	if f.root != "" {
		os.RemoveAll(f.root)
	}
}

// runDir is a completed `consim run` and the directory it wrote.
type runDir struct {
	result
	dir string
}

func (d runDir) file(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(d.dir, name))
	if err != nil {
		t.Fatalf("run dir: %v", err)
	}
	return b
}

// consimRun runs `consim run ARGS... --out DIR` into a new directory under t's temp dir.
func consimRun(t *testing.T, args ...string) runDir {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	r := consim(append(append([]string{"run"}, args...), "--out", dir)...)
	return runDir{result: r, dir: dir}
}

// mustRun is consimRun for a run that must succeed.
func mustRun(t *testing.T, args ...string) runDir {
	t.Helper()
	d := consimRun(t, args...)
	if d.code != exitOK {
		t.Fatalf("consim run %s: %s", strings.Join(args, " "), d.result)
	}
	return d
}

// smallRun is `consim run testdata/small.yaml` (seed 1), made once and shared.
func smallRun(t *testing.T) runDir {
	t.Helper()
	needGuest(t)
	fixtures.mu.Lock()
	defer fixtures.mu.Unlock()
	if fixtures.small != nil {
		return *fixtures.small
	}
	if fixtures.root == "" {
		root, err := os.MkdirTemp("", "consim-cli-test-")
		if err != nil {
			t.Fatal(err)
		}
		fixtures.root = root
	}
	dir := filepath.Join(fixtures.root, "small")
	r := consim("run", "testdata/small.yaml", "--out", dir)
	if r.code != exitOK {
		t.Fatalf("consim run testdata/small.yaml: %s", r)
	}
	fixtures.small = &runDir{result: r, dir: dir}
	return *fixtures.small
}

// header decodes a stream's first line.
func header(t *testing.T, stream []byte) event.Event {
	t.Helper()
	line, _, _ := bytes.Cut(stream, []byte("\n"))
	var ev event.Event
	if err := json.Unmarshal(line, &ev); err != nil || ev.Type != event.RunStart {
		t.Fatalf("stream does not start with run_start: %q (%v)", line, err)
	}
	return ev
}

// sameStream fails unless a and b are the same bytes, and says where they part.
func sameStream(t *testing.T, what string, a, b []byte) {
	t.Helper()
	if bytes.Equal(a, b) {
		return
	}
	la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	i := 0
	for i < len(la) && i < len(lb) && bytes.Equal(la[i], lb[i]) {
		i++
	}
	first, second := "(end)", "(end)"
	if i < len(la) {
		first = string(la[i])
	}
	if i < len(lb) {
		second = string(lb[i])
	}
	msg := ""
	if ha, hb := header(t, a), header(t, b); ha.Build != hb.Build {
		// Not determinism: the guest was rebuilt between the runs.
		msg = "\n(guest builds differ: " + ha.Build + " vs " + hb.Build + "; was the source edited during the test?)"
	}
	t.Fatalf("%s: streams differ (%d vs %d bytes), first at line %d:\n%s\n%s%s", what, len(a), len(b), i+1, first, second, msg)
}

// decodeSummary reads summary.json (or --format json output) as generic JSON.
func decodeSummary(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("summary is not a JSON object: %v\n%s", err, b)
	}
	if dec.More() {
		t.Fatalf("summary holds more than one JSON value:\n%s", b)
	}
	return m
}

func number(t *testing.T, m map[string]any, key string) float64 {
	t.Helper()
	n, ok := m[key].(json.Number)
	if !ok {
		t.Fatalf("summary %s = %#v, want a number", key, m[key])
	}
	f, err := n.Float64()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// A run writes the run directory: the stream, the summary and the scenario as run.
func TestRunWritesRunDir(t *testing.T) {
	d := smallRun(t)
	entries, err := os.ReadDir(d.dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm()&0o044 != 0o044 {
			t.Errorf("%s has mode %s: a run directory is shared, its files should be readable", e.Name(), info.Mode())
		}
	}
	// No temporary files left behind, no partial stream for a completed run.
	if want := []string{"events.jsonl", "report.html", "scenario.yaml", "summary.json"}; !reflect.DeepEqual(names, want) {
		t.Errorf("run dir holds %v, want %v", names, want)
	}

	stream := d.file(t, "events.jsonl")
	lines := strings.Split(strings.TrimSuffix(string(stream), "\n"), "\n")
	var evs []event.Event
	for i, line := range lines {
		var ev event.Event
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("events.jsonl:%d: %v: %s", i+1, err, line)
		}
		evs = append(evs, ev)
	}
	if !bytes.HasSuffix(stream, []byte("\n")) {
		t.Error("events.jsonl does not end with a newline")
	}
	head, end := evs[0], evs[len(evs)-1]
	if head.Type != event.RunStart || head.Scenario != "small" || head.Seed != 1 || head.Servers != 3 || head.Clients != 1 || head.Duration.String() != "5s" {
		t.Errorf("bad header: %s", lines[0])
	}
	if end.Type != event.RunEnd || end.T.String() != "5.000000000" {
		t.Errorf("bad last line: %s", lines[len(lines)-1])
	}

	// summary.json: the keys scripts read, derived from this stream.
	sum := decodeSummary(t, d.file(t, "summary.json"))
	for _, key := range []string{"scenario", "seed", "virtual_seconds", "wall_seconds", "speedup", "events", "leader_elections", "converged_at_seconds", "stream_sha256"} {
		if _, ok := sum[key]; !ok {
			t.Errorf("summary.json has no %q", key)
		}
	}
	if sum["scenario"] != "small" || number(t, sum, "seed") != 1 || number(t, sum, "virtual_seconds") != 5 {
		t.Errorf("summary.json names the wrong run: scenario %v, seed %v, virtual_seconds %v", sum["scenario"], sum["seed"], sum["virtual_seconds"])
	}
	if n := number(t, sum, "events"); n != float64(len(evs)) {
		t.Errorf("summary.json events = %v, but events.jsonl has %d lines", n, len(evs))
	}
	if n := number(t, sum, "leader_elections"); n < 1 {
		t.Errorf("leader_elections = %v: a cluster with servers elects at least once", n)
	}
	if sum["converged_at_seconds"] == nil {
		t.Error("converged_at_seconds is null for a healthy cluster")
	} else if at := number(t, sum, "converged_at_seconds"); at < 0 || at > 5 {
		t.Errorf("converged_at_seconds = %v, want within the 5s run", at)
	}
	if wall, speed := number(t, sum, "wall_seconds"), number(t, sum, "speedup"); wall < 0 || speed < 0 || (wall > 0.01 && speed == 0) {
		t.Errorf("wall_seconds = %v, speedup = %v", wall, speed)
	}

	// The stream's hash in the summary is the hash of the file.
	h := sha256.Sum256(stream)
	if got := sum["stream_sha256"]; got != hex.EncodeToString(h[:]) {
		t.Errorf("stream_sha256 = %v, sha256(events.jsonl) = %x", got, h)
	}

	// scenario.yaml is the scenario as run, seed included, and reads back as the same.
	written := d.file(t, "scenario.yaml")
	back, err := scenarios.Parse("scenario.yaml", written)
	if err != nil {
		t.Fatalf("scenario.yaml does not parse: %v\n%s", err, written)
	}
	orig, _, err := scenarios.Load("testdata/small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, orig) {
		t.Errorf("scenario.yaml is not the scenario that ran:\n got %+v\nwant %+v", back, orig)
	}
	if !bytes.Contains(written, []byte("\nseed: 1\n")) {
		t.Errorf("scenario.yaml does not name the seed:\n%s", written)
	}
}

// The text summary names the leader and the convergence time, and ends with the command
// that repeats the run.
func TestRunTextSummary(t *testing.T) {
	d := smallRun(t)
	out := d.stdout
	for _, want := range []string{
		"scenario   small (seed 1, 3 servers, 1 client)\n",
		"leader at the end: server-",
		"gossip     all 4 members saw all 4 alive at ",
		"run dir    " + d.dir + "\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text summary lacks %q:\n%s", want, out)
		}
	}
	if got, want := lastLine(out), "reproduce  consim run testdata/small.yaml --seed 1"; got != want {
		t.Errorf("last line = %q, want %q", got, want)
	}
	// The default is quiet on stderr when it is not a terminal (build notices aside).
	for _, line := range strings.Split(strings.TrimSpace(d.stderr), "\n") {
		if line != "" && !strings.HasPrefix(line, "consim: building the simulated world") {
			t.Errorf("unexpected stderr line: %q", line)
		}
	}
}

// The same command twice gives the same stream, byte for byte; the run directory's
// scenario.yaml replays it; another seed gives another run, which its own scenario.yaml
// replays too.
func TestRunIsDeterministic(t *testing.T) {
	first := smallRun(t)
	stream := first.file(t, "events.jsonl")

	second := mustRun(t, "testdata/small.yaml")
	sameStream(t, "the same command twice", stream, second.file(t, "events.jsonl"))
	if a, b := withoutWall(t, first.file(t, "summary.json")), withoutWall(t, second.file(t, "summary.json")); !reflect.DeepEqual(a, b) {
		t.Errorf("summaries of identical runs differ beyond wall time:\n%v\n%v", a, b)
	}

	replayArg := filepath.Join(second.dir, "scenario.yaml")
	replay := mustRun(t, replayArg)
	sameStream(t, "replay of "+replayArg, stream, replay.file(t, "events.jsonl"))
	if got, want := lastLine(replay.stdout), "reproduce  consim run "+replayArg+" --seed 1"; got != want {
		t.Errorf("replay's last line = %q, want %q", got, want)
	}

	other := mustRun(t, "testdata/small.yaml", "--seed", "2")
	otherStream := other.file(t, "events.jsonl")
	if bytes.Equal(stream, otherStream) {
		t.Fatal("--seed 2 gave the same stream as seed 1: the seed does not reach the world")
	}
	if h := header(t, otherStream); h.Seed != 2 {
		t.Errorf("--seed 2 run's header says seed %d", h.Seed)
	}
	if !strings.Contains(other.stdout, "(seed 2,") || lastLine(other.stdout) != "reproduce  consim run testdata/small.yaml --seed 2" {
		t.Errorf("--seed 2 run's summary does not name seed 2:\n%s", other.stdout)
	}
	// The seed override is in the run directory: replaying it needs no --seed.
	otherReplay := mustRun(t, filepath.Join(other.dir, "scenario.yaml"))
	sameStream(t, "replay of the --seed 2 run dir", otherStream, otherReplay.file(t, "events.jsonl"))
}

// withoutWall returns a summary without the two keys that depend on the machine.
func withoutWall(t *testing.T, b []byte) map[string]any {
	t.Helper()
	m := decodeSummary(t, b)
	for _, key := range []string{"wall_seconds", "speedup"} {
		if _, ok := m[key]; !ok {
			t.Errorf("summary has no %q", key)
		}
		delete(m, key)
	}
	return m
}

// --format json prints summary.json, plus where the run is and how to replay it, and
// nothing else.
func TestRunFormatJSON(t *testing.T) {
	first := smallRun(t)
	d := mustRun(t, "testdata/small.yaml", "--format", "json")
	if !json.Valid([]byte(d.stdout)) {
		t.Fatalf("--format json printed invalid JSON:\n%s", d.stdout)
	}
	var extra struct {
		RunDir    string `json:"run_dir"`
		Reproduce string `json:"reproduce"`
	}
	json.Unmarshal([]byte(d.stdout), &extra)
	if extra.RunDir != d.dir || extra.Reproduce != "consim run testdata/small.yaml --seed 1" {
		t.Errorf("--format json: run_dir %q, reproduce %q; want %q and the reproduce line", extra.RunDir, extra.Reproduce, d.dir)
	}
	out := withoutWall(t, []byte(d.stdout))
	delete(out, "run_dir")
	delete(out, "reproduce")
	if saved := withoutWall(t, d.file(t, "summary.json")); !reflect.DeepEqual(out, saved) {
		t.Errorf("--format json output differs from its summary.json:\n%v\n---\n%v", out, saved)
	}
	if b := withoutWall(t, first.file(t, "summary.json")); !reflect.DeepEqual(out, b) {
		t.Errorf("--format json summary differs from the text run's beyond wall time:\n%v\n%v", out, b)
	}
}

// Shell completion offers the built-ins for a scenario and the values of --format.
func TestCompletion(t *testing.T) {
	r := consim("__complete", "run", "")
	if !strings.Contains(r.stdout, "lease-window\n") {
		t.Errorf("completion of run: %s", r)
	}
	if r := consim("__complete", "check", "x", "--format", ""); !strings.Contains(r.stdout, "text\njson\n") {
		t.Errorf("completion of --format: %s", r)
	}
}

// Without --out, the run directory is out/NAME-seed-N under the working directory.
func TestRunDefaultOutDir(t *testing.T) {
	needGuest(t)
	scenario, err := filepath.Abs("testdata/tiny.yaml")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	r := consim("run", scenario, "--seed", "3")
	if r.code != exitOK {
		t.Fatalf("consim run %s: %s", scenario, r)
	}
	want := filepath.Join("out", "tiny-seed-3")
	if !strings.Contains(r.stdout, "run dir    "+want+"\n") {
		t.Errorf("summary does not name run dir %s:\n%s", want, r.stdout)
	}
	for _, name := range []string{"events.jsonl", "summary.json", "scenario.yaml"} {
		if _, err := os.Stat(filepath.Join(want, name)); err != nil {
			t.Error(err)
		}
	}
	// One server elects itself and sees itself.
	sum := decodeSummary(t, mustRead(t, filepath.Join(want, "summary.json")))
	if number(t, sum, "leader_elections") < 1 || sum["converged_at_seconds"] == nil {
		t.Errorf("a one-server cluster did not elect or converge: %v", sum)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The built-in baseline, by name, as `make demo` runs it: the one long run of this package
// (60 virtual seconds, 8 nodes, several seconds of wall time).
func TestRunBaselineByName(t *testing.T) {
	needGuest(t)
	d := mustRun(t, "baseline")
	sum := decodeSummary(t, d.file(t, "summary.json"))
	if sum["scenario"] != "baseline" || number(t, sum, "servers") != 5 || number(t, sum, "clients") != 3 || number(t, sum, "virtual_seconds") != 60 {
		t.Errorf("summary does not describe the baseline: %v", sum)
	}
	if number(t, sum, "leader_elections") < 1 {
		t.Errorf("baseline elected no leader")
	}
	if sum["converged_at_seconds"] == nil {
		t.Errorf("baseline never converged")
	}
	if got, want := lastLine(d.stdout), "reproduce  consim run baseline --seed 1"; got != want {
		t.Errorf("last line = %q, want %q", got, want)
	}
}

// A run with a planted bug says so everywhere a person or a pipeline looks: the terminal
// header, the stream's run_start, summary.json and the HTML views.
func TestPlantedBugsAreVisible(t *testing.T) {
	needGuest(t)
	d := mustRun(t, "testdata/planted.yaml")
	if !strings.Contains(d.stdout, "BUGS       PLANTED: stale-as-consistent: the nodes of this run are broken on purpose") {
		t.Errorf("the terminal summary does not say a bug was planted:\n%s", d.stdout)
	}
	if h := header(t, d.file(t, "events.jsonl")); !slices.Equal(h.Bugs, []string{"stale-as-consistent"}) {
		t.Errorf("run_start bugs %v", h.Bugs)
	}
	if s := string(d.file(t, "summary.json")); !strings.Contains(s, "\"bugs\": [\n    \"stale-as-consistent\"\n  ]") {
		t.Errorf("summary.json does not name the planted bug:\n%.400s", s)
	}
	for _, mode := range []string{"default", "consistent", "stale"} {
		if html := string(d.file(t, "linearizability-"+mode+".html")); !strings.Contains(html, "PLANTED BUGS: stale-as-consistent") {
			t.Errorf("linearizability-%s.html does not say a bug was planted", mode)
		}
	}
}

// --out takes a new or empty directory, or an earlier run's, whose files the new run
// replaces (an earlier read mode's view included); a directory with anything else in it
// is refused before the run, with exit 2.
func TestRunOutReuse(t *testing.T) {
	needGuest(t)
	dir := filepath.Join(t.TempDir(), "run")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "linearizability-stale.html"), []byte("an earlier run's"), 0o644)
	os.WriteFile(filepath.Join(dir, "events.partial.jsonl"), []byte("{}\n"), 0o644)
	if r := consim("run", "testdata/small.yaml", "--out", dir); r.code != exitOK {
		t.Fatalf("run into an earlier run's directory: %s", r)
	}
	for _, stale := range []string{"linearizability-stale.html", "events.partial.jsonl"} {
		if _, err := os.Stat(filepath.Join(dir, stale)); err == nil {
			t.Errorf("%s of the earlier run is still there", stale)
		}
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644)
	r := consim("run", "testdata/small.yaml", "--out", dir)
	if r.code != exitBadInput || !strings.Contains(r.stderr, "holds files that are not a consim run's (notes.txt)") {
		t.Errorf("run into a directory with other files: %s", r)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "notes.txt")); string(b) != "mine" {
		t.Error("the user's file was touched")
	}
}
