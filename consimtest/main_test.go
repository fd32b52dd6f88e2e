package consimtest_test

import (
	"testing"

	"github.com/consim/consim/consimtest"
)

// The package's own tests run the way a user's do: each run in a worker process.
func TestMain(m *testing.M) { consimtest.Main(m) }
