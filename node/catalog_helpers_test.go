package node

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consim/consim/node/catalog"
)

// catalogLog is a CatalogObserver that keeps every call, as canonical lines.
type catalogLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *catalogLog) add(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *catalogLog) CheckStatus(self string, u CheckUpdate) {
	l.add("%s check %s=%s", self, u.CheckID, u.Status)
}

func (l *catalogLog) CatalogApplied(self string, index uint64, r catalog.Request, changed bool, err error) {
	l.add("%s applied %s %s changed=%v err=%v", self, r.Op, r.Node, changed, err)
}

func (l *catalogLog) AntiEntropy(self string, s SyncReport) {
	l.add("%s sync full=%v %v err=%v", self, s.Full, s.Synced, s.Err)
}

// count returns how many lines contain every one of parts.
func (l *catalogLog) count(parts ...string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, line := range l.lines {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			n++
		}
	}
	return n
}

// withCatalog gives every agent the HTTP API and the catalog, services from svcs by
// agent name, and the observer log.
func withCatalog(t *testing.T, log *catalogLog, svcs map[string][]ServiceDefinition) func(*testAgent, *Config) {
	api := withAPI(t)
	return func(a *testAgent, cfg *Config) {
		api(a, cfg)
		cfg.Catalog = true
		cfg.Services = svcs[a.name]
		cfg.CatalogObserver = log
	}
}

// healthEntries decodes a /v1/health/service answer to node -> check ID -> status.
func healthEntries(t *testing.T, r response) map[string]map[string]string {
	t.Helper()
	var es []struct {
		Node    struct{ Node string }
		Service struct{ ID string }
		Checks  []struct{ CheckID, Status string }
	}
	if err := json.Unmarshal([]byte(r.body), &es); err != nil {
		t.Fatalf("decode %q: %v", r.body, err)
	}
	out := map[string]map[string]string{}
	for _, e := range es {
		m := map[string]string{}
		for _, c := range e.Checks {
			m[c.CheckID] = c.Status
		}
		out[e.Node.Node] = m
	}
	return out
}

// passingNodes is the sorted node names /v1/health/service/NAME?passing answers via a.
func passingNodes(t *testing.T, api *apiClient, a *testAgent, name string) string {
	t.Helper()
	r := api.do(a, http.MethodGet, "/v1/health/service/"+name+"?passing", "")
	if r.code != 200 {
		t.Fatalf("health/service/%s?passing: %d %s", name, r.code, r.body)
	}
	var names []string
	for n := range healthEntries(t, r) {
		names = append(names, n)
	}
	return fmt.Sprint(sortedStrings(names))
}

func sortedStrings(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// serveOK starts an HTTP endpoint answering 200 on a's host at port, as a service would.
func serveOK(t *testing.T, a *testAgent, port int) *http.Server {
	l, err := a.host.Listen(a.addr, port)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "ok")
	}), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return srv
}
