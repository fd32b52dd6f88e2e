package node

import "github.com/consim/consim/node/catalog"

// The JSON shapes of Consul's catalog, health and agent service endpoints, with Consul's
// field names and order. Fields consim has no use for answer what an agent without
// them answers: empty maps, default weights, no enterprise fields.

// datacenter is the one datacenter of a consim cluster.
const datacenter = "dc1"

type apiWeights struct {
	Passing int
	Warning int
}

// defaultWeights are Consul's weights of a service that sets none.
var defaultWeights = apiWeights{Passing: 1, Warning: 1}

// apiNode is Consul's structs.Node, as /v1/catalog/nodes and health entries carry it.
type apiNode struct {
	ID              string
	Node            string
	Address         string
	Datacenter      string
	TaggedAddresses map[string]string
	Meta            map[string]string
	CreateIndex     uint64
	ModifyIndex     uint64
}

func toAPINode(n catalog.Node) apiNode {
	return apiNode{Node: n.Node, Address: n.Address, Datacenter: datacenter,
		TaggedAddresses: map[string]string{"lan": n.Address, "wan": n.Address}, Meta: map[string]string{},
		CreateIndex: n.CreateIndex, ModifyIndex: n.ModifyIndex}
}

// apiService is Consul's NodeService (catalog/node, health/service) and AgentService
// (agent/services, which has no indexes and names the datacenter).
type apiService struct {
	ID                string
	Service           string
	Tags              []string
	Meta              map[string]string
	Port              int
	Address           string
	Weights           apiWeights
	EnableTagOverride bool
	Datacenter        string `json:",omitempty"`
	CreateIndex       uint64 `json:",omitempty"`
	ModifyIndex       uint64 `json:",omitempty"`
}

func toAPIService(s catalog.Service) apiService {
	tags := s.Tags
	if tags == nil {
		tags = []string{}
	}
	return apiService{ID: s.ID, Service: s.Service, Tags: tags, Meta: map[string]string{}, Port: s.Port,
		Address: s.Address, Weights: defaultWeights, CreateIndex: s.CreateIndex, ModifyIndex: s.ModifyIndex}
}

// apiServiceNode is Consul's structs.ServiceNode, as /v1/catalog/service/NAME lists it.
type apiServiceNode struct {
	ID                       string
	Node                     string
	Address                  string
	Datacenter               string
	TaggedAddresses          map[string]string
	NodeMeta                 map[string]string
	ServiceKind              string
	ServiceID                string
	ServiceName              string
	ServiceTags              []string
	ServiceAddress           string
	ServiceWeights           apiWeights
	ServiceMeta              map[string]string
	ServicePort              int
	ServiceEnableTagOverride bool
	CreateIndex              uint64
	ModifyIndex              uint64
}

func toAPIServiceNode(in catalog.Instance) apiServiceNode {
	n, s := toAPINode(in.Node), toAPIService(in.Service)
	return apiServiceNode{ID: n.ID, Node: n.Node, Address: n.Address, Datacenter: n.Datacenter,
		TaggedAddresses: n.TaggedAddresses, NodeMeta: n.Meta, ServiceID: s.ID, ServiceName: s.Service,
		ServiceTags: s.Tags, ServiceAddress: s.Address, ServiceWeights: s.Weights, ServiceMeta: s.Meta,
		ServicePort: s.Port, CreateIndex: s.CreateIndex, ModifyIndex: s.ModifyIndex}
}

// apiCheck is Consul's structs.HealthCheck (health endpoints) and AgentCheck
// (agent/checks, without indexes).
type apiCheck struct {
	Node        string
	CheckID     string
	Name        string
	Status      string
	Notes       string
	Output      string
	ServiceID   string
	ServiceName string
	ServiceTags []string
	Type        string
	Interval    string   `json:",omitempty"`
	Timeout     string   `json:",omitempty"`
	Definition  struct{} // Consul's HealthCheckDefinition, empty here
	CreateIndex uint64   `json:",omitempty"`
	ModifyIndex uint64   `json:",omitempty"`
}

func toAPICheck(c catalog.Check) apiCheck {
	tags := c.ServiceTags
	if tags == nil {
		tags = []string{}
	}
	return apiCheck{Node: c.Node, CheckID: c.CheckID, Name: c.Name, Status: c.Status, Notes: c.Notes,
		Output: c.Output, ServiceID: c.ServiceID, ServiceName: c.ServiceName, ServiceTags: tags, Type: c.Type,
		Interval: c.Interval, Timeout: c.Timeout, CreateIndex: c.CreateIndex, ModifyIndex: c.ModifyIndex}
}

func toAPIChecks(cs []catalog.Check) []apiCheck {
	out := make([]apiCheck, 0, len(cs))
	for _, c := range cs {
		out = append(out, toAPICheck(c))
	}
	return out
}

// apiServiceEntry is Consul's CheckServiceNode, as /v1/health/service/NAME lists it.
type apiServiceEntry struct {
	Node    apiNode
	Service apiService
	Checks  []apiCheck
}

// apiNodeServices is Consul's NodeServices, /v1/catalog/node/NODE's answer.
type apiNodeServices struct {
	Node     apiNode
	Services map[string]apiService
}
