package netmodel

import "slices"

// connSet is a set of stream ends that can be walked in a deterministic
// order (the slice; the map is only an index and is never iterated).
// Removal swaps the last element in: the order stays deterministic, which is
// all that replay needs, and removal stays O(1).
type connSet struct {
	list []*Conn
	idx  map[*Conn]int
}

func (s *connSet) add(c *Conn) {
	if s.idx == nil {
		s.idx = make(map[*Conn]int)
	}
	if _, ok := s.idx[c]; ok {
		return
	}
	s.idx[c] = len(s.list)
	s.list = append(s.list, c)
}

func (s *connSet) remove(c *Conn) {
	i, ok := s.idx[c]
	if !ok {
		return
	}
	last := len(s.list) - 1
	s.list[i] = s.list[last]
	s.idx[s.list[i]] = i
	s.list[last] = nil
	s.list = s.list[:last]
	delete(s.idx, c)
}

// snapshot returns the members, for walks that remove members as they go.
func (s *connSet) snapshot() []*Conn { return slices.Clone(s.list) }

func (s *connSet) len() int { return len(s.list) }
