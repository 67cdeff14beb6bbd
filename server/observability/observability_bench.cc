// Cost of the per-RPC observability: RpcMetrics::Observe and the log line in
// tight loops, and health Check round trips on loopback with and without the
// interceptor.
//
//   bazel run -c opt //server/observability:observability_bench -- --calls
//   20000
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
// metrics and log lines written to /dev/null.
double BenchCalls(int mode, int calls) {
  obs::RpcMetrics metrics;
  auto sink = obs::RpcLogSink::Open("/dev/null");
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &port);
  if (mode > 0) {
    std::vector<
        std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
        creators;
    creators.push_back(std::make_unique<obs::RpcLogInterceptorFactory>(
        obs::RpcLogInterceptorFactory::Options{
            &metrics, mode == 2 ? sink->get() : nullptr, nullptr, nullptr}));
    builder.experimental().SetInterceptorCreators(std::move(creators));
  }
  auto server = builder.BuildAndStart();
  server->GetHealthCheckService()->SetServingStatus(true);
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                                     grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  auto call = [&] {
    grpc::ClientContext ctx;
    grpc::ByteBuffer req, resp;
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
  BenchObserve(1);
  BenchObserve(2);
  BenchFormat();
  const int calls = absl::GetFlag(FLAGS_calls);
  // Alternate configurations twice to even out drift.
  double base = 0, metrics_only = 0, logged = 0;
  for (int round = 0; round < 2; ++round) {
    base += BenchCalls(0, calls) / 2;
    metrics_only += BenchCalls(1, calls) / 2;
    logged += BenchCalls(2, calls) / 2;
  }
  std::printf(
      "health Check round trip, %d sequential calls on loopback:\n"
      "  no interceptor                 %.1f us/call\n"
      "  interceptor, metrics, log off  %.1f us/call (%+.1f us)\n"
      "  interceptor, metrics, log file %.1f us/call (%+.1f us)\n",
      calls, base, metrics_only, metrics_only - base, logged, logged - base);
  return 0;
}
