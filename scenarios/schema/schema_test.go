package schema

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/invopop/jsonschema"
	validator "github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/consim/consim/scenarios"
)

var update = flag.Bool("update", false, "rewrite comments.json and testdata/schema.json")

const pkg = "github.com/consim/consim/scenarios"

// sourceComments extracts the doc comments of package scenarios from its source, as
// comments.json holds them.
func sourceComments(t *testing.T) map[string]string {
	t.Helper()
	dir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	r := &jsonschema.Reflector{}
	// AddGoComments names packages by the directories it walks, relative to ".".
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	err = r.AddGoComments(pkg, ".")
	if cerr := os.Chdir(wd); cerr != nil {
		t.Fatal(cerr)
	}
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for k, v := range r.CommentMap {
		if strings.HasPrefix(k, pkg+".") && v != "" {
			m[k] = NormalizeComment(v)
		}
	}
	return m
}

// TestComments checks that comments.json holds the doc comments of package scenarios as
// they are in its source, and rewrites it under -update.
func TestComments(t *testing.T) {
	got, err := json.MarshalIndent(sourceComments(t), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "comments.json", append(got, '\n'))
}

// TestSchemaGolden compares the schema with testdata/schema.json; -update rewrites it
// from the source's comments (which the binary sees only once comments.json is rewritten
// and the package rebuilt): review the diff. Generating twice gives the same bytes.
func TestSchemaGolden(t *testing.T) {
	if *update {
		out, err := generate(sourceComments(t))
		if err != nil {
			t.Fatal(err)
		}
		checkGolden(t, "testdata/schema.json", out)
		return
	}
	a, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	b, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("two generations differ")
	}
	checkGolden(t, "testdata/schema.json", a)
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./scenarios/schema -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: run go test ./scenarios/schema -update and review the diff", path)
	}
}

// compile compiles the generated schema with a validator of its own (which also checks
// it against the draft 2020-12 metaschema).
func compile(t *testing.T) *validator.Schema {
	t.Helper()
	data, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := validator.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	c := validator.NewCompiler()
	if err := c.AddResource(ID, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(ID)
	if err != nil {
		t.Fatalf("the schema does not compile: %v", err)
	}
	return s
}

// asJSON converts YAML text to the JSON value an editor's YAML plugin checks.
func asJSON(t *testing.T, text string) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal([]byte(text), &v); err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := validator.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// examples returns every scenario the project ships or shows: the built-ins, the
// scenarios package's testdata and the docs' yaml blocks (fragments merged into a base
// scenario), each with whether scenarios.Parse accepts it.
func examples(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, name := range scenarios.Builtins() {
		src, _ := scenarios.BuiltinSource(name)
		out["builtin:"+name] = string(src)
	}
	files, _ := filepath.Glob("../testdata/*.yaml")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[f] = string(b)
	}
	doc, err := os.ReadFile("../../docs/scenarios.md")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?ms)^```yaml\\n(.*?)^```\\n")
	for i, m := range re.FindAllStringSubmatch(string(doc), -1) {
		text := m[1]
		if !regexp.MustCompile(`(?m)^name:`).MatchString(text) {
			text = mergeTop(t, docsBase, text)
		}
		out["docs block "+string(rune('A'+i%26))+strings.Repeat("'", i/26)] = text
	}
	return out
}

// docsBase is what the docs' fragments are merged into (as in package scenarios'
// TestDocs).
const docsBase = `name: fragment
duration: 2m
cluster: {servers: 5, clients: 5}
network:
  nics:
    - {node: client-1, routes: [server-1, server-2]}
workload: {clients: 2}
`

// mergeTop returns base with the top-level keys of fragment replacing its own.
func mergeTop(t *testing.T, base, fragment string) string {
	t.Helper()
	var b, f map[string]any
	if err := yaml.Unmarshal([]byte(base), &b); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal([]byte(fragment), &f); err != nil {
		t.Fatalf("%v\n%s", err, fragment)
	}
	for k, v := range f {
		b[k] = v
	}
	out, err := yaml.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// TestExamplesValidate checks every built-in, testdata scenario and docs example that
// scenarios.Parse accepts against the schema, which must accept it too, and every
// canonical form of them.
func TestExamplesValidate(t *testing.T) {
	s := compile(t)
	ex := examples(t)
	names := make([]string, 0, len(ex))
	for n := range ex {
		names = append(names, n)
	}
	sort.Strings(names)
	checked := 0
	for _, name := range names {
		text := ex[name]
		sc, err := scenarios.Parse(name, []byte(text))
		if err != nil {
			continue
		}
		checked++
		if err := s.Validate(asJSON(t, text)); err != nil {
			t.Errorf("%s is valid but fails the schema: %v\n%s", name, err, text)
		}
		if err := s.Validate(asJSON(t, string(sc.Canonical()))); err != nil {
			t.Errorf("the canonical form of %s fails the schema: %v", name, err)
		}
	}
	if checked < 20 {
		t.Errorf("only %d examples checked", checked)
	}
}

// TestSchemaRejects checks mistakes the schema catches by itself: unknown fields
// anywhere, wrong types, values outside an enum, malformed durations, a fault with no
// kind or two.
func TestSchemaRejects(t *testing.T) {
	s := compile(t)
	base := "name: x\nduration: 10s\ncluster: {servers: 3}\n"
	if err := s.Validate(asJSON(t, base)); err != nil {
		t.Fatalf("the base scenario fails: %v", err)
	}
	for _, bad := range []string{
		base + "chaos: 1\n",
		base + "netwrok: {}\n",
		base + "network: {latency: {dist: constant, mean: 1ms, jitter: 1ms}}\n",
		base + "faults: [{at: 1s, partiton: {split: majority}}]\n",
		base + "faults: [{at: 1s}]\n",
		base + "faults: [{at: 1s, isolate: server-1, crash: server-2}]\n",
		base + "faults: [{at: 1s, isolate: server-x}]\n",
		base + "faults: [{at: 1s, disk: {node: client-1, write_latency: 1ms}}]\n",
		base + "faults: [{at: -1s, isolate: leader}]\n",
		base + "faults: [{at: 10 seconds, isolate: leader}]\n",
		base + "faults: [{at: 1s, for: 1s, isolate: leader, proto: udp}]\n",
		base + "faults: [{at: 1s, nemesis: {kinds: [meteor], interval: 1s, duration: 1s}}]\n",
		base + "faults: [{at: 1s, partition: {split: majority, ring: true}}]\n",
		base + "bugs: [no-such-bug]\n",
		base + "network: {latency: {dist: gaussian}}\n",
		"name: x\nduration: 10s\ncluster: {servers: 0}\n",
		base + "workload: {rate: fast}\n",
		"duration: 10s\ncluster: {servers: 3}\n",
	} {
		if err := s.Validate(asJSON(t, bad)); err == nil {
			t.Errorf("the schema accepts:\n%s", bad)
		}
	}
}

func TestNormalizeComment(t *testing.T) {
	in := "Latency is a one-way delay\ndistribution. Which fields apply:\n\n\tconstant: mean\n\tuniform: min, max\n\nEvery value is\nbounded."
	want := "Latency is a one-way delay distribution. Which fields apply:\n\n\tconstant: mean\n\tuniform: min, max\n\nEvery value is bounded."
	if got := NormalizeComment(in); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
