package scenarios

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Limits of the faults section. They bound the work of validation and of the world.
const (
	// MaxFaults bounds the faults section.
	MaxFaults = 1000
	// MaxSequenceSteps bounds the steps of one sequence.
	MaxSequenceSteps = 100
	// MaxFirings bounds the firings of all faults of a scenario together, repetitions
	// (every) and sequence steps counted one by one.
	MaxFirings = 10_000
	// MinFlapPeriod and MaxFlapPeriod bound nic_flap.period.
	MinFlapPeriod = Duration(100 * time.Millisecond)
	MaxFlapPeriod = Duration(time.Hour)
	// MinNemesisMean bounds a nemesis's interval and duration from below.
	MinNemesisMean = Duration(100 * time.Millisecond)
)

// Partition sizes: the fewest nodes a shape of partition cuts anything in.
const (
	minSplitServers = 3 // a majority and a non-empty minority
	minBridgeAgents = 3 // the bridge and one node on each side
	minRingAgents   = 4 // on a ring of 3 everyone is a neighbour
	minOneWayAgents = 2 // the nemesis's one-way: a random server to every other agent
)

// faultChecker checks the faults section of one scenario.
type faultValidator struct {
	c          *validator
	s          *Scenario
	durationOK bool
	// names are the faults' names, defaults applied: names[i] for s.Faults[i].
	names []string
}

// checkFaults checks the faults section: each fault on its own, their names, and then
// the schedule as a whole (faults_timeline.go).
func checkFaults(c *validator, s *Scenario) {
	if len(s.Faults) > MaxFaults {
		c.errorf("faults", "at most %d faults, got %d", MaxFaults, len(s.Faults))
		return
	}
	fc := &faultValidator{c: c, s: s, durationOK: s.Duration >= MinDuration && s.Duration <= MaxDuration}
	ok := make([]bool, len(s.Faults))
	for i, f := range s.Faults {
		fc.names = append(fc.names, f.Name)
		if fc.names[i] == "" {
			fc.names[i] = defaultFaultName(f, i)
		}
		path := fmt.Sprintf("faults[%d]", i)
		if c.broken(path) {
			continue
		}
		ok[i] = fc.fault(path, f, false)
	}
	fc.checkNames()
	if !fc.durationOK || !s.clusterOK() || c.broken("cluster") {
		return
	}
	if n := fc.firings(ok); n > MaxFirings {
		c.errorf("faults", "the faults fire %d times in all (each repetition and sequence step counts), over the limit of %d: lengthen every or set until", n, MaxFirings)
		return
	}
	fc.timeline(ok)
}

// fault checks one fault (a sequence step if step) and reports whether it is fine.
func (fc *faultValidator) fault(path string, f Fault, step bool) bool {
	c := fc.c
	before := len(c.errs.Errs)
	kinds := fc.kinds(path, f)
	switch {
	case len(kinds) == 0 && c.unknownKeyIn(path):
		// The decoder reported an unknown key, with the allowed ones: most likely the
		// kind, misspelled.
		return false
	case len(kinds) == 0:
		c.errorf(path, "a fault needs a kind: write one of %s", strings.Join(FaultKinds, ", "))
		return false
	case len(kinds) > 1:
		c.errorf(path, "a fault has exactly one kind, found %s: write one fault for each (kinds: %s)", strings.Join(kinds, " and "), strings.Join(FaultKinds, ", "))
		return false
	}
	kind := kinds[0]
	if step {
		fc.stepTiming(path, f, kind)
	} else {
		fc.timing(path, f, kind)
		if c.has(path+".name", f.Name != "") {
			switch {
			case f.Name == HealAll:
				c.errorf(path+".name", "%q is reserved (heal: all heals every fault); choose another name", f.Name)
			case !NamePattern.MatchString(f.Name):
				c.errorf(path+".name", "must be 1 to 63 lower-case letters, digits or '-', starting with a letter or digit (%s), got %q", NamePattern, f.Name)
			}
		}
	}
	if c.has(path+".proto", f.Proto != "") {
		switch {
		case !slices.Contains([]string{ProtoAll, ProtoPackets, ProtoStreams}, f.Proto):
			c.errorf(path+".proto", "must be all, packets or streams, got %q", f.Proto)
		case !protoKind(kind):
			c.errorf(path+".proto", "applies only to partition, isolate and one_way (it says which traffic they block), not to %s", kind)
		}
	}
	kp := path + "." + kind
	if !c.broken(kp) {
		fc.kind(kp, f, kind)
	}
	return len(c.errs.Errs) == before && !c.brokenUnder(path) && !c.unknownKeyIn(path)
}

// kinds returns the kinds f sets, as written in the file (an empty value counts: it is
// an error of its own) or, in Go, as set.
func (fc *faultValidator) kinds(path string, f Fault) []string {
	var out []string
	for i, set := range f.kindFlags() {
		if fc.c.has(path+"."+FaultKinds[i], set) {
			out = append(out, FaultKinds[i])
		}
	}
	return out
}

// timing checks at, for, every and until of a fault of the faults section.
func (fc *faultValidator) timing(path string, f Fault, kind string) {
	c, s := fc.c, fc.s
	atOK := true
	if c.has(path+".at", f.At != 0) && (f.At < 0 || (fc.durationOK && f.At >= s.Duration)) {
		c.errorf(path+".at", "must be at least 0s and before the end of the run (duration %s), got %s", s.Duration, f.At)
		atOK = false
	}
	if c.has(path+".for", f.For != 0) {
		switch {
		case instantKind(kind):
			c.errorf(path+".for", "does not apply to %s, which takes effect at once", kind)
		case kind == KindSequence:
			c.errorf(path+".for", "does not apply to a sequence, which lasts as long as its steps together")
		case f.For < 0:
			c.errorf(path+".for", "must not be negative, got %s (leave for out for a fault that lasts until it is healed or the run ends)", f.For)
		case atOK && fc.durationOK && addDur(f.At, f.For) > s.Duration:
			c.errorf(path+".for", "at + for is %s + %s = %s, past the end of the run (duration %s); leave for out to last until the end", f.At, f.For, addDur(f.At, f.For), s.Duration)
		}
	}
	length := f.For
	if kind == KindSequence {
		length = sequenceLength(f)
		if atOK && fc.durationOK && addDur(f.At, length) > s.Duration {
			c.errorf(path+".sequence", "the steps take %s from at %s, until %s, past the end of the run (duration %s)", length, f.At, addDur(f.At, length), s.Duration)
		}
	}
	if c.has(path+".every", f.Every != 0) {
		switch {
		case instantKind(kind):
			c.errorf(path+".every", "does not apply to %s, which takes effect at once", kind)
		case kind == KindNemesis:
			c.errorf(path+".every", "does not apply to nemesis, which draws its own times")
		case f.Every <= 0:
			c.errorf(path+".every", "must be above 0s, got %s", f.Every)
		case kind != KindSequence && length <= 0:
			c.errorf(path+".every", "needs for: each repetition lasts for, which must be shorter than every")
		case f.Every <= length && kind == KindSequence:
			c.errorf(path+".every", "must be longer than the sequence's steps together (%s), got %s: a repetition ends before the next starts", length, f.Every)
		case f.Every <= length:
			c.errorf(path+".every", "must be longer than for (%s), got %s: a repetition ends before the next starts", length, f.Every)
		}
	}
	if c.has(path+".until", f.Until != 0) {
		switch {
		case !c.has(path+".every", f.Every != 0):
			c.errorf(path+".until", "applies only with every: it stops the repetitions")
		case atOK && f.Until <= f.At:
			c.errorf(path+".until", "must be after at (%s), got %s", f.At, f.Until)
		case fc.durationOK && f.Until > s.Duration:
			c.errorf(path+".until", "must be at most the end of the run (duration %s), got %s", s.Duration, f.Until)
		}
	}
}

// stepTiming checks the timing fields of a sequence step: only for, which it needs.
func (fc *faultValidator) stepTiming(path string, f Fault, kind string) {
	c := fc.c
	for _, x := range []struct {
		key string
		set bool
	}{{"at", f.At != 0}, {"every", f.Every != 0}, {"until", f.Until != 0}} {
		if c.has(path+"."+x.key, x.set) {
			c.errorf(path+"."+x.key, "does not apply to a sequence step: a step runs once, when the step before it ends")
		}
	}
	if c.has(path+".name", f.Name != "") {
		c.errorf(path+".name", "a sequence step has no name of its own: its firings are named after the sequence (NAME.1, NAME.2, ...)")
	}
	switch kind {
	case KindHeal, KindRestart, KindNemesis, KindSequence:
		c.errorf(path+"."+kind, "a sequence step cannot be a %s: a step lasts for, then the next one starts (allowed: every kind but heal, restart, nemesis and sequence)", kind)
		return
	}
	switch {
	case !c.has(path+".for", f.For != 0):
		c.errorf(path+".for", "required field is missing: a sequence step needs for, and the next step starts when it ends")
	case f.For <= 0:
		c.errorf(path+".for", "must be above 0s for a sequence step, got %s", f.For)
	}
}

// kind checks the value of the fault's kind, at path kp.
func (fc *faultValidator) kind(kp string, f Fault, kind string) {
	c, s := fc.c, fc.s
	switch kind {
	case KindPartition:
		fc.partition(kp, f.Partition)
	case KindIsolate:
		checkTargetName(c, s, kp, f.Isolate, anyHost, false)
	case KindOneWay:
		checkTargetList(c, s, kp+".from", f.OneWay.From)
		checkTargetList(c, s, kp+".to", f.OneWay.To)
	case KindHeal:
		if f.Heal == "" {
			c.errorf(kp, "must be all or the name of a fault")
		}
		// Which names exist and whether they are active is checked with the schedule.
	case KindLink:
		fc.link(kp, f.Link)
	case KindNICDown:
		fc.nic(kp, f.NICDown.Node, f.NICDown.NIC)
	case KindNICFlap:
		fl := f.NICFlap
		fc.nic(kp, fl.Node, fl.NIC)
		periodOK := false
		switch {
		case !c.has(kp+".period", fl.Period != 0):
			c.missing(kp + ".period")
		case fl.Period < MinFlapPeriod || fl.Period > MaxFlapPeriod:
			c.errorf(kp+".period", "must be between %s and %s, got %s", MinFlapPeriod, MaxFlapPeriod, fl.Period)
		default:
			periodOK = true
		}
		if c.has(kp+".jitter", fl.Jitter != 0) && (fl.Jitter < 0 || (periodOK && fl.Jitter >= fl.Period)) {
			c.errorf(kp+".jitter", "must be at least 0s and less than period (%s), got %s", fl.Period, fl.Jitter)
		}
	case KindCrash, KindLeave:
		checkTargetName(c, s, kp, f.Crash+f.Leave, agentHost, false)
	case KindRestart:
		checkTargetName(c, s, kp, f.Restart, namedAgent, false)
	case KindPause:
		checkTargetName(c, s, kp, f.Pause, anyHost, false)
	case KindDisk:
		d := f.Disk
		if !c.has(kp+".node", d.Node != "") {
			c.missing(kp + ".node")
		} else {
			checkTargetName(c, s, kp+".node", d.Node, serverHost, false)
		}
		switch {
		case !c.has(kp+".write_latency", true):
			c.missing(kp + ".write_latency")
		case d.WriteLatency < 0 || d.WriteLatency > MaxFaultWriteLatency:
			c.errorf(kp+".write_latency", "must be between 0s and %s, got %s", MaxFaultWriteLatency, d.WriteLatency)
		}
	case KindUnsafeFsyncLies:
		checkTargetName(c, s, kp, f.UnsafeFsyncLies, serverHost, false)
	case KindNemesis:
		fc.nemesis(kp, f.Nemesis)
	case KindSequence:
		switch n := len(f.Sequence); {
		case n == 0:
			c.errorf(kp, "must list at least one step")
		case n > MaxSequenceSteps:
			c.errorf(kp, "at most %d steps, got %d", MaxSequenceSteps, n)
		default:
			for i, st := range f.Sequence {
				if p := fmt.Sprintf("%s[%d]", kp, i); !c.broken(p) {
					fc.fault(p, st, true)
				}
			}
		}
	}
}

// checkNames reports fault names used twice, defaults included.
func (fc *faultValidator) checkNames() {
	first := map[string]int{}
	for i, name := range fc.names {
		j, dup := first[name]
		if !dup {
			first[name] = i
			continue
		}
		path := fmt.Sprintf("faults[%d]", i)
		if fc.c.has(path+".name", fc.s.Faults[i].Name != "") {
			fc.c.errorf(path+".name", "name %q is taken by faults[%d]: fault names are unique", name, j)
		} else {
			fc.c.errorf(path, "its default name %q is taken by faults[%d]: give this fault a name", name, j)
		}
	}
}

// firings counts the firings of the fine faults, stopping a little past MaxFirings.
func (fc *faultValidator) firings(ok []bool) int {
	total := 0
	for i, f := range fc.s.Faults {
		if !ok[i] {
			continue
		}
		n := int64(1)
		if f.Every > 0 {
			n = int64((fc.until(f)-f.At-1)/f.Every) + 1
		}
		if len(f.Sequence) > 0 {
			n *= int64(len(f.Sequence))
		}
		total += int(min(n, MaxFirings+1))
		if total > MaxFirings {
			break
		}
	}
	return total
}

// until is when a fault's repetitions stop: its until, or the end of the run.
func (fc *faultValidator) until(f Fault) Duration {
	if f.Until > 0 && f.Until < fc.s.Duration {
		return f.Until
	}
	return fc.s.Duration
}

// sequenceLength is how long a sequence's steps take together.
func sequenceLength(f Fault) Duration {
	var d Duration
	for _, st := range f.Sequence {
		if st.For > 0 {
			d = addDur(d, st.For)
		}
	}
	return d
}

// addDur adds two durations, saturating instead of overflowing.
func addDur(a, b Duration) Duration {
	if b > 0 && a > math.MaxInt64-b {
		return math.MaxInt64
	}
	if b < 0 && a < math.MinInt64-b {
		return math.MinInt64
	}
	return a + b
}
