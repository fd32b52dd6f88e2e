package catalog

import (
	"fmt"
	"io"

	"github.com/consim/consim/node/snapframe"
)

// Magic opens every catalog snapshot; the byte after it is the format version.
const (
	Magic           = "consim-catalog"
	snapshotVersion = 1
)

// snapshotState is the catalog as a snapshot holds it: nodes in name order, their
// services and checks in ID order.
type snapshotState struct {
	Index uint64         `json:"index"`
	Nodes []snapshotNode `json:"nodes"`
}

type snapshotNode struct {
	Node     Node      `json:"node"`
	Services []Service `json:"services,omitempty"`
	Checks   []Check   `json:"checks,omitempty"`
}

// Snapshot is a point-in-time copy of the catalog, taken under the store's lock and
// written later (raft persists snapshots while it goes on applying).
type Snapshot struct{ state snapshotState }

// Snapshot captures the catalog now.
func (s *Store) Snapshot() *Snapshot {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st := snapshotState{Index: s.index}
	for _, n := range s.names {
		ns := s.nodes[n]
		st.Nodes = append(st.Nodes, snapshotNode{Node: *ns.node, Services: sortedServices(ns), Checks: sortedChecks(ns)})
	}
	return &Snapshot{state: st}
}

// Empty reports whether the snapshot is of a catalog that never changed.
func (sn *Snapshot) Empty() bool { return sn.state.Index == 0 }

// WriteTo writes the snapshot (integers big-endian):
//
//	magic "consim-catalog", version 1 byte
//	len   4 bytes, then the state as JSON (sorted: the same state gives the same bytes)
//	crc   4 bytes   CRC-32C of everything before it
func (sn *Snapshot) WriteTo(w io.Writer) (int64, error) {
	n, err := snapframe.Write(w, Magic, snapshotVersion, sn.state)
	if err != nil {
		return n, fmt.Errorf("catalog: snapshot: %w", err)
	}
	return n, nil
}

// Restore replaces the catalog with a snapshot written by WriteTo, read whole from r, and
// fires the watch. A snapshot that does not read back whole and valid (magic, version,
// checksum, sorted and consistent records, nothing after the checksum) changes nothing.
func (s *Store) Restore(r io.Reader) error {
	st, err := readSnapshot(r)
	if err != nil {
		return fmt.Errorf("catalog: restore snapshot: %w", err)
	}
	nodes := make(map[string]*nodeState, len(st.Nodes))
	names := make([]string, 0, len(st.Nodes))
	for _, sn := range st.Nodes {
		n := sn.Node
		ns := &nodeState{node: &n, services: map[string]*Service{}, checks: map[string]*Check{}}
		for i := range sn.Services {
			ns.services[sn.Services[i].ID] = &sn.Services[i]
		}
		for i := range sn.Checks {
			ns.checks[sn.Checks[i].CheckID] = &sn.Checks[i]
		}
		nodes[n.Node] = ns
		names = append(names, n.Node)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nodes, s.names, s.index = nodes, names, st.Index
	s.fire()
	return nil
}

// Reset empties the catalog (a restore from a snapshot taken before it had any record)
// and fires the watch.
func (s *Store) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nodes, s.names, s.index = map[string]*nodeState{}, nil, 0
	s.fire()
}

func readSnapshot(r io.Reader) (snapshotState, error) {
	var st snapshotState
	if err := snapframe.Read(r, Magic, snapshotVersion, "catalog", &st); err != nil {
		return st, err
	}
	return st, st.check()
}

// check verifies what a snapshot says: nodes sorted and unique, records sorted and
// unique, indexes consistent.
func (st *snapshotState) check() error {
	for i, sn := range st.Nodes {
		if i > 0 && st.Nodes[i-1].Node.Node >= sn.Node.Node {
			return fmt.Errorf("node %q after %q: nodes must be sorted and unique", sn.Node.Node, st.Nodes[i-1].Node.Node)
		}
		ids := map[string]bool{}
		for j, svc := range sn.Services {
			if j > 0 && sn.Services[j-1].ID >= svc.ID || !indexesOK(svc.CreateIndex, svc.ModifyIndex, st.Index) {
				return fmt.Errorf("node %q: service %q out of order or with inconsistent indexes", sn.Node.Node, svc.ID)
			}
			ids[svc.ID] = true
		}
		for j, c := range sn.Checks {
			if j > 0 && sn.Checks[j-1].CheckID >= c.CheckID || !indexesOK(c.CreateIndex, c.ModifyIndex, st.Index) || c.Node != sn.Node.Node {
				return fmt.Errorf("node %q: check %q out of order, of another node or with inconsistent indexes", sn.Node.Node, c.CheckID)
			}
			if c.ServiceID != "" && !ids[c.ServiceID] {
				return fmt.Errorf("node %q: check %q of a service the node lacks (%q)", sn.Node.Node, c.CheckID, c.ServiceID)
			}
		}
		if !indexesOK(sn.Node.CreateIndex, sn.Node.ModifyIndex, st.Index) {
			return fmt.Errorf("node %q: inconsistent indexes", sn.Node.Node)
		}
	}
	return nil
}

func indexesOK(create, modify, index uint64) bool {
	return modify > 0 && create <= modify && modify <= index
}
