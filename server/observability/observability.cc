#include "server/observability/observability.h"

#include <cstdio>
#include <fstream>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/health_check_service_interface.h"
#include "server/auth/method_roles.h"
#include "server/auth/server_security.h"
#include "server/observability/store_gauges.h"

namespace cov::server::observability {

absl::Status CheckMetricsExposure(absl::string_view listen, bool allow_public) {
  if (allow_public || cov::server::auth::IsLoopbackAddress(listen)) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "--metrics_listen ", listen,
      " is reachable from the network and metrics name sources and "
      "releases; use a loopback address (127.0.0.1:PORT), or "
      "pass --metrics_public (or --insecure) to accept the exposure"));
}

absl::StatusOr<std::unique_ptr<Observability>> Observability::Create(
    ObservabilityOptions options) {
  if (!options.metrics_listen.empty()) {
    std::string host;
    int port = 0;
    if (!SplitHostPort(options.metrics_listen, &host, &port)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--metrics_listen ", options.metrics_listen,
                       ": expected host:port, e.g. 127.0.0.1:9464"));
    }
    if (absl::Status s = CheckMetricsExposure(options.metrics_listen,
                                              options.metrics_public);
        !s.ok()) {
      return s;
    }
  }
  auto sink = RpcLogSink::Open(options.rpc_log);
  if (!sink.ok()) {
    return absl::Status(sink.status().code(),
                        absl::StrCat("--rpc_log: ", sink.status().message()));
  }
  std::unique_ptr<Observability> obs(new Observability(std::move(options)));
  obs->sink_ = *std::move(sink);
  return obs;
}

Observability::Observability(ObservabilityOptions options)
    : options_(std::move(options)) {
  metrics_.AddGauges([this](GaugeWriter* w) {
    if (draining_.load()) return AddStoreGauges(nullptr, w);
    WithStore(
        [w](const cov::server::store::Store* s) { AddStoreGauges(s, w); });
  });
  if (options_.extra_gauges) metrics_.AddGauges(options_.extra_gauges);
  http_.Handle("/metrics", [this] {
    HttpResponse r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    metrics_.RenderPrometheus(&r.body);
    return r;
  });
  http_.Handle("/healthz", [] {
    return HttpResponse{200, "text/plain", "ok\n"};
  });
  http_.Handle("/readyz", [this] {
    bool ready = false;
    if (!draining_.load()) {
      WithStore([&ready](const cov::server::store::Store* s) {
        ready = StoreReady(s);
      });
    }
    return ready ? HttpResponse{200, "text/plain", "ready\n"}
                 : HttpResponse{503, "text/plain", "not ready\n"};
  });
}

Observability::~Observability() { Stop(); }

void Observability::WithStore(
    const std::function<void(const cov::server::store::Store*)>& fn) const {
  if (options_.with_store) {
    options_.with_store(fn);
  } else {
    fn(options_.store ? options_.store() : nullptr);
  }
}

void Observability::Install(grpc::ServerBuilder* builder) {
  RpcLogInterceptorFactory::Options o;
  o.metrics = &metrics_;
  o.sink = sink_.get();
  o.tokens = options_.tokens;
  o.on_done = [this](const RpcRecord& r) {
    // Only store writes change readiness; everything else is left to the
    // periodic check so that reads add nothing to the hot path.
    static const std::string* const kPrefix =
        new std::string(absl::StrCat("/", kReadinessService, "/"));
    if (r.code != grpc::StatusCode::OK ||
        !absl::StartsWith(r.method, *kPrefix) ||
        cov::server::auth::RequiredRole(r.method) ==
            cov::server::auth::Role::kRead) {
      return;
    }
    absl::MutexLock lock(&mu_);
    poked_ = true;
  };
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      creators;
  creators.push_back(std::make_unique<RpcLogInterceptorFactory>(std::move(o)));
  builder->experimental().SetInterceptorCreators(std::move(creators));
}

absl::Status Observability::Start(grpc::Server* server) {
  // The endpoint first: on failure nothing refers to `server`, which the
  // caller may then destroy before this object.
  if (!options_.metrics_listen.empty()) {
    if (absl::Status s = http_.Start(options_.metrics_listen); !s.ok()) {
      return absl::Status(s.code(),
                          absl::StrCat("--metrics_listen: ", s.message()));
    }
    if (const std::string& file = options_.metrics_port_file; !file.empty()) {
      // Written whole then renamed, so a reader never sees a partial port.
      const std::string tmp = file + ".tmp";
      std::ofstream(tmp) << http_.port() << "\n";
      if (std::rename(tmp.c_str(), file.c_str()) != 0) {
        http_.Stop();
        return absl::UnavailableError(
            absl::StrCat("--metrics_port_file: cannot write ", file));
      }
    }
  }
  {
    absl::MutexLock lock(&mu_);
    server_ = server;
    if (grpc::HealthCheckServiceInterface* health =
            server_->GetHealthCheckService()) {
      health->SetServingStatus("", true);
    }
    UpdateHealth();
  }
  thread_ = std::thread([this] { ReadinessLoop(); });
  return absl::OkStatus();
}

std::string Observability::Describe() const {
  std::string out =
      options_.metrics_listen.empty()
          ? std::string("metrics off (no --metrics_listen)")
          : absl::StrCat("metrics on ",
                         options_.metrics_listen.substr(
                             0, options_.metrics_listen.rfind(':')),
                         ":", http_.port(), " (/metrics /healthz /readyz)");
  absl::StrAppend(&out, "; rpc log ",
                  sink_ == nullptr ? std::string("off") : options_.rpc_log);
  return out;
}

void Observability::UpdateHealth() {
  if (shutting_down_ || server_ == nullptr) return;
  int ready = 0;
  WithStore([&ready](const cov::server::store::Store* s) {
    ready = StoreReady(s) ? 1 : 0;
  });
  if (ready == last_ready_) return;
  last_ready_ = ready;
  if (grpc::HealthCheckServiceInterface* health =
          server_->GetHealthCheckService()) {
    health->SetServingStatus(std::string(kReadinessService), ready == 1);
  }
}

void Observability::ReadinessLoop() {
  absl::MutexLock lock(&mu_);
  while (!stop_thread_) {
    // Wakes early when an RPC poked or Stop() asked.
    mu_.AwaitWithTimeout(absl::Condition(this, &Observability::Woken),
                         options_.readiness_interval);
    poked_ = false;
    if (!stop_thread_) UpdateHealth();
  }
}

void Observability::BeginShutdown() {
  absl::MutexLock lock(&mu_);
  if (shutting_down_) return;
  shutting_down_ = true;
  draining_.store(true);
  if (server_ != nullptr) {
    if (grpc::HealthCheckServiceInterface* health =
            server_->GetHealthCheckService()) {
      health->SetServingStatus(false);  // every service, "" included
    }
  }
}

void Observability::Stop() {
  BeginShutdown();
  {
    absl::MutexLock lock(&mu_);
    stop_thread_ = true;
  }
  if (thread_.joinable()) thread_.join();
  http_.Stop();
}

}  // namespace cov::server::observability
