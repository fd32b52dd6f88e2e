package node

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/hashicorp/raft"

	"github.com/consim/consim/node/catalog"
	"github.com/consim/consim/node/kv"
	"github.com/consim/consim/node/session"
)

// serverFSM is the server's state machine: the KV store, the service catalog and the
// sessions (fsm_session.go), each command routed by its type byte, plus a count of the log entries applied, which tests
// and progress reports read without decoding the store.
type serverFSM struct {
	*kv.FSM
	catalog *catalog.Store
	applied atomic.Uint64
	// onCatalog, if set, hears every catalog write applied (the observer's
	// CatalogApplied); called on raft's FSM goroutine.
	onCatalog func(index uint64, r catalog.Request, changed bool, err error)
	sessions  *session.Store
	lockDelay lockDelays
	now       func() time.Time // the clock lock-delays are stamped with
	// onSession, if set, hears every session created or invalidated; called on raft's
	// FSM goroutine.
	onSession func(SessionChange)
}

var (
	_ raft.FSM         = (*serverFSM)(nil)
	_ raft.FSMSnapshot = (*stateSnapshot)(nil)
)

func newServerFSM() *serverFSM {
	return &serverFSM{FSM: kv.NewFSM(), catalog: catalog.NewStore(), sessions: session.NewStore(), now: time.Now}
}

// CatalogResult is what Apply returns for a catalog write.
type CatalogResult struct {
	Changed bool
	Err     error
}

func (f *serverFSM) Apply(l *raft.Log) any {
	f.applied.Add(1)
	if len(l.Data) > 0 && kv.MessageType(l.Data[0]) == kv.SessionRequestType {
		return f.applySession(l.Index, l.Data[1:])
	}
	if kv.IsLockCommand(l.Data) {
		r, err := kv.Decode(l.Data)
		if err != nil {
			return kv.ApplyResult{Err: fmt.Errorf("kv: apply log %d: %w", l.Index, err)}
		}
		if err := f.checkLockSession(r); err != nil {
			return kv.ApplyResult{Err: err}
		}
	}
	if len(l.Data) > 0 && kv.MessageType(l.Data[0]) == kv.CatalogRequestType {
		r, err := catalog.Decode(l.Data[1:])
		if err != nil {
			return CatalogResult{Err: fmt.Errorf("catalog: apply log %d: %w", l.Index, err)}
		}
		changed, err := f.catalog.Apply(l.Index, r)
		if f.onCatalog != nil {
			f.onCatalog(l.Index, r, changed, err)
		}
		if changed {
			f.invalidateForCatalog(l.Index)
		}
		return CatalogResult{Changed: changed, Err: err}
	}
	return f.FSM.Apply(l)
}

// encodeCatalog frames a catalog write for the raft log.
func encodeCatalog(r catalog.Request) []byte {
	return append([]byte{byte(kv.CatalogRequestType)}, catalog.Encode(r)...)
}

// stateMagic opens a snapshot of both stores. A snapshot of a server whose catalog never
// changed is the KV store's alone, byte for byte as before the catalog existed, so runs
// without services write the snapshots they always did.
// With sessions (which need the catalog: a session's node is in it), the snapshot is
// stateMagicSessions and the session table follows the catalog.
const (
	stateMagic         = "consim-state\x01"
	stateMagicSessions = "consim-state\x02"
)

// Snapshot captures the stores at this point of the log.
func (f *serverFSM) Snapshot() (raft.FSMSnapshot, error) {
	kvSnap, err := f.FSM.Snapshot()
	if err != nil {
		return nil, err
	}
	cat := f.catalog.Snapshot()
	if cat.Empty() {
		return kvSnap, nil
	}
	snap := &stateSnapshot{kv: kvSnap, catalog: cat}
	if ss := f.sessions.Snapshot(); !ss.Empty() {
		snap.sessions = ss
	}
	return snap, nil
}

// stateSnapshot is the stores: stateMagic, the KV snapshot's length in 8 bytes and its
// bytes, then the catalog's snapshot; or, with sessions, stateMagicSessions, the KV part
// as before, the catalog's snapshot framed the same way, then the session table's.
type stateSnapshot struct {
	kv       raft.FSMSnapshot
	catalog  *catalog.Snapshot
	sessions *session.Snapshot // nil: the table never changed
}

func (s *stateSnapshot) Persist(sink raft.SnapshotSink) error {
	var kvBuf bufferSink
	if err := s.kv.Persist(&kvBuf); err != nil {
		sink.Cancel()
		return err
	}
	magic := stateMagic
	if s.sessions != nil {
		magic = stateMagicSessions
	}
	b := append([]byte(magic), binary.BigEndian.AppendUint64(nil, uint64(kvBuf.Len()))...)
	if _, err := sink.Write(append(b, kvBuf.Bytes()...)); err != nil {
		sink.Cancel()
		return fmt.Errorf("persist snapshot: %w", err)
	}
	if s.sessions == nil {
		if _, err := s.catalog.WriteTo(sink); err != nil {
			sink.Cancel()
			return fmt.Errorf("persist snapshot: %w", err)
		}
		return sink.Close()
	}
	// With sessions, the catalog's part is framed by its length too (a catalog snapshot
	// must be the end of what it reads), then the session table's follows.
	var catBuf bytes.Buffer
	s.catalog.WriteTo(&catBuf)
	b = binary.BigEndian.AppendUint64(nil, uint64(catBuf.Len()))
	if _, err := sink.Write(append(b, catBuf.Bytes()...)); err != nil {
		sink.Cancel()
		return fmt.Errorf("persist snapshot: %w", err)
	}
	if _, err := s.sessions.WriteTo(sink); err != nil {
		sink.Cancel()
		return fmt.Errorf("persist snapshot: %w", err)
	}
	return sink.Close()
}

func (s *stateSnapshot) Release() { s.kv.Release() }

// Restore reads a snapshot of either form: the KV store's alone (the catalog is then
// empty), or both.
func (f *serverFSM) Restore(rc io.ReadCloser) error {
	defer rc.Close()
	br := bufio.NewReader(rc)
	head, _ := br.Peek(len(stateMagic))
	withSessions := string(head) == stateMagicSessions
	if string(head) != stateMagic && !withSessions {
		if err := f.FSM.Restore(io.NopCloser(br)); err != nil {
			return err
		}
		f.catalog.Reset()
		f.sessions.Reset()
		return nil
	}
	br.Discard(len(stateMagic))
	var n [8]byte
	if _, err := io.ReadFull(br, n[:]); err != nil {
		return errors.New("restore snapshot: truncated")
	}
	size := binary.BigEndian.Uint64(n[:])
	var kvBuf bytes.Buffer
	if _, err := io.CopyN(&kvBuf, br, int64(min(size, 1<<40))); err != nil || uint64(kvBuf.Len()) != size {
		return errors.New("restore snapshot: truncated")
	}
	// Check the catalog's part before the KV store changes: a bad snapshot changes nothing.
	cat := catalog.NewStore()
	sess := session.NewStore()
	if withSessions {
		if _, err := io.ReadFull(br, n[:]); err != nil {
			return errors.New("restore snapshot: truncated")
		}
		size := binary.BigEndian.Uint64(n[:])
		var catBuf bytes.Buffer
		if _, err := io.CopyN(&catBuf, br, int64(min(size, 1<<40))); err != nil || uint64(catBuf.Len()) != size {
			return errors.New("restore snapshot: truncated")
		}
		if err := cat.Restore(&catBuf); err != nil {
			return err
		}
		if err := sess.Restore(br); err != nil {
			return err
		}
	} else if err := cat.Restore(br); err != nil {
		return err
	}
	if err := f.FSM.Restore(io.NopCloser(&kvBuf)); err != nil {
		return err
	}
	var buf bytes.Buffer
	cat.Snapshot().WriteTo(&buf)
	if err := f.catalog.Restore(&buf); err != nil {
		return err
	}
	buf.Reset()
	sess.Snapshot().WriteTo(&buf)
	if !withSessions {
		f.sessions.Reset()
		return nil
	}
	return f.sessions.Restore(&buf)
}

// bufferSink collects a snapshot in memory.
type bufferSink struct{ bytes.Buffer }

func (*bufferSink) ID() string    { return "buffer" }
func (*bufferSink) Cancel() error { return nil }
func (*bufferSink) Close() error  { return nil }
