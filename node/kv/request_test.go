package kv

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	big := bytes.Repeat([]byte("x"), MaxValueSize+1)
	tooLarge := "Request body(524289 bytes) too large, max size: 524288 bytes. " +
		"See https://developer.hashicorp.com/docs/agent/config/config-files#kv_max_value_size."
	tests := []struct {
		name   string
		r      Request
		status int // 0: valid
		reason string
	}{
		{"set", set("a/b", "v"), 0, ""},
		{"set at the size limit", Request{Op: OpSet, Key: "k", Value: big[:MaxValueSize]}, 0, ""},
		{"set over the size limit", Request{Op: OpSet, Key: "k", Value: big}, 413, tooLarge},
		{"cas over the size limit", Request{Op: OpCAS, Key: "k", Value: big}, 413, tooLarge},
		{"set without a key", Request{Op: OpSet, Value: []byte("v")}, 400, "Missing key name"},
		{"cas without a key", Request{Op: OpCAS}, 400, "Missing key name"},
		{"delete without a key", Request{Op: OpDelete}, 400, "Missing key name"},
		{"delete-cas without a key", Request{Op: OpDeleteCAS, Index: 3}, 400, "Missing key name"},
		{"delete-tree of everything", Request{Op: OpDeleteTree}, 0, ""},
		{"leading slash", set("/a", "v"), 400, "key must not begin with a '/'"},
		{"leading slash on delete", Request{Op: OpDelete, Key: "/a"}, 400, "key must not begin with a '/'"},
		{"leading slash on delete-tree", Request{Op: OpDeleteTree, Key: "/"}, 400, "key must not begin with a '/'"},
		{"inner and trailing slashes are fine", Request{Op: OpDelete, Key: "a//b/"}, 0, ""},
		{"unknown op", Request{Op: "lock-tree", Key: "a"}, 400, `unknown KV operation "lock-tree"`},
		{"zero op", Request{Key: "a"}, 400, `unknown KV operation ""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.r.Validate()
			if tt.status == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var re *RequestError
			if !errors.As(err, &re) {
				t.Fatalf("error %v (%T), want a *RequestError", err, err)
			}
			if re.Status != tt.status || re.Reason != tt.reason || err.Error() != tt.reason {
				t.Errorf("got %d %q, want %d %q", re.Status, re.Reason, tt.status, tt.reason)
			}
		})
	}
}

var codecCases = []Request{
	set("a", "v"),
	{Op: OpSet, Key: "k", Flags: 1<<64 - 1},
	{Op: OpCAS, Key: "x/y/z", Value: []byte{0, 1, 2, 255}, Flags: 42, Index: 7},
	{Op: OpCAS, Key: "create-only", Value: []byte("v")},
	{Op: OpDelete, Key: "gone"},
	{Op: OpDeleteCAS, Key: "gone", Index: 1<<64 - 1},
	{Op: OpDeleteTree, Key: "prefix/"},
	{Op: OpDeleteTree},
	{Op: OpSet, Key: "héllo\x00wörld", Value: bytes.Repeat([]byte("ab"), 1000)},
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	for _, r := range codecCases {
		b := Encode(r)
		if MessageType(b[0]) != KVRequestType {
			t.Errorf("%v: type byte %d", r, b[0])
		}
		got, err := Decode(b)
		if err != nil {
			t.Fatalf("%v: %v", r, err)
		}
		if !reflect.DeepEqual(got, r) {
			t.Errorf("round trip:\n got %#v\nwant %#v", got, r)
		}
		if again := Encode(got); !bytes.Equal(again, b) {
			t.Errorf("%v: re-encoding differs", r)
		}
	}
}

// TestEncodeLayout pins the byte layout: logs written by one build must read in the next.
func TestEncodeLayout(t *testing.T) {
	got := Encode(Request{Op: OpCAS, Key: "ab", Value: []byte("xyz"), Flags: 0x0102, Index: 0x0a0b})
	want := []byte{
		1,                      // KVRequestType
		2,                      // cas
		0, 0, 0, 0, 0, 0, 1, 2, // flags
		0, 0, 0, 0, 0, 0, 10, 11, // index
		0, 0, 0, 2, 'a', 'b', // key
		0, 0, 0, 3, 'x', 'y', 'z', // value
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Encode =\n %v\nwant\n %v", got, want)
	}
}

func TestEmptyValueDecodesAsNil(t *testing.T) {
	r, err := Decode(Encode(Request{Op: OpSet, Key: "k", Value: []byte{}}))
	if err != nil || r.Value != nil {
		t.Errorf("Decode = %#v, %v; want a nil value", r, err)
	}
}

func TestDecodeDoesNotAlias(t *testing.T) {
	b := Encode(set("k", "value"))
	r, _ := Decode(b)
	for i := range b {
		b[i] = 0
	}
	if r.Key != "k" || string(r.Value) != "value" {
		t.Errorf("decoded request changed with its input: %#v", r)
	}
}

func TestDecodeRejects(t *testing.T) {
	good := Encode(Request{Op: OpSet, Key: "key", Value: []byte("value")})
	withByte := func(i int, v byte) []byte {
		b := bytes.Clone(good)
		b[i] = v
		return b
	}
	tests := []struct {
		name string
		b    []byte
		want string
	}{
		{"nil", nil, "empty command"},
		{"type 0", withByte(0, 0), "unknown command type 0"},
		{"future type", withByte(0, 9), "unknown command type 9"},
		{"op 0", withByte(1, 0), "unknown operation code 0"},
		{"op 8", withByte(1, 8), "unknown operation code 8"},
		{"short header", good[:10], "shorter than a request header"},
		{"key longer than the data", withByte(18, 1), "key of 16777219 bytes"},
		{"value longer than the data", good[:len(good)-1], "value of 5 bytes, only 4 left"},
		{"truncated value length", good[:len(good)-7], "truncated value length"},
		{"trailing byte", append(bytes.Clone(good), 0), "1 bytes after the value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(tt.b)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Decode error %v, want one containing %q", err, tt.want)
			}
		})
	}
	if _, err := Decode([]byte{7}); !errors.Is(err, ErrUnknownType) {
		t.Errorf("unknown type error %v does not wrap ErrUnknownType", err)
	}
}

func TestEncodePanicsOnUnknownOp(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Encode of an unknown op did not panic")
		}
	}()
	Encode(Request{Op: "lock-tree", Key: "a"})
}

// FuzzDecode checks that Decode never panics, and that whatever it accepts is canonical:
// encoding the result gives back the input exactly.
func FuzzDecode(f *testing.F) {
	for _, r := range codecCases {
		f.Add(Encode(r))
	}
	f.Add([]byte{})
	f.Add([]byte{1, 1, 0, 0})
	f.Add([]byte{1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := Decode(b)
		if err != nil {
			return
		}
		if again := Encode(r); !bytes.Equal(again, b) {
			t.Fatalf("Decode accepted %x as %#v, which encodes as %x", b, r, again)
		}
		_ = r.Validate()
		s := NewStore()
		if _, err := s.Apply(1, r); err != nil {
			t.Fatalf("decoded request does not apply: %v", err)
		}
	})
}
