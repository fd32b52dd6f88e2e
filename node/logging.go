package node

import (
	"io"
	"log"

	"github.com/hashicorp/go-hclog"
)

// loggers builds the two logger kinds the libraries want, both writing to w. Timestamps
// are left out: whoever reads w knows the (virtual) time better.
func loggers(name string, w io.Writer) (hclog.Logger, *log.Logger) {
	if w == nil {
		return hclog.NewNullLogger(), log.New(io.Discard, "", 0)
	}
	hl := hclog.New(&hclog.LoggerOptions{
		Name:        "raft",
		Output:      w,
		Level:       hclog.Debug,
		DisableTime: true,
	})
	return hl, log.New(w, "", 0)
}
