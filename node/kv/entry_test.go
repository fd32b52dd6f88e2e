package kv

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestEntryJSON compares the JSON of a list of entries with testdata/entries.json: the
// bytes Consul's server sends for GET /v1/kv/?recurse over the same state (field order of
// its structs.DirEntry, base64 values, null for no value, Session only when set).
func TestEntryJSON(t *testing.T) {
	entries := []*Entry{
		{Key: "empty", CreateIndex: 5, ModifyIndex: 5},
		{Key: "web/config", Flags: 42, Value: []byte("test"), CreateIndex: 100, ModifyIndex: 200},
		{Key: "zip", LockIndex: 200, Value: []byte{0, 255, 'a'}, Session: "adf4238a-882b-9ddc-4a9d-5b6758e4159e",
			CreateIndex: 100, ModifyIndex: 200},
	}
	got, err := json.Marshal(entries)
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", "entries.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("JSON differs from %s:\n got %s\nwant %s", golden, got, want)
	}

	// And it reads back, as Consul's client would read it.
	var back []*Entry
	if err := json.Unmarshal(want, &back); err != nil {
		t.Fatal(err)
	}
	for i := range entries {
		if g, w := *back[i], *entries[i]; !bytes.Equal(g.Value, w.Value) || g.Key != w.Key ||
			g.Session != w.Session || g.CreateIndex != w.CreateIndex || g.ModifyIndex != w.ModifyIndex ||
			g.LockIndex != w.LockIndex || g.Flags != w.Flags {
			t.Errorf("entry %d reads back as %+v, want %+v", i, g, w)
		}
	}
}
