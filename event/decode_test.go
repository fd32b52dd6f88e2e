package event

import (
	"strings"
	"testing"
)

func TestDecode(t *testing.T) {
	evs, err := Decode([]byte(`{"t":0.000000000,"type":"run_start","seed":3}` + "\n" + `{"t":1.500000000,"type":"tick"}` + "\n"))
	if err != nil || len(evs) != 2 || evs[0].Seed != 3 || evs[1].T.D().Seconds() != 1.5 {
		t.Fatalf("Decode: %v %+v", err, evs)
	}
	if _, err := Decode([]byte("{\"t\":0.000000000,\"type\":\"tick\"}\nnot json\n")); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("a bad line: %v, want an error naming line 2", err)
	}
}
