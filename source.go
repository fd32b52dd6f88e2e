// Package consim is consim's own source, embedded, so that a consim binary can build its
// simulated world wherever it runs: installed with go install, copied to another machine,
// run far from any checkout. The world (cmd/simworld) is compiled for wasip1 the first
// time a binary needs it, from exactly the source the binary was built from, and cached.
package consim

import "embed"

// Source holds the module's Go files (test files too: an embed pattern cannot leave them
// out), go.mod, go.sum and the built-in scenarios: everything the guest is built from. The
// sim package writes what the build needs to its cache and builds it there.
//
//go:embed go.mod go.sum */*.go */*/*.go */*/*/*.go scenarios/builtin/*.yaml
var Source embed.FS
