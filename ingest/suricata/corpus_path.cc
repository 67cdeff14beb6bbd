#include "ingest/suricata/corpus_path.h"

#include <stdlib.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace cov::ingest::suricata {

namespace fs = std::filesystem;

absl::StatusOr<std::string> FindCorpusDir() {
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("COV_CORPUS_DIR"); env && *env) {
    candidates.push_back(env);
  }
  candidates.push_back("/work/shared/corpus");
  for (const char* var : {"BUILD_WORKSPACE_DIRECTORY", "PWD"}) {
    const char* dir = std::getenv(var);
    if (dir == nullptr || *dir == '\0') continue;
    std::error_code ec;
    fs::path real = fs::canonical(dir, ec);
    if (ec) continue;
    candidates.push_back((real.parent_path() / "shared" / "corpus").string());
  }
  for (const std::string& c : candidates) {
    std::error_code ec;
    if (fs::is_directory(c, ec)) return c;
  }
  return absl::NotFoundError(absl::StrCat(
      "corpus directory not found; tried: ", absl::StrJoin(candidates, ", "),
      " (set COV_CORPUS_DIR to ../shared/corpus)"));
}

absl::StatusOr<std::string> ReadFileToString(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::UnavailableError(absl::StrCat("cannot open ", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad())
    return absl::UnavailableError(absl::StrCat("cannot read ", path));
  return ss.str();
}

absl::StatusOr<std::vector<std::string>> ListFiles(const std::string& dir,
                                                   absl::string_view suffix) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return absl::NotFoundError(absl::StrCat(dir, " is not a directory"));
  }
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    if (absl::EndsWith(name, suffix)) out.push_back(name);
  }
  if (ec) return absl::UnavailableError(absl::StrCat("cannot list ", dir));
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace cov::ingest::suricata
