// The authorization decision for one RPC, independent of gRPC types:
// which token was presented (the `authorization` metadata values) and which
// method is called.
//
//   absl::StatusOr<std::string> who =
//       Authorize(&tokens, {"Bearer s3cr3t"}, "IngestAttack");
//   // who.ok(): the token's name; else UNAUTHENTICATED / PERMISSION_DENIED.
#ifndef COV_SERVER_AUTH_AUTHORIZE_H_
#define COV_SERVER_AUTH_AUTHORIZE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/auth/token_store.h"

namespace cov::server::auth {

// Decides whether a call of `method` (RPC name or gRPC path) may proceed.
// `tokens` null means authentication is off: every call is allowed and the
// caller is "anonymous". Otherwise `authorization` holds the values of the
// call's `authorization` metadata and exactly one must be
// "Bearer <token>" (scheme case-insensitive) with a configured token.
// Returns the token's name, or
//   kUnauthenticated: no, several or a malformed authorization value, or an
//                     unknown token (the message never echoes the token);
//   kPermissionDenied: a known token whose role is below the method's
//                      (the message names the token, its role and the need).
absl::StatusOr<std::string> Authorize(
    const TokenStore* tokens,
    const std::vector<absl::string_view>& authorization,
    absl::string_view method);

}  // namespace cov::server::auth

#endif  // COV_SERVER_AUTH_AUTHORIZE_H_
