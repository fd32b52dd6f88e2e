package sim

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"go/version"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Guest is a built simulation world: cmd/simworld compiled for GOOS=wasip1.
type Guest struct {
	// Wasm is the module's bytes.
	Wasm []byte
	// Hash names this exact build (the first 12 hex digits of the wasm's SHA-256). The
	// stream header carries it, so a replay on another build is detected.
	Hash string
	// Path is where the cached wasm lives (the native world's test binary, when Native).
	Path string
	// Native marks the native engine's world (BuildNative): Wasm is then empty.
	Native bool
}

// sockaddrModule does not compile for wasip1: no file of it defines NewRouteInfo there.
// The guest is built against a copy of it with one file added (sockaddrFix).
const sockaddrModule = "github.com/hashicorp/go-sockaddr"

// sockaddrFix is the file added to go-sockaddr for wasip1. The simulation never asks for a
// default route, so "unsupported platform" is the honest answer.
const sockaddrFix = `//go:build wasip1

// Added by consim at build time: go-sockaddr has no wasip1 variant of these.
package sockaddr

func NewRouteInfo() (routeInfo, error) { return routeInfo{}, ErrNoRoute }

func (ri routeInfo) GetDefaultInterfaceName() (string, error) { return "", ErrNoInterface }
`

// CacheDir is where consim keeps built guests and wazero's compilation cache:
// $CONSIM_CACHE, or consim/ under the user cache directory, or under the temporary
// directory when there is no user cache directory (no $HOME, as in some CI jobs).
func CacheDir() (string, error) {
	if d := os.Getenv("CONSIM_CACHE"); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		d = os.TempDir()
	}
	return filepath.Join(d, "consim"), nil
}

// BuildGuest returns the guest for the source this binary was built from (guestSource),
// building it with the Go toolchain only when no cached build of the same source and Go
// version exists. Progress of a real build goes to logw. A machine that cannot build it
// (no Go toolchain, or one too old) gets a *SetupError that says what to do.
func BuildGuest(ctx context.Context, logw io.Writer) (*Guest, error) {
	cache, err := CacheDir()
	if err != nil {
		return nil, err
	}
	goVersion, err := toolchain(ctx)
	if err != nil {
		return nil, err
	}
	key, err := sourceKey(guestSource, goVersion)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(cache, "guest", key+".wasm")
	if wasm, err := os.ReadFile(path); err == nil {
		return newGuest(wasm, path), nil
	}
	if logw != nil {
		fmt.Fprintf(logw, "consim: building the simulated world (%s, once per consim build and Go version)...\n", goVersion)
	}
	root, err := writeSource(guestSource, filepath.Join(cache, "source", key))
	if err != nil {
		return nil, err
	}
	if err := buildWasm(ctx, root, cache, path); err != nil {
		return nil, err
	}
	wasm, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sim: read built guest: %w", err)
	}
	return newGuest(wasm, path), nil
}

// toolchain returns the version of the Go toolchain on PATH, which builds the guest, or a
// *SetupError when there is none or it is older than go.mod asks for.
func toolchain(ctx context.Context) (string, error) {
	want := goDirective(guestSource)
	const advice = "consim compiles its simulated world with the Go toolchain the first time it runs " +
		"(then keeps it in its cache, %s)"
	dir, _ := CacheDir()
	if _, err := exec.LookPath("go"); err != nil {
		return "", &SetupError{Msg: fmt.Sprintf(advice+", and there is no `go` command on PATH: install Go %s or later and put it on PATH", dir, want)}
	}
	v, err := goCmd(ctx, os.TempDir(), []string{"GOTOOLCHAIN=local"}, "env", "GOVERSION")
	if err != nil {
		return "", &SetupError{Msg: fmt.Sprintf(advice+", and `go env GOVERSION` failed: %v", dir, err)}
	}
	if want != "" && strings.HasPrefix(v, "go") && version.Compare(v, "go"+want) < 0 {
		return "", &SetupError{Msg: fmt.Sprintf(advice+"; it needs Go %s or later, and `go` on PATH is %s: install a newer Go", dir, want, v)}
	}
	return v, nil
}

// goDirective is the Go version go.mod asks for ("1.26"), or "" if it says none.
func goDirective(src fs.FS) string {
	b, err := fs.ReadFile(src, "go.mod")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "go "); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func newGuest(wasm []byte, path string) *Guest {
	sum := sha256.Sum256(wasm)
	return &Guest{Wasm: wasm, Hash: hex.EncodeToString(sum[:])[:12], Path: path}
}

// buildWasm compiles cmd/simworld for wasip1 into path. The committed go.mod stays clean:
// the build uses a temporary modfile that replaces go-sockaddr with the fixed copy.
func buildWasm(ctx context.Context, root, cache, path string) error {
	fixed, err := fixedSockaddr(ctx, root, cache)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("sim: build guest: %w", err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(path), "build-")
	if err != nil {
		return fmt.Errorf("sim: build guest: %w", err)
	}
	defer os.RemoveAll(tmp)
	modfile := filepath.Join(tmp, "go.mod")
	for _, name := range []string{"go.mod", "go.sum"} {
		if err := copyFile(filepath.Join(root, name), filepath.Join(tmp, name), 0o644); err != nil {
			return fmt.Errorf("sim: build guest: %w", err)
		}
	}
	if _, err := goCmd(ctx, root, nil, "mod", "edit", "-modfile="+modfile, "-replace="+sockaddrModule+"="+fixed); err != nil {
		return fmt.Errorf("sim: build guest: %w", err)
	}
	out := filepath.Join(tmp, "simworld.wasm")
	// Reproducible on any machine: no build ID (it hashes the temporary modfile's path)
	// and no module info (it records the fixed go-sockaddr copy's path in the cache).
	env := []string{"GOOS=wasip1", "GOARCH=wasm", "GOWORK=off", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local"}
	if _, err := goCmd(ctx, root, env, "build", "-trimpath", "-ldflags=-buildid= -X=runtime.modinfo=",
		"-modfile="+modfile, "-o", out, "./cmd/simworld"); err != nil {
		return fmt.Errorf("sim: build guest: %w", err)
	}
	// Rename is atomic: concurrent builds (parallel test packages) each write their own
	// temporary file and the last rename wins with identical content.
	if err := os.Rename(out, path); err != nil {
		return fmt.Errorf("sim: build guest: %w", err)
	}
	return nil
}

// fixedSockaddr returns a directory holding go-sockaddr (the version go.mod selects) plus
// sockaddrFix, creating it under the cache the first time.
func fixedSockaddr(ctx context.Context, root, cache string) (string, error) {
	if _, err := goCmd(ctx, root, nil, "mod", "download", sockaddrModule); err != nil {
		return "", fmt.Errorf("sim: fetch %s: %w", sockaddrModule, err)
	}
	info, err := goCmd(ctx, root, nil, "list", "-m", "-f", "{{.Dir}}|{{.Version}}", sockaddrModule)
	if err != nil {
		return "", fmt.Errorf("sim: locate %s: %w", sockaddrModule, err)
	}
	src, version, ok := strings.Cut(info, "|")
	if !ok || src == "" {
		return "", fmt.Errorf("sim: locate %s: unexpected answer %q", sockaddrModule, info)
	}
	dst := filepath.Join(cache, "go-sockaddr-wasip1", version)
	if _, err := os.Stat(filepath.Join(dst, "route_info_wasip1.go")); err == nil {
		return dst, nil
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return "", fmt.Errorf("sim: prepare %s: %w", sockaddrModule, err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dst), "tmp-")
	if err != nil {
		return "", fmt.Errorf("sim: prepare %s: %w", sockaddrModule, err)
	}
	defer os.RemoveAll(tmp)
	if err := copyTree(src, tmp); err != nil {
		return "", fmt.Errorf("sim: copy %s: %w", sockaddrModule, err)
	}
	if err := os.WriteFile(filepath.Join(tmp, "route_info_wasip1.go"), []byte(sockaddrFix), 0o644); err != nil {
		return "", fmt.Errorf("sim: patch %s: %w", sockaddrModule, err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		// Another build got there first; its copy is identical.
		if _, statErr := os.Stat(filepath.Join(dst, "route_info_wasip1.go")); statErr == nil {
			return dst, nil
		}
		return "", fmt.Errorf("sim: install %s copy: %w", sockaddrModule, err)
	}
	return dst, nil
}

// goCmd runs the go command in dir and returns its trimmed output.
func goCmd(ctx context.Context, dir string, env []string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		return copyFile(path, target, 0o644)
	})
}

func copyFile(src, dst string, mode fs.FileMode) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, mode)
}
