// One structured log line and one metrics observation per RPC, for every
// service of a grpc::Server (CovService, health, reflection alike), through
// a server interceptor.
//
//   auto sink = RpcLogSink::Open("stderr");  // or "off", or a file path
//   RpcMetrics metrics;
//   std::vector<std::unique_ptr<
//       grpc::experimental::ServerInterceptorFactoryInterface>> creators;
//   creators.push_back(std::make_unique<RpcLogInterceptorFactory>(
//       RpcLogInterceptorFactory::Options{&metrics, sink->get(), &tokens}));
//   builder.experimental().SetInterceptorCreators(std::move(creators));
//
// A log line is one JSON object (keys in this order, `caller` only when the
// token is known, `message` only when the code is not OK):
//   {"ts":"2025-01-31T12:00:00.123Z","method":"/cov.v1.CovService/GetTechnique",
//    "code":"NOT_FOUND","ms":0.412,"role":"read","caller":"grafana",
//    "peer":"ipv4:127.0.0.1:53124","message":"technique T9999 not found"}
// `role` is the caller's token role ("read", "write", "admin"), "anonymous"
// when authentication is off, "none" when the token is missing, malformed or
// unknown. The token itself is never logged.
//
// Timing: from the interceptor's creation (the call matched to a method on
// the server) to its status being handed to gRPC (PRE_SEND_STATUS). A call
// that ends without the server sending a status (the client cancelled, or
// the server shut down first) is logged when its interceptor is destroyed,
// with code CANCELLED.
//
// What gRPC handles without the application: a call to an unknown method is
// logged and counted (UNIMPLEMENTED, under its path; RpcMetrics bounds the
// number of distinct paths); a call whose request exceeds the server's
// receive limit is dropped by gRPC 1.51's core before any interceptor exists,
// so it is neither logged nor counted (the client sees RESOURCE_EXHAUSTED).
#ifndef COV_SERVER_OBSERVABILITY_RPC_LOG_INTERCEPTOR_H_
#define COV_SERVER_OBSERVABILITY_RPC_LOG_INTERCEPTOR_H_

#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/support/server_interceptor.h"
#include "grpcpp/support/status_code_enum.h"
#include "server/auth/token_store.h"
#include "server/observability/metrics.h"

namespace cov::server::observability {

// One finished RPC.
struct RpcRecord {
  absl::Time time;     // when the status was sent
  std::string method;  // gRPC path, "/cov.v1.CovService/GetCoverage"
  grpc::StatusCode code = grpc::StatusCode::OK;
  std::string message;  // status message (any bytes)
  double seconds = 0;
  std::string role;    // see the file comment
  std::string caller;  // token name; empty when unknown
  std::string peer;    // gRPC peer URI, "ipv4:127.0.0.1:53124"
};

// Longest status message logged, in bytes (cut at a UTF-8 boundary, "..."
// appended).
inline constexpr size_t kMaxLoggedMessage = 200;

// The JSON line of `r`, ending in '\n'. Strings are emitted as valid UTF-8
// (invalid bytes become U+FFFD) with JSON escapes.
std::string FormatRpcLogLine(const RpcRecord& r);

// Who is calling, from the values of the call's `authorization` metadata.
// Mirrors auth::Authorize: exactly one "Bearer <token>" value (scheme
// case-insensitive) naming a configured token. `tokens` null: authentication
// is off, role "anonymous".
struct CallerIdentity {
  std::string role;    // "read"/"write"/"admin"/"anonymous"/"none"
  std::string caller;  // token name or ""
};
CallerIdentity IdentifyCaller(
    const auth::TokenStore* tokens,
    const std::vector<absl::string_view>& authorization);

// Where log lines go. Write() emits each line with a single write under a
// mutex, so lines of concurrent RPCs never interleave. Thread-safe.
class RpcLogSink {
 public:
  // "stderr" (the default of covd), "off" (returns null: no logging) or a
  // file path opened for append (created 0644 when missing); kUnavailable
  // when the file cannot be opened.
  static absl::StatusOr<std::unique_ptr<RpcLogSink>> Open(
      absl::string_view spec);
  // Writes to `file`; closes it on destruction when `owned`.
  RpcLogSink(FILE* file, bool owned);
  ~RpcLogSink();
  RpcLogSink(const RpcLogSink&) = delete;
  RpcLogSink& operator=(const RpcLogSink&) = delete;

  // Writes `line` (which should end in '\n') and flushes.
  void Write(absl::string_view line);

 private:
  absl::Mutex mu_;
  FILE* file_ ABSL_GUARDED_BY(mu_);
  const bool owned_;
};

// Creates one interceptor per RPC. The pointers in Options must outlive the
// grpc::Server the factory is installed in.
class RpcLogInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  struct Options {
    RpcMetrics* metrics = nullptr;             // null: no metrics
    RpcLogSink* sink = nullptr;                // null: no log lines
    const auth::TokenStore* tokens = nullptr;  // null: authentication off
    // Called after each RPC is logged and counted, on a gRPC thread; must be
    // cheap and must not block. Optional.
    std::function<void(const RpcRecord&)> on_done;
  };
  explicit RpcLogInterceptorFactory(Options options)
      : options_(std::move(options)) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  Options options_;
};

}  // namespace cov::server::observability

#endif  // COV_SERVER_OBSERVABILITY_RPC_LOG_INTERCEPTOR_H_
