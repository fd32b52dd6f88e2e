package session

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// Magic opens every session snapshot; the byte after it is the format version.
const (
	Magic           = "consim-sessions"
	snapshotVersion = 1
	maxSnapshot     = 1 << 30
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

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
	body, err := json.Marshal(sn.state)
	if err != nil {
		return 0, fmt.Errorf("session: snapshot: %w", err)
	}
	b := append([]byte(Magic), snapshotVersion)
	b = binary.BigEndian.AppendUint32(b, uint32(len(body)))
	b = append(b, body...)
	b = binary.BigEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
	n, err := w.Write(b)
	return int64(n), err
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
	head := make([]byte, len(Magic)+1+4)
	if _, err := io.ReadFull(r, head); err != nil {
		return st, truncated(err)
	}
	if string(head[:len(Magic)]) != Magic {
		return st, errors.New("not a consim session snapshot")
	}
	if v := head[len(Magic)]; v != snapshotVersion {
		return st, fmt.Errorf("snapshot version %d, want %d", v, snapshotVersion)
	}
	n := binary.BigEndian.Uint32(head[len(Magic)+1:])
	if n > maxSnapshot {
		return st, fmt.Errorf("snapshot of %d bytes, over the limit", n)
	}
	var body bytes.Buffer
	if _, err := io.CopyN(&body, r, int64(n)+4); err != nil {
		return st, truncated(err)
	}
	b := body.Bytes()
	h := crc32.New(castagnoli)
	h.Write(head)
	h.Write(b[:n])
	if sum := binary.BigEndian.Uint32(b[n:]); h.Sum32() != sum {
		return st, fmt.Errorf("checksum %08x, content sums to %08x", sum, h.Sum32())
	}
	if m, _ := io.ReadFull(r, make([]byte, 1)); m != 0 {
		return st, errors.New("data after the checksum")
	}
	if err := json.Unmarshal(b[:n], &st); err != nil {
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

func truncated(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("truncated snapshot")
	}
	return err
}
