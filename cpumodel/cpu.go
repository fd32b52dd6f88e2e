// Package cpumodel is the simulated processor of a server, beside the simulated disk
// (diskmodel) and network (netmodel): a per-request service time and a FIFO queue, in
// virtual time.
//
// Inside the simulation computation is free: time advances only while the guest waits, so
// a server with no model answers a thousand requests in the same virtual instant as one,
// and a latency-versus-load curve stays flat however high the load. A CPU gives each
// request a service time during which it holds the processor; requests that arrive while
// it is held wait their turn, in arrival order. A server offered more work per second
// than it can serve then queues, its latency climbs and its throughput saturates at
// 1/service time, as a real one's does.
//
// What it does not model: more than one core, a processor shared with raft, gossip or
// the HTTP stack (only the KV handlers are charged), service times that vary from request
// to request, and work dropped when a client gives up (a request whose caller went away
// keeps its place and its cost).
package cpumodel

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Config is the service time of each kind of request, as node.CPU names them ("get",
// "put", "cas", "delete"). A kind whose time is zero is free and is not queued.
type Config struct {
	Get, Put, CAS, Delete time.Duration
}

// CPU is one server's processor. Its methods are safe for concurrent use. The world makes
// a new CPU for every start of a server: a restarted process has an empty queue.
type CPU struct {
	cfg Config

	mu sync.Mutex
	// free is when the CPU has served every request queued so far; in the past when idle.
	free  time.Time
	stats Stats
}

// Stats count what a CPU did.
type Stats struct {
	// Requests is how many requests were charged (free kinds are not counted).
	Requests uint64
	// Busy is the service time charged in total; Waited the time requests spent queued
	// behind others before their own service began.
	Busy, Waited time.Duration
}

// New returns an idle CPU. It panics on a negative service time: a broken harness
// configuration, which scenario validation refuses first.
func New(cfg Config) *CPU {
	for _, d := range []time.Duration{cfg.Get, cfg.Put, cfg.CAS, cfg.Delete} {
		if d < 0 {
			panic(fmt.Sprintf("cpumodel: negative service time in %+v", cfg))
		}
	}
	return &CPU{cfg: cfg}
}

// Hold implements node.CPU: it queues a request of kind op behind those that came before
// it and returns when the request's service time has passed, or with ctx's error if ctx
// ends first (the request keeps its place: the time is spent whether or not anyone still
// waits for the answer). No goroutine is started: the caller's own goroutine sleeps.
func (c *CPU) Hold(ctx context.Context, op string) error {
	d := c.cost(op)
	if d == 0 {
		return nil
	}
	c.mu.Lock()
	now := time.Now()
	start := c.free
	if start.Before(now) {
		start = now
	}
	c.free = start.Add(d)
	c.stats.Requests++
	c.stats.Busy += d
	c.stats.Waited += start.Sub(now)
	wait := c.free.Sub(now)
	c.mu.Unlock()

	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Stats returns the counters so far.
func (c *CPU) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

// cost is the service time of op. An unknown kind is a bug of the caller.
func (c *CPU) cost(op string) time.Duration {
	switch op {
	case "get":
		return c.cfg.Get
	case "put":
		return c.cfg.Put
	case "cas":
		return c.cfg.CAS
	case "delete":
		return c.cfg.Delete
	}
	panic(fmt.Sprintf("cpumodel: unknown kind of request %q", op))
}
