package node

import (
	"context"

	"github.com/consim/consim/node/kv"
)

// Kinds of KV request, as a server's CPU (Config.CPU) is told them.
const (
	CPUGet    = "get"    // a read, in any mode
	CPUPut    = "put"    // a write
	CPUCAS    = "cas"    // a check-and-set write
	CPUDelete = "delete" // a delete, of one key, a tree or with a check
)

// CPU is a server's processor as its KV endpoints use it. consim's world passes a model
// (cpumodel): in virtual time computation is free, and without one a server would answer
// any load at once. A real deployment passes none.
type CPU interface {
	// Hold returns once a request of kind op (CPUGet, CPUPut, CPUCAS, CPUDelete) has had
	// its time on the CPU, or with ctx's error if ctx ends first. It is called from the
	// request's own goroutine, before the request is handled.
	Hold(ctx context.Context, op string) error
}

// cpuKV charges every KV request a server handles to its CPU before handling it: the
// requests of its HTTP API and those other agents forward to it over RPC alike, so a
// request forwarded from a follower to the leader is charged on both.
type cpuKV struct {
	kvService
	cpu CPU
}

func (c cpuKV) read(ctx context.Context, req ReadRequest) (ReadReply, error) {
	if err := c.cpu.Hold(ctx, CPUGet); err != nil {
		return ReadReply{}, err
	}
	return c.kvService.read(ctx, req)
}

func (c cpuKV) apply(ctx context.Context, req kv.Request) (ApplyReply, error) {
	if err := c.cpu.Hold(ctx, cpuKind(req.Op)); err != nil {
		return ApplyReply{}, err
	}
	return c.kvService.apply(ctx, req)
}

// cpuKind is the CPU kind of a write.
func cpuKind(op kv.Op) string {
	switch op {
	case kv.OpSet, kv.OpLock, kv.OpUnlock:
		return CPUPut
	case kv.OpCAS:
		return CPUCAS
	}
	return CPUDelete
}
