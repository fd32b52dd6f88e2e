package serf

import (
	"fmt"
	"slices"
	"strings"
)

// ScriptEnv returns the environment Serf's agent gives an event handler script, so that
// a script handler for a real agent is a thin wrapper around os/exec:
//
//	SERF_EVENT         member-join, member-leave, member-failed, member-update,
//	                   member-reap, user or query
//	SERF_SELF_NAME     the local node's name
//	SERF_SELF_ROLE     its "role" tag
//	SERF_TAG_<NAME>    each of its tags, the name upper-cased, other characters than
//	                   letters, digits and _ replaced by _
//	SERF_USER_EVENT    user events: the event's name
//	SERF_USER_LTIME    user events: its Lamport time
//	SERF_QUERY_NAME    queries: the query's name
//	SERF_QUERY_LTIME   queries: its Lamport time
//
// The list is sorted, so it is the same for the same input.
func ScriptEnv(self Member, e Event) []string {
	env := []string{
		"SERF_EVENT=" + e.EventType().String(),
		"SERF_SELF_NAME=" + self.Name,
		"SERF_SELF_ROLE=" + self.Tags["role"],
	}
	for k, v := range self.Tags {
		env = append(env, "SERF_TAG_"+envName(k)+"="+v)
	}
	switch ev := e.(type) {
	case UserEvent:
		env = append(env, "SERF_USER_EVENT="+ev.Name, fmt.Sprintf("SERF_USER_LTIME=%d", ev.LTime))
	case *Query:
		env = append(env, "SERF_QUERY_NAME="+ev.Name, fmt.Sprintf("SERF_QUERY_LTIME=%d", ev.LTime))
	}
	slices.Sort(env)
	return env
}

// ScriptStdin returns what the script reads on stdin: for a member event one line per
// member, "NAME<tab>ADDR<tab>ROLE<tab>TAGS" with TAGS as k=v pairs joined by commas in
// key order (tabs and newlines in values escaped as \t and \n); for a user event or a
// query its payload.
func ScriptStdin(e Event) []byte {
	switch ev := e.(type) {
	case MemberEvent:
		var b strings.Builder
		for _, m := range ev.Members {
			keys := make([]string, 0, len(m.Tags))
			for k := range m.Tags {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			pairs := make([]string, len(keys))
			for i, k := range keys {
				pairs[i] = clean(k) + "=" + clean(m.Tags[k])
			}
			fmt.Fprintf(&b, "%s\t%s\t%s\t%s\n", clean(m.Name), m.Addr, clean(m.Tags["role"]), strings.Join(pairs, ","))
		}
		return []byte(b.String())
	case UserEvent:
		return ev.Payload
	case *Query:
		return ev.Payload
	}
	return nil
}

func envName(k string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_':
			return r
		}
		return '_'
	}, k)
}

var cleaner = strings.NewReplacer("\t", `\t`, "\n", `\n`)

func clean(s string) string { return cleaner.Replace(s) }
