#include "server/observability/http_server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace cov::server::observability {
namespace {

absl::string_view ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Unknown";
  }
}

// Sends all of `data`, giving up on error or timeout (SO_SNDTIMEO).
void SendAll(int fd, absl::string_view data) {
  while (!data.empty()) {
    ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    data.remove_prefix(static_cast<size_t>(n));
  }
}

void SendResponse(int fd, const HttpResponse& r, bool head_only,
                  absl::string_view extra_headers = "") {
  std::string out =
      absl::StrCat("HTTP/1.1 ", r.status, " ", ReasonPhrase(r.status),
                   "\r\nContent-Type: ", r.content_type,
                   "\r\nContent-Length: ", r.body.size(),
                   "\r\nCache-Control: no-store\r\nConnection: close\r\n",
                   extra_headers, "\r\n");
  if (!head_only) out += r.body;
  SendAll(fd, out);
}

HttpResponse Plain(int status, absl::string_view body) {
  return HttpResponse{status, "text/plain; charset=utf-8", std::string(body)};
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
  std::string error = "no address";
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    int fd =
        socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      error = std::strerror(errno);
      continue;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(fd, 16) != 0) {
      error = std::strerror(errno);
      close(fd);
      continue;
    }
    sockaddr_storage bound{};
    socklen_t len = sizeof(bound);
    getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
    port_ = ntohs(bound.ss_family == AF_INET6
                      ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                      : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    listen_fd_ = fd;
    break;
  }
  freeaddrinfo(res);
  if (listen_fd_ < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", listen, ": ", error));
  }
  thread_ = std::thread([this] { Loop(); });
  return absl::OkStatus();
}

void HttpServer::Stop() {
  if (stopping_.exchange(true)) return;
  // shutdown() wakes the thread blocked in accept(); it then sees stopping_.
  if (listen_fd_ >= 0) shutdown(listen_fd_, SHUT_RDWR);
  if (thread_.joinable()) thread_.join();
  if (listen_fd_ >= 0) close(listen_fd_);
  listen_fd_ = -1;
}

void HttpServer::Loop() {
  while (!stopping_.load()) {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (stopping_.load()) break;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
          errno == ENOMEM) {
        // Out of descriptors: back off instead of spinning.
        absl::SleepFor(absl::Milliseconds(100));
      }
      continue;
    }
    Serve(fd);
    close(fd);
  }
}

void HttpServer::Serve(int fd) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(absl::ToInt64Seconds(kRequestTimeout));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));

  // Read the request head against one overall deadline (not per recv, so a
  // client trickling bytes cannot hold the thread longer).
  const absl::Time deadline = absl::Now() + kRequestTimeout;
  std::string req;
  size_t head_end = std::string::npos;
  char buf[2048];
  while (head_end == std::string::npos) {
    const int64_t left = absl::ToInt64Milliseconds(deadline - absl::Now());
    if (left <= 0 || stopping_.load()) {
      SendResponse(fd, Plain(408, "request timeout\n"), false);
      return;
    }
    pollfd p{fd, POLLIN, 0};
    int rc = poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 200)));
    if (rc < 0 && errno != EINTR) return;
    if (rc <= 0) continue;
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) {
      if (!req.empty()) SendResponse(fd, Plain(400, "bad request\n"), false);
      return;
    }
    req.append(buf, static_cast<size_t>(n));
    head_end = req.find("\r\n\r\n");
    if (head_end == std::string::npos) head_end = req.find("\n\n");
    if (head_end == std::string::npos && req.size() > kMaxRequestBytes) {
      SendResponse(fd, Plain(431, "request too large\n"), false);
      return;
    }
  }

  absl::string_view head(req.data(), head_end);
  absl::string_view line = head.substr(0, head.find('\n'));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::vector<absl::string_view> parts = absl::StrSplit(line, ' ');
  if (parts.size() != 3 || !absl::StartsWith(parts[2], "HTTP/1.") ||
      parts[1].empty() || parts[1].front() != '/') {
    SendResponse(fd, Plain(400, "bad request\n"), false);
    return;
  }
  const absl::string_view method = parts[0];
  absl::string_view path = parts[1].substr(0, parts[1].find('?'));
  const bool head_only = method == "HEAD";
  if (method != "GET" && !head_only) {
    SendResponse(fd, Plain(405, "method not allowed\n"), false,
                 "Allow: GET, HEAD\r\n");
    return;
  }
  auto it = handlers_.find(path);
  if (it == handlers_.end()) {
    SendResponse(fd, Plain(404, "not found\n"), head_only);
    return;
  }
  SendResponse(fd, it->second(), head_only);
}

}  // namespace cov::server::observability
