package node

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/consim/consim/node/catalog"
)

// The check runner: one goroutine per agent runs every check when it is due (a timer on
// the earliest), rather than a goroutine and a ticker per check as Consul has: in the
// simulation every goroutine and timer costs, and one loop gives the same schedule.
// Script checks run on the loop (they are a function call); an HTTP check's request runs
// on a goroutine of its own for as long as it takes, at most one per check at a time.

// runChecks runs the checks until done closes.
func (d *discovery) runChecks() {
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	for {
		next := d.runDue(time.Now())
		wait := time.Hour
		if !next.IsZero() {
			wait = max(time.Until(next), 0)
		}
		t.Reset(wait)
		select {
		case <-t.C:
		case <-d.local.wake:
		case <-d.done:
			return
		}
	}
}

// checkRun is one due run of a script or HTTP check, taken out of the lock.
type checkRun struct {
	id  string
	gen uint64
	def CheckDefinition
}

// runDue runs what is due at now, in check ID order, and returns when the next thing is
// due (zero if nothing is scheduled).
func (d *discovery) runDue(now time.Time) time.Time {
	l := d.local
	l.mu.Lock()
	ids := make([]string, 0, len(l.checks))
	for id, c := range l.checks {
		if !c.deleted && !c.running && !c.next.IsZero() {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids) // map order must not decide what runs first
	var next time.Time
	var expired []CheckUpdate
	var runs []checkRun
	for _, id := range ids {
		c := l.checks[id]
		if c.next.After(now) {
			if next.IsZero() || c.next.Before(next) {
				next = c.next
			}
			continue
		}
		switch c.def.kind() {
		case CheckTTL:
			c.next = time.Time{} // expired until the next update
			if u, changed := l.setLocked(c, catalog.Critical, "TTL expired"); changed {
				expired = append(expired, u)
			}
		case CheckScript:
			c.next = now.Add(c.def.Interval)
			if next.IsZero() || c.next.Before(next) {
				next = c.next
			}
			runs = append(runs, checkRun{id, c.gen, c.def})
		case CheckHTTP:
			c.running, c.next = true, time.Time{}
			runs = append(runs, checkRun{id, c.gen, c.def})
		}
	}
	l.mu.Unlock()
	for _, u := range expired {
		l.report(u, true)
	}
	for _, r := range runs {
		if r.def.Script != nil {
			exit, out := r.def.Script()
			l.setStatus(r.id, r.gen, exitStatus(exit), out)
			continue
		}
		go d.runHTTP(r)
	}
	return next
}

// exitStatus maps a script's exit status to a check status, as Consul documents: 0
// passing, 1 warning, anything else critical.
func exitStatus(code int) string {
	switch code {
	case 0:
		return catalog.Passing
	case 1:
		return catalog.Warning
	}
	return catalog.Critical
}

// maxCheckOutput bounds the body an HTTP check keeps as output (Consul's 4 KiB).
const maxCheckOutput = 4 * 1024

// runHTTP does one HTTP check and schedules the next an interval after it ends.
func (d *discovery) runHTTP(r checkRun) {
	status, out := d.httpCheck(r.def.HTTP, r.def.Timeout)
	l := d.local
	l.mu.Lock()
	c := l.checks[r.id]
	if c != nil && c.gen == r.gen {
		c.running, c.next = false, time.Now().Add(r.def.Interval)
	}
	l.mu.Unlock()
	l.setStatus(r.id, r.gen, status, out)
	poke(l.wake)
}

// httpCheck GETs url and judges the answer as Consul's CheckHTTP does: 2xx passing, 429
// (Too Many Requests) warning, anything else, or no answer within timeout, critical.
func (d *discovery) httpCheck(url string, timeout time.Duration) (status, output string) {
	ctx, cancel := context.WithTimeout(d.ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return catalog.Critical, err.Error()
	}
	req.Header.Set("User-Agent", "Consul Health Check")
	req.Header.Set("Accept", "text/plain, text/*, */*")
	resp, err := d.checkClient.Do(req)
	if err != nil {
		return catalog.Critical, err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxCheckOutput))
	out := fmt.Sprintf("HTTP GET %s: %s Output: %s", url, resp.Status, body)
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode <= 299:
		return catalog.Passing, out
	case resp.StatusCode == http.StatusTooManyRequests:
		return catalog.Warning, out
	}
	return catalog.Critical, out
}
