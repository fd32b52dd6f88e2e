package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Timeout bounds every single step on a page (loading it, one evaluation, one screenshot):
// a page that hangs fails the step instead of the whole test binary.
const Timeout = 30 * time.Second

// Page is one tab showing one URL. Its methods are safe to call from one goroutine at a time.
type Page struct {
	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	problems []string // console errors, uncaught exceptions, error entries of the browser log
}

// FileURL is the file:// URL of a local file (made absolute), for Open.
func FileURL(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("browser: file url of %s: %w", path, err)
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String(), nil
}

// Open opens rawURL (a fragment included) in a new tab and waits for its load event. From
// the moment the tab exists, it records every console.error/console.assert call, uncaught
// exception, unhandled promise rejection and error entry of the browser log (a file that
// failed to load, a blocked request): Problems returns them.
func (b *Browser) Open(rawURL string) (*Page, error) {
	tab, cancel := chromedp.NewContext(b.ctx)
	p := &Page{ctx: tab, cancel: cancel}
	// Listen (not Events) calls back on the reader of the tab's messages, in order, so an
	// event that arrives before a reply is recorded before the command returns: Problems
	// relies on that.
	if err := chromedp.Listen(tab, p.record); err != nil {
		cancel()
		return nil, fmt.Errorf("browser: open %s: %w", rawURL, err)
	}
	ctx, done := context.WithTimeout(tab, Timeout)
	defer done()
	if err := chromedp.Do(ctx, chromedp.Navigate(rawURL)); err != nil {
		cancel()
		return nil, fmt.Errorf("browser: open %s: %w", rawURL, err)
	}
	return p, nil
}

// record keeps the events that are problems. It runs on the tab's reader: it must be quick.
func (p *Page) record(ev any) {
	var msg string
	switch e := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if e.Type != runtime.ConsoleAPICalledTypeError && e.Type != runtime.ConsoleAPICalledTypeAssert {
			return
		}
		parts := make([]string, 0, len(e.Args))
		for _, a := range e.Args {
			parts = append(parts, remoteText(a))
		}
		msg = fmt.Sprintf("console.%s: %s%s", e.Type, strings.Join(parts, " "), stackPlace(e.StackTrace))
	case *runtime.EventExceptionThrown:
		d := e.ExceptionDetails
		text := d.Text
		if d.Exception != nil {
			desc, _, _ := strings.Cut(remoteText(d.Exception), "\n")
			text += " " + desc
		}
		msg = fmt.Sprintf("exception: %s (%s:%d:%d)", strings.TrimSpace(text), d.URL, d.LineNumber+1, d.ColumnNumber+1)
	case *log.EventEntryAdded:
		if e.Entry.Level != log.EntryLevelError {
			return
		}
		msg = fmt.Sprintf("log %s error: %s", e.Entry.Source, e.Entry.Text)
		if e.Entry.URL != "" {
			msg += " (" + e.Entry.URL + ")"
		}
	default:
		return
	}
	p.mu.Lock()
	p.problems = append(p.problems, msg)
	p.mu.Unlock()
}

// remoteText is how the DevTools console would print one value: a string as it is, else
// its description or its JSON value.
func remoteText(o *runtime.RemoteObject) string {
	if o == nil {
		return "null"
	}
	if o.Type == runtime.RemoteObjectTypeString {
		var s string
		if json.Unmarshal([]byte(o.Value), &s) == nil {
			return s
		}
	}
	if o.Description != "" {
		return o.Description
	}
	if len(o.Value) > 0 {
		return string(o.Value)
	}
	return string(o.Type)
}

// stackPlace is " (url:line:col)" of the innermost frame, or "".
func stackPlace(st *runtime.StackTrace) string {
	if st == nil || len(st.CallFrames) == 0 {
		return ""
	}
	f := st.CallFrames[0]
	return fmt.Sprintf(" (%s:%d:%d)", f.URL, f.LineNumber+1, f.ColumnNumber+1)
}

// Problems returns the console errors, uncaught exceptions and browser-log errors recorded
// since Open, in the order they happened. It first makes one round trip to the page, so
// everything the page reported before the call is included.
func (p *Page) Problems() ([]string, error) {
	if err := p.Eval("0", nil); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.problems...), nil
}

// Eval evaluates the JavaScript expression js in the page and decodes its value (JSON) into
// out; out may be nil to ignore it. A promise is awaited (so a test can wait for the page:
// new Promise(r => setTimeout(r, 50))). An exception thrown by js is an error here, not a
// problem of the page.
func (p *Page) Eval(js string, out any) error {
	ctx, done := context.WithTimeout(p.ctx, Timeout)
	defer done()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](js, chromedp.EvalAwaitPromise))
	if err != nil {
		return fmt.Errorf("browser: eval %q: %w", short(js), err)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("browser: eval %q: decode %s: %w", short(js), short(string(raw)), err)
	}
	return nil
}

// Text returns the textContent of every element matching the CSS selector, in document order.
func (p *Page) Text(selector string) ([]string, error) {
	sel, _ := json.Marshal(selector)
	var out []string
	err := p.Eval(fmt.Sprintf(`Array.from(document.querySelectorAll(%s), e => e.textContent)`, sel), &out)
	return out, err
}

// Count returns how many elements match the CSS selector.
func (p *Page) Count(selector string) (int, error) {
	sel, _ := json.Marshal(selector)
	var n int
	err := p.Eval(fmt.Sprintf(`document.querySelectorAll(%s).length`, sel), &n)
	return n, err
}

// Screenshot renders the whole page, beyond the window, as a PNG.
func (p *Page) Screenshot() ([]byte, error) {
	ctx, done := context.WithTimeout(p.ctx, Timeout)
	defer done()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return nil, fmt.Errorf("browser: screenshot: %w", err)
	}
	return png, nil
}

// ViewportScreenshot renders what the window shows now (after scrolling), as a PNG: what a
// reader sees, where Screenshot shows everything.
func (p *Page) ViewportScreenshot() ([]byte, error) {
	ctx, done := context.WithTimeout(p.ctx, Timeout)
	defer done()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		return nil, fmt.Errorf("browser: screenshot: %w", err)
	}
	return png, nil
}

// Close closes the tab.
func (p *Page) Close() { p.cancel() }

// short cuts s for an error message.
func short(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}
