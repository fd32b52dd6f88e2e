package netmodel

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoRealSockets fails if the package's own code calls anything that
// would open a real socket or build a real transport: inside the guest that
// would break determinism, natively it would escape the synctest bubble.
func TestNoRealSockets(t *testing.T) {
	forbidden := map[string]bool{
		"net.Listen": true, "net.ListenPacket": true, "net.ListenTCP": true, "net.ListenUDP": true,
		"net.Dial": true, "net.DialTimeout": true, "net.DialTCP": true, "net.DialUDP": true,
		"net.Dialer": true, "net.ListenConfig": true, "net.ResolveUDPAddr": true, "net.ResolveTCPAddr": true,
		"net.LookupHost": true, "net.LookupIP": true,
		"raft.NewTCPTransport": true, "raft.NewTCPTransportWithLogger": true, "raft.NewTCPTransportWithConfig": true,
		"memberlist.NewNetTransport": true,
	}
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Skipf("cannot list sources here (%v)", err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Skipf("cannot read sources here: %v", err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); ok && forbidden[id.Name+"."+sel.Sel.Name] {
				t.Errorf("%s: uses %s.%s", fset.Position(sel.Pos()), id.Name, sel.Sel.Name)
			}
			return true
		})
	}
}
