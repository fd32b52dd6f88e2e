// Package leanhttp serves and sends HTTP/1.1 over any net.Conn with the plumbing of
// net/http's Server and Transport cut down to what a simulated cluster needs: the
// handlers, the mux, http.Request, http.Header, the wire format (http.ReadRequest,
// Request.Write, http.ReadResponse) all stay net/http's own.
//
// Why: inside consim's wasm guest every goroutine switch, context and buffer is paid
// for in wall time, and a request through http.Server and http.Transport costs a
// connection goroutine, a background reader per request, a read loop and a write loop
// per client connection, and channels between them. Here a server connection is one
// goroutine that reads a request, runs the handler, and writes the buffered response
// with its Content-Length; a client request is written and its response read on the
// caller's goroutine. The bytes still cross the given net.Conn, so on the virtual
// network every hop still sees latency, partitions, loss of a NIC and crashes.
//
// What is kept of net/http's semantics, because handlers and callers rely on it:
//   - a request's context ends when its client goes away (the peer's FIN or RST), when
//     the server closes, and when the handler returns; on a connection that implements
//     PeerCloser (netmodel's does) without a goroutine blocked in Read;
//   - keep-alive, Connection: close, a bounded drain of an unread request body;
//   - a client request ends with its context (deadline or cancel) and returns ctx's
//     error; an idle pooled connection the server closed is dropped, and a request that
//     found its reused connection closed before any answer is retried once if it is
//     replayable (GET, HEAD), as net/http does;
//   - Content-Type sniffing of an unlabelled body, HEAD, 204 and 304 without a body.
//
// What is left out, knowingly: TLS, HTTP/2, 100-continue, chunked or streamed
// responses (a handler's output is buffered whole; none of consim's streams), the Date
// header, response compression, proxies, redirects' connection reuse subtleties (an
// http.Client around a Transport still follows redirects), an idle timer per pooled
// connection (an idle connection older than IdleTimeout is closed when next taken),
// and a handler's panic is recovered and closes the connection, as net/http does, but
// is not logged.
package leanhttp
