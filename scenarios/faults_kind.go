package scenarios

import (
	"strconv"
	"strings"
)

// Fault kinds: the keys of a fault's kind fields, as written in scenario files and as
// Kind returns them.
const (
	KindPartition       = "partition"
	KindIsolate         = "isolate"
	KindOneWay          = "one_way"
	KindHeal            = "heal"
	KindLink            = "link"
	KindNICDown         = "nic_down"
	KindNICFlap         = "nic_flap"
	KindCrash           = "crash"
	KindRestart         = "restart"
	KindLeave           = "leave"
	KindPause           = "pause"
	KindDisk            = "disk"
	KindUnsafeFsyncLies = "unsafe_fsync_lies"
	KindNemesis         = "nemesis"
	KindSequence        = "sequence"
)

// FaultKinds lists every fault kind in the order of Fault's fields (and of the docs).
var FaultKinds = []string{
	KindPartition, KindIsolate, KindOneWay, KindHeal, KindLink, KindNICDown, KindNICFlap,
	KindCrash, KindRestart, KindLeave, KindPause, KindDisk, KindUnsafeFsyncLies, KindNemesis,
	KindSequence,
}

// HealAll is the heal value that ends every fault in progress. No fault may be named so.
const HealAll = "all"

// kindFlags reports, for each of FaultKinds in order, whether f sets that kind.
func (f Fault) kindFlags() []bool {
	return []bool{
		f.Partition != nil, f.Isolate != "", f.OneWay != nil, f.Heal != "", f.Link != nil,
		f.NICDown != nil, f.NICFlap != nil, f.Crash != "", f.Restart != "", f.Leave != "",
		f.Pause != "", f.Disk != nil, f.UnsafeFsyncLies != "", f.Nemesis != nil, len(f.Sequence) > 0,
	}
}

// Kind returns the key of f's kind as written in a scenario file ("partition",
// "isolate", "nic_flap", ...; one of FaultKinds), or "" if f sets none. A valid fault
// sets exactly one; for one that sets several, Kind returns the first in FaultKinds
// order. An empty sequence is no kind.
func (f Fault) Kind() string {
	for i, set := range f.kindFlags() {
		if set {
			return FaultKinds[i]
		}
	}
	return ""
}

// defaultFaultName is the name ApplyDefaults gives the i-th fault (from 0) of the faults
// section: its kind with '_' written '-' (names match NamePattern), a dash, and its
// index from 1: "isolate-1", "nic-flap-3". A fault with no kind gets "fault-N".
func defaultFaultName(f Fault, i int) string {
	k := f.Kind()
	if k == "" {
		k = "fault"
	}
	return strings.ReplaceAll(k, "_", "-") + "-" + strconv.Itoa(i+1)
}

// instantKind reports whether a fault of kind k takes effect at once and has no
// duration: a heal ends faults, a restart starts a node.
func instantKind(k string) bool { return k == KindHeal || k == KindRestart }

// protoKind reports whether a fault of kind k blocks traffic and so takes proto.
func protoKind(k string) bool { return k == KindPartition || k == KindIsolate || k == KindOneWay }
