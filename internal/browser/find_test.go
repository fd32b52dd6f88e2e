package browser

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestFindOverrideWins(t *testing.T) {
	dir := t.TempDir()
	fake := filepath.Join(dir, "my-chromium")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(PathEnv, fake)
	got, err := Find()
	if err != nil || got != fake {
		t.Fatalf("Find() = %q, %v; want %q", got, err, fake)
	}
}

func TestFindBadOverrideIsAnError(t *testing.T) {
	t.Setenv(PathEnv, filepath.Join(t.TempDir(), "missing"))
	_, err := Find()
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "$"+PathEnv) {
		t.Fatalf("Find() with a wrong override: %v; want ErrNotFound naming $%s", err, PathEnv)
	}
}

func TestFindNothingSaysHowToInstall(t *testing.T) {
	t.Setenv(PathEnv, "")
	t.Setenv("PATH", t.TempDir())
	_, err := Find()
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), InstallHint) {
		t.Fatalf("Find() with nothing installed: %v; want ErrNotFound with %q", err, InstallHint)
	}
}

func TestRequired(t *testing.T) {
	for v, want := range map[string]bool{"": false, "0": false, "no": false, "1": true, "true": true, "YES": true} {
		t.Setenv(RequireEnv, v)
		if got := Required(); got != want {
			t.Errorf("Required() with $%s=%q = %v, want %v", RequireEnv, v, got, want)
		}
	}
}

// TestForTestWithoutBrowser runs ForTest in a child test process that finds no browser:
// it must skip with the install command, and fail when the browser is required.
func TestForTestWithoutBrowser(t *testing.T) {
	if os.Getenv("CONSIM_BROWSER_CHILD") == "1" {
		ForTest(t)
		t.Fatal("ForTest returned without a browser")
	}
	run := func(required string) (string, error) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestForTestWithoutBrowser$", "-test.v")
		cmd.Env = append(os.Environ(), "CONSIM_BROWSER_CHILD=1", "PATH="+t.TempDir(), PathEnv+"=", RequireEnv+"="+required)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run("")
	if err != nil || !strings.Contains(out, "--- SKIP") || !strings.Contains(out, InstallHint) {
		t.Errorf("not required: want a skip naming %q, got err %v and\n%s", InstallHint, err, out)
	}
	out, err = run("1")
	if err == nil || !strings.Contains(out, "--- FAIL") || !strings.Contains(out, RequireEnv) {
		t.Errorf("required: want a failure naming $%s, got err %v and\n%s", RequireEnv, err, out)
	}
}
