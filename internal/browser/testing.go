package browser

import (
	"context"
	"testing"
)

// ForTest starts a browser for t and closes it when t ends. When no browser is found, t
// is skipped with the reason and the install command, unless the environment requires the
// browser ($CONSIM_REQUIRE_BROWSER, set by .ci/run): then t fails, so a CI machine without
// it cannot pass by skipping.
func ForTest(t testing.TB) *Browser {
	t.Helper()
	path, err := Find()
	if err != nil {
		if Required() {
			t.Fatalf("%v; $%s is set, so this test must not be skipped", err, RequireEnv)
		}
		t.Skipf("cannot run without a browser: %v", err)
	}
	b, err := Start(context.Background(), path)
	if err != nil {
		t.Fatalf("%v", err) // a browser that is there but does not start is a failure, never a skip
	}
	t.Cleanup(b.Close)
	return b
}

// OpenForTest opens rawURL in b, failing t if it cannot, and closes the tab when t ends.
func OpenForTest(t testing.TB, b *Browser, rawURL string) *Page {
	t.Helper()
	p, err := b.Open(rawURL)
	if err != nil {
		t.Fatalf("%v", err)
	}
	t.Cleanup(p.Close)
	return p
}
