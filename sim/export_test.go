package sim

// WorkersStarted is how many worker processes r has started.
func WorkersStarted(r *Runner) int {
	r.workers.mu.Lock()
	defer r.workers.mu.Unlock()
	return r.workers.started
}
