package node

import "net/http"

// statusLeader serves /v1/status/leader: the leader's raft address, or "" without one.
func statusLeader(svc kvService) apiHandler {
	return func(_ http.ResponseWriter, r *http.Request) (any, error) {
		return svc.statusLeader(r.Context())
	}
}

// statusPeers serves /v1/status/peers: the raft addresses of the voters.
func statusPeers(svc kvService) apiHandler {
	return func(_ http.ResponseWriter, r *http.Request) (any, error) {
		peers, err := svc.statusPeers(r.Context())
		if peers == nil && err == nil {
			peers = []string{}
		}
		return peers, err
	}
}
