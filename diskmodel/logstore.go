package diskmodel

import (
	"bytes"

	"github.com/hashicorp/raft"
)

var _ raft.LogStore = (*logStore)(nil)

// logStore is a raft.LogStore handle on a Disk, usable until the Disk's next Crash.
type logStore struct {
	d     *Disk
	epoch uint64
}

// LogStore returns a raft.LogStore on the disk's current state. Handles from before a Crash
// fail with ErrCrashed; call LogStore again after it, as a restarted node would.
func (d *Disk) LogStore() raft.LogStore {
	d.mu.Lock()
	defer d.mu.Unlock()
	return &logStore{d: d, epoch: d.epoch}
}

// FirstIndex returns the lowest stored index, 0 if the log is empty.
func (s *logStore) FirstIndex() (uint64, error) {
	var idx uint64
	err := s.d.read(s.epoch, func(st *state) error {
		idx = st.firstIndex()
		return nil
	})
	return idx, err
}

// LastIndex returns the highest stored index, 0 if the log is empty.
func (s *logStore) LastIndex() (uint64, error) {
	var idx uint64
	err := s.d.read(s.epoch, func(st *state) error {
		idx = st.lastIndex()
		return nil
	})
	return idx, err
}

// GetLog copies the log at index into log, or returns raft.ErrLogNotFound.
func (s *logStore) GetLog(index uint64, log *raft.Log) error {
	return s.d.read(s.epoch, func(st *state) error {
		l := st.getLog(index)
		if l == nil {
			return raft.ErrLogNotFound
		}
		*log = *l
		log.Data = bytes.Clone(l.Data)
		log.Extensions = bytes.Clone(l.Extensions)
		s.d.stats.Reads++
		return nil
	})
}

// StoreLog is StoreLogs of one log.
func (s *logStore) StoreLog(log *raft.Log) error {
	return s.StoreLogs([]*raft.Log{log})
}

// StoreLogs stores copies of logs, replacing any stored log of the same index, as one
// durable write.
func (s *logStore) StoreLogs(logs []*raft.Log) error {
	return s.d.write(s.epoch, copyLogs(logs))
}

// copyLogs builds the write of logs: deep copies in a few allocations, since this is the
// hot path of every simulated server. The copies share one backing array for their bytes,
// each slice capped so that nothing can append into its neighbour.
func copyLogs(logs []*raft.Log) *op {
	o := &op{kind: opStoreLogs, logs: make([]*raft.Log, len(logs))}
	for _, l := range logs {
		o.bytes += len(l.Data) + len(l.Extensions)
	}
	arena := make([]byte, 0, o.bytes)
	take := func(b []byte) []byte {
		if b == nil {
			return nil
		}
		arena = append(arena, b...)
		return arena[len(arena)-len(b) : len(arena) : len(arena)]
	}
	copies := make([]raft.Log, len(logs))
	for i, l := range logs {
		copies[i] = *l
		copies[i].Data = take(l.Data)
		copies[i].Extensions = take(l.Extensions)
		o.logs[i] = &copies[i]
	}
	return o
}

// DeleteRange deletes the logs with indexes in [min, max] as one durable write.
func (s *logStore) DeleteRange(min, max uint64) error {
	return s.d.write(s.epoch, &op{kind: opDeleteRange, min: min, max: max})
}
