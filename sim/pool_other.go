//go:build !linux

package sim

import "syscall"

// workerAttr: elsewhere a worker notices its parent's death when its stdin closes.
func workerAttr() *syscall.SysProcAttr { return nil }
