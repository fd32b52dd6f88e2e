package lint

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/consim/consim"

func parse(t *testing.T, name, src string) (*token.FileSet, []string, []string) {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, 0)
	if err != nil {
		t.Fatal(err)
	}
	return fset, realNetworking(fset, f), memberlistWithoutTransport(fset, f)
}

// The rules themselves must catch what they are for, including behind import aliases.
func TestRulesCatchViolations(t *testing.T) {
	_, netFindings, mlFindings := parse(t, "bad.go", `package bad
import (
	stdnet "net"
	"github.com/hashicorp/raft"
	ml "github.com/hashicorp/memberlist"
)
func a() { stdnet.Listen("tcp", ":0"); stdnet.Dial("tcp", "x:1") }
func b() { raft.NewTCPTransport("", nil, 1, 0, nil) }
func c() { ml.NewNetTransport(nil) }
func d() *ml.Config { c := ml.DefaultLANConfig(); c.Name = "x"; return c }
func e() *ml.Config { return &ml.Config{Name: "x"} }
`)
	if len(netFindings) != 4 {
		t.Errorf("want 4 real-networking findings, got %d: %q", len(netFindings), netFindings)
	}
	if len(mlFindings) != 2 {
		t.Errorf("want 2 memberlist-config findings, got %d: %q", len(mlFindings), mlFindings)
	}
	for _, f := range append(netFindings, mlFindings...) {
		if !strings.HasPrefix(f, "bad.go:") {
			t.Errorf("finding without a position: %q", f)
		}
	}
}

func TestRulesAcceptCleanCode(t *testing.T) {
	_, netFindings, mlFindings := parse(t, "good.go", `package good
import (
	"net"
	"github.com/hashicorp/memberlist"
)
func a(tr memberlist.NodeAwareTransport) *memberlist.Config {
	c := memberlist.DefaultLANConfig()
	c.Transport = tr
	_ = net.JoinHostPort("127.0.0.1", "1")
	return c
}
func b(tr memberlist.Transport) *memberlist.Config { return &memberlist.Config{Transport: tr} }
`)
	if len(netFindings)+len(mlFindings) != 0 {
		t.Errorf("clean code flagged: %q %q", netFindings, mlFindings)
	}
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// Every package of ours that the guest links must stay off the real network.
func TestGuestHasNoRealNetworking(t *testing.T) {
	root := moduleRoot(t)
	cmd := exec.Command("go", "list", "-deps", "-test=false", "-f", "{{.ImportPath}}\t{{.Dir}}", "./cmd/simworld")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, dir, _ := strings.Cut(line, "\t")
		if path != module && !strings.HasPrefix(path, module+"/") {
			continue
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, file := range files {
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, file, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, finding := range realNetworking(fset, f) {
				t.Error(finding)
			}
			checked++
		}
	}
	if checked < 10 {
		t.Fatalf("checked only %d files of the guest: the package list is wrong", checked)
	}
}

// No memberlist configuration anywhere in the module may be built without a transport.
func TestMemberlistConfigsHaveTransport(t *testing.T) {
	root := moduleRoot(t)
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasPrefix(path, filepath.Join(root, "internal", "lint")) {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		for _, finding := range memberlistWithoutTransport(fset, f) {
			t.Error(finding)
		}
		checked++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 10 {
		t.Fatalf("checked only %d files: the walk is wrong", checked)
	}
}
