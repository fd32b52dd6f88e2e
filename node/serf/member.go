package serf

import (
	"maps"
	"net"
	"strconv"
	"time"
)

// MemberStatus is how this node sees a member.
type MemberStatus int

// Member statuses. A member is alive until it leaves (leaving, then left once memberlist
// confirms) or stops answering (failed). A failed member that is forced out becomes left.
const (
	StatusNone MemberStatus = iota
	StatusAlive
	StatusLeaving
	StatusLeft
	StatusFailed
)

// String returns "alive", "leaving", "left", "failed" or "none".
func (s MemberStatus) String() string {
	switch s {
	case StatusAlive:
		return "alive"
	case StatusLeaving:
		return "leaving"
	case StatusLeft:
		return "left"
	case StatusFailed:
		return "failed"
	}
	return "none"
}

// Member is one member of the cluster as this node sees it. Values returned by Serf are
// copies: changing one changes nothing else.
type Member struct {
	Name   string
	Addr   string // IP
	Port   uint16 // gossip port
	Tags   map[string]string
	Status MemberStatus
}

// Address returns the member's gossip address, "ip:port".
func (m Member) Address() string { return net.JoinHostPort(m.Addr, strconv.Itoa(int(m.Port))) }

func (m Member) clone() Member {
	m.Tags = maps.Clone(m.Tags)
	return m
}

// memberState is Serf's record of a member. Guarded by Serf.memberMu.
type memberState struct {
	Member
	// statusLTime is the member-clock time of the last intent applied: older intents
	// about this member are ignored.
	statusLTime LamportTime
	// leaveTime is when the member became failed or left; the reaper counts from it.
	leaveTime time.Time
}
