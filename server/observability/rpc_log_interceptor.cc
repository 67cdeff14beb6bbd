#include "server/observability/rpc_log_interceptor.h"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <map>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/server_context.h"
#include "ingest/base/utf8.h"
#include "server/auth/method_roles.h"
#include "server/export/json_writer.h"

namespace cov::server::observability {
namespace {

using ::cov::server::exporter::JsonWriter;

// `s` cut to at most `max` bytes without splitting a UTF-8 sequence.
absl::string_view TruncateUtf8(absl::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

class RpcLogInterceptor : public grpc::experimental::Interceptor {
 public:
  RpcLogInterceptor(const RpcLogInterceptorFactory::Options* options,
                    grpc::experimental::ServerRpcInfo* info)
      : options_(options), info_(info), start_(absl::Now()) {
    record_.method = info->method() != nullptr ? info->method() : "";
  }

  // An RPC that never sent a status is still accounted for.
  ~RpcLogInterceptor() override {
    if (!done_) {
      if (!identified_) record_.role = "none";
      Finish(grpc::StatusCode::CANCELLED, "ended without a status");
    }
  }

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    using grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      Identify(methods->GetRecvInitialMetadata());
    }
    if (!done_ && methods->QueryInterceptionHookPoint(
                      InterceptionHookPoints::PRE_SEND_STATUS)) {
      if (!identified_ && info_->server_context() != nullptr) {
        Identify(&info_->server_context()->client_metadata());
      }
      grpc::Status status = methods->GetSendStatus();
      Finish(status.error_code(), status.error_message());
    }
    methods->Proceed();
  }

 private:
  void Identify(
      const std::multimap<grpc::string_ref, grpc::string_ref>* metadata) {
    if (identified_ || metadata == nullptr) return;
    identified_ = true;
    std::vector<absl::string_view> authorization;
    auto range = metadata->equal_range("authorization");
    for (auto it = range.first; it != range.second; ++it) {
      authorization.emplace_back(it->second.data(), it->second.size());
    }
    CallerIdentity who = IdentifyCaller(options_->tokens, authorization);
    record_.role = std::move(who.role);
    record_.caller = std::move(who.caller);
    if (info_->server_context() != nullptr) {
      record_.peer = info_->server_context()->peer();
    }
  }

  void Finish(grpc::StatusCode code, absl::string_view message) {
    done_ = true;
    record_.time = absl::Now();
    record_.seconds = absl::ToDoubleSeconds(record_.time - start_);
    record_.code = code;
    if (code != grpc::StatusCode::OK) record_.message = std::string(message);
    if (options_->metrics != nullptr) {
      options_->metrics->Observe(record_.method, code, record_.seconds);
    }
    if (options_->sink != nullptr) {
      options_->sink->Write(FormatRpcLogLine(record_));
    }
    if (options_->on_done) options_->on_done(record_);
  }

  const RpcLogInterceptorFactory::Options* options_;
  grpc::experimental::ServerRpcInfo* info_;
  const absl::Time start_;
  bool identified_ = false;
  bool done_ = false;
  RpcRecord record_;
};

}  // namespace

std::string FormatRpcLogLine(const RpcRecord& r) {
  std::string line;
  line.reserve(256);  // a typical line in one allocation
  JsonWriter w(&line);
  w.BeginObject();
  w.KeyString("ts", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", r.time,
                                     absl::UTCTimeZone()));
  w.KeyString("method", r.method);
  w.KeyString("code", StatusCodeName(r.code));
  // Milliseconds rounded to 3 decimals as printf's %.3f rounds them (0.412
  // for 0.0004125 s), written in their shortest form.
  double ms = r.seconds * 1e3;
  char digits[64];
  const auto fixed = std::to_chars(digits, digits + sizeof(digits), ms,
                                   std::chars_format::fixed, 3);
  if (fixed.ec == std::errc()) std::from_chars(digits, fixed.ptr, ms);
  w.KeyDouble("ms", ms);
  w.KeyString("role", r.role);
  if (!r.caller.empty()) w.KeyString("caller", r.caller);
  w.KeyString("peer", r.peer);
  if (r.code != grpc::StatusCode::OK) {
    absl::string_view m = TruncateUtf8(r.message, kMaxLoggedMessage);
    w.KeyString("message",
                m.size() < r.message.size() ? absl::StrCat(m, "...") : m);
  }
  w.EndObject();
  line += "\n";
  return line;
}

CallerIdentity IdentifyCaller(
    const auth::TokenStore* tokens,
    const std::vector<absl::string_view>& authorization) {
  if (tokens == nullptr) return {"anonymous", ""};
  if (authorization.size() != 1) return {"none", ""};
  absl::string_view value = authorization[0];
  constexpr absl::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size() ||
      !absl::EqualsIgnoreCase(value.substr(0, kScheme.size()), kScheme)) {
    return {"none", ""};
  }
  absl::string_view token =
      absl::StripAsciiWhitespace(value.substr(kScheme.size()));
  const auth::TokenEntry* entry = token.empty() ? nullptr : tokens->Find(token);
  if (entry == nullptr) return {"none", ""};
  return {std::string(auth::RoleName(entry->role)), entry->name};
}

// RpcLogSink ------------------------------------------------------------------

absl::StatusOr<std::unique_ptr<RpcLogSink>> RpcLogSink::Open(
    absl::string_view spec) {
  if (spec == "off") return std::unique_ptr<RpcLogSink>();
  if (spec == "stderr" || spec.empty()) {
    return std::make_unique<RpcLogSink>(stderr, /*owned=*/false);
  }
  const std::string path(spec);
  FILE* f = std::fopen(path.c_str(), "a");
  if (f == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  return std::make_unique<RpcLogSink>(f, /*owned=*/true);
}

RpcLogSink::RpcLogSink(FILE* file, bool owned) : file_(file), owned_(owned) {}

RpcLogSink::~RpcLogSink() {
  absl::MutexLock lock(&mu_);
  if (owned_ && file_ != nullptr) std::fclose(file_);
}

void RpcLogSink::Write(absl::string_view line) {
  absl::MutexLock lock(&mu_);
  // Lines are short; a full stdio buffer flushed at once keeps them whole.
  std::fwrite(line.data(), 1, line.size(), file_);
  std::fflush(file_);
}

// RpcLogInterceptorFactory ----------------------------------------------------

grpc::experimental::Interceptor*
RpcLogInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new RpcLogInterceptor(&options_, info);
}

}  // namespace cov::server::observability
