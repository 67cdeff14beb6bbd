#include "server/observability/http_client_for_test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace cov::server::observability {

TestHttpAnswer HttpRaw(absl::string_view host, int port,
                       absl::string_view raw) {
  TestHttpAnswer answer;
  const std::string h(host);
  sockaddr_storage addr{};
  socklen_t len = 0;
  if (h.find(':') != std::string::npos) {
    auto* a6 = reinterpret_cast<sockaddr_in6*>(&addr);
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons(port);
    if (inet_pton(AF_INET6, h.c_str(), &a6->sin6_addr) != 1) return answer;
    len = sizeof(*a6);
  } else {
    auto* a4 = reinterpret_cast<sockaddr_in*>(&addr);
    a4->sin_family = AF_INET;
    a4->sin_port = htons(port);
    if (inet_pton(AF_INET, h.c_str(), &a4->sin_addr) != 1) return answer;
    len = sizeof(*a4);
  }
  int fd = socket(addr.ss_family, SOCK_STREAM, 0);
  if (fd < 0) return answer;
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0) {
    close(fd);
    return answer;
  }
  if (!raw.empty()) send(fd, raw.data(), raw.size(), MSG_NOSIGNAL);
  std::string all;
  char buf[4096];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) all.append(buf, n);
  close(fd);
  size_t end = all.find("\r\n\r\n");
  if (end == std::string::npos) return answer;
  answer.headers = all.substr(0, end);
  answer.body = all.substr(end + 4);
  // "HTTP/1.1 200 OK"
  if (answer.headers.size() > 12) {
    int status = 0;
    if (absl::SimpleAtoi(answer.headers.substr(9, 3), &status)) {
      answer.status = status;
    }
  }
  return answer;
}

TestHttpAnswer HttpGet(int port, absl::string_view path) {
  return HttpRaw(
      "127.0.0.1", port,
      absl::StrCat("GET ", path, " HTTP/1.1\r\nHost: localhost\r\n\r\n"));
}

}  // namespace cov::server::observability
