#include "clients/cli/files.h"

#include <limits.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "clients/cli/flags.h"

namespace cov::clients::cli {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  if (!in || !(ss << in.rdbuf())) {
    // An empty file makes operator<< fail; that is not an error.
    if (in && in.peek() == std::char_traits<char>::eof()) return "";
    return absl::UnavailableError(absl::StrCat("cannot read ", path));
  }
  return ss.str();
}

std::string UserPath(const std::string& arg) {
  const char* wd = std::getenv("BUILD_WORKING_DIRECTORY");
  if (wd != nullptr && !arg.empty() && arg[0] != '/') {
    return absl::StrCat(wd, "/", arg);
  }
  return arg;
}

std::string RealPath(const std::string& path) {
  char buf[PATH_MAX];
  return realpath(path.c_str(), buf) != nullptr ? std::string(buf) : path;
}

absl::StatusOr<std::vector<std::string>> WalkLocalFiles(
    const std::string& root,
    const std::function<bool(absl::string_view name)>& accept) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  std::error_code ec;
  fs::recursive_directory_iterator it(
      root, fs::directory_options::skip_permission_denied, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("cannot list ", root));
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const fs::directory_entry& e = *it;
    const std::string name = e.path().filename().string();
    if (e.is_symlink(ec)) {
      if (e.is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (e.is_directory(ec)) {
      if (!name.empty() && name[0] == '.') it.disable_recursion_pending();
      continue;
    }
    if (!e.is_regular_file(ec) || !accept(name)) continue;
    out.push_back(e.path().lexically_relative(root).generic_string());
  }
  if (ec) return absl::UnavailableError(absl::StrCat("cannot walk ", root));
  std::sort(out.begin(), out.end());
  return out;
}

int WriteOut(absl::string_view content, absl::string_view what) {
  const std::string out = absl::GetFlag(FLAGS_out);
  if (out.empty() || out == "-") {
    std::fwrite(content.data(), 1, content.size(), stdout);
    return 0;
  }
  const std::string path = UserPath(out);
  std::ofstream f(path, std::ios::binary);
  if (!(f << content)) {
    std::fprintf(stderr, "cov: cannot write %s\n", path.c_str());
    return 1;
  }
  std::fprintf(stderr, "wrote %.*s (%zu bytes) to %s\n",
               static_cast<int>(what.size()), what.data(), content.size(),
               path.c_str());
  return 0;
}

}  // namespace cov::clients::cli
