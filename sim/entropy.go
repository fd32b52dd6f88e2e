package sim

import (
	"crypto/sha256"
	"encoding/binary"
	"io"
	"math/rand/v2"
)

// entropy returns the guest's only source of randomness (WASI random_get): the Go
// runtime seeds map order, select choice, the scheduler, math/rand and crypto/rand from
// it. A ChaCha8 stream keyed by the run seed makes all of them repeatable.
func entropy(seed uint64) io.Reader {
	var in [8]byte
	binary.LittleEndian.PutUint64(in[:], seed)
	key := sha256.Sum256(append([]byte("consim guest entropy v1\x00"), in[:]...))
	return rand.NewChaCha8(key)
}
