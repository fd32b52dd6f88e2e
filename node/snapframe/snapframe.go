// Package snapframe frames the snapshot of a replicated table that is kept as JSON (the
// catalog's, the sessions'): a magic string, a version byte, a 4-byte length, the state as
// JSON, and a CRC-32C of everything before it (integers big-endian). The same state gives
// the same bytes, so two servers' snapshots of one state compare equal. The KV store's
// snapshot streams its entries in a binary layout of its own (node/kv).
package snapframe

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// maxBody bounds the length Read accepts, so a corrupt length cannot make it allocate
// more than the input holds.
const maxBody = 1 << 30

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Write writes state as a snapshot framed with magic and version.
func Write(w io.Writer, magic string, version byte, state any) (int64, error) {
	body, err := json.Marshal(state)
	if err != nil {
		return 0, err
	}
	b := make([]byte, 0, len(magic)+1+4+len(body)+4)
	b = append(b, magic...)
	b = append(b, version)
	b = binary.BigEndian.AppendUint32(b, uint32(len(body)))
	b = append(b, body...)
	b = binary.BigEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
	n, err := w.Write(b)
	return int64(n), err
}

// Read reads a snapshot that Write framed with magic and version into state, whole: the
// magic, the version, the checksum and nothing after it are checked before the JSON is
// decoded. what names the table in the error for a wrong magic ("not a consim catalog
// snapshot").
func Read(r io.Reader, magic string, version byte, what string, state any) error {
	head := make([]byte, len(magic)+1+4)
	if _, err := io.ReadFull(r, head); err != nil {
		return truncated(err)
	}
	if string(head[:len(magic)]) != magic {
		return fmt.Errorf("not a consim %s snapshot", what)
	}
	if v := head[len(magic)]; v != version {
		return fmt.Errorf("snapshot version %d, want %d", v, version)
	}
	n := binary.BigEndian.Uint32(head[len(magic)+1:])
	if n > maxBody {
		return fmt.Errorf("snapshot of %d bytes, over the limit", n)
	}
	var body bytes.Buffer
	if _, err := io.CopyN(&body, r, int64(n)+4); err != nil {
		return truncated(err)
	}
	b := body.Bytes()
	h := crc32.New(castagnoli)
	h.Write(head)
	h.Write(b[:n])
	if sum := binary.BigEndian.Uint32(b[n:]); h.Sum32() != sum {
		return fmt.Errorf("checksum %08x, content sums to %08x", sum, h.Sum32())
	}
	if m, _ := io.ReadFull(r, make([]byte, 1)); m != 0 {
		return errors.New("data after the checksum")
	}
	return json.Unmarshal(b[:n], state)
}

func truncated(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("truncated snapshot")
	}
	return err
}
