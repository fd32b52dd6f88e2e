package node

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	testHTTPPort = 8500
	testRPCPort  = 8303
)

// withAPI gives every agent an HTTP API and, on servers, an RPC listener.
func withAPI(t *testing.T) func(*testAgent, *Config) {
	return func(a *testAgent, cfg *Config) {
		var err error
		if cfg.HTTPListener, err = a.host.Listen(a.addr, testHTTPPort); err != nil {
			t.Fatal(err)
		}
		if a.server {
			if cfg.RPCListener, err = a.host.Listen(a.addr, testRPCPort); err != nil {
				t.Fatal(err)
			}
		}
		cfg.RPCPort = testRPCPort
		cfg.Dial = a.host.DialContext
	}
}

// apiClient talks HTTP to agents from a host of its own on the virtual network.
type apiClient struct {
	t  *testing.T
	hc *http.Client
}

func newAPIClient(t *testing.T, c *cluster) *apiClient {
	h, err := c.net.AddHost("tester", "127.0.3.1")
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{DialContext: h.DialContext}
	t.Cleanup(tr.CloseIdleConnections)
	return &apiClient{t: t, hc: &http.Client{Transport: tr}}
}

// response is one HTTP answer, read whole.
type response struct {
	code   int
	header http.Header
	body   string
}

func (r response) index() uint64 {
	v, _ := strconv.ParseUint(r.header.Get("X-Consul-Index"), 10, 64)
	return v
}

// do sends method to agent a's API at path (with query) and reads the answer.
func (c *apiClient) do(a *testAgent, method, path, body string) response {
	c.t.Helper()
	url := "http://" + net.JoinHostPort(a.addr, strconv.Itoa(testHTTPPort)) + path
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s on %s: %v", method, path, a.name, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{code: resp.StatusCode, header: resp.Header, body: string(b)}
}

// entries decodes a KV GET answer.
func (r response) entries(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	if err := json.Unmarshal([]byte(r.body), &out); err != nil {
		t.Fatalf("decode %q: %v", r.body, err)
	}
	return out
}

// settle lets in-flight traffic finish (replication to followers, say).
func settle() { time.Sleep(200 * time.Millisecond) }
