package node

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/consim/consim/node/catalog"
)

// The catalog and health endpoints: reads of the servers' catalog in the three read
// modes, with X-Consul-* headers and blocking queries, exactly as KV reads (the same
// path through kvService.read).

// catalogRead parses the common query options, runs the read and sets the headers.
func catalogRead(svc kvService, w http.ResponseWriter, r *http.Request, req ReadRequest) (ReadReply, error) {
	opts, err := parseQueryOptions(r)
	if err != nil {
		return ReadReply{}, err
	}
	req.Options = opts
	reply, err := svc.read(r.Context(), req)
	if err != nil {
		return ReadReply{}, apiError(err)
	}
	setMeta(w, reply.Meta)
	return reply, nil
}

// pathArg is what follows prefix in the request's path; missing names it for the 400.
func pathArg(r *http.Request, prefix, missing string) (string, error) {
	arg := strings.TrimPrefix(r.URL.Path, prefix)
	if arg == "" {
		return "", badRequest("%s", missing)
	}
	return arg, nil
}

// catalogNodes serves GET /v1/catalog/nodes.
func catalogNodes(svc kvService) apiHandler {
	return func(w http.ResponseWriter, r *http.Request) (any, error) {
		reply, err := catalogRead(svc, w, r, ReadRequest{Op: ReadCatalogNodes})
		if err != nil {
			return nil, err
		}
		out := make([]apiNode, 0, len(reply.Nodes))
		for _, n := range reply.Nodes {
			out = append(out, toAPINode(n))
		}
		return out, nil
	}
}

// catalogServices serves GET /v1/catalog/services: every service name with its tags.
func catalogServices(svc kvService) apiHandler {
	return func(w http.ResponseWriter, r *http.Request) (any, error) {
		reply, err := catalogRead(svc, w, r, ReadRequest{Op: ReadCatalogServices})
		if err != nil {
			return nil, err
		}
		if reply.Services == nil {
			reply.Services = map[string][]string{}
		}
		return reply.Services, nil
	}
}

// catalogService serves GET /v1/catalog/service/NAME (?tag=).
func catalogService(svc kvService) apiHandler {
	return func(w http.ResponseWriter, r *http.Request) (any, error) {
		name, err := pathArg(r, "/v1/catalog/service/", "Missing service name")
		if err != nil {
			return nil, err
		}
		reply, err := catalogRead(svc, w, r, ReadRequest{Op: ReadCatalogService, Key: name, Tag: r.URL.Query().Get("tag")})
		if err != nil {
			return nil, err
		}
		out := make([]apiServiceNode, 0, len(reply.Instances))
		for _, in := range reply.Instances {
			out = append(out, toAPIServiceNode(in))
		}
		return out, nil
	}
}

// catalogNode serves GET /v1/catalog/node/NODE: the node and its services, or null.
func catalogNode(svc kvService) apiHandler {
	return func(w http.ResponseWriter, r *http.Request) (any, error) {
		node, err := pathArg(r, "/v1/catalog/node/", "Missing node name")
		if err != nil {
			return nil, err
		}
		reply, err := catalogRead(svc, w, r, ReadRequest{Op: ReadCatalogNode, Key: node})
		if err != nil {
			return nil, err
		}
		if reply.Node == nil {
			return jsonNull{}, nil
		}
		out := apiNodeServices{Node: toAPINode(*reply.Node), Services: map[string]apiService{}}
		for _, s := range reply.NodeSvcs {
			out.Services[s.ID] = toAPIService(s)
		}
		return out, nil
	}
}

// jsonNull encodes as null: Consul's answer for a node the catalog lacks.
type jsonNull struct{}

func (jsonNull) MarshalJSON() ([]byte, error) { return []byte("null"), nil }

// healthService serves GET /v1/health/service/NAME: every instance with its node and
// the checks that decide its health (?passing: only instances whose checks all pass;
// ?tag=, repeatable: only instances with every tag).
func healthService(svc kvService) apiHandler {
	return func(w http.ResponseWriter, r *http.Request) (any, error) {
		name, err := pathArg(r, "/v1/health/service/", "Missing service name")
		if err != nil {
			return nil, err
		}
		q := r.URL.Query()
		passing, err := boolParam(q, "passing")
		if err != nil {
			return nil, badRequest("Invalid value for ?passing")
		}
		tags := q["tag"]
		req := ReadRequest{Op: ReadHealthService, Key: name}
		if len(tags) > 0 {
			req.Tag = tags[0]
		}
		reply, err := catalogRead(svc, w, r, req)
		if err != nil {
			return nil, err
		}
		out := make([]apiServiceEntry, 0, len(reply.Instances))
		for _, in := range reply.Instances {
			if !hasTags(in.Service.Tags, tags) || passing && !allPassing(in.Checks) {
				continue
			}
			out = append(out, apiServiceEntry{Node: toAPINode(in.Node), Service: toAPIService(in.Service), Checks: toAPIChecks(in.Checks)})
		}
		return out, nil
	}
}

func hasTags(have, want []string) bool {
	for _, t := range want {
		if !slices.Contains(have, t) {
			return false
		}
	}
	return true
}

func allPassing(cs []catalog.Check) bool {
	for _, c := range cs {
		if c.Status != catalog.Passing {
			return false
		}
	}
	return true
}

// boolParam reads a flag as Consul's getBoolQueryParam: absent false, present without a
// value true, else strconv.ParseBool.
func boolParam(q url.Values, key string) (bool, error) {
	if _, ok := q[key]; !ok {
		return false, nil
	}
	v := q.Get(key)
	if v == "" {
		return true, nil
	}
	return strconv.ParseBool(v)
}

// healthChecks serves the check lists: GET /v1/health/checks/SERVICE,
// /v1/health/node/NODE and /v1/health/state/STATE (any, passing, warning, critical; an
// unknown state lists nothing, as Consul's state store answers it).
func healthChecks(svc kvService, op, prefix, missing string) apiHandler {
	return func(w http.ResponseWriter, r *http.Request) (any, error) {
		arg, err := pathArg(r, prefix, missing)
		if err != nil {
			return nil, err
		}
		reply, err := catalogRead(svc, w, r, ReadRequest{Op: op, Key: arg})
		if err != nil {
			return nil, err
		}
		return toAPIChecks(reply.Checks), nil
	}
}
