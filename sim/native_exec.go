package sim

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"
)

// nativeEnv is the whole environment of the native world's process: nothing of the host's
// (its allocations at start-up would differ by machine and user), and what the runtime
// overlay needs. TZ=UTC: the time zone is part of the world (raft encodes times with their
// zone), and without TZ the time package reads /etc/localtime, the host's, the first time a
// goroutine of the world asks for it: a system call inside the world. CONSIM_NATIVE_OFF, which switches single fixes off for a measurement
// (docs/native-engine.md), is passed on when set.
func nativeEnv(seed uint64) []string {
	env := []string{"CONSIM_NATIVE_WORLD=1", "GOMAXPROCS=1", "GOGC=off", "GODEBUG=", "TZ=UTC",
		fmt.Sprintf("CONSIM_NATIVE_SEED=%d", seed)}
	if off := os.Getenv("CONSIM_NATIVE_OFF"); off != "" {
		env = append(env, "CONSIM_NATIVE_OFF="+off)
	}
	return env
}

// execNative runs the native world once: a process of the test binary at path, input on
// its stdin, the stream on stdout. The world writes its stream only when it is done
// (nativeworld), so a run stopped at its wall-time limit has none: Hung with an unknown
// virtual time.
func execNative(ctx context.Context, limit time.Duration, path string, input []byte, seed uint64, stdout, stderr io.Writer) outcome {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "-test.run=^TestWorld$", "-test.timeout=0")
	cmd.Args[0] = "consim-native-world" // the same argv on every machine
	cmd.Env = nativeEnv(seed)
	cmd.Dir = os.TempDir()
	cmd.Stdin = bytes.NewReader(input)
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	start := time.Now()
	err := cmd.Run()
	out := outcome{Wall: time.Since(start)}
	var exit *exec.ExitError
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		out.Hung, out.Stalled = true, -1
	case ctx.Err() != nil:
		out.Canceled = true
	case err == nil:
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		out.ExitCode = uint32(exit.ExitCode())
	default:
		out.Err = err.Error()
	}
	return out
}
