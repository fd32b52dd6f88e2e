package main

import (
	"encoding/json"
	"testing"

	"github.com/consim/consim/scenarios/schema"
)

// consim schema prints the generated schema, and nothing else, with exit 0.
func TestSchemaCommand(t *testing.T) {
	r := consim("schema")
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("consim schema: %s", r)
	}
	want, err := schema.Generate()
	if err != nil {
		t.Fatal(err)
	}
	if r.stdout != string(want) {
		t.Error("consim schema does not print schema.Generate()")
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil || v["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("not a draft 2020-12 JSON Schema: %v", err)
	}
}
