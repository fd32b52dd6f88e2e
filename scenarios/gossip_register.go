package scenarios

import (
	"slices"

	"github.com/consim/consim/node/serf/filter"
)

// RegisterService is a handler's action on member events, in the spirit of Serf's
// "register every new node in the monitoring system": on member-join, the handler's
// agent registers, through its own HTTP API (PUT /v1/agent/service/register, as a
// handler script would with curl), one instance of the service per member that joined:
// ID NAME-MEMBER, the member's address, Port, and the member's name as a tag (so
// MEMBER.NAME.service.consul finds it). Anti-entropy then brings it to the catalog, as
// any service an agent runs. On member-leave and member-reap the handler deregisters
// the member's instance; on member-failed it keeps it, as Consul users do (a failed
// node is what monitoring should go on seeing, until it is reaped).
type RegisterService struct {
	// Name is the service's name. Required; ServiceNamePattern, and short enough that
	// NAME-MEMBER is one too.
	Name string `yaml:"name" json:"name"`
	// Port is every instance's port, 1 to 65535. Required.
	Port int `yaml:"port" json:"port"`
}

// RegistrationMemberEvents are the member events a register_service handler acts on;
// its filter must take the first (the joins) and may take the others.
var RegistrationMemberEvents = []string{"member-join", "member-leave", "member-reap"}

// InstanceID is the service ID the handler gives member's instance.
func (r *RegisterService) InstanceID(member string) string { return r.Name + "-" + member }

// longestNodeName is the longest node name the scenario bounds allow (client-NNN).
const longestNodeName = len("client-") + 3

func checkRegisterService(c *validator, path string, h Handler, fs []filter.EventFilter) {
	r := h.RegisterService
	if r == nil {
		return
	}
	joins := slices.ContainsFunc(fs, func(f filter.EventFilter) bool { return f.Selects("member-join", "") })
	if !joins {
		c.errorf(path, "applies only to a handler whose filter takes member-join (member-join or *), not %q", h.Filter)
	}
	if h.Respond != "" {
		c.errorf(path, "a handler either answers queries (respond) or registers services (register_service), not both")
	}
	if !c.has(path+".name", r.Name != "") {
		c.missing(path + ".name")
	} else if checkServiceName(c, path+".name", r.Name); len(r.Name)+1+longestNodeName > 63 && ServiceNamePattern.MatchString(r.Name) {
		c.errorf(path+".name", "must be at most %d characters, so that its instances' IDs (NAME-client-NNN) are DNS labels too, got %q", 63-1-longestNodeName, r.Name)
	}
	if !c.has(path+".port", r.Port != 0) {
		c.missing(path + ".port")
	} else if r.Port < 1 || r.Port > 65535 {
		c.errorf(path+".port", "must be between 1 and 65535, got %d", r.Port)
	}
}

// RegistersServices reports whether a handler of the scenario registers services (which
// turns the catalog on, as services do).
func (s *Scenario) RegistersServices() bool {
	return slices.ContainsFunc(s.Gossip.Handlers, func(h Handler) bool { return h.RegisterService != nil })
}
