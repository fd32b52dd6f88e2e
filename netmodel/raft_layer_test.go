package netmodel

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/raft"
)

// countFSM counts applied entries; enough to see replication happen.
type countFSM struct {
	mu sync.Mutex
	n  int
}

func (f *countFSM) Apply(*raft.Log) any {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	return f.n
}

func (f *countFSM) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n
}

func (f *countFSM) Snapshot() (raft.FSMSnapshot, error) { return noSnapshot{}, nil }
func (f *countFSM) Restore(rc io.ReadCloser) error      { return rc.Close() }

type noSnapshot struct{}

func (noSnapshot) Persist(sink raft.SnapshotSink) error { return sink.Close() }
func (noSnapshot) Release()                             {}

func TestRaftClusterElectsAppliesAndShutsDown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, Config{Link: LinkConfig{Latency: Latency{Dist: DistNormal, Mean: 2 * ms, Stddev: ms / 2}}})
		var hosts []*Host
		for i := range 3 {
			hosts = append(hosts, addHost(t, n, fmt.Sprintf("server%d", i), fmt.Sprintf("127.0.0.%d", i+1)))
		}
		rc := startRaft(t, hosts)
		rafts, fsms := rc.rafts, rc.fsms
		start := time.Now()
		var leader *raft.Raft
		for leader == nil {
			if elapsed(start) > 30*time.Second {
				t.Fatal("no leader after 30s")
			}
			time.Sleep(10 * ms)
			for _, r := range rafts {
				if r.State() == raft.Leader {
					leader = r
				}
			}
		}
		t.Logf("leader elected after %v of virtual time", elapsed(start))
		const entries = 100
		for i := range entries {
			if err := leader.Apply([]byte{byte(i)}, time.Second).Error(); err != nil {
				t.Fatalf("apply %d: %v", i, err)
			}
		}
		for start = time.Now(); ; time.Sleep(10 * ms) {
			if fsms[0].count() == entries && fsms[1].count() == entries && fsms[2].count() == entries {
				break
			}
			if elapsed(start) > 10*time.Second {
				t.Fatalf("not replicated: %d %d %d", fsms[0].count(), fsms[1].count(), fsms[2].count())
			}
		}
		if st := n.Stats(); st.StreamsOpened == 0 || st.StreamBytes == 0 {
			t.Fatalf("stats %+v", st)
		}
		for _, r := range rafts {
			if err := r.Shutdown().Error(); err != nil {
				t.Fatal(err)
			}
		}
		// synctest.Test fails if a raft handler is left blocked in Read.
	})
}

func TestRaftLayerCloseAbortsTrackedConns(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, a, b := twoHosts(t)
		la, _ := NewRaftLayer(a, "", 8300)
		lb, _ := NewRaftLayer(b, "", 8300)
		dialed, err := la.Dial("127.0.0.2:8300", time.Second)
		if err != nil {
			t.Fatal(err)
		}
		accepted, err := lb.Accept()
		if err != nil {
			t.Fatal(err)
		}
		// A conn raft already closed leaves the tracked set.
		other, _ := la.Dial("127.0.0.2:8300", time.Second)
		otherIn, _ := lb.Accept()
		other.Close()
		otherIn.Close()
		if la.conns.len() != 1 || lb.conns.len() != 1 {
			t.Fatalf("tracked %d and %d conns, want 1 and 1", la.conns.len(), lb.conns.len())
		}

		readErr := make(chan error)
		go func() {
			_, err := accepted.Read(make([]byte, 1)) // like raft's handleConn: no deadline
			readErr <- err
		}()
		go func() {
			_, err := dialed.Read(make([]byte, 1))
			readErr <- err
		}()
		synctest.Wait()
		lb.Close()
		for range 2 {
			err := <-readErr
			if !errors.Is(err, net.ErrClosed) && !errors.Is(err, syscall.ECONNRESET) {
				t.Fatalf("blocked read ended with %v", err)
			}
		}
		if _, err := lb.Accept(); !errors.Is(err, net.ErrClosed) {
			t.Fatalf("accept after close: %v", err)
		}
		if _, err := la.Dial("127.0.0.2:8300", time.Second); !errors.Is(err, syscall.ECONNREFUSED) {
			t.Fatalf("dial to a closed layer: %v", err)
		}
		la.Close()
		la.Close()
		plain, _ := b.Listen("", 9000)
		if _, err := la.Dial("127.0.0.2:9000", time.Second); !errors.Is(err, net.ErrClosed) {
			t.Fatalf("dial from a closed layer: %v", err)
		}
		// The far end of that refused-at-home dial is reset, not leaked.
		in, _ := plain.Accept()
		if _, err := in.Read(make([]byte, 1)); !errors.Is(err, syscall.ECONNRESET) {
			t.Fatalf("far end of a dial from a closed layer: %v", err)
		}
		in.Close()
		plain.Close()
	})
}
