package node

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// The agent's HTTP API is shaped like Consul's: same paths, parameters, JSON field names,
// headers, status codes and error texts, so that Consul's own client library could talk
// to it. It is served by every agent, client or server, on the listener the caller gives.

// apiHandler serves one endpoint. It returns the object to send as JSON, or nil when it
// wrote the response itself (404s, raw values).
type apiHandler func(w http.ResponseWriter, r *http.Request) (any, error)

// wrap applies Consul's common handling: the method check (405 with Allow), errors as
// status code plus text, JSON bodies (indented with ?pretty).
func wrap(h apiHandler, methods ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if len(methods) > 0 && !slices.Contains(methods, r.Method) {
			writeError(w, methodNotAllowedError{method: r.Method, allow: append([]string{"OPTIONS"}, methods...)})
			return
		}
		obj, err := h(w, r)
		if err != nil {
			writeError(w, err)
			return
		}
		if obj == nil {
			return
		}
		var buf []byte
		if _, pretty := r.URL.Query()["pretty"]; pretty {
			buf, err = json.MarshalIndent(obj, "", "    ")
			buf = append(buf, '\n')
		} else {
			buf, err = json.Marshal(obj)
		}
		if err != nil {
			writeError(w, err)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(buf)
	}
}

// notFound answers paths no endpoint serves, with Consul's texts.
func notFound(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusNotFound)
	if strings.Contains(r.URL.Path, "/v1/") {
		fmt.Fprintln(w, "Invalid URL path: not a recognized HTTP API endpoint")
		return
	}
	fmt.Fprintln(w, "Invalid URL path: if attempting to use the HTTP API, ensure the path starts with '/v1/'")
}
