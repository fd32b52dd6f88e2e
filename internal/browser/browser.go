package browser

import (
	"context"
	"fmt"

	"github.com/chromedp/chromedp"
)

// Browser is one running headless Chromium. Pages opened from it are tabs of the same
// process, so a test pays for the start-up (about a second) once.
type Browser struct {
	path        string
	cancelAlloc context.CancelFunc
	ctx         context.Context // the browser's first tab; new tabs derive from it
	cancel      context.CancelFunc
}

// Width and Height are the window size pages are laid out in: a laptop screen, so that
// what fits on the page in a test fits on a reader's screen.
const (
	Width  = 1400
	Height = 900
)

// Start launches the Chromium at path (see Find), headless, with a temporary profile that
// Close removes. ctx bounds the browser's whole life.
func Start(ctx context.Context, path string) (*Browser, error) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.WindowSize(Width, Height),
		// The sandbox needs user namespaces that containers and root (CI runs as root)
		// often lack; the pages opened are consim's own local files.
		chromedp.NoSandbox,
		chromedp.DisableGPU,
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancel := chromedp.NewContext(allocCtx)
	// The first Do starts the process; do it here so that a browser that cannot start
	// fails Start, not the first page.
	if err := chromedp.Do(bctx); err != nil {
		cancel()
		cancelAlloc()
		return nil, fmt.Errorf("browser: start %s: %w", path, err)
	}
	return &Browser{path: path, cancelAlloc: cancelAlloc, ctx: bctx, cancel: cancel}, nil
}

// Path is the executable this browser runs.
func (b *Browser) Path() string { return b.path }

// Close stops the browser and removes its temporary profile.
func (b *Browser) Close() {
	b.cancel()
	b.cancelAlloc()
}
