package scenarios

import (
	"slices"
	"testing"
)

// regHandler is svcBase with a register_service handler on client-1 (line 6) whose
// filter and action are the fragment's.
func regHandler(filter, action string) string {
	return svcBase + "gossip:\n  handlers:\n    - {name: monitoring, filter: \"" + filter + "\", nodes: [client-1], register_service: " + action + "}\n"
}

// TestRegisterServiceRules has a good and a bad case for every rule of a handler's
// register_service and of the expectations that judge it.
func TestRegisterServiceRules(t *testing.T) {
	checkRuleCases(t, []ruleCase{
		{"all fields", regHandler("member-join,member-leave,member-reap", "{name: node-exporter, port: 9100}") +
			"dns: {udp_answer_limit: 8}\ndiscovery: {services: [node-exporter]}\nexpect: {registrations_missing: 0, registration_lag_max: 5s}\n", ""},
		{"every event", regHandler("*", "{name: node-exporter, port: 9100}"), ""},
		{"no join", regHandler("member-leave,user:deploy", "{name: node-exporter, port: 9100}"), `t.yaml:6:81: gossip.handlers[0].register_service: applies only to a handler whose filter takes member-join (member-join or *), not "member-leave,user:deploy"`},
		{"and respond", svcBase + "gossip:\n  handlers:\n    - {filter: \"*\", respond: up, register_service: {name: x, port: 1}}\n", `t.yaml:6:34: gossip.handlers[0].register_service: a handler either answers queries (respond) or registers services (register_service), not both`},
		{"no name", regHandler("member-join", "{port: 9100}"), `t.yaml:6:68: gossip.handlers[0].register_service.name: required field is missing`},
		{"bad name", regHandler("member-join", "{name: Node_Exporter, port: 9100}"), `t.yaml:6:93: gossip.handlers[0].register_service.name: must be 1 to 63 lower-case letters, digits or '-', starting with a letter or digit (a DNS label), got "Node_Exporter"`},
		{"long name", regHandler("member-join", "{name: "+string(slices.Repeat([]byte("a"), 53))+", port: 9100}"), `t.yaml:6:93: gossip.handlers[0].register_service.name: must be at most 52 characters, so that its instances' IDs (NAME-client-NNN) are DNS labels too, got "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"`},
		{"no port", regHandler("member-join", "{name: node-exporter}"), `t.yaml:6:68: gossip.handlers[0].register_service.port: required field is missing`},
		{"bad port", regHandler("member-join", "{name: node-exporter, port: 70000}"), `t.yaml:6:114: gossip.handlers[0].register_service.port: must be between 1 and 65535, got 70000`},
		{"missing without handler", svcBase + "expect: {registrations_missing: 0}\n", `t.yaml:4:33: expect.registrations_missing: needs a handler that registers services (gossip.handlers with register_service), and this scenario has none`},
		{"missing negative", regHandler("member-join", "{name: x, port: 1}") + "expect: {registrations_missing: -1}\n", `t.yaml:7:33: expect.registrations_missing: must be 0 or more, got -1`},
		{"lag without handler", svcBase + "expect: {registration_lag_max: 5s}\n", `t.yaml:4:32: expect.registration_lag_max: needs a handler that registers services (gossip.handlers with register_service), and this scenario has none`},
		{"lag zero", regHandler("member-join", "{name: x, port: 1}") + "expect: {registration_lag_max: 0s}\n", `t.yaml:7:32: expect.registration_lag_max: must be above 0s and at most 24h0m0s, got 0s`},
	})
}

// A registered service is a service for DNS and discovery: their defaults apply, and
// discovery looks it up by default.
func TestRegisteredServiceDefaults(t *testing.T) {
	s := Scenario{Gossip: Gossip{Handlers: []Handler{{Filter: "member-join", RegisterService: &RegisterService{Name: "node-exporter", Port: 9100}}}},
		Services: []Service{{Name: "web"}}, Discovery: &Discovery{}}
	s.ApplyDefaults()
	if !s.RegistersServices() || !slices.Equal(s.Discovery.Services, []string{"web", "node-exporter"}) || s.DNS.UDPAnswerLimit != 3 {
		t.Errorf("defaults: discovery services %v, dns %+v", s.Discovery.Services, s.DNS)
	}
	if id := s.Gossip.Handlers[0].RegisterService.InstanceID("client-4"); id != "node-exporter-client-4" {
		t.Errorf("InstanceID = %q", id)
	}
}
