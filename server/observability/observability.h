// Everything covd does for operators, in one object: the per-RPC log line
// and metrics (rpc_log_interceptor.h), the HTTP endpoint serving /metrics,
// /healthz and /readyz (http_server.h), store gauges (store_gauges.h), and
// the grpc.health.v1 statuses.
//
//   auto obs = Observability::Create(options);          // before the server
//   (*obs)->Install(&builder);                          // before BuildAndStart
//   server = builder.BuildAndStart();
//   server->GetHealthCheckService()->SetServingStatus(true);
//   (*obs)->Start(server.get());                        // after that
//   ... on the stop signal: (*obs)->BeginShutdown(); server->Shutdown(...);
//   ... after server->Wait(): (*obs)->Stop();  then close the store.
//
// Health: service "" is SERVING from Start() until BeginShutdown();
// "cov.v1.CovService" is SERVING only while StoreReady() (the store holds an
// ATT&CK release), NOT_SERVING otherwise. Readiness is re-evaluated every
// `readiness_interval` on a small thread, and at once after every successful
// CovService RPC that needs the write role (an ingest can make the store
// ready; the flip lands within milliseconds after that RPC's answer).
// /readyz evaluates readiness when asked (200 "ready" / 503 "not ready").
#ifndef COV_SERVER_OBSERVABILITY_OBSERVABILITY_H_
#define COV_SERVER_OBSERVABILITY_OBSERVABILITY_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "server/auth/token_store.h"
#include "server/observability/http_server.h"
#include "server/observability/metrics.h"
#include "server/observability/rpc_log_interceptor.h"
#include "server/store/store.h"

namespace cov::server::observability {

// The health service name whose status follows readiness.
inline constexpr absl::string_view kReadinessService = "cov.v1.CovService";

struct ObservabilityOptions {
  // host:port of the HTTP endpoint ("127.0.0.1:9464", "localhost:0"; IPv4
  // only with Debian's civetweb, see http_server.h); empty: no endpoint (the
  // log and the health statuses still work).
  std::string metrics_listen;
  // Written with the bound port of the endpoint once it listens (like
  // covd --port_file); empty: none.
  std::string metrics_port_file;
  // Allow a non-loopback metrics_listen (metrics name sources and releases).
  bool metrics_public = false;
  // "stderr", "off" or a file path (appended); see RpcLogSink::Open.
  std::string rpc_log = "stderr";
  // Null: authentication is off (role "anonymous"). Must outlive this.
  const cov::server::auth::TokenStore* tokens = nullptr;
  // How scrapes and readiness checks reach the current store (never cached,
  // so the store may be swapped at run time). Set one of the two:
  //  - with_store: runs its argument on the current store (or null) and
  //    keeps that store open until the argument returns; preferred when the
  //    store can be swapped, e.g. [live](auto& fn) { live->WithStore(fn); };
  //  - store: returns the current store (or null); only safe when the store
  //    outlives every use of the pointer (a store that is never swapped).
  // Neither set: no store (not ready).
  std::function<void(
      const std::function<void(const cov::server::store::Store*)>&)>
      with_store;
  std::function<const cov::server::store::Store*()> store;
  absl::Duration readiness_interval = absl::Seconds(1);
  // More metrics written at every scrape, after the store gauges (covd: the
  // read cache's counters); null: none. Must be thread-safe.
  std::function<void(GaugeWriter*)> extra_gauges;
};

// OK when `listen` is a loopback address or `allow_public` is set;
// kFailedPrecondition otherwise, naming the flags that allow it.
absl::Status CheckMetricsExposure(absl::string_view listen, bool allow_public);

class Observability {
 public:
  // Checks the metrics address (CheckMetricsExposure, syntax) and opens the
  // RPC log. kInvalidArgument, kFailedPrecondition or kUnavailable.
  static absl::StatusOr<std::unique_ptr<Observability>> Create(
      ObservabilityOptions options);
  ~Observability();  // Stop()

  // Installs the RPC interceptor. Once, before BuildAndStart(); the builder's
  // server must be destroyed before this object.
  void Install(grpc::ServerBuilder* builder);

  // Sets the health statuses from the store's readiness, binds the HTTP
  // endpoint (writing metrics_port_file) and starts the readiness thread.
  // `server` must have the default health service enabled and outlive
  // Stop(). kUnavailable when the endpoint cannot be bound or the port file
  // cannot be written; then nothing was started and `server` is not kept.
  absl::Status Start(grpc::Server* server);

  // Bound port of the HTTP endpoint, 0 without one.
  int metrics_port() const { return http_.port(); }

  // One line for covd's start-up log, e.g. "metrics on 127.0.0.1:9464
  // (/metrics /healthz /readyz); rpc log stderr".
  std::string Describe() const;

  // Marks every health service NOT_SERVING (and /readyz 503) for good. Call
  // when shutdown starts, before Server::Shutdown. Thread-safe.
  void BeginShutdown();

  // BeginShutdown(), then stops the HTTP endpoint and the readiness thread.
  // Call before the store is closed. Idempotent.
  void Stop();

  RpcMetrics* metrics() { return &metrics_; }

 private:
  explicit Observability(ObservabilityOptions options);
  void ReadinessLoop();
  bool Woken() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return poked_ || stop_thread_;
  }
  // Evaluates readiness and updates the health status when it changed.
  void UpdateHealth() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Runs `fn` on the current store through with_store, else store().
  void WithStore(
      const std::function<void(const cov::server::store::Store*)>& fn) const;

  ObservabilityOptions options_;
  std::unique_ptr<RpcLogSink> sink_;
  RpcMetrics metrics_;
  HttpServer http_;

  absl::Mutex mu_;
  grpc::Server* server_ ABSL_GUARDED_BY(mu_) = nullptr;
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_thread_ ABSL_GUARDED_BY(mu_) = false;
  bool poked_ ABSL_GUARDED_BY(mu_) = false;
  int last_ready_ ABSL_GUARDED_BY(mu_) = -1;  // -1: not set yet
  std::atomic<bool> draining_{false};
  std::thread thread_;
};

}  // namespace cov::server::observability

#endif  // COV_SERVER_OBSERVABILITY_OBSERVABILITY_H_
