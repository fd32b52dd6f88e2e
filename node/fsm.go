package node

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/hashicorp/raft"

	"github.com/consim/consim/node/catalog"
	"github.com/consim/consim/node/kv"
)

// serverFSM is the server's state machine: the KV store and the service catalog, each
// command routed by its type byte, plus a count of the log entries applied, which tests
// and progress reports read without decoding the store.
type serverFSM struct {
	*kv.FSM
	catalog *catalog.Store
	applied atomic.Uint64
	// onCatalog, if set, hears every catalog write applied (the observer's
	// CatalogApplied); called on raft's FSM goroutine.
	onCatalog func(index uint64, r catalog.Request, changed bool, err error)
}

var (
	_ raft.FSM         = (*serverFSM)(nil)
	_ raft.FSMSnapshot = (*stateSnapshot)(nil)
)

func newServerFSM() *serverFSM {
	return &serverFSM{FSM: kv.NewFSM(), catalog: catalog.NewStore()}
}

// CatalogResult is what Apply returns for a catalog write.
type CatalogResult struct {
	Changed bool
	Err     error
}

func (f *serverFSM) Apply(l *raft.Log) any {
	f.applied.Add(1)
	if len(l.Data) > 0 && kv.MessageType(l.Data[0]) == kv.CatalogRequestType {
		r, err := catalog.Decode(l.Data[1:])
		if err != nil {
			return CatalogResult{Err: fmt.Errorf("catalog: apply log %d: %w", l.Index, err)}
		}
		changed, err := f.catalog.Apply(l.Index, r)
		if f.onCatalog != nil {
			f.onCatalog(l.Index, r, changed, err)
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
const stateMagic = "consim-state\x01"

// Snapshot captures both stores at this point of the log.
func (f *serverFSM) Snapshot() (raft.FSMSnapshot, error) {
	kvSnap, err := f.FSM.Snapshot()
	if err != nil {
		return nil, err
	}
	cat := f.catalog.Snapshot()
	if cat.Empty() {
		return kvSnap, nil
	}
	return &stateSnapshot{kv: kvSnap, catalog: cat}, nil
}

// stateSnapshot is both stores (stateMagic, then the KV snapshot's length in 8 bytes and
// its bytes, then the catalog's snapshot).
type stateSnapshot struct {
	kv      raft.FSMSnapshot
	catalog *catalog.Snapshot
}

func (s *stateSnapshot) Persist(sink raft.SnapshotSink) error {
	var kvBuf bufferSink
	if err := s.kv.Persist(&kvBuf); err != nil {
		sink.Cancel()
		return err
	}
	b := append([]byte(stateMagic), binary.BigEndian.AppendUint64(nil, uint64(kvBuf.Len()))...)
	if _, err := sink.Write(append(b, kvBuf.Bytes()...)); err != nil {
		sink.Cancel()
		return fmt.Errorf("persist snapshot: %w", err)
	}
	if _, err := s.catalog.WriteTo(sink); err != nil {
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
	if string(head) != stateMagic {
		if err := f.FSM.Restore(io.NopCloser(br)); err != nil {
			return err
		}
		f.catalog.Reset()
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
	if err := cat.Restore(br); err != nil {
		return err
	}
	if err := f.FSM.Restore(io.NopCloser(&kvBuf)); err != nil {
		return err
	}
	var buf bytes.Buffer
	cat.Snapshot().WriteTo(&buf)
	return f.catalog.Restore(&buf)
}

// bufferSink collects a snapshot in memory.
type bufferSink struct{ bytes.Buffer }

func (*bufferSink) ID() string    { return "buffer" }
func (*bufferSink) Cancel() error { return nil }
func (*bufferSink) Close() error  { return nil }
