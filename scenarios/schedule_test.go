package scenarios

import (
	"testing"
)

// The schedule of a scenario that uses every timing rule: repetitions cut by until and by
// the end of the run, a sequence whose second repetition a heal stops, a heal of all, a
// crash its restart ends, an open fault, and actions first at an instant.
func TestScheduleText(t *testing.T) {
	src := withBase(`duration: 40s
cluster: {servers: 3, clients: 1}
actions:
  - {at: 10s, tags: {node: server-1, set: {version: "2"}}}
faults:
  - {name: flap, at: 2s, for: 2s, every: 8s, until: 20s, isolate: server-1}
  - {name: steps, at: 10s, every: 10s, sequence: [{for: 2s, pause: server-2}, {for: 3s, link: {loss: 0.5}}]}
  - {name: stop-steps, at: 21s, heal: steps}
  - {name: down, at: 12s, crash: server-3}
  - {name: up, at: 16s, restart: server-3}
  - {name: cut, at: 30s, isolate: leader}
  - {name: late, at: 36s, for: 2s, every: 3s, pause: client-1}
  - {name: everything, at: 35s, heal: all}
`)
	s, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	got := s.Schedule().Text(s)
	want := `2s       start  flap: {isolate: server-1} until 4s
4s       end    flap
10s      action tags (actions[0])
10s      start  flap: {isolate: server-1} until 12s
10s      start  steps-1: {pause: server-2} until 12s
12s      end    flap
12s      end    steps-1
12s      start  steps-2: {link: {loss: 0.5}} until 15s
12s      start  down: {crash: server-3} until 16s, restarted by up
15s      end    steps-2
16s      start  up: {restart: server-3}
18s      start  flap: {isolate: server-1} until 20s
20s      end    flap
20s      start  steps-1: {pause: server-2} until 21s, healed by stop-steps
21s      heal   stop-steps ends steps-1
30s      start  steps-1: {pause: server-2} until 32s
30s      start  cut: {isolate: leader} until 35s, healed by everything
32s      end    steps-1
32s      start  steps-2: {link: {loss: 0.5}} until 35s
35s      end    steps-2
35s      heal   everything ends cut
36s      start  late: {pause: client-1} until 38s
38s      end    late
39s      start  late: {pause: client-1} until the end (its for reaches past it)
40s      end    liveness phase: every fault still in progress ends, then the cluster must converge
`
	if got != want {
		t.Errorf("schedule:\n%s\nwant:\n%s", got, want)
	}
}
