package session

import (
	"fmt"
	"io"

	"github.com/consim/consim/node/snapframe"
)

// Magic opens every session snapshot; the byte after it is the format version.
const (
	Magic           = "consim-sessions"
	snapshotVersion = 1
)

type snapshotState struct {
	Index    uint64    `json:"index"`
	Sessions []Session `json:"sessions"`
}

// Snapshot is a point-in-time copy of the table, written later.
type Snapshot struct{ state snapshotState }

// Snapshot captures the table now.
func (s *Store) Snapshot() *Snapshot {
	list, _ := s.List(nil)
	return &Snapshot{state: snapshotState{Index: s.Index(), Sessions: list}}
}

// Empty reports whether the snapshot is of a table that never changed.
func (sn *Snapshot) Empty() bool { return sn.state.Index == 0 }

// WriteTo writes the snapshot: magic, version byte, a 4-byte length and the state as
// JSON (sorted by ID), a CRC-32C of everything before it.
func (sn *Snapshot) WriteTo(w io.Writer) (int64, error) {
	n, err := snapframe.Write(w, Magic, snapshotVersion, sn.state)
	if err != nil {
		return n, fmt.Errorf("session: snapshot: %w", err)
	}
	return n, nil
}

// Restore replaces the table with a snapshot written by WriteTo, read whole from r, and
// fires the watch. A snapshot that does not read back whole and valid changes nothing.
func (s *Store) Restore(r io.Reader) error {
	st, err := readSnapshot(r)
	if err != nil {
		return fmt.Errorf("session: restore snapshot: %w", err)
	}
	sessions := make(map[string]*Session, len(st.Sessions))
	ids := make([]string, 0, len(st.Sessions))
	for i := range st.Sessions {
		sessions[st.Sessions[i].ID] = &st.Sessions[i]
		ids = append(ids, st.Sessions[i].ID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions, s.ids, s.index = sessions, ids, st.Index
	s.fire()
	return nil
}

// Reset empties the table and fires the watch.
func (s *Store) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions, s.ids, s.index = map[string]*Session{}, nil, 0
	s.fire()
}

func readSnapshot(r io.Reader) (snapshotState, error) {
	var st snapshotState
	if err := snapframe.Read(r, Magic, snapshotVersion, "session", &st); err != nil {
		return st, err
	}
	for i, sess := range st.Sessions {
		if sess.ID == "" || i > 0 && st.Sessions[i-1].ID >= sess.ID {
			return st, fmt.Errorf("session %q: IDs must be sorted, unique and not empty", sess.ID)
		}
		if sess.CreateIndex == 0 || sess.CreateIndex > sess.ModifyIndex || sess.ModifyIndex > st.Index {
			return st, fmt.Errorf("session %q: inconsistent indexes", sess.ID)
		}
	}
	return st, nil
}
