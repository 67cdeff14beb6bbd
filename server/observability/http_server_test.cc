#include "server/observability/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "civetweb.h"
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
  // civetweb answers a request head over max_request_size (kMaxRequestBytes)
  // with 400 Bad Request (our own server answered 431).
  std::string huge =
      "GET /metrics HTTP/1.1\r\nX: " + std::string(kMaxRequestBytes + 10, 'a');
  EXPECT_EQ(HttpRaw("127.0.0.1", http_.port(), huge).status, 400);
  // Still serving afterwards.
  EXPECT_EQ(HttpGet(http_.port(), "/metrics").status, 200);
}

// Connects to 127.0.0.1:`port` and sends `partial` (maybe nothing), then
// keeps the connection open; -1 on failure.
int ConnectAndHold(int port, absl::string_view partial) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    close(fd);
    return -1;
  }
  if (!partial.empty()) send(fd, partial.data(), partial.size(), MSG_NOSIGNAL);
  return fd;
}

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
      .count();
}

TEST_F(HttpServerTest, SilentClientTimesOutAndOthersAreServedMeanwhile) {
  // A client that connects and says nothing holds one civetweb worker; the
  // others answer at once.
  int fd = ConnectAndHold(http_.port(), "");
  ASSERT_GE(fd, 0);
  auto t0 = std::chrono::steady_clock::now();
  TestHttpAnswer ok = HttpGet(http_.port(), "/metrics");
  EXPECT_EQ(ok.status, 200);
  EXPECT_LT(SecondsSince(t0), 1.0);
  // After kRequestTimeout civetweb closes the silent connection without an
  // answer (our own server sent 408 first).
  timeval tv{static_cast<time_t>(absl::ToInt64Seconds(kRequestTimeout)) + 3, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  char buf[256];
  t0 = std::chrono::steady_clock::now();
  ssize_t n = recv(fd, buf, sizeof(buf), 0);
  EXPECT_EQ(n, 0);  // EOF, not a timeout of ours (-1)
  EXPECT_LT(SecondsSince(t0), absl::ToDoubleSeconds(kRequestTimeout) + 1.0);
  close(fd);
}

TEST_F(HttpServerTest, ClientsAreServedConcurrently) {
  // Fewer held connections than worker threads: each half-sent request
  // occupies a worker until kRequestTimeout, yet a scrape beside them is
  // answered at once (the old server served one request at a time).
  std::vector<int> held;
  for (int i = 0; i < kWorkerThreads - 1; ++i) {
    int fd = ConnectAndHold(http_.port(), "GET /metrics HTTP/1.1\r\nHost: x");
    ASSERT_GE(fd, 0);
    held.push_back(fd);
  }
  for (int i = 0; i < 3; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    TestHttpAnswer ok = HttpGet(http_.port(), "/metrics");
    EXPECT_EQ(ok.status, 200);
    EXPECT_EQ(ok.body, "m 1\n");
    EXPECT_LT(SecondsSince(t0), 0.5);
  }
  // Scrapes from several threads at once are all answered.
  std::vector<std::thread> scrapers;
  std::atomic<int> served{0};
  for (int i = 0; i < 8; ++i) {
    scrapers.emplace_back([&] {
      if (HttpGet(http_.port(), "/metrics").status == 200) ++served;
    });
  }
  for (std::thread& t : scrapers) t.join();
  EXPECT_EQ(served.load(), 8);
  for (int fd : held) close(fd);
}

TEST(HttpServerStandaloneTest, StopUnblocksAndIsIdempotent) {
  HttpServer http;
  ASSERT_TRUE(http.Start("127.0.0.1:0").ok());
  int port = http.port();
  auto t0 = std::chrono::steady_clock::now();
  http.Stop();
  EXPECT_LT(SecondsSince(t0), 1.0);  // not civetweb's 2 s listener slice
  http.Stop();
  EXPECT_EQ(HttpGet(port, "/metrics").status, 0);  // refused
}

// Debian 12's civetweb 1.15 is built without IPv6: an IPv6 address is
// refused with a message that says so. A civetweb with IPv6 serves it.
TEST(HttpServerStandaloneTest, Ipv6LoopbackServedOrRefusedClearly) {
  HttpServer http;
  http.Handle("/healthz", [] {
    return HttpResponse{200, "text/plain", "ok\n"};
  });
  absl::Status s = http.Start("[::1]:0");
  if (mg_check_feature(8) == 0) {
    EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
    EXPECT_EQ(s.message(),
              "cannot listen on [::1]:0: this civetweb is built without "
              "IPv6; use an IPv4 address");
    return;
  }
  ASSERT_TRUE(s.ok()) << s;
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

TEST(HttpServerStandaloneTest, PortTakenIsUnavailable) {
  HttpServer first;
  ASSERT_TRUE(first.Start("127.0.0.1:0").ok());
  HttpServer second;
  EXPECT_EQ(second.Start(absl::StrCat("127.0.0.1:", first.port())).code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(second.port(), 0);
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
