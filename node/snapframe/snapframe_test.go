package snapframe

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

type state struct {
	Index uint64   `json:"index"`
	Names []string `json:"names"`
}

func frame(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	n, err := Write(&b, "consim-test", 3, state{Index: 7, Names: []string{"a", "b"}})
	if err != nil || int(n) != b.Len() {
		t.Fatalf("Write: %d bytes, %v (buffer has %d)", n, err, b.Len())
	}
	return b.Bytes()
}

// What Write writes, Read reads back whole; the same state gives the same bytes.
func TestRoundTrip(t *testing.T) {
	b := frame(t)
	if !bytes.Equal(b, frame(t)) {
		t.Error("the same state gave two framings")
	}
	var got state
	if err := Read(bytes.NewReader(b), "consim-test", 3, "test", &got); err != nil {
		t.Fatal(err)
	}
	if got.Index != 7 || strings.Join(got.Names, ",") != "a,b" {
		t.Errorf("read back %+v", got)
	}
}

// Every way a snapshot can be damaged is refused with its own error, and nothing is
// decoded into the state.
func TestDamagedSnapshots(t *testing.T) {
	good := frame(t)
	flip := func(i int) []byte { b := bytes.Clone(good); b[i] ^= 1; return b }
	huge := bytes.Clone(good)
	binary.BigEndian.PutUint32(huge[len("consim-test")+1:], maxBody+1)
	for _, c := range []struct {
		name string
		b    []byte
		want string
	}{
		{"wrong magic", flip(0), "not a consim test snapshot"},
		{"wrong version", flip(len("consim-test")), "snapshot version 2, want 3"},
		{"body changed", flip(len(good) - 6), "checksum"},
		{"truncated", good[:len(good)-1], "truncated snapshot"},
		{"empty", nil, "truncated snapshot"},
		{"data after", append(bytes.Clone(good), 0), "data after the checksum"},
		{"length over the limit", huge, "over the limit"},
	} {
		var got state
		err := Read(bytes.NewReader(c.b), "consim-test", 3, "test", &got)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", c.name, err, c.want)
		}
		if got.Index != 0 || got.Names != nil {
			t.Errorf("%s: decoded %+v", c.name, got)
		}
	}
}
