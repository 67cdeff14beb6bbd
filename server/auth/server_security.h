// Transport security of covd: TLS server credentials and the rule that a
// server reachable from other machines needs TLS and tokens.
//
//   absl::Status ok = CheckExposure("0.0.0.0:8470", /*tls=*/true,
//                                   /*tokens=*/true, /*insecure=*/false);
//   auto creds = MakeServerCredentials({"server.pem", "server.key", ""});
#ifndef COV_SERVER_AUTH_SERVER_SECURITY_H_
#define COV_SERVER_AUTH_SERVER_SECURITY_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/security/server_credentials.h"

namespace cov::server::auth {

// True when a gRPC listen address only accepts local connections:
// 127.x.x.x:PORT (a dotted quad), localhost:PORT, [::1]:PORT, or a unix:
// socket. Everything else (0.0.0.0, [::], :PORT, host names, other IPs) is
// reachable from the network.
bool IsLoopbackAddress(absl::string_view listen);

// OK when `listen` is loopback, or TLS and tokens are both on, or `insecure`
// is set (the operator accepts the exposure). kFailedPrecondition otherwise,
// with a message naming what is missing and how to fix it.
absl::Status CheckExposure(absl::string_view listen, bool tls, bool tokens,
                           bool insecure);

struct TlsFiles {
  std::string cert;       // PEM certificate chain of the server
  std::string key;        // PEM private key of the server
  std::string client_ca;  // PEM CA bundle; set: clients must present a
                          // certificate signed by it (mutual TLS)
};

// Insecure credentials when `files.cert` and `files.key` are both empty,
// else TLS credentials from the PEM files. kInvalidArgument when only one
// of cert/key is given, or client_ca without them; kNotFound when a file
// cannot be read.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TlsFiles& files);

}  // namespace cov::server::auth

#endif  // COV_SERVER_AUTH_SERVER_SECURITY_H_
