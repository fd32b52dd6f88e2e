package node

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/consim/consim/node/serf"
	"github.com/consim/consim/node/serf/filter"
)

// userEventJSON is Consul's UserEvent as /v1/event/fire and /v1/event/list answer it.
// NodeFilter and TagFilter say which members were asked to deliver it; consim has no
// services, so ServiceFilter is always empty.
type userEventJSON struct {
	ID            string
	Name          string
	Payload       []byte
	NodeFilter    string
	ServiceFilter string
	TagFilter     string
	Version       int
	LTime         uint64
}

// eventRingSize is how many received events /v1/event/list remembers, as Consul's agent.
const eventRingSize = 256

// eventRing keeps the last user events this agent delivered, for /v1/event/list. It is a
// handler of the agent's own gossip layer.
type eventRing struct {
	mu     sync.Mutex
	events []userEventJSON
	index  uint64
}

func (r *eventRing) HandleEvent(e serf.Event) {
	ue, ok := e.(serf.UserEvent)
	if !ok {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.index++
	r.events = append(r.events, userEventJSON{
		ID: fmt.Sprintf("%s-%d", ue.Origin, ue.LTime), Name: ue.Name, Payload: ue.Payload,
		NodeFilter: strings.Join(ue.Filter.Nodes, ","), TagFilter: tagFilterText(ue.Filter),
		Version: 1, LTime: uint64(ue.LTime),
	})
	if len(r.events) > eventRingSize {
		r.events = r.events[len(r.events)-eventRingSize:]
	}
}

func tagFilterText(f filter.Filter) string {
	if len(f.Tags) == 0 {
		return ""
	}
	return strings.TrimPrefix(f.String(), "tag:")
}

// eventFire serves PUT /v1/event/fire/<name>: the body is the payload; ?node= names the
// members that deliver it (a comma list; Consul takes a regexp) and ?tag=name:regexp
// selects by gossip tag (Consul filters on service tags, which consim does not have).
func (a *Agent) eventFire(_ http.ResponseWriter, r *http.Request) (any, error) {
	name := strings.TrimPrefix(r.URL.Path, "/v1/event/fire/")
	if name == "" {
		return nil, badRequest("Missing name")
	}
	payload, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		return nil, err
	}
	var opts serf.EventOptions
	q := r.URL.Query()
	if v := q.Get("node"); v != "" {
		opts.Filter.Nodes = strings.Split(v, ",")
	}
	if v := q.Get("tag"); v != "" {
		tag, re, ok := strings.Cut(v, ":")
		if !ok {
			return nil, badRequest("Invalid tag filter %q: want name:regexp", v)
		}
		opts.Filter.Tags = map[string]string{tag: re}
	}
	lt, err := a.FireEvent(name, payload, opts)
	if err != nil {
		return nil, err
	}
	return userEventJSON{
		ID: uuid(), Name: name, Payload: payload, NodeFilter: q.Get("node"), TagFilter: q.Get("tag"),
		Version: 1, LTime: uint64(lt),
	}, nil
}

// eventList serves GET /v1/event/list (?name= filters): the user events this agent
// delivered, oldest first, at most eventRingSize. Blocking (?index) is not supported.
func (a *Agent) eventList(w http.ResponseWriter, r *http.Request) (any, error) {
	name := r.URL.Query().Get("name")
	a.api.events.mu.Lock()
	defer a.api.events.mu.Unlock()
	out := []userEventJSON{}
	for _, e := range a.api.events.events {
		if name == "" || e.Name == name {
			out = append(out, e)
		}
	}
	w.Header().Set("X-Consul-Index", strconv.FormatUint(max(a.api.events.index, 1), 10))
	return out, nil
}

// uuid is a random version-4 UUID; inside the simulation the source is seeded from the run.
func uuid() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(rand.Uint32())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
