// The HTTP/1.1 endpoint for scrapes and probes (GET /metrics, /healthz,
// /readyz), served by Debian's civetweb (libcivetweb-dev): a maintained,
// widely deployed embeddable server instead of our own socket code, so
// request parsing, timeouts and concurrency are civetweb's, not ours. This
// file only maps exact paths to handlers. Not a general web server: no files
// are served (no document root), no keep-alive (`Connection: close` on every
// answer), no request bodies.
//
//   HttpServer http;
//   http.Handle("/healthz", [] {
//     return HttpResponse{200, "text/plain", "ok\n"};
//   });
//   absl::Status s = http.Start("127.0.0.1:0");
//   int port = http.port();
//   ...
//   http.Stop();
//
// Behaviour: GET and HEAD are served (HEAD without the body); any other
// method answers 405 with `Allow: GET, HEAD`, an unknown path 404; the query
// string is ignored and the path is matched after percent-decoding.
// kWorkerThreads civetweb worker threads answer requests, so a slow or silent
// client holds one worker and does not delay the other scrapes. What civetweb
// answers itself, before any handler runs (its own "Error NNN" text body):
//  - a request head larger than kMaxRequestBytes: 400 Bad Request (our
//    server answered 431);
//  - a malformed request line: 400 Bad Request;
//  - a client that sends nothing within kRequestTimeout: the connection is
//    closed without an answer (our server answered 408).
// Debian's civetweb 1.15 is built without IPv6 (mg_check_feature(8) == 0):
// an IPv6 address ("[::1]:9464") answers kUnavailable saying so; a host name
// that resolves to both families binds its IPv4 address.
// Starting civetweb makes the process ignore SIGPIPE (civetweb sets it).
#ifndef COV_SERVER_OBSERVABILITY_HTTP_SERVER_H_
#define COV_SERVER_OBSERVABILITY_HTTP_SERVER_H_

#include <functional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

struct mg_context;
struct mg_connection;

namespace cov::server::observability {

// civetweb's request_timeout_ms: the time a client has to send its request
// head (and to take the answer).
inline constexpr absl::Duration kRequestTimeout = absl::Seconds(2);
// civetweb's max_request_size: the largest accepted request head.
inline constexpr size_t kMaxRequestBytes = 8192;
// civetweb's num_threads: requests served at once.
inline constexpr int kWorkerThreads = 4;

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

// Runs on a civetweb worker thread; up to kWorkerThreads requests run at once,
// so a handler must be thread-safe. It may block only briefly.
using HttpHandler = std::function<HttpResponse()>;

class HttpServer {
 public:
  HttpServer() = default;
  ~HttpServer();  // Stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Serves `handler` at exactly `path` ("/metrics"). Call before Start().
  void Handle(std::string path, HttpHandler handler);

  // Binds `listen` ("127.0.0.1:9100", "[::1]:0", "0.0.0.0:9100",
  // "localhost:0"; port 0 picks a free port) and starts civetweb. A host name
  // is resolved here and the first address that binds is used.
  // kInvalidArgument for a malformed or unresolvable address, kUnavailable
  // when it cannot be bound, kFailedPrecondition when already started.
  absl::Status Start(absl::string_view listen);

  // The bound port (after a successful Start), else 0.
  int port() const { return port_; }

  // Stops civetweb: stops accepting, waits for the requests in progress and
  // joins its threads. Idempotent; safe without Start().
  void Stop();

 private:
  static int OnRequest(mg_connection* conn);  // civetweb's begin_request

  absl::flat_hash_map<std::string, HttpHandler> handlers_;
  mg_context* ctx_ = nullptr;
  int port_ = 0;
  std::string wake_host_;  // numeric loopback-reachable host of the listener
};

// Splits "host:port" / "[v6]:port" into host (brackets removed) and port.
// False when malformed (no port, port not 0..65535, empty host).
bool SplitHostPort(absl::string_view listen, std::string* host, int* port);

}  // namespace cov::server::observability

#endif  // COV_SERVER_OBSERVABILITY_HTTP_SERVER_H_
