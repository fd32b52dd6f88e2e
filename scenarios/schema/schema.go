// Package schema generates the JSON Schema (draft 2020-12) of scenario files by reflecting
// over scenarios.Scenario with github.com/invopop/jsonschema, so that editors can
// complete and check scenario files (`consim schema`).
//
// The schema follows the Go types: field names from the yaml tags, descriptions from the
// fields' doc comments, additionalProperties false everywhere. Rules that reflection
// cannot see (required fields, enums, ranges, duration text, target names, exactly one
// kind per fault) are added here from the scenarios package's own lists, so that they
// stay in step with validation. The schema is looser than validation: it checks each
// value on its own, not the scenario as a whole (an unknown node number, a heal of a fault
// that is not in progress); `consim validate` does that.
//
// It lives apart from package scenarios so that the simulated world, which links
// scenarios, does not link the reflection library.
//
// Doc comments need the Go source, which a built binary does not have: comments.json
// holds them, extracted from package scenarios by this package's tests: after changing a
// doc comment or a type of package scenarios, run go test ./scenarios/schema -update,
// which rewrites comments.json and testdata/schema.json (the golden schema), and review
// the diff; the tests fail while either is stale.
package schema

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/invopop/jsonschema"

	"github.com/consim/consim/scenarios"
)

// ID is the schema's $id.
const ID = "https://github.com/consim/consim/scenarios/scenario.schema.json"

// Patterns of values written as text.
const (
	// DurationPattern is Go duration text without a sign (no duration of the format
	// may be negative): a number and a unit, combinable, or 0 alone.
	DurationPattern = `^(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$`
	// RatePattern is a rate: a number of operations per second or per minute.
	RatePattern = `^\+?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?/[sm]$`
	// HostPattern is a host name: server-N, client-N or a workload client cN.
	HostPattern = `^(server-[1-9][0-9]*|client-[1-9][0-9]*|c[1-9][0-9]*)$`
	// AgentPattern is an agent's name: server-N or client-N.
	AgentPattern = `^(server|client)-[1-9][0-9]*$`
	// ServerPattern is a server's name.
	ServerPattern = `^server-[1-9][0-9]*$`
)

//go:embed comments.json
var commentsJSON []byte

// Comments returns the doc comments of package scenarios that the schema's descriptions
// come from, keyed as invopop/jsonschema's CommentMap: "PKG.Type" and "PKG.Type.Field".
func Comments() (map[string]string, error) {
	var m map[string]string
	if err := json.Unmarshal(commentsJSON, &m); err != nil {
		return nil, fmt.Errorf("schema: comments.json: %w", err)
	}
	return m, nil
}

// Generate returns the JSON Schema of scenario files, indented, ending in a newline. The
// same types give the same bytes.
func Generate() ([]byte, error) {
	comments, err := Comments()
	if err != nil {
		return nil, err
	}
	return generate(comments)
}

// generate returns the schema with descriptions from comments.
func generate(comments map[string]string) ([]byte, error) {
	r := &jsonschema.Reflector{
		FieldNameTag:               "yaml",
		RequiredFromJSONSchemaTags: true, // required fields are listed below
		ExpandedStruct:             true,
		CommentMap:                 comments,
		Mapper: func(t reflect.Type) *jsonschema.Schema {
			switch t {
			case reflect.TypeFor[scenarios.Duration]():
				return ref("Duration")
			case reflect.TypeFor[scenarios.Rate]():
				return ref("Rate")
			}
			return nil
		},
	}
	s := r.Reflect(&scenarios.Scenario{})
	s.ID = ID
	s.Title = "consim scenario"
	s.Description = "A consim scenario file: a cluster, a network, a workload, faults and expectations (docs/scenarios.md). " + s.Description
	if err := refine(s); err != nil {
		return nil, err
	}
	out, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	return append(out, '\n'), nil
}

func ref(name string) *jsonschema.Schema { return &jsonschema.Schema{Ref: "#/$defs/" + name} }

// refine adds what reflection cannot know to the reflected schema.
func refine(root *jsonschema.Schema) error {
	defs := root.Definitions
	defs["Duration"] = &jsonschema.Schema{
		Description: "Go duration text: a number and a unit (ns, us or µs, ms, s, m, h), combinable (500ms, 10s, 1m30s); 0 alone means zero.",
		AnyOf: []*jsonschema.Schema{
			{Type: "string", Pattern: DurationPattern},
			{Type: "integer", Const: 0},
		},
	}
	defs["Rate"] = &jsonschema.Schema{
		Type:        "string",
		Pattern:     RatePattern,
		Description: "Operations per second or per minute: 50/s, 30/m.",
	}
	defs["FaultTarget"] = &jsonschema.Schema{
		Description: "One host: server-N, client-N, a workload client cN, or a target resolved when the fault fires.",
		AnyOf: []*jsonschema.Schema{
			{Type: "string", Enum: anys(scenarios.DynamicTargets)},
			{Type: "string", Pattern: HostPattern},
		},
	}
	defs["FaultTargetList"] = &jsonschema.Schema{
		Type:        "array",
		MinItems:    uintp(1),
		UniqueItems: true,
		Description: "Hosts: targets, or the sets servers, clients, followers, nodes.",
		Items: &jsonschema.Schema{AnyOf: []*jsonschema.Schema{
			ref("FaultTarget"),
			{Type: "string", Enum: anys(scenarios.NodeSets)},
		}},
	}
	kindsOneOf := func(keys []string) []*jsonschema.Schema {
		var out []*jsonschema.Schema
		for _, k := range keys {
			out = append(out, &jsonschema.Schema{Required: []string{k}})
		}
		return out
	}
	type edit func(*jsonschema.Schema) error
	edits := map[string][]edit{
		"Scenario": {
			required("name", "duration", "cluster"),
			prop("name", pattern(scenarios.NamePattern.String())),
			prop("seed", minimum(1)),
			prop("bugs", items(enum(scenarios.Bugs...)), unique),
		},
		"Cluster": {
			required("servers"),
			prop("servers", minimum(1), maximum(scenarios.MaxServers)),
			prop("clients", minimum(0), maximum(scenarios.MaxClients)),
			prop("bootstrap_expect", minimum(1), maximum(scenarios.MaxServers)),
		},
		"Network": {prop("loss", minimum(0), exclusiveMaximum(1)), prop("raft_transport", enum(scenarios.RaftTransportNetwork, scenarios.RaftTransportFast))},
		"Latency": {
			required("dist"),
			prop("dist", enum(scenarios.DistConstant, scenarios.DistUniform, scenarios.DistNormal, scenarios.DistExponential, scenarios.DistLongTail)),
		},
		"NICs": {
			required("node", "routes"),
			prop("node", pattern(AgentPattern)),
			prop("routes", minItems(1), unique, items(pattern(HostPattern))),
		},
		"Workload": {
			prop("read_modes", minItems(1), unique, items(enum(scenarios.ReadModes...))),
			prop("via", minItems(1), items(enum(scenarios.ViaTargets...))),
		},
		"Mix":         {prop("get", minimum(0)), prop("put", minimum(0)), prop("cas", minimum(0)), prop("delete", minimum(0))},
		"Gossip":      {prop("profile", enum(scenarios.ProfileLAN, scenarios.ProfileWAN, scenarios.ProfileLocal))},
		"Handler":     {required("filter")},
		"Action":      {required("at"), oneOf(kindsOneOf([]string{"event", "query", "tags", "leave", "fail", "join", "force_leave", "check"}))},
		"CheckAction": {required("node", "id", "status"), prop("node", pattern(AgentPattern)), prop("status", enum(scenarios.CheckStatuses...))},
		"Service": {
			required("name", "nodes"),
			prop("name", pattern(scenarios.ServiceNamePattern.String())),
			prop("id", pattern(scenarios.ServiceNamePattern.String())),
			prop("nodes", minItems(1), unique, items(pattern(AgentPattern))),
			prop("tags", items(pattern(scenarios.ServiceNamePattern.String()))),
			prop("port", minimum(1), maximum(65535)),
			prop("checks", maxItems(scenarios.MaxChecks)),
		},
		"Check": {
			oneOf(kindsOneOf([]string{"ttl", "http", "script"})),
			prop("status", enum(scenarios.CheckStatuses...)),
			prop("script", minItems(1), maxItems(scenarios.MaxScriptSteps)),
		},
		"ScriptStep":       {required("at", "exit"), prop("exit", minimum(0), maximum(255))},
		"EventAction":      {required("from", "name")},
		"QueryAction":      {required("from", "name"), prop("relay", minimum(0), maximum(scenarios.MaxRelay))},
		"TagsAction":       {required("node")},
		"JoinAction":       {required("node", "via")},
		"ForceLeaveAction": {required("from", "member")},
		"Fault": {
			oneOf(kindsOneOf(scenarios.FaultKinds)),
			prop("name", pattern(scenarios.NamePattern.String())),
			prop("proto", enum(scenarios.ProtoAll, scenarios.ProtoPackets, scenarios.ProtoStreams)),
			prop("isolate", target), prop("crash", target), prop("leave", target),
			prop("pause", target),
			prop("restart", pattern(AgentPattern)),
			prop("unsafe_fsync_lies", serverTarget),
			prop("sequence", minItems(1), maxItems(scenarios.MaxSequenceSteps)),
		},
		"Partition": {
			oneOf(kindsOneOf([]string{"groups", "split", "bridge", "ring"})),
			prop("groups", minItems(2), items(refTo("FaultTargetList"))),
			prop("split", enum(scenarios.SplitMajority, scenarios.SplitLeaderMinority)),
			prop("bridge", target),
			prop("ring", constant(true)),
		},
		"OneWay": {required("from", "to"), prop("from", targetList), prop("to", targetList)},
		"LinkFault": {
			prop("between", minItems(2), maxItems(2), items(refTo("FaultTarget"))),
			prop("node", target),
			prop("from", targetList), prop("to", targetList),
			prop("loss", minimum(0), maximum(1)),
			prop("duplicate", minimum(0), maximum(1)),
			prop("reorder", minimum(0), maximum(1)),
		},
		"NICFault":  {required("node", "nic"), prop("node", target), prop("nic", enum(scenarios.NICPrimary, scenarios.NICSecondary))},
		"NICFlap":   {required("node", "nic", "period"), prop("node", target), prop("nic", enum(scenarios.NICPrimary, scenarios.NICSecondary))},
		"DiskFault": {required("node", "write_latency"), prop("node", serverTarget)},
		"Nemesis": {
			required("kinds", "interval", "duration"),
			prop("kinds", minItems(1), unique, items(enum(scenarios.NemesisKinds...))),
		},
		"Expect": {
			prop("default", enum(verdicts...)), prop("consistent", enum(verdicts...)), prop("stale", enum(verdicts...)),
			prop("user_events", enum("delivered")),
			prop("max_elections", minimum(1)),
			prop("lost_writes", minimum(0)),
			prop("false_failures", minimum(0)),
			prop("unexplained_failures", minimum(0)),
		},
	}
	// The root is Scenario itself (ExpandedStruct); the others are definitions.
	names := []string{"Scenario"}
	for name := range edits {
		if name != "Scenario" {
			names = append(names, name)
		}
	}
	slices.Sort(names[1:])
	for _, name := range names {
		s := root
		if name != "Scenario" {
			if s = defs[name]; s == nil {
				return fmt.Errorf("schema: no definition %s: the scenario types changed, update package schema", name)
			}
		}
		for _, e := range edits[name] {
			if err := e(s); err != nil {
				return fmt.Errorf("schema: %s.%w", name, err)
			}
		}
	}
	return nil
}

var verdicts = []string{scenarios.VerdictLinearizable, scenarios.VerdictNotLinearizable, scenarios.VerdictAny}

// A change edits one schema.
type change func(*jsonschema.Schema)

// prop applies changes to the property key of an object schema.
func prop(key string, changes ...change) func(*jsonschema.Schema) error {
	return func(s *jsonschema.Schema) error {
		p, ok := s.Properties.Get(key)
		if !ok {
			return fmt.Errorf("%s: no such property: the scenario types changed, update package schema", key)
		}
		for _, c := range changes {
			c(p)
		}
		return nil
	}
}

func required(keys ...string) func(*jsonschema.Schema) error {
	return func(s *jsonschema.Schema) error {
		for _, k := range keys {
			if _, ok := s.Properties.Get(k); !ok {
				return fmt.Errorf("%s: required but no such property", k)
			}
		}
		s.Required = keys
		return nil
	}
}

func oneOf(alts []*jsonschema.Schema) func(*jsonschema.Schema) error {
	return func(s *jsonschema.Schema) error {
		for _, a := range alts {
			if _, ok := s.Properties.Get(a.Required[0]); !ok {
				return fmt.Errorf("%s: a kind but no such property", a.Required[0])
			}
		}
		s.OneOf = alts
		return nil
	}
}

func enum(values ...string) change {
	return func(s *jsonschema.Schema) { s.Enum = anys(values) }
}

func pattern(p string) change { return func(s *jsonschema.Schema) { s.Pattern = p } }

func minimum(n int) change {
	return func(s *jsonschema.Schema) { s.Minimum = json.Number(fmt.Sprint(n)) }
}

func maximum(n int) change {
	return func(s *jsonschema.Schema) { s.Maximum = json.Number(fmt.Sprint(n)) }
}

func exclusiveMaximum(n int) change {
	return func(s *jsonschema.Schema) { s.ExclusiveMaximum = json.Number(fmt.Sprint(n)) }
}

func minItems(n uint64) change { return func(s *jsonschema.Schema) { s.MinItems = uintp(n) } }

func maxItems(n uint64) change { return func(s *jsonschema.Schema) { s.MaxItems = uintp(n) } }

func unique(s *jsonschema.Schema) { s.UniqueItems = true }

// refTo makes a schema a reference to a definition.
func refTo(name string) change { return func(s *jsonschema.Schema) { *s = *ref(name) } }

func constant(v any) change { return func(s *jsonschema.Schema) { s.Const = v } }

// items applies changes to an array's items.
func items(changes ...change) change {
	return func(s *jsonschema.Schema) {
		if s.Items == nil {
			s.Items = &jsonschema.Schema{}
		}
		for _, c := range changes {
			c(s.Items)
		}
	}
}

// target makes a string property one target, keeping its description.
func target(s *jsonschema.Schema) {
	*s = jsonschema.Schema{Ref: "#/$defs/FaultTarget", Description: s.Description}
}

// targetList makes a list property a target list, keeping its description.
func targetList(s *jsonschema.Schema) {
	*s = jsonschema.Schema{Ref: "#/$defs/FaultTargetList", Description: s.Description}
}

// serverTarget makes a string property a server or a target that resolves to one.
func serverTarget(s *jsonschema.Schema) {
	*s = jsonschema.Schema{Description: s.Description, AnyOf: []*jsonschema.Schema{
		{Type: "string", Enum: anys([]string{scenarios.TargetLeader, scenarios.TargetFollower, scenarios.TargetRandomServer})},
		{Type: "string", Pattern: ServerPattern},
	}}
}

func anys(values []string) []any {
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = v
	}
	return out
}

func uintp(n uint64) *uint64 { return &n }

// NormalizeComment joins the lines of each paragraph of a doc comment, keeping indented
// blocks (tables, code) and paragraph breaks as they are: a description reads as text,
// not as 90-column Go source.
func NormalizeComment(text string) string {
	var paras []string
	for _, para := range strings.Split(strings.TrimSpace(text), "\n\n") {
		lines := strings.Split(para, "\n")
		var b strings.Builder
		for i, l := range lines {
			switch {
			case i == 0:
			case strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") || strings.HasPrefix(lines[i-1], " ") || strings.HasPrefix(lines[i-1], "\t"):
				b.WriteByte('\n')
			default:
				b.WriteByte(' ')
			}
			b.WriteString(l)
		}
		paras = append(paras, b.String())
	}
	return strings.Join(paras, "\n\n")
}
