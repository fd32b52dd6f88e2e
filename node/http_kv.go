package node

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/consim/consim/node/kv"
)

// kvEndpoint serves /v1/kv/<key> as Consul's KVSEndpoint: GET (one key, ?recurse,
// ?keys with ?separator, ?raw), PUT (?flags, ?cas, ?acquire, ?release) and DELETE
// (?recurse, ?cas).
func kvEndpoint(svc kvService) apiHandler {
	return func(w http.ResponseWriter, r *http.Request) (any, error) {
		key := strings.TrimPrefix(r.URL.Path, "/v1/kv/")
		switch r.Method {
		case http.MethodGet:
			return kvGet(svc, w, r, key)
		case http.MethodPut:
			return kvPut(svc, r, key)
		case http.MethodDelete:
			return kvDelete(svc, r, key)
		}
		return nil, methodNotAllowedError{method: r.Method, allow: []string{"GET", "PUT", "DELETE"}}
	}
}

func kvGet(svc kvService, w http.ResponseWriter, r *http.Request, key string) (any, error) {
	opts, err := parseQueryOptions(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	req := ReadRequest{Op: ReadGet, Key: key, Options: opts}
	_, keys := q["keys"]
	_, recurse := q["recurse"]
	switch {
	case keys:
		req.Op = ReadKeys
		// Consul accepts its historic misspelling too; the right spelling wins.
		req.Separator = q.Get("seperator")
		if _, ok := q["separator"]; ok {
			req.Separator = q.Get("separator")
		}
	case recurse:
		req.Op = ReadList
	case key == "":
		return nil, badRequest(errMissingKey)
	}
	reply, err := svc.read(r.Context(), req)
	if err != nil {
		return nil, apiError(err)
	}
	setMeta(w, reply.Meta)
	if req.Op == ReadKeys {
		// The root answers an empty list, any other prefix without keys a 404.
		if len(reply.Keys) == 0 && key != "" {
			w.WriteHeader(http.StatusNotFound)
			return nil, nil
		}
		if reply.Keys == nil {
			reply.Keys = []string{}
		}
		return reply.Keys, nil
	}
	if len(reply.Entries) == 0 {
		w.WriteHeader(http.StatusNotFound)
		return nil, nil
	}
	if _, raw := q["raw"]; raw && req.Op == ReadGet {
		body := reply.Entries[0].Value
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Content-Security-Policy", "sandbox")
		w.Write(body)
		return nil, nil
	}
	return reply.Entries, nil
}

func kvPut(svc kvService, r *http.Request, key string) (any, error) {
	if key == "" {
		return nil, badRequest(errMissingKey)
	}
	if err := conflictingFlags(r, "cas", "acquire", "release"); err != nil {
		return nil, err
	}
	q := r.URL.Query()
	req := kv.Request{Op: kv.OpSet, Key: key}
	// A lock (?acquire=ID) or an unlock (?release=ID) answers whether it took effect.
	if _, ok := q["acquire"]; ok {
		req.Op, req.Session = kv.OpLock, q.Get("acquire")
	}
	if _, ok := q["release"]; ok {
		req.Op, req.Session = kv.OpUnlock, q.Get("release")
	}
	if _, ok := q["flags"]; ok {
		// As in Consul, a flag or cas that is not a number is a 500 with strconv's text.
		flags, err := strconv.ParseUint(q.Get("flags"), 10, 64)
		if err != nil {
			return nil, err
		}
		req.Flags = flags
	}
	if _, ok := q["cas"]; ok {
		cas, err := strconv.ParseUint(q.Get("cas"), 10, 64)
		if err != nil {
			return nil, err
		}
		req.Op, req.Index = kv.OpCAS, cas
	}
	if r.ContentLength > kv.MaxValueSize {
		return nil, apiError(kv.TooLarge(r.ContentLength))
	}
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, io.LimitReader(r.Body, kv.MaxValueSize+1)); err != nil {
		return nil, err
	}
	req.Value = buf.Bytes()
	reply, err := svc.apply(r.Context(), req)
	if err != nil {
		return nil, apiError(err)
	}
	if req.Op == kv.OpSet {
		return true, nil
	}
	return reply.OK, nil
}

func kvDelete(svc kvService, r *http.Request, key string) (any, error) {
	if err := conflictingFlags(r, "recurse", "cas"); err != nil {
		return nil, err
	}
	q := r.URL.Query()
	req := kv.Request{Op: kv.OpDelete, Key: key}
	if _, ok := q["recurse"]; ok {
		req.Op = kv.OpDeleteTree
	} else if key == "" {
		return nil, badRequest(errMissingKey)
	}
	if _, ok := q["cas"]; ok {
		cas, err := strconv.ParseUint(q.Get("cas"), 10, 64)
		if err != nil {
			return nil, err
		}
		req.Op, req.Index = kv.OpDeleteCAS, cas
	}
	reply, err := svc.apply(r.Context(), req)
	if err != nil {
		return nil, apiError(err)
	}
	if req.Op == kv.OpDeleteCAS {
		return reply.OK, nil
	}
	return true, nil
}

// conflictingFlags refuses parameters that do not compose, with Consul's text.
func conflictingFlags(r *http.Request, flags ...string) error {
	q := r.URL.Query()
	found := false
	for _, f := range flags {
		if _, ok := q[f]; ok {
			if found {
				return badRequest("Conflicting flags: %v\n", q.Encode())
			}
			found = true
		}
	}
	return nil
}

// apiError maps a service error to its HTTP form: a request the KV store refuses keeps
// its status (400, 413); anything else is a 500 with its text, as Consul answers RPC
// errors.
func apiError(err error) error {
	var re *kv.RequestError
	if errors.As(err, &re) {
		return httpError{code: re.Status, reason: re.Reason}
	}
	var he httpError
	if errors.As(err, &he) {
		return he
	}
	return fmt.Errorf("%s", err.Error())
}
