package node

import (
	"fmt"
	"net/http"
	"strings"
)

// Consul's error texts, kept verbatim: clients (and people) match on them.
const (
	errNoLeader              = "No cluster leader"
	errNotReadyForConsistent = "Not ready to serve consistent reads"
	errMissingKey            = "Missing key name"
)

// httpError is Consul's HTTPError: a status code and a reason sent as the body.
type httpError struct {
	code   int
	reason string
}

func (e httpError) Error() string { return e.reason }

func badRequest(format string, args ...any) error {
	return httpError{code: http.StatusBadRequest, reason: fmt.Sprintf(format, args...)}
}

// methodNotAllowedError is Consul's 405, with the Allow header it requires.
type methodNotAllowedError struct {
	method string
	allow  []string
}

func (e methodNotAllowedError) Error() string {
	return fmt.Sprintf("method %s not allowed", e.method)
}

// writeError answers with Consul's status code and text for err.
func writeError(w http.ResponseWriter, err error) {
	switch e := err.(type) {
	case methodNotAllowedError:
		w.Header().Add("Allow", strings.Join(e.allow, ","))
		w.WriteHeader(http.StatusMethodNotAllowed)
	case httpError:
		w.WriteHeader(e.code)
	default:
		w.WriteHeader(http.StatusInternalServerError)
	}
	fmt.Fprint(w, err.Error())
}
