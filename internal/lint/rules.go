package lint

import (
	"fmt"
	"go/ast"
	"go/token"
	"strconv"
	"strings"
)

// forbidden lists calls and types that reach a real network. Inside the simulated world
// every byte must go through netmodel, or the run stops being deterministic (and, on
// wasip1, stops working at all).
var forbidden = map[string][]string{
	"net": {"Listen", "ListenTCP", "ListenUDP", "ListenPacket", "ListenIP", "ListenUnix", "ListenMulticastUDP",
		"Dial", "DialTCP", "DialUDP", "DialIP", "DialUnix", "DialTimeout", "Dialer", "ListenConfig",
		"LookupHost", "LookupIP", "LookupAddr", "ResolveTCPAddr", "ResolveUDPAddr", "ResolveIPAddr"},
	"net/http":                        {"ListenAndServe", "ListenAndServeTLS", "Get", "Post", "Head", "PostForm", "DefaultClient", "DefaultTransport"},
	"github.com/hashicorp/raft":       {"NewTCPTransport", "NewTCPTransportWithLogger", "NewTCPTransportWithConfig"},
	"github.com/hashicorp/memberlist": {"NewNetTransport"},
}

// memberlistConfigs are the ways to make a memberlist configuration.
var memberlistConfigs = []string{"DefaultLANConfig", "DefaultWANConfig", "DefaultLocalConfig"}

// importNames maps the names a file uses for its imports to their paths.
func importNames(f *ast.File) map[string]string {
	names := map[string]string{}
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		name := path[strings.LastIndex(path, "/")+1:]
		if imp.Name != nil {
			name = imp.Name.Name
		}
		names[name] = path
	}
	return names
}

// qualified resolves X.Sel to (import path, Sel) when X is an imported package.
func qualified(names map[string]string, n ast.Node) (string, string, bool) {
	sel, ok := n.(*ast.SelectorExpr)
	if !ok {
		return "", "", false
	}
	id, ok := sel.X.(*ast.Ident)
	if !ok || id.Obj != nil {
		return "", "", false
	}
	path, ok := names[id.Name]
	return path, sel.Sel.Name, ok
}

// realNetworking reports every use of a forbidden name in f.
func realNetworking(fset *token.FileSet, f *ast.File) []string {
	names := importNames(f)
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		path, name, ok := qualified(names, n)
		if !ok {
			return true
		}
		for _, bad := range forbidden[path] {
			if name == bad {
				out = append(out, fmt.Sprintf("%s: uses %s.%s: simulation code must use netmodel, never a real network", fset.Position(n.Pos()), path, name))
			}
		}
		return true
	})
	return out
}

// memberlistWithoutTransport reports every function that makes a memberlist
// configuration and never sets its Transport: memberlist would then bind real sockets.
func memberlistWithoutTransport(fset *token.FileSet, f *ast.File) []string {
	names := importNames(f)
	var out []string
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Body == nil {
			continue
		}
		var made []token.Pos
		setsTransport := false
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if path, name, ok := qualified(names, n.Fun); ok && path == "github.com/hashicorp/memberlist" && isConfigMaker(name) {
					made = append(made, n.Pos())
				}
			case *ast.CompositeLit:
				if path, name, ok := qualified(names, n.Type); ok && path == "github.com/hashicorp/memberlist" && name == "Config" {
					made = append(made, n.Pos())
					for _, elt := range n.Elts {
						if kv, ok := elt.(*ast.KeyValueExpr); ok && isIdent(kv.Key, "Transport") {
							setsTransport = true
						}
					}
				}
			case *ast.AssignStmt:
				for _, lhs := range n.Lhs {
					if sel, ok := lhs.(*ast.SelectorExpr); ok && sel.Sel.Name == "Transport" {
						setsTransport = true
					}
				}
			}
			return true
		})
		if len(made) > 0 && !setsTransport {
			for _, pos := range made {
				out = append(out, fmt.Sprintf("%s: %s builds a memberlist config without setting Transport: memberlist would bind real sockets", fset.Position(pos), fn.Name.Name))
			}
		}
	}
	return out
}

func isConfigMaker(name string) bool {
	for _, m := range memberlistConfigs {
		if name == m {
			return true
		}
	}
	return false
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}
