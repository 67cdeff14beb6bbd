#include "server/auth/authorize.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace cov::server::auth {

absl::StatusOr<std::string> Authorize(
    const TokenStore* tokens,
    const std::vector<absl::string_view>& authorization,
    absl::string_view method) {
  if (tokens == nullptr) return std::string("anonymous");
  if (authorization.empty()) {
    return absl::UnauthenticatedError(
        "missing bearer token: send metadata `authorization: Bearer <token>` "
        "(cov --token_file / $COV_TOKEN)");
  }
  if (authorization.size() > 1) {
    return absl::UnauthenticatedError(
        "more than one authorization metadata value");
  }
  absl::string_view value = authorization[0];
  constexpr absl::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size() ||
      !absl::EqualsIgnoreCase(value.substr(0, kScheme.size()), kScheme)) {
    return absl::UnauthenticatedError(
        "malformed authorization metadata: expected `Bearer <token>`");
  }
  absl::string_view token =
      absl::StripAsciiWhitespace(value.substr(kScheme.size()));
  const TokenEntry* entry = token.empty() ? nullptr : tokens->Find(token);
  if (entry == nullptr) {
    return absl::UnauthenticatedError("invalid bearer token");
  }
  const Role needed = RequiredRole(method);
  if (!Allows(entry->role, needed)) {
    absl::string_view name = method;
    if (size_t slash = name.rfind('/'); slash != absl::string_view::npos) {
      name = name.substr(slash + 1);
    }
    return absl::PermissionDeniedError(absl::StrCat(
        "token '", entry->name, "' has role ", RoleName(entry->role), "; ",
        name, " needs role ", RoleName(needed)));
  }
  return entry->name;
}

}  // namespace cov::server::auth
