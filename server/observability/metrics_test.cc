#include "server/observability/metrics.h"

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cov::server::observability {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> Lines(RpcMetrics& m) {
  std::string text;
  m.RenderPrometheus(&text);
  EXPECT_EQ(text.back(), '\n');
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

TEST(RpcMetricsTest, CountsPerMethodAndCode) {
  RpcMetrics m;
  for (int i = 0; i < 3; ++i) {
    m.Observe("/cov.v1.CovService/GetCoverage", grpc::StatusCode::OK, 0.001);
  }
  m.Observe("/cov.v1.CovService/GetTechnique", grpc::StatusCode::NOT_FOUND,
            0.002);
  std::vector<std::string> lines = Lines(m);
  EXPECT_THAT(lines, Contains("# TYPE cov_rpc_requests_total counter"));
  EXPECT_THAT(lines, Contains("cov_rpc_requests_total{service=\"cov.v1."
                              "CovService\",method=\"GetCoverage\",code="
                              "\"OK\"} 3"));
  EXPECT_THAT(lines, Contains("cov_rpc_requests_total{service=\"cov.v1."
                              "CovService\",method=\"GetTechnique\",code="
                              "\"NOT_FOUND\"} 1"));
  // Codes never observed are not rendered.
  EXPECT_THAT(lines, Not(Contains(HasSubstr("GetTechnique\",code=\"OK\""))));
  EXPECT_EQ(m.Count("/cov.v1.CovService/GetCoverage", grpc::StatusCode::OK),
            3u);
  EXPECT_EQ(
      m.Count("/cov.v1.CovService/GetCoverage", grpc::StatusCode::INTERNAL),
      0u);
}

TEST(RpcMetricsTest, HistogramBucketsAreCumulative) {
  RpcMetrics m;
  const std::string p = "/grpc.health.v1.Health/Check";
  m.Observe(p, grpc::StatusCode::OK, 0.0004);  // le 0.0005
  m.Observe(p, grpc::StatusCode::OK, 0.0005);  // le 0.0005 (bound inclusive)
  m.Observe(p, grpc::StatusCode::OK, 0.003);   // le 0.005
  m.Observe(p, grpc::StatusCode::OK, 0.2);     // le 0.25
  m.Observe(p, grpc::StatusCode::OK, 99);      // +Inf only
  std::vector<std::string> lines = Lines(m);
  const std::string l =
      "cov_rpc_duration_seconds_bucket{service=\"grpc.health.v1.Health\","
      "method=\"Check\",le=";
  EXPECT_THAT(lines, Contains("# TYPE cov_rpc_duration_seconds histogram"));
  EXPECT_THAT(lines, Contains(l + "\"0.0005\"} 2"));
  EXPECT_THAT(lines, Contains(l + "\"0.001\"} 2"));
  EXPECT_THAT(lines, Contains(l + "\"0.0025\"} 2"));
  EXPECT_THAT(lines, Contains(l + "\"0.005\"} 3"));
  EXPECT_THAT(lines, Contains(l + "\"0.1\"} 3"));
  EXPECT_THAT(lines, Contains(l + "\"0.25\"} 4"));
  EXPECT_THAT(lines, Contains(l + "\"1\"} 4"));
  EXPECT_THAT(lines, Contains(l + "\"2.5\"} 4"));
  EXPECT_THAT(lines, Contains(l + "\"30\"} 4"));
  EXPECT_THAT(lines, Contains(l + "\"+Inf\"} 5"));
  EXPECT_THAT(lines, Contains("cov_rpc_duration_seconds_count{service=\"grpc."
                              "health.v1.Health\",method=\"Check\"} 5"));
  EXPECT_THAT(lines, Contains("cov_rpc_duration_seconds_sum{service=\"grpc."
                              "health.v1.Health\",method=\"Check\"} 99.2039"));
  // 15 bounds + +Inf.
  int buckets = 0;
  for (const std::string& line : lines) {
    if (line.rfind("cov_rpc_duration_seconds_bucket{", 0) == 0) ++buckets;
  }
  EXPECT_EQ(buckets, 16);
}

TEST(RpcMetricsTest, LabelValuesAreEscaped) {
  EXPECT_EQ(EscapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  RpcMetrics m;
  m.Observe("/x.Svc/we\"ird\\name\n", grpc::StatusCode::UNIMPLEMENTED, 0);
  m.Observe("not-a-path", grpc::StatusCode::OK, 0);
  std::vector<std::string> lines = Lines(m);
  EXPECT_THAT(lines, Contains("cov_rpc_requests_total{service=\"x.Svc\","
                              "method=\"we\\\"ird\\\\name\\n\",code="
                              "\"UNIMPLEMENTED\"} 1"));
  EXPECT_THAT(lines, Contains("cov_rpc_requests_total{service=\"\",method="
                              "\"not-a-path\",code=\"OK\"} 1"));
}

TEST(RpcMetricsTest, MethodCountIsBounded) {
  RpcMetrics m;
  for (int i = 0; i < kMaxMethods + 10; ++i) {
    m.Observe("/s.S/M" + std::to_string(i), grpc::StatusCode::UNIMPLEMENTED, 0);
  }
  EXPECT_EQ(m.Count("other", grpc::StatusCode::UNIMPLEMENTED), 10u);
  EXPECT_EQ(m.Count("/s.S/M0", grpc::StatusCode::UNIMPLEMENTED), 1u);
}

TEST(RpcMetricsTest, ConcurrentObservationsAreAllCounted) {
  RpcMetrics m;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&m, t] {
      for (int i = 0; i < 10000; ++i) {
        m.Observe(t % 2 ? "/a.A/X" : "/a.A/Y", grpc::StatusCode::OK, 0.001);
      }
    });
  }
  std::string scrape;
  m.RenderPrometheus(&scrape);  // concurrently with the writers
  for (auto& t : threads) t.join();
  EXPECT_EQ(m.Count("/a.A/X", grpc::StatusCode::OK), 20000u);
  EXPECT_EQ(m.Count("/a.A/Y", grpc::StatusCode::OK), 20000u);
  EXPECT_THAT(Lines(m), Contains("cov_rpc_duration_seconds_count{service=\"a."
                                 "A\",method=\"X\"} 20000"));
}

TEST(GaugeWriterTest, GroupsSamplesOfOneFamily) {
  RpcMetrics m;
  m.AddGauges([](GaugeWriter* w) {
    w->Add("cov_source_last_ingest_timestamp_seconds", "Last ingest.",
           {{"source", "sigma"}, {"kind", "rules"}}, 1700000000);
    w->Add("cov_store_size_bytes", "Size.\nof store", {}, 12345);
    w->Add("cov_source_last_ingest_timestamp_seconds", "ignored help",
           {{"source", "a\"b"}, {"kind", "library"}}, 1700000001.5);
  });
  std::string text;
  m.RenderPrometheus(&text);
  EXPECT_THAT(
      text,
      HasSubstr("# HELP cov_source_last_ingest_timestamp_seconds Last "
                "ingest.\n"
                "# TYPE cov_source_last_ingest_timestamp_seconds gauge\n"
                "cov_source_last_ingest_timestamp_seconds{source=\"sigma\","
                "kind=\"rules\"} 1700000000\n"
                "cov_source_last_ingest_timestamp_seconds{source=\"a\\\"b\","
                "kind=\"library\"} 1700000001.5\n"
                "# HELP cov_store_size_bytes Size.\\nof store\n"
                "# TYPE cov_store_size_bytes gauge\n"
                "cov_store_size_bytes 12345\n"));
  // Each family's header appears once.
  EXPECT_EQ(text.find("# TYPE cov_source_last_ingest_timestamp_seconds"),
            text.rfind("# TYPE cov_source_last_ingest_timestamp_seconds"));
}

TEST(ProcessMetricsTest, ReadsProc) {
  GaugeWriter w;
  AddProcessMetrics(&w);
  std::string text;
  w.Render(&text);
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  double rss = 0, start = 0, fds = 0;
  for (const std::string& line : lines) {
    std::vector<std::string> f = absl::StrSplit(line, ' ');
    if (f.size() != 2) continue;
    if (f[0] == "process_resident_memory_bytes") rss = std::stod(f[1]);
    if (f[0] == "process_start_time_seconds") start = std::stod(f[1]);
    if (f[0] == "process_open_fds") fds = std::stod(f[1]);
  }
  EXPECT_GT(rss, 1 << 20);
  const double now = static_cast<double>(time(nullptr));
  EXPECT_GT(start, now - 3600);
  EXPECT_LE(start, now + 1);
  EXPECT_GE(fds, 3);
  EXPECT_THAT(text, HasSubstr("# TYPE process_cpu_seconds_total counter\n"));
}

TEST(StatusCodeNameTest, Names) {
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::OK), "OK");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::PERMISSION_DENIED),
            "PERMISSION_DENIED");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::UNAUTHENTICATED),
            "UNAUTHENTICATED");
  EXPECT_EQ(StatusCodeName(static_cast<grpc::StatusCode>(42)), "UNKNOWN_CODE");
}

}  // namespace
}  // namespace cov::server::observability
