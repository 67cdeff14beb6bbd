// Metrics of covd in the Prometheus text exposition format (version 0.0.4):
// per-RPC request counters and latency histograms kept by RpcMetrics, plus
// gauges computed at scrape time by callbacks (store size, last ingest per
// source, process memory, ...).
//
//   RpcMetrics metrics;
//   metrics.AddGauges([](GaugeWriter* w) {
//     w->Add("cov_ready", "1 when ...", {}, 1);
//   });
//   metrics.Observe("/cov.v1.CovService/GetCoverage", grpc::StatusCode::OK,
//                   0.0021);
//   std::string text;
//   metrics.RenderPrometheus(&text);
//
// Families rendered:
//   cov_rpc_requests_total{service,method,code}      counter
//   cov_rpc_duration_seconds{service,method}          histogram (kBuckets)
//   process_* (resident memory, start time, open fds, cpu seconds)
//   every family added by a GaugeFn.
#ifndef COV_SERVER_OBSERVABILITY_METRICS_H_
#define COV_SERVER_OBSERVABILITY_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/support/status_code_enum.h"

namespace cov::server::observability {

// Upper bounds (seconds) of the latency histogram buckets; +Inf is implied.
inline constexpr std::array<double, 15> kLatencyBuckets = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
    0.25,   0.5,   1,      2.5,   5,    10,    30};

// Distinct methods tracked; later ones are counted under method="other" so
// that clients calling made-up paths cannot grow the registry without bound.
inline constexpr int kMaxMethods = 256;

// "OK", "NOT_FOUND", ... (the names of grpc::StatusCode); "UNKNOWN_CODE"
// outside 0..16.
absl::string_view StatusCodeName(grpc::StatusCode code);

// `value` escaped as a Prometheus label value: \ " and newline.
std::string EscapeLabelValue(absl::string_view value);

using Labels = std::vector<std::pair<std::string, std::string>>;

// Collects gauge samples during one scrape. Samples of one family (same
// name) are rendered together under one # HELP / # TYPE gauge header, in the
// order families were first added; the first help text of a family wins.
// Not thread-safe; lives for one RenderPrometheus call.
class GaugeWriter {
 public:
  // `name` must be a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*); label
  // names likewise without ':'. Label values are escaped here.
  void Add(absl::string_view name, absl::string_view help, const Labels& labels,
           double value);
  // Same, typed "counter" (for monotonic process counters).
  void AddCounter(absl::string_view name, absl::string_view help,
                  const Labels& labels, double value);

  // Appends every family in exposition format.
  void Render(std::string* out) const;

 private:
  struct Family {
    std::string name;
    std::string help;
    const char* type;
    std::vector<std::string> samples;  // whole lines without '\n'
  };
  void AddTyped(const char* type, absl::string_view name,
                absl::string_view help, const Labels& labels, double value);
  std::vector<Family> families_;
  absl::flat_hash_map<std::string, size_t> index_;
};

// Called at every scrape to add gauges. Must be thread-safe with respect to
// whatever it reads; scrapes are serialised by RpcMetrics.
using GaugeFn = std::function<void(GaugeWriter*)>;

// Adds process_resident_memory_bytes, process_start_time_seconds,
// process_open_fds and process_cpu_seconds_total read from /proc/self
// (each skipped when unreadable).
void AddProcessMetrics(GaugeWriter* w);

// Thread-safe registry of RPC counters and latency histograms.
class RpcMetrics {
 public:
  RpcMetrics();
  RpcMetrics(const RpcMetrics&) = delete;
  RpcMetrics& operator=(const RpcMetrics&) = delete;

  // Records one finished RPC. `method` is the gRPC path
  // ("/cov.v1.CovService/GetCoverage"); a path without the
  // "/service/method" shape is recorded as service="" and method=`method`.
  // Cost: one shared-lock hash lookup and three relaxed atomic adds (the
  // first call of a method takes the exclusive lock once).
  void Observe(absl::string_view method, grpc::StatusCode code, double seconds);

  // Registers a gauge callback run at each scrape (after the RPC families,
  // before the process metrics). Callbacks run in registration order.
  void AddGauges(GaugeFn fn);

  // Appends the whole exposition: RPC families (methods sorted), gauges,
  // process metrics. Only codes and methods observed at least once appear.
  void RenderPrometheus(std::string* out);

  // Observations of (method, code) so far; for tests.
  uint64_t Count(absl::string_view method, grpc::StatusCode code) const;

 private:
  static constexpr int kCodes = 17;
  struct MethodStats {
    std::string service;
    std::string method;
    std::array<std::atomic<uint64_t>, kCodes + 1> codes{};  // last: unknown
    // Non-cumulative; the last one is +Inf. _count is their sum, so it always
    // equals the +Inf bucket even while observations race the scrape.
    std::array<std::atomic<uint64_t>, kLatencyBuckets.size() + 1> buckets{};
    std::atomic<uint64_t> sum_ns{0};
  };
  MethodStats* Find(absl::string_view path) const;
  MethodStats* FindOrAdd(absl::string_view path);

  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<MethodStats>> methods_
      ABSL_GUARDED_BY(mu_);
  absl::Mutex gauges_mu_;  // also serialises scrapes
  std::vector<GaugeFn> gauges_ ABSL_GUARDED_BY(gauges_mu_);
};

}  // namespace cov::server::observability

#endif  // COV_SERVER_OBSERVABILITY_METRICS_H_
