// A minimal HTTP/1.1 server for scrapes and probes (GET /metrics, /healthz,
// /readyz): POSIX sockets, one thread that accepts and answers one short
// request at a time, `Connection: close` on every answer. Not a general web
// server: no keep-alive, no request bodies, no chunking.
//
//   HttpServer http;
//   http.Handle("/healthz", [] { return HttpResponse{200, "text/plain",
//   "ok\n"}; }); absl::Status s = http.Start("127.0.0.1:0"); int port =
//   http.port();
//   ...
//   http.Stop();
//
// Robustness: a client has kRequestTimeout in total to send its request
// head (at most kMaxRequestBytes, else 431), so a slow or silent client
// delays other scrapes by at most that long. GET and HEAD are served (HEAD
// without the body); any other method answers 405, an unknown path 404, a
// malformed request 400. The query string is ignored.
#ifndef COV_SERVER_OBSERVABILITY_HTTP_SERVER_H_
#define COV_SERVER_OBSERVABILITY_HTTP_SERVER_H_

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace cov::server::observability {

inline constexpr absl::Duration kRequestTimeout = absl::Seconds(2);
inline constexpr size_t kMaxRequestBytes = 8192;

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

// Runs on the server thread, one request at a time; may block only briefly.
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
  // "localhost:0"; port 0 picks a free port) and starts the thread.
  // kInvalidArgument for a malformed address, kUnavailable when it cannot be
  // bound. Call at most once.
  absl::Status Start(absl::string_view listen);

  // The bound port (after a successful Start), else 0.
  int port() const { return port_; }

  // Stops accepting, waits for the request in progress, joins the thread.
  // Idempotent; safe without Start().
  void Stop();

 private:
  void Loop();
  void Serve(int fd);

  absl::flat_hash_map<std::string, HttpHandler> handlers_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

// Splits "host:port" / "[v6]:port" into host (brackets removed) and port.
// False when malformed (no port, port not 0..65535, empty host).
bool SplitHostPort(absl::string_view listen, std::string* host, int* port);

}  // namespace cov::server::observability

#endif  // COV_SERVER_OBSERVABILITY_HTTP_SERVER_H_
