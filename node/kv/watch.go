package kv

import (
	"slices"
	"strings"
)

// maxWatchPrefixes bounds how many distinct prefixes can be watched at once. Registering
// one more first fires every watch (see watches.add): a spurious wake-up, which blocking
// queries must tolerate anyway, instead of unbounded growth.
const maxWatchPrefixes = 1024

// watches is the store's registry of blocking-query channels: one channel per watched
// prefix, shared by every watcher of that prefix. A channel is closed and forgotten on
// the first change under its prefix, so the registry never holds more than one channel
// per prefix and never needs the watcher to come back: dropping a channel unread leaks
// nothing beyond its map slot, which the next matching change (or the bound) frees.
//
// NB: not safe on its own; every method is called with the Store's mutex held for
// writing, so a watcher can never miss a change between reading and waiting.
type watches struct {
	byPrefix map[string]chan struct{}
}

// add returns the channel for prefix, creating it if needed.
func (w *watches) add(prefix string) <-chan struct{} {
	if ch, ok := w.byPrefix[prefix]; ok {
		return ch
	}
	if len(w.byPrefix) >= maxWatchPrefixes {
		w.fireAll()
	}
	if w.byPrefix == nil {
		w.byPrefix = make(map[string]chan struct{})
	}
	ch := make(chan struct{})
	w.byPrefix[prefix] = ch
	return ch
}

// fireKey closes the watches a change to key concerns: those whose prefix is a prefix of
// key (key itself included), shortest prefix first.
func (w *watches) fireKey(key string) {
	if len(w.byPrefix) == 0 {
		return
	}
	for i := 0; i <= len(key); i++ {
		w.fire(key[:i])
	}
}

// fireTree closes the watches a delete-tree of prefix concerns: those whose prefix is a
// prefix of it (they contain the deleted subtree) and those whose prefix starts with it
// (they are inside the deleted subtree), in sorted order.
func (w *watches) fireTree(prefix string) {
	if len(w.byPrefix) == 0 {
		return
	}
	var hit []string
	for p := range w.byPrefix {
		if strings.HasPrefix(prefix, p) || strings.HasPrefix(p, prefix) {
			hit = append(hit, p)
		}
	}
	// Closing order decides which waiter the scheduler runs first: keep it independent
	// of map order.
	slices.Sort(hit)
	for _, p := range hit {
		w.fire(p)
	}
}

// fireAll closes every watch, in sorted order of prefix.
func (w *watches) fireAll() {
	if len(w.byPrefix) == 0 {
		return
	}
	all := make([]string, 0, len(w.byPrefix))
	for p := range w.byPrefix {
		all = append(all, p)
	}
	slices.Sort(all)
	for _, p := range all {
		w.fire(p)
	}
}

func (w *watches) fire(prefix string) {
	if ch, ok := w.byPrefix[prefix]; ok {
		close(ch)
		delete(w.byPrefix, prefix)
	}
}
