package scenarios

import (
	"strings"
	"testing"
)

// TestRules has a good and a bad case for every rule of the format. Each case is a
// fragment merged into baseDoc by withBase; want is the whole error text ("" for a valid
// file).
func TestRules(t *testing.T) {
	long := strings.Repeat("a", 63)
	tests := []ruleCase{
		// name
		{"name ok", "name: a-b-1\n", ""},
		{"name 63 chars", "name: " + long + "\n", ""},
		{"name missing", "name: OMIT\n", `t.yaml:1:1: name: required field is missing`},
		{"name empty", "name: \"\"\n", `t.yaml:4:7: name: must be 1 to 63 lower-case letters, digits or '-', starting with a letter or digit (^[a-z0-9][a-z0-9-]{0,62}$), got ""`},
		{"name upper", "name: Leader\n", `t.yaml:4:7: name: must be 1 to 63 lower-case letters, digits or '-', starting with a letter or digit (^[a-z0-9][a-z0-9-]{0,62}$), got "Leader"`},
		{"name leading dash", "name: -x\n", `t.yaml:4:7: name: must be 1 to 63 lower-case letters, digits or '-', starting with a letter or digit (^[a-z0-9][a-z0-9-]{0,62}$), got "-x"`},
		{"name 64 chars", "name: a" + long + "\n", `t.yaml:4:7: name: must be 1 to 63 lower-case letters, digits or '-', starting with a letter or digit (^[a-z0-9][a-z0-9-]{0,62}$), got "a` + long + `"`},
		{"name not string", "name: 12\n", `t.yaml:4:7: name: expected a string, found integer 12 (put it in quotes to make it a string)`},
		{"name quoted digits", "name: \"12\"\n", ""},

		// description
		{"description ok", "description: Shows a thing.\n", ""},
		{"description not string", "description: [a]\n", `t.yaml:5:14: description: expected a string, found a list`},

		// seed
		{"seed max", "seed: 18446744073709551615\n", ""},
		{"seed hex", "seed: 0x10\n", ""},
		{"seed leading zero", "seed: 017\n", `t.yaml:5:7: seed: 017 has a leading zero, which YAML reads as octal; write it without the zero (or as 0o... for octal)`},
		{"seed octal", "seed: 0o17\n", ""},
		{"seed zero", "seed: 0\n", `t.yaml:5:7: seed: must be between 1 and 18446744073709551615, got 0 (leave seed out for the default, 1)`},
		{"seed negative", "seed: -1\n", `t.yaml:5:7: seed: expected an integer from 0 to 18446744073709551615, found -1`},
		{"seed too large", "seed: 18446744073709551616\n", `t.yaml:5:7: seed: expected a non-negative integer, found number 18446744073709551616`},
		{"seed float", "seed: 1.5\n", `t.yaml:5:7: seed: expected a non-negative integer, found number 1.5`},

		// duration
		{"duration min", "duration: 1s\n", ""},
		{"duration max", "duration: 24h\n", ""},
		{"duration missing", "duration: OMIT\n", `t.yaml:1:1: duration: required field is missing`},
		{"duration too short", "duration: 999ms\n", `t.yaml:4:11: duration: must be between 1s and 24h, got 999ms`},
		{"duration too long", "duration: 24h0m1s\n", `t.yaml:4:11: duration: must be between 1s and 24h, got 24h0m1s`},
		{"duration zero", "duration: 0\n", `t.yaml:4:11: duration: must be between 1s and 24h, got 0s`},
		{"duration no unit", "duration: 60\n", `t.yaml:4:11: duration: invalid duration "60": write a number with a unit, like 500ms, 10s or 2m`},
		{"duration garbage", "duration: soon\n", `t.yaml:4:11: duration: invalid duration "soon": write a number with a unit, like 500ms, 10s or 2m`},
		{"duration not scalar", "duration: {s: 1}\n", `t.yaml:4:11: duration: expected a duration (like 500ms or 10s), found a mapping`},

		// cluster
		{"cluster missing", "cluster: OMIT\n", `t.yaml:1:1: cluster: required field is missing`},
		{"cluster not mapping", "cluster: 3\n", `t.yaml:3:10: cluster: expected a mapping, found integer 3`},
		{"cluster empty value", "cluster:\n", `t.yaml:3:9: cluster: expected a mapping, found nothing (the value is empty)`},
		{"servers 1", "cluster: {servers: 1}\n", ""},
		{"servers 15", "cluster: {servers: 15}\n", ""},
		{"servers missing", "cluster:\n  clients: 2\n", `t.yaml:3:1: cluster.servers: required field is missing`},
		{"servers zero", "cluster: {servers: 0}\n", `t.yaml:3:20: cluster.servers: must be between 1 and 15, got 0`},
		{"servers 16", "cluster: {servers: 16}\n", `t.yaml:3:20: cluster.servers: must be between 1 and 15, got 16`},
		{"servers negative", "cluster: {servers: -3}\n", `t.yaml:3:20: cluster.servers: must be between 1 and 15, got -3`},
		{"servers leading zero", "cluster: {servers: 010}\n", `t.yaml:3:20: cluster.servers: 010 has a leading zero, which YAML reads as octal; write it without the zero (or as 0o... for octal)`},
		{"servers float", "cluster: {servers: 3.0}\n", `t.yaml:3:20: cluster.servers: expected an integer, found number 3.0`},
		{"servers string", "cluster: {servers: \"3\"}\n", `t.yaml:3:20: cluster.servers: expected an integer, found string "3"`},
		{"servers huge", "cluster: {servers: 99999999999999999999}\n", `t.yaml:3:20: cluster.servers: expected an integer, found number 99999999999999999999`},
		{"clients 0", "cluster: {servers: 3, clients: 0}\n", ""},
		{"clients 235 with 15 servers", "cluster: {servers: 15, clients: 235}\n", ""},
		{"clients negative", "cluster: {servers: 3, clients: -1}\n", `t.yaml:3:32: cluster.clients: must be between 0 and 250, got -1`},
		{"clients 251", "cluster: {servers: 3, clients: 251}\n", `t.yaml:3:32: cluster.clients: must be between 0 and 250, got 251`},
		{"nodes 251", "cluster: {servers: 15, clients: 236}\n", `t.yaml:3:1: cluster: servers + clients must be at most 250, got 15 + 236 = 251`},
		{"bootstrap_expect ok", "cluster: {servers: 3, bootstrap_expect: 3}\n", ""},
		{"bootstrap_expect above servers", "cluster: {servers: 3, bootstrap_expect: 4}\n", `t.yaml:3:41: cluster.bootstrap_expect: must be between 1 and cluster.servers (3), got 4 (leave it out for a static bootstrap)`},
		{"bootstrap_expect zero", "cluster: {servers: 3, bootstrap_expect: 0}\n", `t.yaml:3:41: cluster.bootstrap_expect: must be between 1 and cluster.servers (3), got 0 (leave it out for a static bootstrap)`},

		// disk
		{"disk ok", "disk: {write_latency: 2ms}\n", ""},
		{"disk too slow", "disk: {write_latency: 2s}\n", `t.yaml:5:23: disk.write_latency: must be between 0s and 1s, got 2s`},
		{"disk unknown field", "disk: {fsync: 2ms}\n", `t.yaml:5:8: disk.fsync: unknown field "fsync"; allowed in disk: write_latency`},

		// cpu
		{"cpu ok", "cpu: {service_time: {get: 500us, put: 1ms, cas: 1ms, delete: 1s}}\n", ""},
		{"cpu zero", "cpu: {service_time: {get: 0s}}\n", ""},
		{"cpu too slow", "cpu: {service_time: {put: 1001ms}}\n", `t.yaml:5:27: cpu.service_time.put: must be between 0s and 1s, got 1.001s`},
		{"cpu negative", "cpu:\n  service_time:\n    get: -1ms\n", `t.yaml:7:10: cpu.service_time.get: must be between 0s and 1s, got -1ms`},
		{"cpu unknown kind", "cpu: {service_time: {read: 1ms}}\n", `t.yaml:5:22: cpu.service_time.read: unknown field "read"; allowed in cpu.service_time: get, put, cas, delete`},
		{"cpu no unit", "cpu: {service_time: {get: 2}}\n", `t.yaml:5:27: cpu.service_time.get: invalid duration "2": write a number with a unit, like 500ms, 10s or 2m`},
		{"cpu duration", "cpu: 2ms\n", `t.yaml:5:6: cpu: expected a mapping, found string "2ms"`},
		{"cluster unknown field", "cluster: {servers: 3, server: 2}\n", `t.yaml:3:23: cluster.server: unknown field "server" (did you mean "servers"?); allowed in cluster: servers, clients, bootstrap_expect`},

		// network and loss
		{"network omitted", "", ""},
		{"network empty mapping", "network: {}\n", ""},
		{"loss 0", "network: {loss: 0}\n", ""},
		{"loss 0.99", "network: {loss: 0.99}\n", ""},
		{"loss 1", "network: {loss: 1}\n", `t.yaml:5:17: network.loss: must be at least 0 and less than 1, got 1`},
		{"loss negative", "network: {loss: -0.1}\n", `t.yaml:5:17: network.loss: must be at least 0 and less than 1, got -0.1`},
		{"raft transport fast", "network: {raft_transport: fast}\n", ""},
		{"raft transport network", "network: {raft_transport: network}\n", ""},
		{"raft transport bad", "network: {raft_transport: slow}\n", `t.yaml:5:27: network.raft_transport: must be one of network, fast, got "slow"`},
		{"loss nan", "network: {loss: .nan}\n", `t.yaml:5:17: network.loss: expected a finite number, found .nan`},
		{"loss percent", "network: {loss: 5%}\n", `t.yaml:5:17: network.loss: expected a number, found string "5%"`},
		{"network empty value", "network:\n", `t.yaml:5:9: network: expected a mapping, found nothing (the value is empty)`},

		// latency: dist
		{"dist missing", "network: {latency: {mean: 1ms}}\n", `t.yaml:5:11: network.latency.dist: required field is missing`},
		{"dist unknown", "network: {latency: {dist: gaussian, mean: 1ms}}\n", `t.yaml:5:27: network.latency.dist: must be one of constant, uniform, normal, exponential, long-tail, got "gaussian"`},
		{"dist not string", "network: {latency: {dist: [normal]}}\n", `t.yaml:5:27: network.latency.dist: expected a string, found a list`},
		{"latency empty mapping", "network: {latency: {}}\n", `t.yaml:5:11: network.latency.dist: required field is missing`},

		// latency: constant
		{"constant ok", "network: {latency: {dist: constant, mean: 3ms}}\n", ""},
		{"constant zero", "network: {latency: {dist: constant, mean: 0s}}\n", ""},
		{"constant no mean", "network: {latency: {dist: constant}}\n", `t.yaml:5:11: network.latency.mean: required field is missing: dist constant needs mean`},
		{"constant with stddev", "network: {latency: {dist: constant, mean: 3ms, stddev: 0s}}\n", `t.yaml:5:56: network.latency.stddev: does not apply when dist is constant, which uses mean`},
		{"constant with min max", "network: {latency: {dist: constant, mean: 3ms, min: 1ms, max: 5ms}}\n", "t.yaml:5:53: network.latency.min: does not apply when dist is constant, which uses mean\n" +
			"t.yaml:5:63: network.latency.max: does not apply when dist is constant, which uses mean"},

		// latency: uniform
		{"uniform ok", "network: {latency: {dist: uniform, min: 0s, max: 5ms}}\n", ""},
		{"uniform no min", "network: {latency: {dist: uniform, max: 5ms}}\n", `t.yaml:5:11: network.latency.min: required field is missing: dist uniform needs min and max`},
		{"uniform min = max", "network: {latency: {dist: uniform, min: 5ms, max: 5ms}}\n", `t.yaml:5:51: network.latency.max: must be greater than min (5ms), got 5ms`},
		{"uniform with mean", "network: {latency: {dist: uniform, mean: 1ms, min: 0s, max: 5ms}}\n", `t.yaml:5:42: network.latency.mean: does not apply when dist is uniform, which uses min, max`},

		// latency: normal
		{"normal ok", "network: {latency: {dist: normal, mean: 2ms, stddev: 500us, min: 1ms}}\n", ""},
		{"normal no stddev", "network: {latency: {dist: normal, mean: 2ms}}\n", `t.yaml:5:11: network.latency.stddev: required field is missing: dist normal needs mean and stddev`},
		{"normal no mean", "network: {latency: {dist: normal, stddev: 1ms}}\n", `t.yaml:5:11: network.latency.mean: required field is missing: dist normal needs mean and stddev`},
		{"normal stddev 0", "network: {latency: {dist: normal, mean: 2ms, stddev: 0s}}\n", `t.yaml:5:54: network.latency.stddev: must be greater than 0s for dist normal, got 0s`},
		{"normal with max", "network: {latency: {dist: normal, mean: 2ms, stddev: 1ms, max: 5ms}}\n", `t.yaml:5:64: network.latency.max: does not apply when dist is normal, which uses mean, stddev, min`},

		// latency: exponential
		{"exponential ok", "network: {latency: {dist: exponential, mean: 2ms}}\n", ""},
		{"exponential with min", "network: {latency: {dist: exponential, mean: 2ms, min: 1ms}}\n", ""},
		{"exponential no mean", "network: {latency: {dist: exponential, min: 1ms}}\n", `t.yaml:5:11: network.latency.mean: required field is missing: dist exponential needs mean`},
		{"exponential mean = min", "network: {latency: {dist: exponential, mean: 1ms, min: 1ms}}\n", `t.yaml:5:46: network.latency.mean: must be greater than min (1ms) for dist exponential, got 1ms`},
		{"exponential mean 0", "network: {latency: {dist: exponential, mean: 0s}}\n", `t.yaml:5:46: network.latency.mean: must be greater than min (0s) for dist exponential, got 0s`},
		{"exponential with stddev", "network: {latency: {dist: exponential, mean: 2ms, stddev: 1ms}}\n", `t.yaml:5:59: network.latency.stddev: does not apply when dist is exponential, which uses mean, min`},

		// latency: range
		{"latency 10s", "network: {latency: {dist: uniform, min: 9s, max: 10s}}\n", ""},
		{"latency over 10s", "network: {latency: {dist: constant, mean: 10001ms}}\n", `t.yaml:5:43: network.latency.mean: must be between 0s and 10s, got 10.001s`},
		{"latency negative", "network: {latency: {dist: normal, mean: 2ms, stddev: 1ms, min: -1ms}}\n", `t.yaml:5:64: network.latency.min: must be between 0s and 10s, got -1ms`},
		{"latency bad duration", "network: {latency: {dist: constant, mean: 2}}\n", `t.yaml:5:43: network.latency.mean: invalid duration "2": write a number with a unit, like 500ms, 10s or 2m`},

		// structure
		{"unknown top-level field", "chaos: []\n", `t.yaml:5:1: chaos: unknown field "chaos"; allowed at the top level: name, description, seed, duration, cluster, network, disk, cpu, workload, gossip, services, anti_entropy, dns, discovery, actions, faults, liveness, bugs, expect`},
		{"unknown field, case", "Name: x\n", `t.yaml:5:1: Name: unknown field "Name" (did you mean "name"?); allowed at the top level: name, description, seed, duration, cluster, network, disk, cpu, workload, gossip, services, anti_entropy, dns, discovery, actions, faults, liveness, bugs, expect`},
		{"duplicate key", "duration: 10s\nduration: 20s\n", `t.yaml:5:1: duration: duplicate key "duration" (first written at line 4)`},
		{"duplicate nested key", "cluster: {servers: 3, servers: 5}\n", `t.yaml:3:23: cluster.servers: duplicate key "servers" (first written at line 3)`},
		{"non-string key", "1: x\n", `t.yaml:5:1: keys must be field names, found integer 1`},
		{"alias", "cluster: &c {servers: 3}\nnetwork: *c\n", `t.yaml:4:10: network: aliases (*c) are not supported in scenario files: write the value out`},
		{"merge key", "cluster: {<<: {servers: 3}}\n", "t.yaml:3:1: cluster.servers: required field is missing\n" +
			"t.yaml:3:11: cluster: merge keys (<<) are not supported in scenario files: write the fields out"},
		{"null value", "seed: null\n", `t.yaml:5:7: seed: expected a non-negative integer, found null`},
		{"tagged value", "name: !foo x\n", `t.yaml:4:7: name: expected a string, found a value tagged !foo (put it in quotes to make it a string)`},
	}
	checkRuleCases(t, tests)
}
