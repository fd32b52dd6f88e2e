package node

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/consim/consim/node/catalog"
)

// The agent's own services and checks: what it runs, as opposed to what the catalog
// says (anti-entropy brings the two together).

// agentServices serves GET /v1/agent/services: the agent's services by ID.
func (a *Agent) agentServices(http.ResponseWriter, *http.Request) (any, error) {
	out := map[string]apiService{}
	for _, s := range a.LocalServices() {
		as := toAPIService(s)
		as.Datacenter = datacenter
		out[s.ID] = as
	}
	return out, nil
}

// agentChecks serves GET /v1/agent/checks: the agent's checks by ID, with their
// current status.
func (a *Agent) agentChecks(http.ResponseWriter, *http.Request) (any, error) {
	out := map[string]apiCheck{}
	for _, c := range a.LocalChecks() {
		out[c.CheckID] = toAPICheck(c)
	}
	return out, nil
}

// serviceRegistration is the body of PUT /v1/agent/service/register, Consul's
// ServiceDefinition in its JSON form (a check in Check, more in Checks).
type serviceRegistration struct {
	ID      string
	Name    string
	Tags    []string
	Address string
	Port    int
	Check   *checkRegistration
	Checks  []*checkRegistration
}

// checkRegistration is Consul's CheckType in JSON: durations as Go duration texts
// ("10s") or nanoseconds.
type checkRegistration struct {
	CheckID    string
	ID         string
	Name       string
	Notes      string
	Status     string
	TTL        jsonDuration
	HTTP       string
	Interval   jsonDuration
	Timeout    jsonDuration
	Args       []string
	ScriptArgs []string
}

// jsonDuration decodes "10s" or a number of nanoseconds, as Consul's decoder does.
type jsonDuration time.Duration

func (d *jsonDuration) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s == "" {
			*d = 0
			return nil
		}
		v, err := time.ParseDuration(s)
		if err != nil {
			return err
		}
		*d = jsonDuration(v)
		return nil
	}
	var n int64
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("a duration is a string such as \"10s\" or a number of nanoseconds")
	}
	*d = jsonDuration(n)
	return nil
}

// errScriptsDisabled is Consul's answer to a script check registered over HTTP by an
// agent that does not allow it; consim's agents run scripted checks only from their
// configuration (the scenario).
const errScriptsDisabled = "Scripts are disabled on this agent from remote calls; to enable, configure 'enable_script_checks' to true"

// agentServiceRegister serves PUT /v1/agent/service/register.
func (a *Agent) agentServiceRegister(_ http.ResponseWriter, r *http.Request) (any, error) {
	var reg serviceRegistration
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(&reg); err != nil {
		return nil, badRequest("Request decode failed: %v", err)
	}
	def := ServiceDefinition{ID: reg.ID, Name: reg.Name, Tags: reg.Tags, Address: reg.Address, Port: reg.Port}
	checks := reg.Checks
	if reg.Check != nil {
		checks = append([]*checkRegistration{reg.Check}, checks...)
	}
	for _, c := range checks {
		if len(c.Args) > 0 || len(c.ScriptArgs) > 0 {
			return nil, badRequest("%s", errScriptsDisabled)
		}
		id := c.CheckID
		if id == "" {
			id = c.ID
		}
		def.Checks = append(def.Checks, CheckDefinition{ID: id, Name: c.Name, Notes: c.Notes, Status: c.Status,
			TTL: time.Duration(c.TTL), HTTP: c.HTTP, Interval: time.Duration(c.Interval), Timeout: time.Duration(c.Timeout)})
	}
	return nil, a.RegisterService(def)
}

// agentServiceDeregister serves PUT /v1/agent/service/deregister/ID.
func (a *Agent) agentServiceDeregister(_ http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathArg(r, "/v1/agent/service/deregister/", "Missing service ID")
	if err != nil {
		return nil, err
	}
	return nil, a.DeregisterService(id)
}

// agentCheckTTL serves PUT /v1/agent/check/pass|warn|fail/ID (?note= is the output).
func (a *Agent) agentCheckTTL(status string) apiHandler {
	prefix := map[string]string{catalog.Passing: "pass", catalog.Warning: "warn", catalog.Critical: "fail"}[status]
	return func(_ http.ResponseWriter, r *http.Request) (any, error) {
		id, err := pathArg(r, "/v1/agent/check/"+prefix+"/", "Missing check ID")
		if err != nil {
			return nil, err
		}
		return nil, a.UpdateCheck(id, status, r.URL.Query().Get("note"))
	}
}

// agentCheckUpdate serves PUT /v1/agent/check/update/ID with {"Status": ..., "Output": ...}.
func (a *Agent) agentCheckUpdate(_ http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathArg(r, "/v1/agent/check/update/", "Missing check ID")
	if err != nil {
		return nil, err
	}
	var body struct{ Status, Output string }
	var buf bytes.Buffer
	buf.ReadFrom(r.Body)
	if err := json.Unmarshal(buf.Bytes(), &body); err != nil {
		return nil, badRequest("Request decode failed: %v", err)
	}
	if !catalog.ValidStatus(body.Status) {
		return nil, badRequest("Invalid check status: '%s'", body.Status)
	}
	return nil, a.UpdateCheck(id, body.Status, body.Output)
}
