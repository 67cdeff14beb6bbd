// Cost of the per-RPC observability: RpcMetrics::Observe and the log line in
// tight loops, and health Check round trips on loopback with and without the
// interceptor.
//
//   bazel run -c opt //server/observability:observability_bench -- --calls
//   20000
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cov/v1/cov.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "server/observability/metrics.h"
#include "server/observability/rpc_log_interceptor.h"

ABSL_FLAG(int, calls, 20000, "Health Check round trips per configuration.");
ABSL_FLAG(int, rounds, 5, "Interleaved rounds of each configuration.");
ABSL_FLAG(int, observes, 5000000, "RpcMetrics::Observe calls per thread.");

namespace obs = cov::server::observability;

namespace {

double Seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
      .count();
}

void BenchObserve(int threads) {
  obs::RpcMetrics m;
  const int n = absl::GetFlag(FLAGS_observes);
  const char* methods[] = {"/cov.v1.CovService/GetCoverage",
                           "/cov.v1.CovService/GetTechnique",
                           "/grpc.health.v1.Health/Check"};
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&m, &methods, n, t] {
      for (int i = 0; i < n; ++i) {
        m.Observe(methods[(i + t) % 3], grpc::StatusCode::OK,
                  0.0001 * (i % 1000));
      }
    });
  }
  for (auto& t : ts) t.join();
  double s = Seconds(t0);
  std::printf("RpcMetrics::Observe, %d thread(s): %.1f ns/op (%d ops)\n",
              threads, s * 1e9 / (static_cast<double>(n) * threads),
              n * threads);
}

void BenchFormat() {
  obs::RpcRecord r;
  r.time = absl::Now();
  r.method = "/cov.v1.CovService/GetTechnique";
  r.code = grpc::StatusCode::NOT_FOUND;
  r.message = "technique T9999 not found in enterprise-attack@18.1";
  r.seconds = 0.000412;
  r.role = "read";
  r.caller = "grafana";
  r.peer = "ipv4:127.0.0.1:53124";
  const int n = 1000000;
  size_t total = 0;
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) total += obs::FormatRpcLogLine(r).size();
  double s = Seconds(t0);
  std::printf("FormatRpcLogLine (error line, %zu bytes): %.1f ns/op\n",
              total / n, s * 1e9 / n);
}

// Round trips of health Check against a fresh server; `mode` 0: no
// interceptor, 1: interceptor with metrics and log off, 2: interceptor with
// metrics and log lines written to /dev/null, 3: a no-op interceptor.
// Proceeds at every hook: the cost of gRPC's interception machinery alone.
class NoopInterceptor : public grpc::experimental::Interceptor {
 public:
  void Intercept(grpc::experimental::InterceptorBatchMethods* m) override {
    m->Proceed();
  }
};
class NoopFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo*) override {
    return new NoopInterceptor;
  }
};

double BenchCalls(int mode, int calls) {
  obs::RpcMetrics metrics;
  auto sink = obs::RpcLogSink::Open("/dev/null");
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &port);
  // gRPC refuses a server without a polled service; an empty CallbackService
  // is one (as covd's CovService is).
  cov::v1::CovService::CallbackService unimplemented;
  builder.RegisterService(&unimplemented);
  if (mode == 3) {
    std::vector<
        std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
        creators;
    creators.push_back(std::make_unique<NoopFactory>());
    builder.experimental().SetInterceptorCreators(std::move(creators));
  } else if (mode > 0) {
    std::vector<
        std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
        creators;
    creators.push_back(std::make_unique<obs::RpcLogInterceptorFactory>(
        obs::RpcLogInterceptorFactory::Options{
            &metrics, mode == 2 ? sink->get() : nullptr, nullptr, nullptr}));
    builder.experimental().SetInterceptorCreators(std::move(creators));
  }
  auto server = builder.BuildAndStart();
  if (server == nullptr) std::abort();
  server->GetHealthCheckService()->SetServingStatus(true);
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                                     grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  auto call = [&] {
    grpc::ClientContext ctx;
    grpc::Slice empty("");  // HealthCheckRequest{service: ""}
    grpc::ByteBuffer req(&empty, 1), resp;
    std::promise<grpc::Status> done;
    stub.UnaryCall(&ctx, "/grpc.health.v1.Health/Check", grpc::StubOptions(),
                   &req, &resp, [&done](grpc::Status s) { done.set_value(s); });
    if (!done.get_future().get().ok()) std::abort();
  };
  for (int i = 0; i < 1000; ++i) call();  // warm up
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < calls; ++i) call();
  double us = Seconds(t0) * 1e6 / calls;
  server->Shutdown();
  return us;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  BenchObserve(1);
  BenchObserve(2);
  BenchFormat();
  const int calls = absl::GetFlag(FLAGS_calls);
  const int rounds = absl::GetFlag(FLAGS_rounds);
  // Configurations interleaved round by round so that load from other
  // processes hits all alike; the median and the best round are reported.
  const char* names[] = {"no interceptor", "no-op interceptor (gRPC alone)",
                         "interceptor, metrics, log off",
                         "interceptor, metrics, log to a file"};
  const int modes[] = {0, 3, 1, 2};
  std::vector<std::vector<double>> us(4);
  for (int round = 0; round < rounds; ++round) {
    for (int c = 0; c < 4; ++c) us[c].push_back(BenchCalls(modes[c], calls));
  }
  std::printf(
      "health Check round trip, %d sequential calls x %d rounds on "
      "loopback (median / best round, us per call):\n",
      calls, rounds);
  double base_median = 0, base_best = 0;
  for (int c = 0; c < 4; ++c) {
    std::sort(us[c].begin(), us[c].end());
    const double median = us[c][us[c].size() / 2], best = us[c][0];
    if (c == 0) {
      base_median = median;
      base_best = best;
    }
    std::printf("  %-36s %6.1f / %6.1f  (%+.1f / %+.1f)\n", names[c], median,
                best, median - base_median, best - base_best);
  }
  return 0;
}
