#include "server/auth/path_policy.h"

#include <sys/stat.h>

#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace cov::server::auth {
namespace {

namespace fs = std::filesystem;

bool Inside(const std::string& path, const std::string& root) {
  if (root == "/") return true;
  return path == root ||
         (absl::StartsWith(path, root) && path.size() > root.size() &&
          path[root.size()] == '/');
}

}  // namespace

absl::StatusOr<fs::path> ResolveIngestPath(const PathCheck& check,
                                           absl::string_view path) {
  if (absl::Status s = CheckPath(check, path); !s.ok()) return s;
  std::error_code ec;
  fs::path resolved = fs::canonical(std::string(path), ec);
  if (ec) {
    return absl::NotFoundError(
        absl::StrCat("cannot ingest ", path, ": ", ec.message()));
  }
  return resolved;
}

absl::StatusOr<PathPolicy> PathPolicy::Create(
    const std::vector<std::string>& roots, absl::string_view what) {
  PathPolicy policy;
  policy.what_ = std::string(what);
  for (const std::string& root : roots) {
    if (root.empty()) {
      return absl::InvalidArgumentError("empty ingest root");
    }
    std::error_code ec;
    fs::path resolved = fs::canonical(root, ec);
    if (ec) {
      return absl::InvalidArgumentError(absl::StrCat(
          "ingest root ", root, " cannot be resolved: ", ec.message()));
    }
    if (!fs::is_directory(resolved, ec)) {
      return absl::InvalidArgumentError(
          absl::StrCat("ingest root ", root, " is not a directory"));
    }
    policy.roots_.push_back(resolved.string());
  }
  return policy;
}

absl::Status PathPolicy::Check(absl::string_view path) const {
  if (roots_.empty()) return absl::OkStatus();
  const std::string roots = absl::StrJoin(roots_, ", ");
  if (path.empty()) {
    return absl::PermissionDeniedError(
        absl::StrCat("empty path; server-side paths must be inside the ", what_,
                     " (", roots, ")"));
  }
  std::error_code ec;
  // weakly_canonical follows every symlink of the part that exists and
  // removes `.` and `..`, so neither can lead out of a root unnoticed.
  fs::path resolved = fs::weakly_canonical(fs::absolute(std::string(path)), ec);
  if (ec) {
    return absl::PermissionDeniedError(absl::StrCat(
        "cannot resolve ", path, " (", ec.message(),
        "); server-side paths must be inside the ", what_, " (", roots, ")"));
  }
  const std::string r = resolved.string();
  bool inside = false;
  for (const std::string& root : roots_) inside = inside || Inside(r, root);
  if (!inside) {
    return absl::PermissionDeniedError(
        absl::StrCat("path ", path,
                     (r == path ? "" : absl::StrCat(" (resolves to ", r, ")")),
                     " is outside the ", what_, " (", roots, ")"));
  }
  struct stat st;
  if (stat(r.c_str(), &st) != 0) return absl::OkStatus();  // ingest: NotFound
  if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
    return absl::PermissionDeniedError(
        absl::StrCat("path ", path, " is not a regular file or a directory; ",
                     what_, " (", roots, ") only serve files and folders"));
  }
  return absl::OkStatus();
}

PathCheck PathPolicy::Checker() const {
  return [this](absl::string_view path) { return Check(path); };
}

absl::Status CheckPath(const PathCheck& check, absl::string_view path) {
  return check ? check(path) : absl::OkStatus();
}

}  // namespace cov::server::auth
