package reports

import "net/url"

// ViewFile is the name of the linearizability view of one read mode in a run directory.
func ViewFile(mode string) string { return "linearizability-" + mode + ".html" }

// ViewLink is the relative link from a page of the run directory (report.html) to one
// operation in the linearizability view of its read mode: the view reads the fragment
// "op=OPID" (checker.Anomaly.OpID) and scrolls to that operation. Keeping the format here,
// in one place, is what keeps the report's links and the view's reader in step.
func ViewLink(mode, opID string) string {
	return ViewFile(mode) + "#" + opFragment(opID)
}

// opFragment is the fragment (without "#") that names one operation. The view's script
// reads it with URLSearchParams, which undoes QueryEscape.
func opFragment(opID string) string { return "op=" + url.QueryEscape(opID) }
