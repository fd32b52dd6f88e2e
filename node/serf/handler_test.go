package serf

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseEventFilter(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []EventFilter
		err  string
	}{
		{"*", []EventFilter{{Event: "*"}}, ""},
		{"member-join,user:deploy", []EventFilter{{Event: "member-join"}, {Event: "user", Name: "deploy"}}, ""},
		{"member-leave, member-failed ,member-update,member-reap", []EventFilter{{Event: "member-leave"}, {Event: "member-failed"}, {Event: "member-update"}, {Event: "member-reap"}}, ""},
		{"user,query,query:uptime", []EventFilter{{Event: "user"}, {Event: "query"}, {Event: "query", Name: "uptime"}}, ""},
		{"", nil, "empty event filter"},
		{"member-joined", nil, `unknown event "member-joined"`},
		{"member-join,", nil, "has an empty item"},
		{"member-join:x", nil, "only user and query take a name"},
		{"user:", nil, "a name is needed after the colon"},
	} {
		got, err := ParseEventFilter(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseEventFilter(%q) = %v, %v; want error %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseEventFilter(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestEventFilterMatch(t *testing.T) {
	join := MemberEvent{Type: EventMemberJoin}
	deploy := UserEvent{Name: "deploy"}
	uptime := &Query{Name: "uptime"}
	for _, tc := range []struct {
		filter string
		ev     Event
		want   bool
	}{
		{"*", join, true},
		{"member-join", join, true},
		{"member-leave", join, false},
		{"user", deploy, true},
		{"user:deploy", deploy, true},
		{"user:other", deploy, false},
		{"query:uptime", uptime, true},
		{"query", uptime, true},
		{"user:uptime", uptime, false},
		{"member-join,user:deploy", deploy, true},
	} {
		fs, err := ParseEventFilter(tc.filter)
		if err != nil {
			t.Fatal(err)
		}
		h := &registeredHandler{filters: fs}
		if got := h.wants(tc.ev); got != tc.want {
			t.Errorf("filter %q on %s: %v, want %v", tc.filter, tc.ev, got, tc.want)
		}
	}
	if deploy.String() != "user:deploy" || uptime.String() != "query:uptime" || join.String() != "member-join" {
		t.Error("event names do not match the filter syntax")
	}
}

func TestScriptEnv(t *testing.T) {
	self := Member{Name: "web-1", Tags: map[string]string{"role": "web", "dc-name": "east"}}
	env := ScriptEnv(self, UserEvent{Name: "deploy", LTime: 7, Payload: []byte("v2")})
	want := []string{"SERF_EVENT=user", "SERF_SELF_NAME=web-1", "SERF_SELF_ROLE=web", "SERF_TAG_DC_NAME=east",
		"SERF_TAG_ROLE=web", "SERF_USER_EVENT=deploy", "SERF_USER_LTIME=7"}
	if !reflect.DeepEqual(env, want) {
		t.Errorf("ScriptEnv = %q\nwant %q", env, want)
	}
	if q := ScriptEnv(self, &Query{Name: "up", LTime: 3}); !strings.Contains(strings.Join(q, " "), "SERF_EVENT=query SERF_QUERY_LTIME=3 SERF_QUERY_NAME=up") {
		t.Errorf("query env %q", q)
	}
	in := ScriptStdin(MemberEvent{Type: EventMemberJoin, Members: []Member{
		{Name: "a", Addr: "127.0.0.1", Tags: map[string]string{"role": "db", "note": "x\ty"}},
		{Name: "b", Addr: "127.0.0.2"},
	}})
	if got := string(in); got != "a\t127.0.0.1\tdb\tnote=x\\ty,role=db\nb\t127.0.0.2\t\t\n" {
		t.Errorf("member stdin %q", got)
	}
	if got := ScriptStdin(UserEvent{Payload: []byte("v2")}); string(got) != "v2" {
		t.Errorf("user stdin %q", got)
	}
}
