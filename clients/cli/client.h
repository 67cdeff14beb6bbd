// The gRPC connection of the `cov` CLI to covd: channel (plain or TLS, with
// an optional bearer token and round-robin over replicas), deadlines, and
// how a failed call is reported to the user.
//
// Example:
//   absl::StatusOr<ClientSecurity> sec = SecurityFromFlags();
//   Client client("127.0.0.1:8470", *sec);
//   grpc::ClientContext ctx;
//   client.Prepare(&ctx);
//   grpc::Status s = client.stub()->ListReleases(&ctx, {}, &resp);
//   if (!s.ok()) return client.Fail(s);  // prints, returns exit code 1
//
// Thread-compatible; one Client per process.
#ifndef COV_CLIENTS_CLI_CLIENT_H_
#define COV_CLIENTS_CLI_CLIENT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cov/v1/cov.grpc.pb.h"
#include "grpcpp/grpcpp.h"

namespace cov::clients::cli {

// How to authenticate to covd: a bearer token and/or TLS.
struct ClientSecurity {
  std::string token;  // empty: no authorization metadata
  bool tls = false;
  grpc::SslCredentialsOptions ssl;  // PEM contents, used when tls
  std::string tls_server_name;
};

// The token from --token, --token_file or $COV_TOKEN (in that order) and the
// TLS files of --tls_ca/--tls_cert/--tls_key. InvalidArgument (a usage error)
// when they conflict or cannot be read.
absl::StatusOr<ClientSecurity> SecurityFromFlags();

// The covd address: --server, else $COV_SERVER, else 127.0.0.1:8470.
std::string ServerFromFlags();

// True when the gRPC target `address` names this host: 127.0.0.0/8,
// localhost, [::1] (with or without a port, "dns:///" or "ipv4:" prefix) or
// a unix: socket.
bool IsLoopback(absl::string_view address);

class Client {
 public:
  // Connects lazily to `address`; --round_robin adds the replica service
  // config.
  Client(const std::string& address, const ClientSecurity& security);

  // Sets the --timeout deadline on `ctx`.
  void Prepare(grpc::ClientContext* ctx) const;

  // Prints a failed status to stderr (with a hint for UNAVAILABLE and
  // UNAUTHENTICATED) and returns the exit code 1.
  int Fail(const grpc::Status& s) const;

  cov::v1::CovService::Stub* stub() { return stub_.get(); }

  // True when covd runs on this host (IsLoopback(address)).
  bool loopback() const;

 private:
  std::unique_ptr<cov::v1::CovService::Stub> stub_;
  std::string address_;
};

}  // namespace cov::clients::cli

#endif  // COV_CLIENTS_CLI_CLIENT_H_
