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

// PeerCloser is what a connection offers so that a server notices its client went away
// (and a client that its server closed an idle connection) without a goroutine blocked
// in Read: netmodel.Conn implements it. See netmodel.Conn.AfterPeerClose.
type PeerCloser interface {
	AfterPeerClose(f func()) (stop func() bool)
}

// maxDrain bounds how much of a request body the handler left unread is read and
// thrown away to keep the connection; beyond it the connection is closed (net/http's
// figure).
const maxDrain = 256 << 10

// Server serves an http.Handler on a listener, one goroutine per connection.
type Server struct {
	h                 http.Handler
	l                 net.Listener
	readHeaderTimeout time.Duration

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
	done   chan struct{}
}

// Serve starts serving h on l and returns at once. readHeaderTimeout bounds the time
// from a request's first byte to the end of its header (0: no bound), as
// http.Server.ReadHeaderTimeout does; an idle keep-alive connection has no bound.
func Serve(l net.Listener, h http.Handler, readHeaderTimeout time.Duration) *Server {
	s := &Server{h: h, l: l, readHeaderTimeout: readHeaderTimeout, conns: map[net.Conn]struct{}{}, done: make(chan struct{})}
	go s.accept()
	return s
}

func (s *Server) accept() {
	defer close(s.done)
	for {
		c, err := s.l.Accept()
		if err != nil {
			return // the listener closed (Close, or its host crashed)
		}
		if !s.track(c) {
			c.Close()
			return
		}
		go s.serveConn(c)
	}
}

func (s *Server) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *Server) forget(c net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
}

// Close closes the listener and every connection, idle or in flight, like
// http.Server.Close: a handler still running sees its request's context end.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	conns := s.conns
	s.conns = map[net.Conn]struct{}{}
	s.mu.Unlock()
	err := s.l.Close()
	for c := range conns {
		c.Close()
	}
	return err
}

// serveConn runs requests on c one after another until either side closes it.
func (s *Server) serveConn(c net.Conn) {
	defer s.forget(c)
	defer c.Close()
	br := bufio.NewReader(c)
	bw := bufio.NewWriter(c)
	for {
		// Wait for the next request's first byte with no deadline: only then does the
		// header's bound start, as in net/http.
		if _, err := br.Peek(1); err != nil {
			return
		}
		if s.readHeaderTimeout > 0 {
			c.SetReadDeadline(time.Now().Add(s.readHeaderTimeout))
		}
		req, err := http.ReadRequest(br)
		if s.readHeaderTimeout > 0 {
			c.SetReadDeadline(time.Time{})
		}
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !isNetError(err) {
				io.WriteString(c, "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request")
			}
			return
		}
		req.RemoteAddr = c.RemoteAddr().String()
		if !s.serveOne(c, bw, req) {
			return
		}
	}
}

// serveOne runs the handler for req and writes its response; it reports whether the
// connection stays open for another request.
func (s *Server) serveOne(c net.Conn, bw *bufio.Writer, req *http.Request) (keep bool) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if pc, ok := c.(PeerCloser); ok {
		stop := pc.AfterPeerClose(cancel)
		defer stop()
	}
	req = req.WithContext(ctx)
	w := newResponse(req)
	if !s.run(w, req) {
		return false
	}
	keep = !req.Close && w.header.Get("Connection") != "close"
	if keep && req.Body != nil && req.Body != http.NoBody {
		// What the handler left unread stands between us and the next request.
		k, err := io.CopyN(io.Discard, req.Body, maxDrain+1)
		keep = errors.Is(err, io.EOF) && k <= maxDrain
	}
	if !keep {
		w.header.Set("Connection", "close")
	}
	if err := w.writeTo(bw); err != nil {
		return false
	}
	return keep && ctx.Err() == nil
}

// run calls the handler, reporting false if it panicked: the connection is then closed
// without an answer, as net/http does (http.ErrAbortHandler is the documented way).
func (s *Server) run(w *response, req *http.Request) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	s.h.ServeHTTP(w, req)
	return true
}

func isNetError(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, net.ErrClosed)
}
