// A blocking HTTP/1.1 client for tests: sends one raw request to a loopback
// port and reads the answer until the server closes the connection.
#ifndef COV_SERVER_OBSERVABILITY_HTTP_CLIENT_FOR_TEST_H_
#define COV_SERVER_OBSERVABILITY_HTTP_CLIENT_FOR_TEST_H_

#include <string>

#include "absl/strings/string_view.h"

namespace cov::server::observability {

struct TestHttpAnswer {
  int status = 0;       // 0: no parsable answer
  std::string headers;  // status line and headers
  std::string body;
};

// Sends `raw` as is to `host`:`port` (IPv4 or IPv6 literal).
TestHttpAnswer HttpRaw(absl::string_view host, int port, absl::string_view raw);

// GET `path` from 127.0.0.1:`port`.
TestHttpAnswer HttpGet(int port, absl::string_view path);

}  // namespace cov::server::observability

#endif  // COV_SERVER_OBSERVABILITY_HTTP_CLIENT_FOR_TEST_H_
