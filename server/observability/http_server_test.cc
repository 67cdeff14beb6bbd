#include "server/observability/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/observability/http_client_for_test.h"

namespace cov::server::observability {
namespace {

using ::testing::HasSubstr;

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    http_.Handle("/metrics", [] {
      return HttpResponse{200, "text/plain; version=0.0.4", "m 1\n"};
    });
    http_.Handle("/readyz", [this] {
      return ready_.load() ? HttpResponse{200, "text/plain", "ready\n"}
                           : HttpResponse{503, "text/plain", "not ready\n"};
    });
    ASSERT_TRUE(http_.Start("127.0.0.1:0").ok());
    ASSERT_GT(http_.port(), 0);
  }
  HttpServer http_;
  std::atomic<bool> ready_{false};
};

TEST_F(HttpServerTest, ServesRegisteredPaths) {
  TestHttpAnswer a = HttpGet(http_.port(), "/metrics");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body, "m 1\n");
  EXPECT_THAT(a.headers, HasSubstr("Content-Type: text/plain; version=0.0.4"));
  EXPECT_THAT(a.headers, HasSubstr("Content-Length: 4"));
  EXPECT_THAT(a.headers, HasSubstr("Connection: close"));
  // The query string is ignored.
  EXPECT_EQ(HttpGet(http_.port(), "/metrics?x=1").status, 200);
}

TEST_F(HttpServerTest, UnknownPathIs404) {
  TestHttpAnswer a = HttpGet(http_.port(), "/nope");
  EXPECT_EQ(a.status, 404);
  EXPECT_EQ(a.body, "not found\n");
}

TEST_F(HttpServerTest, NonGetIs405AndHeadHasNoBody) {
  TestHttpAnswer post =
      HttpRaw("127.0.0.1", http_.port(),
              "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(post.status, 405);
  EXPECT_THAT(post.headers, HasSubstr("Allow: GET, HEAD"));
  TestHttpAnswer head =
      HttpRaw("127.0.0.1", http_.port(), "HEAD /metrics HTTP/1.1\r\n\r\n");
  EXPECT_EQ(head.status, 200);
  EXPECT_THAT(head.headers, HasSubstr("Content-Length: 4"));
  EXPECT_EQ(head.body, "");
}

TEST_F(HttpServerTest, ReadinessFlips) {
  TestHttpAnswer a = HttpGet(http_.port(), "/readyz");
  EXPECT_EQ(a.status, 503);
  EXPECT_EQ(a.body, "not ready\n");
  ready_ = true;
  a = HttpGet(http_.port(), "/readyz");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body, "ready\n");
}

TEST_F(HttpServerTest, MalformedAndOversizedRequests) {
  EXPECT_EQ(HttpRaw("127.0.0.1", http_.port(), "garbage\r\n\r\n").status, 400);
  std::string huge =
      "GET /metrics HTTP/1.1\r\nX: " + std::string(kMaxRequestBytes + 10, 'a');
  EXPECT_EQ(HttpRaw("127.0.0.1", http_.port(), huge).status, 431);
  // Still serving afterwards.
  EXPECT_EQ(HttpGet(http_.port(), "/metrics").status, 200);
}

TEST_F(HttpServerTest, SilentClientTimesOutAndOthersAreServedAfter) {
  // A client that connects and says nothing holds the thread at most
  // kRequestTimeout.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(http_.port());
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  auto t0 = std::chrono::steady_clock::now();
  TestHttpAnswer ok = HttpGet(http_.port(), "/metrics");
  double waited =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
          .count();
  EXPECT_EQ(ok.status, 200);
  EXPECT_LT(waited, absl::ToDoubleSeconds(kRequestTimeout) + 1.0);
  char buf[256];
  ssize_t n = recv(fd, buf, sizeof(buf), 0);
  ASSERT_GT(n, 12);
  EXPECT_EQ(std::string(buf, 12), "HTTP/1.1 408");
  close(fd);
}

TEST(HttpServerStandaloneTest, StopUnblocksAndIsIdempotent) {
  HttpServer http;
  ASSERT_TRUE(http.Start("127.0.0.1:0").ok());
  int port = http.port();
  http.Stop();
  http.Stop();
  EXPECT_EQ(HttpGet(port, "/metrics").status, 0);  // refused
}

TEST(HttpServerStandaloneTest, Ipv6Loopback) {
  HttpServer http;
  http.Handle("/healthz", [] {
    return HttpResponse{200, "text/plain", "ok\n"};
  });
  absl::Status s = http.Start("[::1]:0");
  if (!s.ok()) GTEST_SKIP() << "no IPv6 loopback here: " << s;
  TestHttpAnswer a =
      HttpRaw("::1", http.port(), "GET /healthz HTTP/1.1\r\n\r\n");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body, "ok\n");
}

TEST(HttpServerStandaloneTest, BadAddresses) {
  HttpServer http;
  EXPECT_EQ(http.Start("127.0.0.1").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(http.Start("::1:80").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(http.Start("127.0.0.1:99999").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(http.port(), 0);
}

TEST(SplitHostPortTest, Forms) {
  std::string host;
  int port = -1;
  ASSERT_TRUE(SplitHostPort("[::1]:9464", &host, &port));
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 9464);
  ASSERT_TRUE(SplitHostPort("localhost:0", &host, &port));
  EXPECT_EQ(host, "localhost");
  EXPECT_EQ(port, 0);
  EXPECT_FALSE(SplitHostPort(":80", &host, &port));
  EXPECT_FALSE(SplitHostPort("[]:80", &host, &port));
}

}  // namespace
}  // namespace cov::server::observability
