package leanhttp_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// get makes a request with hc and returns the status, the body and the header.
func do(t *testing.T, hc *http.Client, method, u, body string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, u, err)
	}
	return resp.StatusCode, string(b), resp.Header
}

// echo answers with the method, the path, the query and the body it got.
var echo = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	w.Header().Set("X-Consul-Index", "7")
	io.WriteString(w, r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery+" "+string(b))
})

// The lean server answers net/http's own client like http.Server does: status, headers,
// body, keep-alive over one connection for requests in sequence.
func TestServerAnswersNetHTTPClient(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t)
		srv := w.serveLean(t, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/none":
				rw.WriteHeader(http.StatusNoContent)
			case "/missing":
				http.Error(rw, "no such key", http.StatusNotFound)
			case "/json":
				rw.Header().Set("Content-Type", "application/json")
				io.WriteString(rw, `{"ok":true}`)
			default:
				echo.ServeHTTP(rw, r)
			}
		}))
		defer srv.Close()
		hc, tr := w.stdClient()
		defer tr.CloseIdleConnections()
		code, body, h := do(t, hc, http.MethodPut, url+"kv/a?cas=3", "value")
		if code != 200 || body != "PUT /kv/a?cas=3 value" || h.Get("X-Consul-Index") != "7" ||
			h.Get("Content-Type") != "text/plain; charset=utf-8" || h.Get("Content-Length") != "21" {
			t.Fatalf("PUT: %d %q %v", code, body, h)
		}
		if code, body, _ := do(t, hc, http.MethodGet, url+"none", ""); code != 204 || body != "" {
			t.Fatalf("204: %d %q", code, body)
		}
		if code, body, _ := do(t, hc, http.MethodGet, url+"missing", ""); code != 404 || body != "no such key\n" {
			t.Fatalf("404: %d %q", code, body)
		}
		if code, body, h := do(t, hc, http.MethodGet, url+"json", ""); code != 200 || body != `{"ok":true}` || h.Get("Content-Type") != "application/json" {
			t.Fatalf("json: %d %q %v", code, body, h)
		}
		if code, body, h := do(t, hc, http.MethodHead, url+"x", ""); code != 200 || body != "" || h.Get("Content-Length") != "9" {
			t.Fatalf("HEAD: %d %q %v", code, body, h)
		}
		if st := w.n.Stats(); st.StreamsOpened != 1 {
			t.Fatalf("%d streams opened for 5 requests in sequence, want 1 (keep-alive)", st.StreamsOpened)
		}
	})
}

// A handler's context ends when its client goes away, as with http.Server: a blocking
// query whose caller timed out stops waiting.
func TestServerCancelsWhenTheClientLeaves(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t)
		ended := make(chan time.Duration, 1)
		srv := w.serveLean(t, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			start := time.Now()
			select {
			case <-r.Context().Done():
				ended <- time.Since(start)
			case <-time.After(time.Minute):
				ended <- -1
			}
		}))
		defer srv.Close()
		hc, _ := w.leanClient(2)
		ctx, cancel := context.WithTimeout(context.Background(), 100*ms)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url+"block", nil)
		start := time.Now()
		_, err := hc.Do(req)
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != 100*ms {
			t.Fatalf("got %v after %v, want the context's deadline after 100ms", err, time.Since(start))
		}
		// The handshake took 2 ms and the request 1 ms more; the client's FIN arrives
		// 1 ms after its deadline: 101 - 3.
		if d := <-ended; d != 98*ms {
			t.Fatalf("the handler's context ended %v after it started, want 98ms", d)
		}
	})
}

// Closing the server ends the contexts of handlers in flight and closes idle
// connections; an unread request body is drained, and a panicking handler closes its
// connection without an answer.
func TestServerCloseDrainAndPanic(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t)
		srv := w.serveLean(t, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/panic":
				panic(http.ErrAbortHandler)
			case "/unread":
				io.WriteString(rw, "ignored your body")
			default:
				<-r.Context().Done()
			}
		}))
		hc, tr := w.stdClient()
		defer tr.CloseIdleConnections()
		if code, body, _ := do(t, hc, http.MethodPut, url+"unread", strings.Repeat("x", 10000)); code != 200 || body != "ignored your body" {
			t.Fatalf("unread body: %d %q", code, body)
		}
		if code, body, _ := do(t, hc, http.MethodPut, url+"unread", "again"); code != 200 || body != "ignored your body" {
			t.Fatalf("after a drained body: %d %q", code, body)
		}
		if st := w.n.Stats(); st.StreamsOpened != 1 {
			t.Fatalf("%d streams, want 1: a drained body keeps the connection", st.StreamsOpened)
		}
		req, _ := http.NewRequest(http.MethodGet, url+"panic", nil)
		if _, err := hc.Do(req); err == nil {
			t.Fatal("a panicking handler gave an answer")
		}
		errc := make(chan error, 1)
		go func() {
			req, _ := http.NewRequest(http.MethodGet, url+"wait", nil)
			_, err := hc.Do(req)
			errc <- err
		}()
		time.Sleep(50 * ms)
		srv.Close()
		if err := <-errc; err == nil {
			t.Fatal("a request in flight got an answer from a closed server")
		}
		if _, err := hc.Get(url + "x"); err == nil {
			t.Fatal("a closed server answered")
		}
	})
}

// A request the server cannot parse gets 400 and a closed connection.
func TestServerBadRequest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t)
		srv := w.serveLean(t, echo)
		defer srv.Close()
		c, err := w.client.DialContext(context.Background(), "tcp", "127.0.0.2:80")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, "NONSENSE\r\n\r\n")
		got, _ := io.ReadAll(c)
		if !strings.HasPrefix(string(got), "HTTP/1.1 400 Bad Request\r\n") {
			t.Fatalf("answer %q", got)
		}
	})
}
