#include "server/store/schema.h"

#include "absl/strings/ascii.h"

namespace cov::server::store {

bool ValidSourceName(absl::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(c) && c != '.' && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

absl::Status CheckSourceName(absl::string_view name) {
  if (ValidSourceName(name)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("invalid source name '", name,
                   "': use letters, digits, '.', '_' or '-' (at most 128)"));
}

}  // namespace cov::server::store
