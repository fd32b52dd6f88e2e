// Package browser drives a real headless Chromium over the DevTools protocol (through
// chromedp) so that tests can judge consim's HTML pages the way a reader's browser shows
// them: open a local file, collect console errors and uncaught exceptions, evaluate
// JavaScript and query the DOM, render the whole page to a PNG.
//
// It is host-side test tooling: nothing of the simulation links it. Tests get a browser
// with ForTest, which skips with the install command when no Chromium is found, and fails
// instead when the environment says the browser is required (.ci/run sets RequireEnv).
package browser
