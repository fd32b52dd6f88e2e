package serf

import (
	"fmt"
	"maps"
	"sync"

	"github.com/hashicorp/memberlist"
)

// Tags travel in memberlist's node meta (at most memberlist.MetaMaxSize, 512 bytes): a
// version byte, then the pairs in key order. Every alive message carries them, which is
// why they must stay small.
const tagsVersion = 1

// encodeTags encodes tags for node meta, or says why they do not fit.
func encodeTags(tags map[string]string) ([]byte, error) {
	e := &encoder{}
	e.u8(tagsVersion)
	e.strMap(tags)
	if len(e.b) > memberlist.MetaMaxSize {
		return nil, fmt.Errorf("serf: tags take %d bytes encoded, over memberlist's node meta limit of %d", len(e.b), memberlist.MetaMaxSize)
	}
	return e.b, nil
}

// decodeTags decodes node meta; empty meta means no tags.
func decodeTags(meta []byte) (map[string]string, error) {
	if len(meta) == 0 {
		return map[string]string{}, nil
	}
	if meta[0] != tagsVersion {
		return nil, fmt.Errorf("serf: node meta has tag version %d, want %d", meta[0], tagsVersion)
	}
	d := &decoder{b: meta[1:]}
	tags := d.strMap()
	if err := d.finish(); err != nil {
		return nil, fmt.Errorf("serf: decode tags: %w", err)
	}
	if tags == nil {
		tags = map[string]string{}
	}
	return tags, nil
}

// tagsState is the local node's tags. tagsMu guards it.
type tagsState struct {
	tagsMu sync.Mutex
	tags   map[string]string
	meta   []byte // tags, encoded
}

// Tags returns a copy of the local node's tags.
func (s *Serf) Tags() map[string]string {
	s.tagsMu.Lock()
	defer s.tagsMu.Unlock()
	return maps.Clone(s.tags)
}

// SetTags replaces the local node's tags and gossips them (memberlist's alive message
// carries them; members report a member-update). It waits up to BroadcastTimeout for
// the update to go out. Tags that do not fit memberlist's node meta are refused.
func (s *Serf) SetTags(tags map[string]string) error {
	if s.State() != StateAlive {
		return fmt.Errorf("serf %s: set tags: %w", s.cfg.Name, ErrNotAlive)
	}
	meta, err := encodeTags(tags)
	if err != nil {
		return fmt.Errorf("serf %s: set tags: %w", s.cfg.Name, err)
	}
	s.tagsMu.Lock()
	s.tags = maps.Clone(tags)
	if s.tags == nil {
		s.tags = map[string]string{}
	}
	s.meta = meta
	s.tagsMu.Unlock()
	if err := s.ml.UpdateNode(s.opts.BroadcastTimeout); err != nil {
		return fmt.Errorf("serf %s: set tags: %w", s.cfg.Name, err)
	}
	return nil
}

// localMeta returns the encoded tags for memberlist.
func (s *Serf) localMeta() []byte {
	s.tagsMu.Lock()
	defer s.tagsMu.Unlock()
	return s.meta
}
