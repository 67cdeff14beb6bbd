// Bearer tokens with roles, configured by their SHA-256 only (the server never
// holds a token in clear).
//
// Token file (covd --tokens FILE), one token per line, `#` starts a comment
// line, blank lines are ignored:
//
//   # role  sha256 of the token (64 hex digits)  name
//   read    9f86d081884c7d65...(64 hex)...b0f00a08  grafana
//   admin   <64 hex digits>                         ops
//
// The hash of a token is `printf %s TOKEN | sha256sum` or
// `printf %s TOKEN | covd --hash_token`.
//
//   absl::StatusOr<TokenStore> tokens = TokenStore::Load("/etc/cov/tokens");
//   const TokenEntry* who = tokens->Find(presented_token);  // null: unknown
#ifndef COV_SERVER_AUTH_TOKEN_STORE_H_
#define COV_SERVER_AUTH_TOKEN_STORE_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/auth/method_roles.h"

namespace cov::server::auth {

using Sha256Digest = std::array<uint8_t, 32>;

// SHA-256 of `bytes`.
Sha256Digest Sha256(absl::string_view bytes);
// Lower-case hex of a digest (64 characters).
std::string DigestHex(const Sha256Digest& digest);
// Lower-case hex SHA-256 of `bytes`.
std::string Sha256Hex(absl::string_view bytes);

// One configured token.
struct TokenEntry {
  Role role = Role::kRead;
  Sha256Digest hash{};
  std::string name;  // for logs; never the token
};

class TokenStore {
 public:
  // Parses a token file's text; `origin` names it in errors ("FILE:LINE: ...").
  // kInvalidArgument for: a line without exactly three fields, an unknown
  // role, a hash that is not 64 hex digits, a hash or a name given twice, or
  // no token at all (an empty token file would lock every client out).
  static absl::StatusOr<TokenStore> Parse(absl::string_view text,
                                          absl::string_view origin);
  // Reads and parses `path`; kNotFound when it cannot be read.
  static absl::StatusOr<TokenStore> Load(const std::string& path);

  // The entry whose hash is SHA-256(`token`), or null. Compares the digest
  // with every entry in constant time (no early exit), so timing reveals
  // neither which entry matched nor how much of a hash did.
  // Thread-safe (const).
  const TokenEntry* Find(absl::string_view token) const;

  const std::vector<TokenEntry>& entries() const { return entries_; }
  // Number of tokens holding exactly `role`.
  int Count(Role role) const;

 private:
  std::vector<TokenEntry> entries_;
};

}  // namespace cov::server::auth

#endif  // COV_SERVER_AUTH_TOKEN_STORE_H_
