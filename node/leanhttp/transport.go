package leanhttp

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// Transport is an http.RoundTripper that writes each request and reads its response on
// the caller's goroutine, over connections from Dial, keeping up to MaxIdlePerHost idle
// ones per address for reuse. Put it in an http.Client (for url.Error wrapping and
// redirects). Safe for concurrent use; the zero value is not usable: Dial is required.
type Transport struct {
	// Dial opens a connection to addr ("host:port").
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// MaxIdlePerHost is how many idle connections are kept per address. 0 keeps none
	// and asks the server to close each one (Connection: close), like
	// http.Transport.DisableKeepAlives.
	MaxIdlePerHost int
	// IdleTimeout closes a pooled connection idle for longer, when it is next taken
	// (0: no limit).
	IdleTimeout time.Duration

	mu   sync.Mutex
	idle map[string][]*conn // per address, most recently used last
}

var _ http.RoundTripper = (*Transport)(nil)

// conn is a client connection with its buffers.
type conn struct {
	t     *Transport
	addr  string
	c     net.Conn
	br    *bufio.Reader
	bw    *bufio.Writer
	since time.Time // idle since
	stop  func() bool
}

// errServerClosedIdle is what a request that found its reused connection closed by the
// server before any answer fails with (net/http's words), when it cannot be retried.
var errServerClosedIdle = errors.New("http: server closed idle connection")

// RoundTrip sends req and returns its response; the response's body must be read to
// its end or closed, which hands the connection back.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL == nil || req.URL.Scheme != "http" {
		closeBody(req)
		return nil, errors.New("leanhttp: only http:// URLs are supported")
	}
	addr := req.URL.Host
	if req.URL.Port() == "" {
		addr = net.JoinHostPort(req.URL.Hostname(), "80")
	}
	if t.MaxIdlePerHost <= 0 && !req.Close {
		r := *req
		r.Close = true
		req = &r
	}
	for retried := false; ; retried = true {
		c, reused, err := t.get(req.Context(), addr)
		if err != nil {
			closeBody(req)
			return nil, err
		}
		resp, err := c.roundTrip(req)
		if err == nil {
			return resp, nil
		}
		if errors.Is(err, errServerClosedIdle) {
			if reused && !retried && replayable(req) {
				continue
			}
			if !reused {
				err = io.EOF // a fresh connection: net/http says just that
			}
		}
		closeBody(req)
		return nil, err
	}
}

// replayable is net/http's rule for resending a request on a new connection: a method
// without side effects and no body to rewind.
func replayable(req *http.Request) bool {
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		return false
	}
	switch req.Method {
	case "", http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

// get takes an idle connection to addr or dials one; reused says which.
func (t *Transport) get(ctx context.Context, addr string) (*conn, bool, error) {
	if c := t.takeIdle(addr); c != nil {
		return c, true, nil
	}
	nc, err := t.Dial(ctx, "tcp", addr)
	if err != nil {
		return nil, false, err
	}
	return &conn{t: t, addr: addr, c: nc, br: bufio.NewReader(nc), bw: bufio.NewWriter(nc)}, false, nil
}

// takeIdle returns the most recently used live idle connection to addr, closing any
// that timed out or that the server closed meanwhile.
func (t *Transport) takeIdle(addr string) *conn {
	t.mu.Lock()
	defer t.mu.Unlock()
	for list := t.idle[addr]; len(list) > 0; list = t.idle[addr] {
		c := list[len(list)-1]
		list[len(list)-1] = nil
		t.idle[addr] = list[:len(list)-1]
		live := c.stop == nil || c.stop()
		c.stop = nil
		if live && (t.IdleTimeout <= 0 || time.Since(c.since) <= t.IdleTimeout) {
			return c
		}
		c.c.Close()
	}
	return nil
}

// put returns c to the pool, or closes it if the pool for its address is full. A pooled
// connection the server closes is dropped at once (net/http's read loop does that), so
// its close is answered, not left half-open.
func (t *Transport) put(c *conn) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.idle == nil {
		t.idle = map[string][]*conn{}
	}
	if len(t.idle[c.addr]) >= t.MaxIdlePerHost {
		c.c.Close()
		return
	}
	c.since = time.Now()
	t.idle[c.addr] = append(t.idle[c.addr], c)
	if pc, ok := c.c.(PeerCloser); ok {
		c.stop = pc.AfterPeerClose(func() { t.drop(c) })
	}
}

// drop removes c from the pool, if it is still there, and closes it.
func (t *Transport) drop(c *conn) {
	t.mu.Lock()
	list := t.idle[c.addr]
	for i, x := range list {
		if x == c {
			t.idle[c.addr] = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	t.mu.Unlock()
	c.c.Close()
}

// CloseIdleConnections closes every pooled connection.
func (t *Transport) CloseIdleConnections() {
	t.mu.Lock()
	idle := t.idle
	t.idle = nil
	t.mu.Unlock()
	for _, list := range idle {
		for _, c := range list {
			if c.stop != nil {
				c.stop()
			}
			c.c.Close()
		}
	}
}

// roundTrip writes req on c and reads the response header; the body is read later
// through a body that hands c back at its end. The request's context closes c if it
// ends first, which unblocks whatever is waiting on it.
func (c *conn) roundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if err := ctx.Err(); err != nil {
		c.c.Close()
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { c.c.Close() })
	fail := func(err error) (*http.Response, error) {
		stop()
		c.c.Close()
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		return nil, err
	}
	if err := req.Write(c.bw); err != nil {
		return fail(err)
	}
	if err := c.bw.Flush(); err != nil {
		return fail(err)
	}
	// The connection closing before the answer's first byte is the one failure a
	// reused connection may be retried after: the server may have closed it idle.
	if _, err := c.br.Peek(1); err != nil {
		if errors.Is(err, io.EOF) {
			err = errServerClosedIdle
		}
		return fail(err)
	}
	resp, err := http.ReadResponse(c.br, req)
	if err != nil {
		return fail(err)
	}
	b := &body{rc: resp.Body, c: c, stopCtx: stop, ctx: ctx, keep: !resp.Close && !req.Close}
	if resp.Body == http.NoBody || req.Method == http.MethodHead {
		b.finish(true)
	}
	resp.Body = b
	return resp, nil
}

// body is a response body that hands its connection back once read to the end, and
// closes it if closed early or if the request's context ends.
type body struct {
	rc      io.ReadCloser
	c       *conn
	ctx     context.Context
	stopCtx func() bool
	keep    bool
	done    bool
}

func (b *body) Read(p []byte) (int, error) {
	if b.done && b.c == nil {
		return 0, io.EOF
	}
	k, err := b.rc.Read(p)
	switch {
	case err == io.EOF:
		b.finish(true)
	case err != nil:
		b.finish(false)
		if ctxErr := b.ctx.Err(); ctxErr != nil {
			err = ctxErr
		}
	}
	return k, err
}

// Close hands the connection back if the body was read to its end, else closes it.
func (b *body) Close() error {
	b.finish(false)
	return nil
}

// finish ends the exchange once: the connection goes back to the pool if the whole
// body was read (eof), both sides allow keep-alive and the context did not close it.
func (b *body) finish(eof bool) {
	if b.done {
		return
	}
	b.done = true
	c := b.c
	b.c = nil
	if b.stopCtx() && eof && b.keep && c.t.MaxIdlePerHost > 0 {
		c.t.put(c)
		return
	}
	c.c.Close()
}
