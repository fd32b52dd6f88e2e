package consimtest_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A module of somebody else's uses consimtest as its README says: a TestMain line and a
// test, in a fresh module that requires consim (replaced by this checkout). This is the
// check that the public API is enough on its own: nothing of consim's internals or
// checkout layout leaks into what a user must write.
func TestFromAnotherModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs another module's tests")
	}
	t.Parallel()
	repo, err := filepath.Abs("..") // go test runs in the package's directory
	if err != nil {
		t.Fatal(err)
	}
	user := t.TempDir()
	gomod := "module example.com/user\n\ngo 1.26\n\nrequire github.com/consim/consim v0.0.0\n\nreplace github.com/consim/consim => " + repo + "\n"
	test, err := os.ReadFile("testdata/user/user_test.go.txt")
	if err != nil {
		t.Fatal(err)
	}
	// consim's go.sum covers its dependencies; -mod=mod below fetches whatever else the
	// user's module needs through the module proxy.
	sum, err := os.ReadFile(filepath.Join(repo, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"go.mod": []byte(gomod), "go.sum": sum, "user_test.go": test} {
		if err := os.WriteFile(filepath.Join(user, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "test", "-count=1", "-v", "./...")
	cmd.Dir = user
	cmd.Env = append(os.Environ(), "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -mod=mod"), "GOWORK=off")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	t.Logf("go test in %s took %s", user, time.Since(start).Round(time.Millisecond))
	if err != nil {
		t.Fatalf("go test in a user's module: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: TestBaseline") {
		t.Fatalf("the user's TestBaseline did not pass:\n%s", out)
	}
}
