package sim

import "syscall"

// workerAttr makes the kernel kill a worker when its parent dies: a warm worker waits for
// its next job on stdin and sees the parent go only when that closes, which a worker busy
// with a long run would not notice until the run ends.
func workerAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
