package scenarios

import (
	"slices"
	"testing"
	"time"
)

// svcWeb is svcBase with one service, web on client-1. Fragments start at line 6.
const svcWeb = svcBase + "services:\n  - {name: web, nodes: [client-1], checks: [{ttl: 5s}]}\n"

// TestDNSAndDiscoveryRules has a good and a bad case for every rule of the dns and
// discovery sections.
func TestDNSAndDiscoveryRules(t *testing.T) {
	var tests []ruleCase
	for _, tc := range []ruleCase{
		{"all fields", "dns: {allow_stale: false, max_stale: 5s, node_ttl: 10s, service_ttl: {\"*\": 5s, \"w*\": 1s, web: 30s}, only_passing: true, udp_answer_limit: 8}\n" +
			"discovery: {clients: 2, rate: 5/s, services: [web], interfaces: [dns, http], read_modes: [stale], via: [servers, clients], timeout: 1s, start: 1s, stop: 5s}\n", ""},
		{"max_stale zero", "dns: {max_stale: 0s}\n", `t.yaml:6:18: dns.max_stale: must be above 0s and at most 87600h0m0s, got 0s`},
		{"node_ttl long", "dns: {node_ttl: 48h}\n", `t.yaml:6:17: dns.node_ttl: must be 0s to 24h0m0s, got 48h0m0s`},
		{"service_ttl key", "dns: {service_ttl: {Web_: 1s}}\n", `t.yaml:6:27: dns.service_ttl.Web_: must be a service name, a prefix ending in * or * alone (lower-case letters, digits and dashes), got "Web_"`},
		{"answer limit", "dns: {udp_answer_limit: 100}\n", `t.yaml:6:25: dns.udp_answer_limit: must be 1 to 64, got 100`},
		{"discovery unknown service", "discovery: {services: [db]}\n", `t.yaml:6:24: discovery.services[0]: must name a service of the services section or of a register_service handler ([web]), got "db"`},
		{"discovery interface", "discovery: {interfaces: [grpc]}\n", `t.yaml:6:26: discovery.interfaces[0]: must be one of dns, http, got "grpc"`},
		{"discovery via too many", "discovery: {via: [servers, clients]}\n", `t.yaml:6:13: discovery.via: lists 2 targets but there are only 1 lookup clients: client N looks up through target N, so the last 1 would never be used`},
		{"discovery rate", "discovery: {rate: 0/s}\n", `t.yaml:6:19: discovery.rate: must be above 0/s and at most 1000/s, got 0/s`},
		{"discovery stop", "discovery: {start: 5s, stop: 2s}\n", `t.yaml:6:30: discovery.stop: must be after start (5s) and at most the duration (10s), got 2s (leave it out to run to the end)`},
	} {
		tc.fragment = svcWeb + tc.fragment
		tests = append(tests, tc)
	}
	tests = append(tests,
		ruleCase{"dns without services", svcBase + "dns: {only_passing: true}\n", `t.yaml:4:1: dns: DNS answers from the service catalog, which only runs with services: add a services section (or a handler that registers services) or leave dns out`},
		ruleCase{"discovery without services", svcBase + "discovery: {rate: 1/s}\n", `t.yaml:4:1: discovery: lookups need services to look up: add a services section (or a handler that registers services) or leave discovery out`},
	)
	checkRuleCases(t, tests)
}

// Defaults are Consul's dns_config; a discovery section looks up every service over both
// interfaces in every read mode.
func TestDNSAndDiscoveryDefaults(t *testing.T) {
	s := Scenario{Services: []Service{{Name: "web"}, {Name: "db"}, {Name: "web", ID: "web-2"}}, Discovery: &Discovery{}}
	s.ApplyDefaults()
	if !s.DNS.Stale() || s.DNS.ReadMode() != ModeStale || s.DNS.MaxStale.D() != 87600*time.Hour || s.DNS.UDPAnswerLimit != 3 || s.DNS.OnlyPassing {
		t.Errorf("dns defaults: %+v", s.DNS)
	}
	d := s.Discovery
	if !slices.Equal(d.Services, []string{"web", "db"}) || !slices.Equal(d.Interfaces, []string{"dns", "http"}) || len(d.ReadModes) != 3 || d.Rate != 10 || d.Timeout.D() != 2*time.Second {
		t.Errorf("discovery defaults: %+v", d)
	}
	off := false
	if (DNS{AllowStale: &off}).ReadMode() != ModeDefault {
		t.Error("allow_stale: false reads in mode stale")
	}
}
