package reports

import (
	"fmt"
	"io"
	"strings"
)

// WriteText prints the summary for a person: what ran, how fast, and what happened.
func WriteText(w io.Writer, s Summary) {
	fmt.Fprintf(w, "scenario   %s (seed %d, %s, %s)\n", s.Scenario, s.Seed, count(s.Servers, "server"), count(s.Clients, "client"))
	if len(s.Bugs) > 0 {
		fmt.Fprintf(w, "BUGS       PLANTED: %s: the nodes of this run are broken on purpose; its verdicts judge the planted bug, not consim's node\n",
			strings.Join(s.Bugs, ", "))
	}
	if s.WallSeconds > 0 {
		fmt.Fprintf(w, "time       %.1f s virtual in %.2f s wall (%.0fx)\n", s.VirtualSeconds, s.WallSeconds, s.Speedup)
	} else {
		fmt.Fprintf(w, "time       %.1f s virtual (wall time unknown)\n", s.VirtualSeconds)
	}
	fmt.Fprintf(w, "events     %d (stream sha256 %.16s)\n", s.Events, s.StreamSHA256)
	leader := "none"
	if len(s.FinalLeaders) > 0 {
		leader = strings.Join(s.FinalLeaders, ", ")
	}
	fmt.Fprintf(w, "raft       %d leader election(s); leader at the end: %s\n", s.LeaderElections, leader)
	members := s.Servers + s.Clients
	if s.ConvergedAtSeconds != nil {
		fmt.Fprintf(w, "gossip     all %d members saw all %d alive at %.3f s\n", members, members, *s.ConvergedAtSeconds)
	} else {
		fmt.Fprintf(w, "gossip     never converged: %s\n", notConverged(s.NotConverged, members))
	}
	n := s.Net
	dropped := n.PacketsDropped()
	fmt.Fprintf(w, "network    %d packets sent, %d delivered, %d dropped; %d streams, %d stream bytes\n",
		n.PacketsSent, n.PacketsDelivered, dropped, n.StreamsOpened, n.StreamBytes)
	writeGossip(w, s)
	writeLocks(w, s)
	writeDiscovery(w, s)
	writeRegistrations(w, s)
	writeFaults(w, s)
	writeChecks(w, s)
	if s.Workload != nil {
		writeWorkload(w, s.Workload)
		writeVerdicts(w, s)
	}
	writeExpectations(w, s.Expectations)
}

// notConverged says who missed whom, at the moment gossip came closest to converging.
func notConverged(nc *NotConverged, members int) string {
	if nc == nil {
		return fmt.Sprintf("not every member saw all %d alive", members)
	}
	var who []string
	for _, m := range nc.Missing[:min(len(nc.Missing), 3)] {
		who = append(who, fmt.Sprintf("%s did not see %s alive", m.Observer, m.Member))
	}
	if n := len(nc.Missing) - len(who); n > 0 {
		who = append(who, fmt.Sprintf("%d more", n))
	}
	return fmt.Sprintf("closest at %.3f s, when %s", nc.ClosestAtSeconds, strings.Join(who, ", "))
}

func count(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// writeExpectations prints one line per expectation.
func writeExpectations(w io.Writer, xs []Expectation) {
	for _, x := range xs {
		mark := "ok  "
		switch {
		case x.Undecided:
			mark = "LIMIT"
		case !x.OK:
			mark = "FAIL"
		}
		fmt.Fprintf(w, "expect     %s %s (%s)\n", mark, x.Name, x.Detail)
	}
}
