package kv

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// snapshotMagic opens every snapshot; the byte after it is the format version.
const (
	snapshotMagic   = "consim-kv"
	snapshotVersion = 1
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// writeSnapshot writes the store's state in a stable layout (integers big-endian):
//
//	magic   "consim-kv", version 1 byte
//	index   8 bytes   the store index
//	count   8 bytes   number of entries, then for each, in key order:
//	  key     4-byte length + bytes
//	  CreateIndex, ModifyIndex, LockIndex, Flags   8 bytes each
//	  value   4-byte length + bytes
//	  session 4-byte length + bytes
//	crc     4 bytes   CRC-32C of everything before it
//
// The same state always gives the same bytes.
func writeSnapshot(w io.Writer, index uint64, entries []*Entry) error {
	bw := bufio.NewWriter(w)
	h := crc32.New(castagnoli)
	out := io.MultiWriter(bw, h)
	var buf []byte
	buf = append(buf, snapshotMagic...)
	buf = append(buf, snapshotVersion)
	buf = binary.BigEndian.AppendUint64(buf, index)
	buf = binary.BigEndian.AppendUint64(buf, uint64(len(entries)))
	for _, e := range entries {
		buf = appendBytes(buf, []byte(e.Key))
		buf = binary.BigEndian.AppendUint64(buf, e.CreateIndex)
		buf = binary.BigEndian.AppendUint64(buf, e.ModifyIndex)
		buf = binary.BigEndian.AppendUint64(buf, e.LockIndex)
		buf = binary.BigEndian.AppendUint64(buf, e.Flags)
		buf = appendBytes(buf, e.Value)
		buf = appendBytes(buf, []byte(e.Session))
		if len(buf) >= 64<<10 {
			if _, err := out.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	if _, err := out.Write(buf); err != nil {
		return err
	}
	if _, err := bw.Write(binary.BigEndian.AppendUint32(nil, h.Sum32())); err != nil {
		return err
	}
	return bw.Flush()
}

func appendBytes(b, data []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
	return append(b, data...)
}

// readSnapshot reads what writeSnapshot wrote and checks it: magic, version, checksum,
// keys strictly increasing, indexes consistent (CreateIndex <= ModifyIndex <= index, and
// ModifyIndex > 0), nothing after the checksum. Lengths are trusted only as far as data
// actually arrives, so a corrupt length cannot make it allocate more than the input.
func readSnapshot(r io.Reader) (uint64, []*Entry, error) {
	h := crc32.New(castagnoli)
	sr := &snapReader{r: io.TeeReader(bufio.NewReader(r), h)}
	magic := sr.bytes(len(snapshotMagic) + 1)
	if sr.err == nil && string(magic[:len(snapshotMagic)]) != snapshotMagic {
		return 0, nil, errors.New("not a consim KV snapshot")
	}
	if sr.err == nil && magic[len(snapshotMagic)] != snapshotVersion {
		return 0, nil, fmt.Errorf("snapshot version %d, want %d", magic[len(snapshotMagic)], snapshotVersion)
	}
	index := sr.u64()
	count := sr.u64()
	var entries []*Entry
	for i := uint64(0); i < count && sr.err == nil; i++ {
		e := &Entry{Key: string(sr.field())}
		e.CreateIndex = sr.u64()
		e.ModifyIndex = sr.u64()
		e.LockIndex = sr.u64()
		e.Flags = sr.u64()
		if v := sr.field(); len(v) > 0 {
			e.Value = v
		}
		e.Session = string(sr.field())
		if sr.err != nil {
			break
		}
		if n := len(entries); n > 0 && entries[n-1].Key >= e.Key {
			return 0, nil, fmt.Errorf("entry %d: key %q after %q: keys must be sorted and unique", i, e.Key, entries[n-1].Key)
		}
		if e.ModifyIndex == 0 || e.CreateIndex > e.ModifyIndex || e.ModifyIndex > index {
			return 0, nil, fmt.Errorf("entry %d (%q): create %d, modify %d, store index %d: inconsistent indexes", i, e.Key, e.CreateIndex, e.ModifyIndex, index)
		}
		entries = append(entries, e)
	}
	if sr.err != nil {
		return 0, nil, sr.err
	}
	want := h.Sum32()
	var sum [4]byte
	if _, err := io.ReadFull(sr.r, sum[:]); err != nil {
		return 0, nil, fmt.Errorf("checksum: %w", eof(err))
	}
	if got := binary.BigEndian.Uint32(sum[:]); got != want {
		return 0, nil, fmt.Errorf("checksum %08x, content sums to %08x", got, want)
	}
	var extra [1]byte
	if n, _ := io.ReadFull(sr.r, extra[:]); n != 0 {
		return 0, nil, errors.New("data after the checksum")
	}
	return index, entries, nil
}

// snapReader reads snapshot fields and keeps the first error.
type snapReader struct {
	r   io.Reader
	err error
}

func (s *snapReader) bytes(n int) []byte {
	if s.err != nil {
		return nil
	}
	var b bytes.Buffer
	if _, err := io.CopyN(&b, s.r, int64(n)); err != nil {
		s.err = eof(err)
		return nil
	}
	return b.Bytes()
}

func (s *snapReader) u64() uint64 {
	b := s.bytes(8)
	if b == nil {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

func (s *snapReader) field() []byte {
	b := s.bytes(4)
	if b == nil {
		return nil
	}
	return s.bytes(int(binary.BigEndian.Uint32(b)))
}

// eof turns a clean end of input into "truncated": a snapshot never ends early.
func eof(err error) error {
	if errors.Is(err, io.EOF) {
		return errors.New("truncated snapshot")
	}
	return err
}
