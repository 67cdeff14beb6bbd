#include "ingest/base/file_walk.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"

namespace cov::ingest {

namespace fs = std::filesystem;

absl::StatusOr<std::vector<WalkedFile>> WalkFiles(
    const std::string& root,
    const std::function<bool(absl::string_view rel)>& accept,
    std::vector<std::string>* symlinks) {
  std::vector<WalkedFile> out;
  std::error_code ec;
  const fs::path root_path(root);
  if (fs::is_regular_file(root_path, ec)) {
    out.push_back({root, root_path.filename().string()});
    return out;
  }
  fs::recursive_directory_iterator it(
      root_path, fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot list ", root, ": ", ec.message()));
  }
  const size_t prefix_len =
      root.size() + (!root.empty() && root.back() == '/' ? 0 : 1);
  // The iterator yields root/<rel>: strip the prefix rather than call
  // fs::relative, which canonicalises both paths (a realpath per file).
  const auto rel_of = [&](const fs::path& p) {
    const std::string& full = p.native();
    return full.size() > prefix_len ? full.substr(prefix_len) : std::string();
  };
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const fs::directory_entry& e = *it;
    if (e.is_symlink(ec)) {
      const bool dir = e.is_directory(ec);
      if (dir) it.disable_recursion_pending();
      const std::string rel = rel_of(e.path());
      if (symlinks != nullptr && !rel.empty() && (dir || accept(rel))) {
        symlinks->push_back(rel);
      }
      continue;
    }
    if (e.is_directory(ec)) {
      const std::string name = e.path().filename().string();
      if (!name.empty() && name[0] == '.') it.disable_recursion_pending();
      continue;
    }
    if (!e.is_regular_file(ec)) continue;  // devices, fifos, sockets
    std::string rel = rel_of(e.path());
    if (rel.empty() || !accept(rel)) continue;
    out.push_back({e.path().string(), std::move(rel)});
  }
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("error walking ", root, ": ", ec.message()));
  }
  std::sort(
      out.begin(), out.end(),
      [](const WalkedFile& a, const WalkedFile& b) { return a.rel < b.rel; });
  return out;
}

}  // namespace cov::ingest
