#include "server/observability/http_server.h"

#include <civetweb.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace cov::server::observability {
namespace {

// Writes the whole answer; HEAD gets the headers only.
void SendResponse(mg_connection* conn, const HttpResponse& r, bool head_only,
                  absl::string_view extra_headers = "") {
  const char* reason = mg_get_response_code_text(conn, r.status);
  std::string out = absl::StrCat(
      "HTTP/1.1 ", r.status, " ", reason != nullptr ? reason : "Unknown",
      "\r\nContent-Type: ", r.content_type,
      "\r\nContent-Length: ", r.body.size(),
      "\r\nCache-Control: no-store\r\nConnection: close\r\n", extra_headers,
      "\r\n");
  if (!head_only) out += r.body;
  mg_write(conn, out.data(), out.size());
}

HttpResponse Plain(int status, absl::string_view body) {
  return HttpResponse{status, "text/plain; charset=utf-8", std::string(body)};
}

// "127.0.0.1:9100" / "[::1]:9100" for civetweb's listening_ports, which takes
// numeric addresses only.
bool CivetListenAddress(const addrinfo* ai, int port, std::string* out) {
  char host[NI_MAXHOST];
  if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host), nullptr, 0,
                  NI_NUMERICHOST) != 0) {
    return false;
  }
  *out = ai->ai_family == AF_INET6 ? absl::StrCat("[", host, "]:", port)
                                   : absl::StrCat(host, ":", port);
  return true;
}

// Connects to and at once leaves host:port, to wake civetweb's listener.
void Knock(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), absl::StrCat(port).c_str(), &hints, &res) !=
      0) {
    return;
  }
  int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd >= 0) {
    (void)connect(fd, res->ai_addr, res->ai_addrlen);
    close(fd);
  }
  freeaddrinfo(res);
}

}  // namespace

bool SplitHostPort(absl::string_view listen, std::string* host, int* port) {
  size_t colon = listen.rfind(':');
  if (colon == absl::string_view::npos || colon == 0) return false;
  absl::string_view h = listen.substr(0, colon);
  if (h.front() == '[') {
    if (h.size() < 3 || h.back() != ']') return false;
    h = h.substr(1, h.size() - 2);
  } else if (h.find(':') != absl::string_view::npos) {
    return false;  // bare IPv6 needs brackets
  }
  int p = 0;
  if (!absl::SimpleAtoi(listen.substr(colon + 1), &p) || p < 0 || p > 65535) {
    return false;
  }
  *host = std::string(h);
  *port = p;
  return true;
}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Handle(std::string path, HttpHandler handler) {
  handlers_[std::move(path)] = std::move(handler);
}

absl::Status HttpServer::Start(absl::string_view listen) {
  std::string host;
  int port = 0;
  if (!SplitHostPort(listen, &host, &port)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad address '", listen, "': expected host:port, e.g. 127.0.0.1:9464"));
  }
  if (ctx_ != nullptr) {
    return absl::FailedPreconditionError("HTTP server already started");
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  const std::string port_text = absl::StrCat(port);
  if (int rc = getaddrinfo(host.c_str(), port_text.c_str(), &hints, &res);
      rc != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot resolve '", host, "': ", gai_strerror(rc)));
  }
  static std::once_flag init_once;
  std::call_once(init_once, [] { mg_init_library(0); });

  const std::string timeout_ms =
      absl::StrCat(absl::ToInt64Milliseconds(kRequestTimeout));
  const std::string max_request = absl::StrCat(kMaxRequestBytes);
  const std::string threads = absl::StrCat(kWorkerThreads);
  mg_callbacks callbacks{};
  callbacks.begin_request = &HttpServer::OnRequest;
  std::string error = "no address";
  for (addrinfo* ai = res; ai != nullptr && ctx_ == nullptr; ai = ai->ai_next) {
    std::string address;
    if (!CivetListenAddress(ai, port, &address)) continue;
    if (ai->ai_family == AF_INET6 && mg_check_feature(8) == 0) {
      error = "this civetweb is built without IPv6; use an IPv4 address";
      continue;
    }
    const char* options[] = {"listening_ports",
                             address.c_str(),
                             "num_threads",
                             threads.c_str(),
                             "request_timeout_ms",
                             timeout_ms.c_str(),
                             "max_request_size",
                             max_request.c_str(),
                             "enable_keep_alive",
                             "no",
                             nullptr};
    mg_init_data init{};
    init.callbacks = &callbacks;
    init.user_data = this;
    init.configuration_options = options;
    char text[256] = "";
    unsigned code = 0;
    mg_error_data err{};
    err.code = &code;
    err.text = text;
    err.text_buffer_size = sizeof(text);
    ctx_ = mg_start2(&init, &err);
    if (ctx_ == nullptr) {
      error = text[0] != '\0' ? text : "civetweb failed";
      continue;
    }
    char numeric[NI_MAXHOST];
    getnameinfo(ai->ai_addr, ai->ai_addrlen, numeric, sizeof(numeric), nullptr,
                0, NI_NUMERICHOST);
    wake_host_ = numeric;
    if (wake_host_ == "0.0.0.0") wake_host_ = "127.0.0.1";
    if (wake_host_ == "::") wake_host_ = "::1";
  }
  freeaddrinfo(res);
  if (ctx_ == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", listen, ": ", error));
  }
  mg_server_port ports[1] = {};
  if (mg_get_server_ports(ctx_, 1, ports) < 1 || ports[0].port <= 0) {
    Stop();
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", listen, ": no bound port"));
  }
  port_ = ports[0].port;
  return absl::OkStatus();
}

void HttpServer::Stop() {
  if (ctx_ == nullptr) return;
  // civetweb's listener polls in 2-second slices and sees the stop flag only
  // between them; knocking on the port once mg_stop has set the flag ends the
  // slice, so Stop takes milliseconds instead of up to 2 s.
  std::atomic<bool> stopped{false};
  std::thread knocker([this, &stopped] {
    while (!stopped.load()) {
      absl::SleepFor(absl::Milliseconds(20));
      if (!stopped.load() && port_ > 0) Knock(wake_host_, port_);
    }
  });
  mg_stop(ctx_);  // joins the listener and the workers
  stopped = true;
  knocker.join();
  ctx_ = nullptr;
}

int HttpServer::OnRequest(mg_connection* conn) {
  const mg_request_info* ri = mg_get_request_info(conn);
  auto* self = static_cast<HttpServer*>(ri->user_data);
  const absl::string_view method =
      ri->request_method != nullptr ? ri->request_method : "";
  const bool head_only = method == "HEAD";
  HttpResponse r;
  if (method != "GET" && !head_only) {
    r = Plain(405, "method not allowed\n");
    SendResponse(conn, r, false, "Allow: GET, HEAD\r\n");
    return r.status;
  }
  // local_uri: the decoded path without the query string.
  auto it = self->handlers_.find(ri->local_uri != nullptr ? ri->local_uri : "");
  r = it == self->handlers_.end() ? Plain(404, "not found\n") : it->second();
  SendResponse(conn, r, head_only);
  return r.status;  // nonzero: handled; civetweb logs it as the status
}

}  // namespace cov::server::observability
