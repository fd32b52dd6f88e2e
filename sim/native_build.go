package sim

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"github.com/consim/consim/sim/native"
)

// nativePackage is the native engine's world: a package whose test binary runs sim/world
// inside a testing/synctest bubble.
const nativePackage = "sim/nativeworld"

// BuildNative returns the native engine's world (docs/native-engine.md) for the source this
// binary was built from: sim/nativeworld's test binary, built for this machine with the
// runtime overlay of sim/native, and cached like the wasm guest. Its Hash starts with
// "native-". A machine whose Go is not the release the overlay was made for gets a
// *SetupError.
func BuildNative(ctx context.Context, logw io.Writer) (*Guest, error) {
	cache, err := CacheDir()
	if err != nil {
		return nil, err
	}
	goVersion, err := toolchain(ctx)
	if err != nil {
		return nil, err
	}
	if err := native.CheckVersion(goVersion); err != nil {
		return nil, &SetupError{Msg: err.Error()}
	}
	files, err := packageFiles(guestSource, nativePackage, runtime.GOOS, runtime.GOARCH, true)
	if err != nil {
		return nil, err
	}
	key, err := filesKey(guestSource, files, goVersion)
	if err != nil {
		return nil, err
	}
	key += "-" + overlayKey()
	path := filepath.Join(cache, "native", key+".test")
	if g, err := newNative(path); err == nil {
		return g, nil
	}
	if logw != nil {
		fmt.Fprintf(logw, "consim: building the native world (%s with the runtime overlay, once per consim build)...\n", goVersion)
	}
	root, err := writeFiles(guestSource, files, filepath.Join(cache, "native-source", key))
	if err != nil {
		return nil, err
	}
	goroot, err := goCmd(ctx, root, []string{"GOTOOLCHAIN=local"}, "env", "GOROOT")
	if err != nil {
		return nil, fmt.Errorf("sim: build native world: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("sim: build native world: %w", err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(path), "build-")
	if err != nil {
		return nil, fmt.Errorf("sim: build native world: %w", err)
	}
	defer os.RemoveAll(tmp)
	overlay, err := native.Write(goroot, goVersion, tmp)
	if err != nil {
		return nil, &SetupError{Msg: err.Error()}
	}
	out := filepath.Join(tmp, "nativeworld.test")
	env := []string{"GOWORK=off", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local", "CGO_ENABLED=0"}
	if _, err := goCmd(ctx, root, env, "test", "-c", "-trimpath", "-ldflags=-buildid=", "-overlay", overlay,
		"-o", out, "./"+nativePackage); err != nil {
		return nil, fmt.Errorf("sim: build native world: %w", err)
	}
	if err := os.Rename(out, path); err != nil {
		return nil, fmt.Errorf("sim: build native world: %w", err)
	}
	g, err := newNative(path)
	if err != nil {
		return nil, fmt.Errorf("sim: read native world: %w", err)
	}
	return g, nil
}

// overlayKey hashes the runtime overlay, which the source key does not see (the added
// file is embedded, not Go source of the world).
func overlayKey() string {
	h := sha256.New()
	for _, e := range native.Edits {
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00", e.File, e.Old, e.New)
	}
	io.WriteString(h, native.Added())
	return hex.EncodeToString(h.Sum(nil))[:8]
}

// newNative names the native world at path by its sha256, streamed: reading the whole
// test binary (16 MB) into a new slice cost a single run about a fifth of its wall time,
// most of it in page faults.
func newNative(path string) (*Guest, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, err
	}
	return &Guest{Hash: "native-" + hex.EncodeToString(h.Sum(nil))[:12], Path: path, Native: true}, nil
}

// The engines: EngineWasm, the default and the reference, runs the world compiled to
// wasip1 in wazero; EngineNative runs it natively (docs/native-engine.md). A stream's
// header names the native engine (run_start's engine); absent, the wasm engine made it.
const (
	EngineWasm   = "wasm"
	EngineNative = "native"
)
