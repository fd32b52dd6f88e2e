package kv

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// MessageType is the first byte of every command in the raft log: it says how to read
// the rest, so command types other than KV writes can be added later without breaking
// logs and snapshots already written.
type MessageType uint8

// The command types. 0 is never valid, so a zeroed entry cannot pass for a command.
const (
	KVRequestType MessageType = 1 // a Request, in the layout Encode documents
	// CatalogRequestType is a catalog write (node/catalog's Encode after this byte). The
	// server's state machine routes it to the catalog; the KV FSM never sees one.
	CatalogRequestType MessageType = 2
	// SessionRequestType is a session write (node/session's Encode after this byte).
	SessionRequestType MessageType = 3
)

// opCodes are the Op bytes of the encoding. Never renumber: logs on disk use them.
var opCodes = [...]Op{1: OpSet, 2: OpCAS, 3: OpDelete, 4: OpDeleteCAS, 5: OpDeleteTree, 6: OpLock, 7: OpUnlock}

// IsLockCommand says whether b, a raft log entry, is a lock or unlock, without decoding
// it: the server checks their sessions before the store applies them.
func IsLockCommand(b []byte) bool {
	return len(b) > 1 && MessageType(b[0]) == KVRequestType && int(b[1]) < len(opCodes) && hasSession(opCodes[b[1]])
}

// hasSession says whether op's encoding carries a session after the value.
func hasSession(op Op) bool { return op == OpLock || op == OpUnlock }

func opCode(op Op) (byte, bool) {
	for c, o := range opCodes {
		if c > 0 && o == op {
			return byte(c), true
		}
	}
	return 0, false
}

// requestHeader is the fixed part of an encoded request: type, op, flags, index, key
// length.
const requestHeader = 1 + 1 + 8 + 8 + 4

// ErrUnknownType is returned by Decode (wrapped) for data of a type it does not read.
var ErrUnknownType = errors.New("unknown command type")

// Encode returns r as a raft log entry. The layout is stable and canonical (one encoding
// per request; integers big-endian):
//
//	type  1 byte   KVRequestType
//	op    1 byte   1 set, 2 cas, 3 delete, 4 delete-cas, 5 delete-tree, 6 lock, 7 unlock
//	flags 8 bytes
//	index 8 bytes  the CAS index
//	klen  4 bytes, key   klen bytes
//	vlen  4 bytes, value vlen bytes (an empty value decodes as nil)
//	slen  4 bytes, session slen bytes (lock and unlock only)
//
// It panics on an Op it cannot encode or a key or value of 4 GiB or more: requests are
// validated before they are encoded, so either is a bug.
func Encode(r Request) []byte {
	c, ok := opCode(r.Op)
	if !ok {
		panic(fmt.Sprintf("kv: encode: unknown operation %q", r.Op))
	}
	if uint64(len(r.Key)) > 1<<32-1 || uint64(len(r.Value)) > 1<<32-1 {
		panic("kv: encode: key or value too long")
	}
	b := make([]byte, 0, requestHeader+len(r.Key)+4+len(r.Value))
	b = append(b, byte(KVRequestType), c)
	b = binary.BigEndian.AppendUint64(b, r.Flags)
	b = binary.BigEndian.AppendUint64(b, r.Index)
	b = binary.BigEndian.AppendUint32(b, uint32(len(r.Key)))
	b = append(b, r.Key...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(r.Value)))
	b = append(b, r.Value...)
	if hasSession(r.Op) {
		b = binary.BigEndian.AppendUint32(b, uint32(len(r.Session)))
		b = append(b, r.Session...)
	}
	return b
}

// Decode reads a request written by Encode. It accepts exactly the bytes Encode
// produces: anything else (another type, an unknown op, a short or overlong buffer) is an
// error, never a panic. The returned request does not alias b.
func Decode(b []byte) (Request, error) {
	if len(b) == 0 {
		return Request{}, errors.New("kv: decode: empty command")
	}
	if t := MessageType(b[0]); t != KVRequestType {
		return Request{}, fmt.Errorf("kv: decode: %w %d", ErrUnknownType, t)
	}
	if len(b) < requestHeader {
		return Request{}, fmt.Errorf("kv: decode: %d bytes, shorter than a request header", len(b))
	}
	c := int(b[1])
	if c == 0 || c >= len(opCodes) {
		return Request{}, fmt.Errorf("kv: decode: unknown operation code %d", c)
	}
	r := Request{
		Op:    opCodes[c],
		Flags: binary.BigEndian.Uint64(b[2:]),
		Index: binary.BigEndian.Uint64(b[10:]),
	}
	rest := b[18:]
	key, rest, err := field(rest, "key")
	if err != nil {
		return Request{}, err
	}
	value, rest, err := field(rest, "value")
	if err != nil {
		return Request{}, err
	}
	if hasSession(r.Op) {
		var sess []byte
		if sess, rest, err = field(rest, "session"); err != nil {
			return Request{}, err
		}
		r.Session = string(sess)
	}
	if len(rest) != 0 {
		return Request{}, fmt.Errorf("kv: decode: %d bytes after the value", len(rest))
	}
	r.Key = string(key)
	if len(value) > 0 {
		r.Value = append([]byte(nil), value...)
	}
	return r, nil
}

// field reads a 4-byte length and that many bytes.
func field(b []byte, name string) (data, rest []byte, err error) {
	if len(b) < 4 {
		return nil, nil, fmt.Errorf("kv: decode: truncated %s length", name)
	}
	n := binary.BigEndian.Uint32(b)
	b = b[4:]
	if uint64(n) > uint64(len(b)) {
		return nil, nil, fmt.Errorf("kv: decode: %s of %d bytes, only %d left", name, n, len(b))
	}
	return b[:n], b[n:], nil
}
