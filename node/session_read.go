package node

import "github.com/consim/consim/node/session"

// isSessionRead says whether op reads the session table.
func isSessionRead(op string) bool {
	return op == ReadSessionInfo || op == ReadSessionNode || op == ReadSessionList
}

// sessionQuery reads the local session table; query stamps the leader fields.
func (s *serverKV) sessionQuery(req ReadRequest) ReadReply {
	var r ReadReply
	tbl := s.srv.fsm.sessions
	switch req.Op {
	case ReadSessionInfo:
		var sess *session.Session
		if sess, r.Meta.Index = tbl.Get(req.Key); sess != nil {
			r.Sessions = []session.Session{*sess}
		}
	case ReadSessionNode:
		r.Sessions, r.Meta.Index = tbl.List(func(x *session.Session) bool { return x.Node == req.Key })
	case ReadSessionList:
		r.Sessions, r.Meta.Index = tbl.List(nil)
	}
	return r
}
