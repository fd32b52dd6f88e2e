package scenarios

import (
	"fmt"
	"maps"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/consim/consim/node/serf/filter"
)

// Limits of the actions section.
const (
	// MaxActions bounds the actions of a scenario.
	MaxActions = 10_000
	// MaxQueryTimeout bounds an action's query timeout.
	MaxQueryTimeout = Duration(time.Hour)
	// MaxRelay bounds a query's relay factor (the Serf layer's QueryRelayLimit).
	MaxRelay = 3
	// MaxTagsSize is memberlist's node meta limit, which a node's encoded tags must fit.
	MaxTagsSize = 512
	// Datacenter is the dc tag every node starts with.
	Datacenter = "dc1"
)

// Action is one thing done to the cluster at a virtual time: exactly one of its kinds is
// set. Actions run in the order written, which must be time order.
type Action struct {
	// At is when the action happens, from 0s to before the end of the run.
	At Duration `yaml:"at" json:"at"`
	// Event fires a user event.
	Event *EventAction `yaml:"event" json:"event,omitempty"`
	// Query starts a query and collects its answers.
	Query *QueryAction `yaml:"query" json:"query,omitempty"`
	// Tags changes a node's tags.
	Tags *TagsAction `yaml:"tags" json:"tags,omitempty"`
	// Leave makes the named node leave gracefully and stop.
	Leave string `yaml:"leave" json:"leave,omitempty"`
	// Fail crashes the named node: its host goes down without a word.
	Fail string `yaml:"fail" json:"fail,omitempty"`
	// Join makes a node join through another one; a node that left or failed is
	// restarted first (a server on its disk).
	Join *JoinAction `yaml:"join" json:"join,omitempty"`
	// ForceLeave forces a failed member out.
	ForceLeave *ForceLeaveAction `yaml:"force_leave" json:"force_leave,omitempty"`
	// Check sets a TTL check's status, as /v1/agent/check/pass|warn|fail do.
	Check *CheckAction `yaml:"check" json:"check,omitempty"`
}

// keepZero keeps "at: 0s" in the canonical form: at is required.
func (Action) keepZero(key string) bool { return key == "at" }

// Kinds returns the kinds set on a, in the order of the fields.
func (a Action) Kinds() []string {
	var out []string
	for _, k := range []struct {
		name string
		set  bool
	}{
		{"event", a.Event != nil}, {"query", a.Query != nil}, {"tags", a.Tags != nil}, {"leave", a.Leave != ""},
		{"fail", a.Fail != ""}, {"join", a.Join != nil}, {"force_leave", a.ForceLeave != nil}, {"check", a.Check != nil},
	} {
		if k.set {
			out = append(out, k.name)
		}
	}
	return out
}

// Target selects members: by name, by tag patterns (full-match regular expressions), or
// both. Empty selects every member.
type Target struct {
	Nodes []string          `yaml:"nodes" json:"nodes,omitempty"`
	Tags  map[string]string `yaml:"tags" json:"tags,omitempty"`
}

// Filter returns the target as the Serf layer's member filter.
func (t Target) Filter() filter.Filter { return filter.Filter{Nodes: t.Nodes, Tags: t.Tags} }

// EventAction fires a user event from a node.
type EventAction struct {
	From     string `yaml:"from" json:"from"`
	Name     string `yaml:"name" json:"name"`
	Payload  string `yaml:"payload" json:"payload,omitempty"`
	Coalesce bool   `yaml:"coalesce" json:"coalesce,omitempty"`
	// To limits the members that deliver the event; default every member.
	To Target `yaml:"to" json:"to,omitzero"`
}

// QueryAction starts a query from a node.
type QueryAction struct {
	From    string `yaml:"from" json:"from"`
	Name    string `yaml:"name" json:"name"`
	Payload string `yaml:"payload" json:"payload,omitempty"`
	// To limits the members that answer; default every member.
	To Target `yaml:"to" json:"to,omitzero"`
	// Timeout is how long answers are collected; default the Serf layer's
	// (GossipInterval x 16 x ceil(log10(members + 1))).
	Timeout Duration `yaml:"timeout" json:"timeout,omitempty"`
	// Ack asks selected members to acknowledge receipt.
	Ack bool `yaml:"ack" json:"ack,omitempty"`
	// Relay is how many other members each answer is also relayed through, 0 to 3.
	Relay int `yaml:"relay" json:"relay,omitempty"`
}

// TagsAction sets and deletes tags of a node (Serf's `serf tags -set -delete`).
type TagsAction struct {
	Node   string            `yaml:"node" json:"node"`
	Set    map[string]string `yaml:"set" json:"set,omitempty"`
	Delete []string          `yaml:"delete" json:"delete,omitempty"`
}

// JoinAction makes Node join the cluster through Via: a node name or an "ip:port".
type JoinAction struct {
	Node string `yaml:"node" json:"node"`
	Via  string `yaml:"via" json:"via"`
}

// CheckAction sets the status (and output) of a TTL check of a service on Node, and
// restarts its TTL.
type CheckAction struct {
	Node   string `yaml:"node" json:"node"`
	ID     string `yaml:"id" json:"id"`
	Status string `yaml:"status" json:"status"`
	Output string `yaml:"output" json:"output,omitempty"`
}

// ForceLeaveAction makes From force the failed Member out; Prune forgets it at once.
type ForceLeaveAction struct {
	From   string `yaml:"from" json:"from"`
	Member string `yaml:"member" json:"member"`
	Prune  bool   `yaml:"prune" json:"prune,omitempty"`
}

// DefaultTags returns the tags a node starts with: its role and the datacenter.
func DefaultTags(server bool) map[string]string {
	role := "client"
	if server {
		role = "server"
	}
	return map[string]string{"role": role, "dc": Datacenter}
}

// TagsSize is the size of tags as the Serf layer encodes them into node meta.
func TagsSize(tags map[string]string) int {
	n := 1 + uvarintLen(len(tags))
	for k, v := range tags {
		n += uvarintLen(len(k)) + len(k) + uvarintLen(len(v)) + len(v)
	}
	return n
}

func uvarintLen(x int) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}

// lifecycle follows each node through the actions, as the world will run them.
type lifecycle struct {
	stopped map[string]string // why a node is not running: "it left at 10s"
	tags    map[string]map[string]string
}

func newLifecycle(s *Scenario) *lifecycle {
	l := &lifecycle{stopped: map[string]string{}, tags: map[string]map[string]string{}}
	for _, n := range s.NodeNames() {
		l.tags[n] = DefaultTags(strings.HasPrefix(n, "server-"))
	}
	return l
}

// checkActions checks the actions section.
func checkActions(c *validator, s *Scenario) {
	if len(s.Actions) > MaxActions {
		c.errorf("actions", "at most %d actions, got %d", MaxActions, len(s.Actions))
		return
	}
	life := newLifecycle(s)
	prev := Duration(-1)
	for i, a := range s.Actions {
		path := fmt.Sprintf("actions[%d]", i)
		if c.broken(path) {
			continue
		}
		if !c.has(path+".at", true) {
			c.missing(path + ".at")
		} else if !c.broken(path + ".at") {
			durationOK := s.Duration >= MinDuration && s.Duration <= MaxDuration
			switch {
			case a.At < 0 || (durationOK && a.At >= s.Duration):
				c.errorf(path+".at", "must be at least 0s and before the end of the run (duration %s), got %s", s.Duration, a.At)
			case a.At < prev:
				c.errorf(path+".at", "is before the previous action (%s): list actions in time order", prev)
			}
			prev = max(prev, a.At)
		}
		kinds := a.Kinds()
		// In a file, an empty leave or fail is written, and an error of its own.
		for _, k := range []struct {
			key string
			v   string
		}{{"leave", a.Leave}, {"fail", a.Fail}} {
			if k.v == "" && c.has(path+"."+k.key, false) {
				kinds = append(kinds, k.key)
			}
		}
		switch len(kinds) {
		case 0:
			c.errorf(path, "write one of event, query, tags, leave, fail, join, force_leave, check")
			continue
		case 1:
		default:
			c.errorf(path, "write exactly one of event, query, tags, leave, fail, join, force_leave, check; found %s", strings.Join(kinds, " and "))
			continue
		}
		at := a.At.String()
		switch {
		case a.Event != nil:
			checkEventAction(c, s, life, path+".event", at, a.Event)
		case a.Query != nil:
			checkQueryAction(c, s, life, path+".query", at, a.Query)
		case a.Tags != nil:
			checkTagsAction(c, s, life, path+".tags", at, a.Tags)
		case kinds[0] == "leave":
			if life.running(c, s, path+".leave", a.Leave, at) {
				life.stopped[a.Leave] = "it left at " + at
			}
		case kinds[0] == "fail":
			if life.running(c, s, path+".fail", a.Fail, at) {
				life.stopped[a.Fail] = "it failed at " + at
			}
		case a.Join != nil:
			checkJoinAction(c, s, life, path+".join", at, a.Join)
		case a.Check != nil:
			checkCheckAction(c, s, life, path+".check", at, a.Check)
		case a.ForceLeave != nil:
			f := a.ForceLeave
			life.running(c, s, path+".force_leave.from", f.From, at)
			if requireString(c, path+".force_leave.member", f.Member) && checkNodeName(c, s, path+".force_leave.member", f.Member) && f.Member == f.From {
				c.errorf(path+".force_leave.member", "a node cannot force itself out (use leave)")
			}
		}
	}
}

// running reports whether name is a node that is running at this point, and says why
// not otherwise.
func (l *lifecycle) running(c *validator, s *Scenario, path, name, at string) bool {
	if !requireString(c, path, name) || !checkNodeName(c, s, path, name) {
		return false
	}
	if why, ok := l.stopped[name]; ok {
		c.errorf(path, "%s is not running at %s: %s", name, at, why)
		return false
	}
	return true
}

// requireString reports a required string left out or empty.
func requireString(c *validator, path, v string) bool {
	if !c.has(path, v != "") {
		c.missing(path)
		return false
	}
	if v == "" {
		c.errorf(path, "must not be empty")
		return false
	}
	return true
}

func checkEventAction(c *validator, s *Scenario, l *lifecycle, path, at string, e *EventAction) {
	l.running(c, s, path+".from", e.From, at)
	if requireString(c, path+".name", e.Name) {
		checkEventName(c, path+".name", e.Name)
	}
	limit := DefaultEventSizeLimit
	if s.Gossip.EventSizeLimit > 0 && s.Gossip.EventSizeLimit <= MaxEventSizeLimit {
		limit = s.Gossip.EventSizeLimit
	}
	if size := len(e.Name) + len(e.Payload); size > limit {
		c.errorf(path+".payload", "name + payload are %d bytes, over the event size limit of %d (gossip.event_size_limit, at most %d)", size, limit, MaxEventSizeLimit)
	}
	checkTarget(c, s, path+".to", e.To)
}

func checkQueryAction(c *validator, s *Scenario, l *lifecycle, path, at string, q *QueryAction) {
	l.running(c, s, path+".from", q.From, at)
	if requireString(c, path+".name", q.Name) {
		checkEventName(c, path+".name", q.Name)
	}
	if size := len(q.Name) + len(q.Payload); size > MaxQuerySize {
		c.errorf(path+".payload", "name + payload are %d bytes, over the query size limit of %d", size, MaxQuerySize)
	}
	checkTarget(c, s, path+".to", q.To)
	if c.has(path+".timeout", q.Timeout != 0) && !(q.Timeout > 0 && q.Timeout <= MaxQueryTimeout) {
		c.errorf(path+".timeout", "must be above 0s and at most %s, got %s (leave it out for the default)", MaxQueryTimeout, q.Timeout)
	}
	if q.Relay < 0 || q.Relay > MaxRelay {
		c.errorf(path+".relay", "must be between 0 and %d, got %d", MaxRelay, q.Relay)
	}
}

// checkEventName checks a user event or query name: handler filters name it, so it may
// hold neither commas nor white space.
func checkEventName(c *validator, path, name string) {
	if strings.ContainsAny(name, ", \t\n") {
		c.errorf(path, "must not contain commas or white space (handler filters name it, as user:NAME), got %q", name)
	}
}

func checkTarget(c *validator, s *Scenario, path string, t Target) {
	for i, n := range t.Nodes {
		checkNodeName(c, s, fmt.Sprintf("%s.nodes[%d]", path, i), n)
	}
	keys := make([]string, 0, len(t.Tags))
	for k := range t.Tags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if _, err := (filter.Filter{Tags: map[string]string{k: t.Tags[k]}}).Compile(); err != nil {
			c.errorf(path+".tags."+k, "%s", strings.TrimPrefix(err.Error(), "filter: "))
		}
	}
}

func checkTagsAction(c *validator, s *Scenario, l *lifecycle, path, at string, t *TagsAction) {
	if !l.running(c, s, path+".node", t.Node, at) {
		return
	}
	if len(t.Set) == 0 && len(t.Delete) == 0 {
		c.errorf(path, "write set, delete or both")
		return
	}
	tags := l.tags[t.Node]
	next := make(map[string]string, len(tags))
	for k, v := range tags {
		next[k] = v
	}
	keys := make([]string, 0, len(t.Set))
	for k := range t.Set {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	ok := true
	for _, k := range keys {
		if k == "" || k == "role" {
			c.errorf(path+".set."+k, "tag %q cannot be set: role is the agent's (server or client), and a tag needs a name", k)
			ok = false
		}
		next[k] = t.Set[k]
	}
	for i, k := range t.Delete {
		if k == "role" {
			c.errorf(fmt.Sprintf("%s.delete[%d]", path, i), "the role tag cannot be deleted: servers are found by it")
			ok = false
		}
		if _, set := t.Set[k]; set {
			c.errorf(fmt.Sprintf("%s.delete[%d]", path, i), "tag %q is both set and deleted", k)
			ok = false
		}
		delete(next, k)
	}
	if size := TagsSize(next); size > MaxTagsSize {
		c.errorf(path, "%s's tags would take %d bytes encoded, over memberlist's node meta limit of %d", t.Node, size, MaxTagsSize)
		ok = false
	}
	if ok {
		l.tags[t.Node] = next
	}
}

func checkJoinAction(c *validator, s *Scenario, l *lifecycle, path, at string, j *JoinAction) {
	nodeOK := requireString(c, path+".node", j.Node) && checkNodeName(c, s, path+".node", j.Node)
	if _, stopped := l.stopped[j.Node]; nodeOK && stopped {
		// The node restarts (a server on its disk), with its initial tags.
		delete(l.stopped, j.Node)
		l.tags[j.Node] = DefaultTags(strings.HasPrefix(j.Node, "server-"))
	}
	if !requireString(c, path+".via", j.Via) {
		return
	}
	if host, port, err := net.SplitHostPort(j.Via); err == nil {
		p, perr := strconv.Atoi(port)
		switch {
		case net.ParseIP(host) == nil:
			c.errorf(path+".via", "%q is not an IP address: write a node name or ip:port (there is no DNS in the simulation)", host)
		case perr != nil || p < 1 || p > 65535:
			c.errorf(path+".via", "port %q must be 1 to 65535", port)
		}
		return
	}
	if checkNodeName(c, s, path+".via", j.Via) && j.Via == j.Node {
		c.errorf(path+".via", "a node cannot join through itself")
	}
}

// checkCheckAction checks a check action: a running node, one of its TTL checks, a status.
func checkCheckAction(c *validator, s *Scenario, l *lifecycle, path, at string, a *CheckAction) {
	if l.running(c, s, path+".node", a.Node, at) && requireString(c, path+".id", a.ID) {
		checks := s.ServiceChecks(a.Node)
		switch kind, ok := checks[a.ID]; {
		case !ok:
			ids := slices.Sorted(maps.Keys(checks))
			if len(ids) == 0 {
				c.errorf(path+".id", "%s runs no service with checks (services:)", a.Node)
			} else {
				c.errorf(path+".id", "%s has no check %q; its checks are %s", a.Node, a.ID, strings.Join(ids, ", "))
			}
		case kind != "ttl":
			c.errorf(path+".id", "%q is a%s %s check: only ttl checks are updated by actions", a.ID, map[bool]string{true: "n", false: ""}[kind == "http"], kind)
		}
	}
	if !c.has(path+".status", a.Status != "") {
		c.missing(path + ".status")
	} else if !slices.Contains(CheckStatuses, a.Status) {
		c.errorf(path+".status", "must be one of passing, warning, critical, got %q", a.Status)
	}
	if len(a.Output) > MaxCheckOutput {
		c.errorf(path+".output", "at most %d bytes, got %d", MaxCheckOutput, len(a.Output))
	}
}
