package node

import (
	"encoding/binary"
	"fmt"

	"github.com/hashicorp/raft"

	"github.com/consim/consim/node/serf"
)

// gossipClocksKey is where the gossip layer's clocks live in Config.GossipClocks. raft's
// own keys (CurrentTerm, LastVoteTerm, LastVoteCand) never take this one, so a server may
// keep both in one store.
var gossipClocksKey = []byte("serf/clocks")

// stableClocks keeps the Serf layer's clocks in a raft.StableStore, as three big-endian
// uint64s under gossipClocksKey.
type stableClocks struct{ st raft.StableStore }

var _ serf.ClockStore = stableClocks{}

// LoadClocks returns the saved clocks, or zero ones if none were ever saved (raft's
// stores say so with an error whose text is "not found", as raft-boltdb's).
func (c stableClocks) LoadClocks() (serf.Clocks, error) {
	b, err := c.st.Get(gossipClocksKey)
	switch {
	case err != nil && err.Error() == "not found":
		return serf.Clocks{}, nil
	case err != nil:
		return serf.Clocks{}, fmt.Errorf("read %s: %w", gossipClocksKey, err)
	case len(b) == 0:
		return serf.Clocks{}, nil // some stores answer a missing key with no bytes
	case len(b) != 24:
		return serf.Clocks{}, fmt.Errorf("read %s: %d bytes, want 24", gossipClocksKey, len(b))
	}
	return serf.Clocks{
		Member: serf.LamportTime(binary.BigEndian.Uint64(b[0:])),
		Event:  serf.LamportTime(binary.BigEndian.Uint64(b[8:])),
		Query:  serf.LamportTime(binary.BigEndian.Uint64(b[16:])),
	}, nil
}

// SaveClocks writes the clocks as one durable write.
func (c stableClocks) SaveClocks(v serf.Clocks) error {
	b := make([]byte, 0, 24)
	b = binary.BigEndian.AppendUint64(b, uint64(v.Member))
	b = binary.BigEndian.AppendUint64(b, uint64(v.Event))
	b = binary.BigEndian.AppendUint64(b, uint64(v.Query))
	if err := c.st.Set(gossipClocksKey, b); err != nil {
		return fmt.Errorf("write %s: %w", gossipClocksKey, err)
	}
	return nil
}
