package scenarios

import (
	"os"
	"strings"
	"testing"
)

// gossipBase has clients, so that actions can name them. Fragments start at line 4.
const gossipBase = "cluster: {servers: 3, clients: 2}\n"

// TestGossipAndActionRules has a good and a bad case for every rule of the gossip and
// actions sections.
func TestGossipAndActionRules(t *testing.T) {
	tests := []struct {
		name, fragment, want string
	}{
		// gossip
		{"gossip all fields", "gossip:\n  profile: wan\n  event_size_limit: 1024\n  coalesce_period: 5s\n  quiescent_period: 1s\n" +
			"  user_coalesce_period: 2s\n  user_quiescent_period: 500ms\n  reap_interval: 5s\n  reconnect_timeout: 1m\n  tombstone_timeout: 30s\n  replay: true\n", ""},
		{"profile bad", "gossip: {profile: metro}\n", `t.yaml:4:19: gossip.profile: must be one of lan, wan, local, got "metro"`},
		{"event size 0", "gossip: {event_size_limit: 0}\n", `t.yaml:4:28: gossip.event_size_limit: must be between 1 and 1024 bytes (an event must fit one gossip packet), got 0`},
		{"event size over cap", "gossip: {event_size_limit: 9216}\n", `t.yaml:4:28: gossip.event_size_limit: must be between 1 and 1024 bytes (an event must fit one gossip packet), got 9216`},
		{"quiescent alone", "gossip: {quiescent_period: 1s}\n", `t.yaml:4:28: gossip.quiescent_period: applies only with coalesce_period (a quiescent period ends a coalescing window early)`},
		{"coalesce negative", "gossip: {user_coalesce_period: -1s}\n", `t.yaml:4:32: gossip.user_coalesce_period: must be between 0s and 1h0m0s, got -1s`},
		{"reap interval 0", "gossip: {reap_interval: 0s}\n", `t.yaml:4:25: gossip.reap_interval: must be between 1s and 1h0m0s, got 0s`},
		{"tombstone too long", "gossip: {tombstone_timeout: 25h}\n", `t.yaml:4:29: gossip.tombstone_timeout: must be between 1s and 24h0m0s, got 25h0m0s`},

		// gossip.handlers
		{"handlers ok", "gossip:\n  handlers:\n    - {filter: \"member-join,user:deploy\"}\n    - {name: pong, filter: \"query:ping\", respond: pong, nodes: [server-1, client-2]}\n", ""},
		{"handler unknown event", "gossip:\n  handlers:\n    - {filter: \"member-join,user:deploy,membr-leave\"}\n", `t.yaml:6:16: gossip.handlers[0].filter: unknown event "membr-leave" in filter "member-join,user:deploy,membr-leave": want member-join, member-leave, member-failed, member-update, member-reap, user, query, *, user:NAME or query:NAME`},
		{"handler no filter", "gossip:\n  handlers:\n    - {name: x}\n", `t.yaml:6:7: gossip.handlers[0].filter: required field is missing`},
		{"handler named event", "gossip:\n  handlers:\n    - {filter: \"member-join:x\"}\n", `t.yaml:6:16: gossip.handlers[0].filter: event filter "member-join:x": only user and query take a name (user:NAME, query:NAME)`},
		{"handler bad node", "gossip:\n  handlers:\n    - {filter: \"*\", nodes: [client-3]}\n", `t.yaml:6:29: gossip.handlers[0].nodes[0]: no node "client-3": clients are client-1 to client-2`},
		{"handler respond to events", "gossip:\n  handlers:\n    - {filter: user, respond: x}\n", `t.yaml:6:31: gossip.handlers[0].respond: applies only to a handler whose filter takes queries (query, query:NAME or *), not "user"`},

		// actions: time and shape
		{"actions ok", "actions:\n  - {at: 0s, event: {from: server-1, name: deploy, payload: v2}}\n  - {at: 1s, query: {from: client-1, name: ping, ack: true, relay: 2, timeout: 2s, to: {tags: {role: server}}}}\n" +
			"  - {at: 2s, tags: {node: client-2, set: {version: \"2\"}, delete: [dc]}}\n  - {at: 3s, leave: client-1}\n  - {at: 3s, fail: client-2}\n" +
			"  - {at: 5s, force_leave: {from: server-1, member: client-2, prune: true}}\n  - {at: 6s, join: {node: client-1, via: server-2}}\n  - {at: 7s, join: {node: client-2, via: \"127.0.1.1:8301\"}}\n", ""},
		{"action no at", "actions:\n  - {leave: client-1}\n", `t.yaml:5:5: actions[0].at: required field is missing`},
		{"action after end", "actions:\n  - {at: 10s, leave: client-1}\n", `t.yaml:5:10: actions[0].at: must be at least 0s and before the end of the run (duration 10s), got 10s`},
		{"actions out of order", "actions:\n  - {at: 2s, leave: client-1}\n  - {at: 1s, leave: client-2}\n", `t.yaml:6:10: actions[1].at: is before the previous action (2s): list actions in time order`},
		{"action empty", "actions:\n  - {at: 1s}\n", `t.yaml:5:5: actions[0]: write one of event, query, tags, leave, fail, join, force_leave, check`},
		{"action two kinds", "actions:\n  - {at: 1s, leave: client-1, fail: client-2}\n", `t.yaml:5:5: actions[0]: write exactly one of event, query, tags, leave, fail, join, force_leave, check; found leave and fail`},
		{"action unknown kind", "actions:\n  - {at: 1s, crash: client-1}\n", `t.yaml:5:5: actions[0]: write one of event, query, tags, leave, fail, join, force_leave, check` + "\n" +
			`t.yaml:5:14: actions[0].crash: unknown field "crash"; allowed in actions[0]: at, event, query, tags, leave, fail, join, force_leave, check`},

		// actions: event
		{"event no name", "actions:\n  - {at: 1s, event: {from: server-1}}\n", `t.yaml:5:14: actions[0].event.name: required field is missing`},
		{"event bad name", "actions:\n  - {at: 1s, event: {from: server-1, name: \"a,b\"}}\n", `t.yaml:5:44: actions[0].event.name: must not contain commas or white space (handler filters name it, as user:NAME), got "a,b"`},
		{"event oversized", "actions:\n  - {at: 1s, event: {from: server-1, name: big, payload: " + strings.Repeat("x", 510) + "}}\n", `t.yaml:5:58: actions[0].event.payload: name + payload are 513 bytes, over the event size limit of 512 (gossip.event_size_limit, at most 1024)`},
		{"event within raised limit", "gossip: {event_size_limit: 1024}\nactions:\n  - {at: 1s, event: {from: server-1, name: big, payload: " + strings.Repeat("x", 1000) + "}}\n", ""},
		{"event unknown node", "actions:\n  - {at: 1s, event: {from: server-4, name: x}}\n", `t.yaml:5:28: actions[0].event.from: no node "server-4": servers are server-1 to server-3`},
		{"event bad target", "actions:\n  - {at: 1s, event: {from: server-1, name: x, to: {nodes: [db-1], tags: {role: \"(\"}}}}\n", `t.yaml:5:60: actions[0].event.to.nodes[0]: no node "db-1": nodes are named server-N and client-N` + "\n" +
			"t.yaml:5:80: actions[0].event.to.tags.role: tag role: error parsing regexp: missing closing ): `(`"},

		// actions: query
		{"query big", "actions:\n  - {at: 1s, query: {from: server-1, name: q, payload: " + strings.Repeat("x", 1024) + "}}\n", `t.yaml:5:56: actions[0].query.payload: name + payload are 1025 bytes, over the query size limit of 1024`},
		{"query relay", "actions:\n  - {at: 1s, query: {from: server-1, name: q, relay: 4}}\n", `t.yaml:5:54: actions[0].query.relay: must be between 0 and 3, got 4`},
		{"query timeout", "actions:\n  - {at: 1s, query: {from: server-1, name: q, timeout: 0s}}\n", `t.yaml:5:56: actions[0].query.timeout: must be above 0s and at most 1h0m0s, got 0s (leave it out for the default)`},

		// actions: tags
		{"tags nothing", "actions:\n  - {at: 1s, tags: {node: client-1}}\n", `t.yaml:5:14: actions[0].tags: write set, delete or both`},
		{"tags role", "actions:\n  - {at: 1s, tags: {node: client-1, set: {role: server}}}\n", `t.yaml:5:49: actions[0].tags.set.role: tag "role" cannot be set: role is the agent's (server or client), and a tag needs a name`},
		{"tags too big", "actions:\n  - {at: 1s, tags: {node: client-1, set: {blob: " + strings.Repeat("x", 500) + "}}}\n", `t.yaml:5:14: actions[0].tags: client-1's tags would take 528 bytes encoded, over memberlist's node meta limit of 512`},

		// actions: lifecycle
		{"event after leave", "actions:\n  - {at: 1s, leave: client-1}\n  - {at: 2s, event: {from: client-1, name: x}}\n", `t.yaml:6:28: actions[1].event.from: client-1 is not running at 2s: it left at 1s`},
		{"fail twice", "actions:\n  - {at: 1s, fail: server-2}\n  - {at: 2s, fail: server-2}\n", `t.yaml:6:20: actions[1].fail: server-2 is not running at 2s: it failed at 1s`},
		{"restart server", "actions:\n  - {at: 1s, fail: server-2}\n  - {at: 2s, join: {node: server-2, via: server-1}}\n  - {at: 3s, leave: server-2}\n", ""},
		{"restarted client acts", "actions:\n  - {at: 1s, fail: client-1}\n  - {at: 2s, join: {node: client-1, via: server-1}}\n  - {at: 3s, event: {from: client-1, name: back}}\n", ""},
		{"join via name", "actions:\n  - {at: 1s, join: {node: client-1, via: \"consul.local:8301\"}}\n", `t.yaml:5:42: actions[0].join.via: "consul.local" is not an IP address: write a node name or ip:port (there is no DNS in the simulation)`},
		{"join via itself", "actions:\n  - {at: 1s, join: {node: client-1, via: client-1}}\n", `t.yaml:5:42: actions[0].join.via: a node cannot join through itself`},
		{"force leave itself", "actions:\n  - {at: 1s, force_leave: {from: server-1, member: server-1}}\n", `t.yaml:5:52: actions[0].force_leave.member: a node cannot force itself out (use leave)`},
		{"leave empty", "actions:\n  - {at: 1s, leave: \"\"}\n", `t.yaml:5:21: actions[0].leave: must not be empty`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := withBase(gossipBase + tt.fragment)
			s, err := Parse("t.yaml", []byte(doc))
			if got := errText(err); got != tt.want {
				t.Errorf("file:\n%s\ngot errors:\n%s\nwant:\n%s", doc, got, tt.want)
			}
			if err == nil {
				if err := s.Validate(); err != nil {
					t.Errorf("Parse accepted the file but Validate says:\n%v", err)
				}
				checkRoundTrip(t, s)
			}
		})
	}
}

// The gossip and actions examples of docs/scenarios.md are valid sections.
func TestGossipDocsExamples(t *testing.T) {
	data, err := os.ReadFile("../docs/scenarios.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	checked := 0
	for _, sec := range []string{"## `gossip`", "## `actions`"} {
		i := strings.Index(doc, sec)
		if i < 0 {
			t.Fatalf("docs have no %s section", sec)
		}
		rest := doc[i:]
		start := strings.Index(rest, "```yaml\n")
		end := strings.Index(rest[start+8:], "```\n")
		block := rest[start+8 : start+8+end]
		file := "name: example\nduration: 40s\ncluster: {servers: 3, clients: 5}\n" + block
		s, err := Parse("example.yaml", []byte(file))
		if err != nil {
			t.Errorf("%s example does not parse:\n%s\n%v", sec, block, err)
			continue
		}
		checkRoundTrip(t, s)
		checked++
	}
	if checked != 2 {
		t.Errorf("checked %d examples", checked)
	}
}
