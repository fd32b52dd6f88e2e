package netmodel

import (
	"errors"
	"net"
	"os"
	"syscall"
)

// ErrHostDown is the cause of every failure that comes from the local host
// being crashed: I/O on its streams, dials from it, binding on it.
var ErrHostDown = errors.New("host is down")

// Runtime I/O failures are returned as *net.OpError wrapping the same causes a
// real kernel would give (ECONNREFUSED, ECONNRESET, net.ErrClosed,
// os.ErrDeadlineExceeded), so callers written against real sockets (raft,
// memberlist, net/http) take the same error paths. Misuse of the API (a bad
// address, an unknown NIC) is a plain error prefixed "netmodel:".
var (
	errRefused  = syscall.ECONNREFUSED
	errReset    = syscall.ECONNRESET
	errInUse    = syscall.EADDRINUSE
	errNoPorts  = syscall.EADDRNOTAVAIL
	errShutdown = syscall.EPIPE
	errTimeout  = os.ErrDeadlineExceeded // a net.Error with Timeout() == true
)

// opError wraps err like the net package does for TCP and UDP operations.
func opError(op, network string, src, dst *Addr, err error) error {
	e := &net.OpError{Op: op, Net: network, Err: err}
	// Assign only non-nil pointers: a typed nil in an interface would make
	// OpError.Error dereference it.
	if src != nil {
		e.Source = src
	}
	if dst != nil {
		e.Addr = dst
	}
	return e
}
