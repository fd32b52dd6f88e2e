package leanhttp

import (
	"bufio"
	"bytes"
	"net/http"
	"strconv"
)

// response is the http.ResponseWriter of one request: everything the handler writes
// is buffered, and the whole answer goes out at once with its Content-Length once the
// handler returns. None of consim's handlers streams.
type response struct {
	req         *http.Request
	header      http.Header
	status      int
	wroteHeader bool
	body        bytes.Buffer
}

var _ http.ResponseWriter = (*response)(nil)

func newResponse(req *http.Request) *response {
	return &response{req: req, header: http.Header{}, status: http.StatusOK}
}

// Header returns the header map the response will carry.
func (w *response) Header() http.Header { return w.header }

// WriteHeader sets the status code; calls after the first (or after a Write) are
// ignored, as net/http ignores them (it also logs them).
func (w *response) WriteHeader(code int) {
	if w.wroteHeader {
		return
	}
	if code < 200 || code > 999 {
		// 1xx informational answers are not supported (nobody here sends them) and an
		// out-of-range code is the handler's bug: net/http panics on it too.
		panic("leanhttp: WriteHeader with code " + strconv.Itoa(code))
	}
	w.wroteHeader = true
	w.status = code
}

// Write appends to the buffered body.
func (w *response) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if !bodyAllowed(w.status) {
		return 0, http.ErrBodyNotAllowed
	}
	return w.body.Write(b)
}

// WriteString is Write without a copy to []byte (io.StringWriter).
func (w *response) WriteString(s string) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if !bodyAllowed(w.status) {
		return 0, http.ErrBodyNotAllowed
	}
	return w.body.WriteString(s)
}

func bodyAllowed(status int) bool {
	return status != http.StatusNoContent && status != http.StatusNotModified
}

// writeTo writes the status line, the headers and the body to bw and flushes it.
func (w *response) writeTo(bw *bufio.Writer) error {
	h := w.header
	body := w.body.Bytes()
	if bodyAllowed(w.status) {
		if _, ok := h["Content-Type"]; !ok && len(body) > 0 {
			h.Set("Content-Type", http.DetectContentType(body))
		}
		h.Set("Content-Length", strconv.Itoa(len(body)))
	} else {
		h.Del("Content-Length")
		h.Del("Transfer-Encoding")
	}
	bw.WriteString("HTTP/1.1 ")
	bw.WriteString(strconv.Itoa(w.status))
	bw.WriteByte(' ')
	text := http.StatusText(w.status)
	if text == "" {
		text = "status code " + strconv.Itoa(w.status) // what net/http writes
	}
	bw.WriteString(text)
	bw.WriteString("\r\n")
	if err := h.Write(bw); err != nil {
		return err
	}
	bw.WriteString("\r\n")
	if w.req.Method != http.MethodHead {
		bw.Write(body)
	}
	return bw.Flush()
}
