#include "clients/cli/client.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "clients/cli/files.h"
#include "clients/cli/flags.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/client_interceptor.h"

namespace cov::clients::cli {
namespace {

constexpr char kDefaultServer[] = "127.0.0.1:8470";

// Adds `authorization: Bearer <token>` to every call of a channel.
class BearerInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit BearerInterceptor(const std::string& value) : value_(value) {}
  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::
                PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->insert({"authorization", value_});
    }
    methods->Proceed();
  }

 private:
  std::string value_;
};

class BearerInterceptorFactory
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit BearerInterceptorFactory(const std::string& token)
      : value_("Bearer " + token) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo*) override {
    return new BearerInterceptor(value_);
  }

 private:
  std::string value_;
};

// The token of --token, --token_file or $COV_TOKEN; "" when none is given.
absl::StatusOr<std::string> TokenFromFlags() {
  const std::string token_file = absl::GetFlag(FLAGS_token_file);
  std::string token = absl::GetFlag(FLAGS_token);
  if (!token.empty() && !token_file.empty()) {
    return absl::InvalidArgumentError("give --token or --token_file, not both");
  }
  if (token.empty() && !token_file.empty()) {
    absl::StatusOr<std::string> text = ReadFile(token_file);
    if (!text.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("cannot read --token_file ", token_file));
    }
    token = std::string(absl::StripAsciiWhitespace(*text));
    if (token.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--token_file ", token_file, " is empty"));
    }
  }
  if (token.empty() && std::getenv("COV_TOKEN") != nullptr) {
    token = std::string(absl::StripAsciiWhitespace(std::getenv("COV_TOKEN")));
  }
  for (char c : token) {
    if (c < 0x21 || c > 0x7e) {
      return absl::InvalidArgumentError(
          "the token must be printable ASCII without spaces");
    }
  }
  return token;
}

}  // namespace

absl::StatusOr<ClientSecurity> SecurityFromFlags() {
  ClientSecurity sec;
  absl::StatusOr<std::string> token = TokenFromFlags();
  if (!token.ok()) return token.status();
  sec.token = *std::move(token);
  const std::string ca = absl::GetFlag(FLAGS_tls_ca);
  const std::string cert = absl::GetFlag(FLAGS_tls_cert);
  const std::string key = absl::GetFlag(FLAGS_tls_key);
  if (cert.empty() != key.empty()) {
    return absl::InvalidArgumentError("--tls_cert and --tls_key go together");
  }
  sec.tls = !ca.empty() || !cert.empty();
  const std::pair<const std::string*, std::string*> files[] = {
      {&ca, &sec.ssl.pem_root_certs},
      {&cert, &sec.ssl.pem_cert_chain},
      {&key, &sec.ssl.pem_private_key}};
  for (const auto& [path, pem] : files) {
    if (path->empty()) continue;
    absl::StatusOr<std::string> text = ReadFile(*path);
    if (!text.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("cannot read ", *path));
    }
    *pem = *std::move(text);
  }
  sec.tls_server_name = absl::GetFlag(FLAGS_tls_server_name);
  return sec;
}

std::string ServerFromFlags() {
  std::string server = absl::GetFlag(FLAGS_server);
  if (!server.empty()) return server;
  const char* env = std::getenv("COV_SERVER");
  return env != nullptr && *env != '\0' ? env : kDefaultServer;
}

bool IsLoopback(absl::string_view address) {
  for (absl::string_view scheme : {"dns:///", "ipv4:", "ipv6:"}) {
    absl::ConsumePrefix(&address, scheme);
  }
  if (absl::StartsWith(address, "unix:")) return true;
  absl::string_view host = address;
  if (absl::ConsumePrefix(&host, "[")) {
    host = host.substr(0, host.find(']'));
  } else if (std::count(address.begin(), address.end(), ':') == 1) {
    host = address.substr(0, address.find(':'));
  }
  return host == "localhost" || host == "::1" || absl::StartsWith(host, "127.");
}

bool Client::loopback() const { return IsLoopback(address_); }

Client::Client(const std::string& address, const ClientSecurity& security)
    : address_(address) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(512 * 1024 * 1024);
  args.SetMaxSendMessageSize(512 * 1024 * 1024);
  if (!security.tls_server_name.empty()) {
    args.SetSslTargetNameOverride(security.tls_server_name);
  }
  if (absl::GetFlag(FLAGS_round_robin)) {
    // Reads only go to replicas, so a retried call cannot apply twice.
    args.SetServiceConfigJSON(R"({
      "loadBalancingConfig": [{"round_robin": {}}],
      "methodConfig": [{
        "name": [{"service": "cov.v1.CovService"}],
        "retryPolicy": {"maxAttempts": 4, "initialBackoff": "0.05s",
                        "maxBackoff": "1s", "backoffMultiplier": 2,
                        "retryableStatusCodes": ["UNAVAILABLE"]}}]})");
  }
  std::shared_ptr<grpc::ChannelCredentials> creds =
      security.tls ? grpc::SslCredentials(security.ssl)
                   : grpc::InsecureChannelCredentials();
  std::vector<
      std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>>
      interceptors;
  if (!security.token.empty()) {
    interceptors.push_back(
        std::make_unique<BearerInterceptorFactory>(security.token));
  }
  stub_ = cov::v1::CovService::NewStub(
      grpc::experimental::CreateCustomChannelWithInterceptors(
          address, creds, args, std::move(interceptors)));
}

void Client::Prepare(grpc::ClientContext* ctx) const {
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::milliseconds(static_cast<int64_t>(
                        absl::GetFlag(FLAGS_timeout) * 1000)));
}

int Client::Fail(const grpc::Status& s) const {
  if (s.error_code() == grpc::StatusCode::UNAVAILABLE) {
    std::fprintf(stderr,
                 "cov: cannot reach covd at %s (%s). Start it with "
                 "`covd --db DIR` or set --server / COV_SERVER.\n",
                 address_.c_str(), s.error_message().c_str());
  } else if (s.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
    std::fprintf(stderr,
                 "cov: %s (covd wants a token: --token_file FILE or "
                 "$COV_TOKEN)\n",
                 s.error_message().c_str());
  } else {
    std::fprintf(stderr, "cov: %s\n", s.error_message().c_str());
  }
  return 1;
}

}  // namespace cov::clients::cli
