package reports

import (
	"bytes"
	"fmt"
)

// pageParts is what the view adds to porcupine's page; each is already HTML (escaped by
// its maker).
type pageParts struct {
	title, css, body, js string
}

// The places in porcupine's page (visualization/index.html of the porcupine version in
// go.mod) that the view wraps: the title, the end of the head, the start and the end of the
// body. The view adds around porcupine's page and never edits its script, so porcupine
// stays porcupine; if a new version moves these, wrap says so instead of writing a broken page.
var (
	porcupineTitle = []byte("<title>Porcupine</title>")
	headEnd        = []byte("</head>")
	bodyStart      = []byte("<body>")
	bodyEnd        = []byte("</body>")
)

// wrap puts the view's title, style, header and script into porcupine's page.
func wrap(page []byte, p pageParts) ([]byte, error) {
	for _, anchor := range [][]byte{porcupineTitle, headEnd, bodyStart, bodyEnd} {
		if bytes.Count(page, anchor) != 1 {
			return nil, fmt.Errorf("porcupine's page does not have exactly one %s: the view cannot be wrapped around it", anchor)
		}
	}
	page = bytes.Replace(page, porcupineTitle, []byte("<title>"+p.title+"</title>"), 1)
	page = bytes.Replace(page, headEnd, []byte("<style>\n"+p.css+"</style>\n</head>"), 1)
	page = bytes.Replace(page, bodyStart, []byte("<body>\n"+p.body), 1)
	page = bytes.Replace(page, bodyEnd, []byte("<script>\n"+p.js+"</script>\n</body>"), 1)
	return page, nil
}
