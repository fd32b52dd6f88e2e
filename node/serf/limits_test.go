package serf

import (
	"strings"
	"testing"

	"github.com/hashicorp/memberlist"

	"github.com/consim/consim/scenarios"
)

// The scenario format checks sizes before a run, with its own copies of the Serf layer's
// limits (it does not link memberlist): they must agree.
func TestScenarioLimitsMatch(t *testing.T) {
	d := DefaultOptions()
	for _, c := range []struct {
		name        string
		scen, layer int
	}{
		{"DefaultEventSizeLimit", scenarios.DefaultEventSizeLimit, DefaultEventSizeLimit},
		{"MaxEventSizeLimit", scenarios.MaxEventSizeLimit, MaxEventSizeLimit},
		{"MaxQuerySize", scenarios.MaxQuerySize, d.QuerySizeLimit},
		{"MaxResponseSize", scenarios.MaxResponseSize, d.QueryResponseSizeLimit},
		{"MaxRelay", scenarios.MaxRelay, d.QueryRelayLimit},
		{"MaxTagsSize", scenarios.MaxTagsSize, memberlist.MetaMaxSize},
	} {
		if c.scen != c.layer {
			t.Errorf("scenarios.%s = %d, the Serf layer's is %d", c.name, c.scen, c.layer)
		}
	}
	for _, tags := range []map[string]string{
		{},
		scenarios.DefaultTags(true),
		{"role": "client", "dc": "dc1", "blob": strings.Repeat("x", 300), strings.Repeat("k", 130): "v"},
	} {
		b, err := encodeTags(tags)
		if err != nil {
			t.Fatal(err)
		}
		if got := scenarios.TagsSize(tags); got != len(b) {
			t.Errorf("scenarios.TagsSize = %d, encoded %d bytes", got, len(b))
		}
	}
}
