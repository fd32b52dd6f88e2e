package serf

import (
	"bytes"
	"io"
)

// memberlist has no callback for suspicion, only a log line when a node's own probe goes
// unanswered and it starts suspecting the target (memberlist v0.7.0, state.go:
// "[INFO] memberlist: Suspect NAME has failed, no acks received"). suspectTap reads
// memberlist's log output for that line, passes every line on, and reports the
// suspicion. A test pins the line, so an upgrade that changes it fails loudly.
var (
	suspectPrefix = []byte("memberlist: Suspect ")
	suspectSuffix = []byte(" has failed, no acks received")
)

type suspectTap struct {
	s   *Serf
	out io.Writer
}

func (t *suspectTap) Write(p []byte) (int, error) {
	if i := bytes.Index(p, suspectPrefix); i >= 0 {
		rest := p[i+len(suspectPrefix):]
		if j := bytes.Index(rest, suspectSuffix); j > 0 {
			t.s.noteSuspect(string(rest[:j]))
		}
	}
	return t.out.Write(p)
}

// noteSuspect records a suspicion of a member this node sees alive. memberlist logs the
// line for every unanswered probe, also of members it already declared dead and from
// probes still in flight after Shutdown; those are not news.
func (s *Serf) noteSuspect(name string) {
	if s.State() == StateShutdown {
		return
	}
	m, ok := s.Member(name)
	if !ok || (m.Status != StatusAlive && m.Status != StatusLeaving) {
		return
	}
	s.obs.Observe(Record{Kind: RecordSuspect, Self: s.cfg.Name, Member: m})
}
