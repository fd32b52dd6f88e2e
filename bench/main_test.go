package bench

import (
	"testing"

	"github.com/consim/consim/consimtest"
)

// Runs execute in worker processes: the test binary is the worker.
func TestMain(m *testing.M) { consimtest.Main(m) }
