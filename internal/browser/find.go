package browser

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// PathEnv names the environment variable that points at the Chromium binary to use; it
// wins over the names searched in PATH.
const PathEnv = "CONSIM_CHROMIUM"

// RequireEnv names the environment variable that, set to a true value ("1", "true",
// "yes"), makes a missing browser a test failure instead of a skip. .ci/run sets it after
// installing Chromium, so that a CI machine where the install silently broke cannot pass
// the browser tests by skipping them.
const RequireEnv = "CONSIM_REQUIRE_BROWSER"

// InstallHint is what a user runs to get the browser the tests expect (Debian's package).
const InstallHint = "apt-get install -y chromium"

// names are the executables searched in PATH, Debian's first.
var names = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"}

// ErrNotFound is returned (wrapped) by Find when no browser is found.
var ErrNotFound = errors.New("browser: no Chromium found")

// Find returns the Chromium executable to drive: the file named by $CONSIM_CHROMIUM when it
// is set (an error if that file is not executable: a wrong override must not quietly fall
// back to another browser), else the first of chromium, chromium-browser, google-chrome,
// google-chrome-stable, headless-shell found in PATH.
func Find() (string, error) {
	if p := os.Getenv(PathEnv); p != "" {
		found, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("%w: $%s=%q is not an executable: %v", ErrNotFound, PathEnv, p, err)
		}
		return found, nil
	}
	for _, n := range names {
		if found, err := exec.LookPath(n); err == nil {
			return found, nil
		}
	}
	return "", fmt.Errorf("%w: none of %s in PATH and $%s not set (install it with `%s`, or point $%s at a Chromium binary)",
		ErrNotFound, strings.Join(names, ", "), PathEnv, InstallHint, PathEnv)
}

// Required reports whether the environment says the browser must be present ($CONSIM_REQUIRE_BROWSER).
func Required() bool {
	switch strings.ToLower(strings.TrimSpace(os.Getenv(RequireEnv))) {
	case "1", "true", "yes":
		return true
	}
	return false
}
