package event

import (
	"os"
	"strings"
	"testing"
)

// Every catalog event type is documented in docs/events.md.
func TestCatalogTypesDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/events.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range CatalogTypes {
		if !strings.Contains(string(doc), "| `"+string(typ)+"` |") {
			t.Errorf("event type %s is not in docs/events.md's table of catalog events", typ)
		}
	}
}

// Every lock event type is documented in docs/events.md.
func TestLockTypesDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/events.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range LockTypes {
		if !strings.Contains(string(doc), "| `"+string(typ)+"` |") {
			t.Errorf("event type %s is not in docs/events.md's table of lock events", typ)
		}
	}
}
