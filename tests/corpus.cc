#include "tests/corpus.h"

#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace cov::testing {
namespace {

bool IsDir(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Walks up from `start` looking for a folder holding shared/corpus.
std::string FindUpwards(std::string start) {
  for (int i = 0; i < 12 && !start.empty(); ++i) {
    std::string candidate = start + "/shared/corpus";
    if (IsDir(candidate)) return candidate;
    candidate = start + "/../shared/corpus";
    if (IsDir(candidate)) return candidate;
    size_t slash = start.find_last_of('/');
    if (slash == std::string::npos || slash == 0) break;
    start = start.substr(0, slash);
  }
  return "";
}

}  // namespace

absl::StatusOr<std::string> CorpusDir() {
  std::vector<std::string> tried;
  if (const char* env = std::getenv("COV_CORPUS_DIR")) {
    if (IsDir(env)) return std::string(env);
    tried.push_back(absl::StrCat("$COV_CORPUS_DIR=", env));
  }
  std::vector<std::string> starts;
  if (const char* ws = std::getenv("BUILD_WORKSPACE_DIRECTORY")) {
    starts.push_back(ws);
  }
  // Under `bazel test` the working directory is inside the execroot, whose
  // real path does not lead back to the source tree; the workspace's
  // README.md symlink in runfiles does.
  char buf[PATH_MAX];
  if (realpath("README.md", buf) != nullptr) {
    std::string p(buf);
    starts.push_back(p.substr(0, p.find_last_of('/')));
  }
  if (getcwd(buf, sizeof(buf)) != nullptr) starts.push_back(buf);
  for (const std::string& s : starts) {
    std::string found = FindUpwards(s);
    if (!found.empty()) return found;
    tried.push_back(s + "/../shared/corpus");
  }
  if (IsDir("/work/shared/corpus")) return std::string("/work/shared/corpus");
  tried.push_back("/work/shared/corpus");
  return absl::NotFoundError(
      absl::StrCat("corpus not found; set COV_CORPUS_DIR. Looked at: ",
                   absl::StrJoin(tried, ", ")));
}

absl::StatusOr<std::string> CorpusPath(absl::string_view relative) {
  absl::StatusOr<std::string> dir = CorpusDir();
  if (!dir.ok()) return dir.status();
  return absl::StrCat(*dir, "/", relative);
}

absl::StatusOr<std::string> ReadFileToString(absl::string_view path) {
  std::ifstream in(std::string(path), std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace cov::testing
