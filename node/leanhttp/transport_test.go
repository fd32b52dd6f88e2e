package leanhttp_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// The lean client against net/http's own server: answers, keep-alive over one
// connection, a body closed after a JSON decode still hands the connection back.
func TestTransportAgainstNetHTTPServer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t)
		srv := w.serveStd(t, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/json" {
				json.NewEncoder(rw).Encode(map[string]int{"n": 1})
				return
			}
			echo.ServeHTTP(rw, r)
		}))
		defer srv.Close()
		hc, tr := w.leanClient(2)
		defer tr.CloseIdleConnections()
		if code, body, h := do(t, hc, http.MethodPut, url+"kv/a?cas=1", "v"); code != 200 || body != "PUT /kv/a?cas=1 v" || h.Get("X-Consul-Index") != "7" {
			t.Fatalf("PUT: %d %q %v", code, body, h)
		}
		for range 3 {
			resp, err := hc.Get(url + "json")
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]int
			if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || got["n"] != 1 {
				t.Fatalf("decode %v, %v", got, err)
			}
			resp.Body.Close()
		}
		if st := w.n.Stats(); st.StreamsOpened != 1 {
			t.Fatalf("%d streams for 4 requests in sequence, want 1", st.StreamsOpened)
		}
	})
}

// Concurrent requests each get a connection; afterwards at most MaxIdlePerHost stay.
// MaxIdlePerHost 0 opens a connection per request and asks the server to close it.
func TestTransportPool(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t)
		srv := w.serveLean(t, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			time.Sleep(10 * ms)
			io.WriteString(rw, r.Header.Get("Connection"))
		}))
		defer srv.Close()
		hc, tr := w.leanClient(2)
		done := make(chan struct{})
		for range 4 {
			go func() {
				defer func() { done <- struct{}{} }()
				do(t, hc, http.MethodGet, url, "")
			}()
		}
		for range 4 {
			<-done
		}
		if st := w.n.Stats(); st.StreamsOpened != 4 {
			t.Fatalf("%d streams for 4 concurrent requests, want 4", st.StreamsOpened)
		}
		for range 3 {
			do(t, hc, http.MethodGet, url, "")
		}
		if st := w.n.Stats(); st.StreamsOpened != 4 {
			t.Fatalf("%d streams after 3 more in sequence, want still 4 (two kept idle)", st.StreamsOpened)
		}
		tr.CloseIdleConnections()

		once, _ := w.leanClient(0)
		for range 2 {
			if _, body, _ := do(t, once, http.MethodGet, url, ""); body != "close" {
				t.Fatalf("without keep-alive the request said Connection %q", body)
			}
		}
		if st := w.n.Stats(); st.StreamsOpened != 6 {
			t.Fatalf("%d streams, want 6: one per request without keep-alive", st.StreamsOpened)
		}
	})
}

// A request ends with its context: the deadline's error, the connection closed (the
// server sees the client leave), and the next request works on a new connection.
func TestTransportContextDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t)
		left := make(chan struct{}, 1)
		srv := w.serveStd(t, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/slow" {
				<-r.Context().Done()
				left <- struct{}{}
				return
			}
			io.WriteString(rw, "fast")
		}))
		defer srv.Close()
		hc, tr := w.leanClient(2)
		defer tr.CloseIdleConnections()
		ctx, cancel := context.WithTimeout(context.Background(), 200*ms)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url+"slow", nil)
		start := time.Now()
		_, err := hc.Do(req)
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != 200*ms {
			t.Fatalf("got %v after %v, want the deadline at 200ms", err, time.Since(start))
		}
		var ue interface{ Unwrap() error }
		if !errors.As(err, &ue) || !strings.HasSuffix(err.Error(), ": context deadline exceeded") {
			t.Fatalf("error %q: want net/http's url.Error around the context's error", err)
		}
		<-left
		if _, body, _ := do(t, hc, http.MethodGet, url+"fast", ""); body != "fast" {
			t.Fatalf("after a timeout: %q", body)
		}
		// A context that ends while the body is read ends the read with its error.
		ctx2, cancel2 := context.WithCancel(context.Background())
		req, _ = http.NewRequestWithContext(ctx2, http.MethodGet, url+"fast", nil)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		cancel2()
		if _, err := io.ReadAll(resp.Body); err != nil && !errors.Is(err, context.Canceled) {
			t.Fatalf("read after cancel: %v", err)
		}
		resp.Body.Close()
	})
}

// An idle connection the server closes leaves the pool at once; a crash of the server
// between requests makes the next one fail, not hang, and a restarted server is
// reached again on a new connection.
func TestTransportServerGoesAway(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t)
		srv := w.serveLean(t, echo)
		hc, tr := w.leanClient(2)
		defer tr.CloseIdleConnections()
		do(t, hc, http.MethodGet, url+"a", "")
		srv.Close()
		time.Sleep(10 * ms) // the FIN arrives; the pool drops the connection
		srv = w.serveLean(t, echo)
		if _, body, _ := do(t, hc, http.MethodGet, url+"b", ""); body != "GET /b? " {
			t.Fatalf("after a server restart: %q", body)
		}
		if st := w.n.Stats(); st.StreamsOpened != 2 {
			t.Fatalf("%d streams, want 2", st.StreamsOpened)
		}
		w.server.Crash()
		w.server.Restart()
		time.Sleep(10 * ms)
		srv = w.serveLean(t, echo)
		defer srv.Close()
		if _, body, _ := do(t, hc, http.MethodPut, url+"c", "x"); body != "PUT /c? x" {
			t.Fatalf("after a crash: %q", body)
		}
	})
}
