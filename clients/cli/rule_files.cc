#include "clients/cli/rule_files.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "clients/cli/files.h"
#include "clients/cli/rule_formats.h"
#include "clients/cli/subprocess.h"

namespace cov::clients::cli {
namespace {

namespace fs = std::filesystem;

// Rule files below `root` as paths relative to it, sorted.
absl::StatusOr<std::vector<std::string>> WalkRuleFiles(const fs::path& root) {
  return WalkLocalFiles(root.string(), [](absl::string_view name) {
    return IsRuleFileName(name);
  });
}

absl::Status AddFile(const std::string& full, std::string name,
                     RuleFiles* out) {
  absl::StatusOr<std::string> content = ReadFile(full);
  if (!content.ok()) return content.status();
  cov::v1::RuleFile* f = out->Add();
  f->set_path(std::move(name));
  f->set_content(*std::move(content));
  return absl::OkStatus();
}

// Parses `git cat-file --batch` output for `names` (in request order).
void AddBlobs(const std::string& blobs, const std::vector<std::string>& names,
              RuleFiles* out) {
  size_t pos = 0;
  for (const auto& n : names) {
    size_t eol = blobs.find('\n', pos);
    if (eol == std::string::npos) break;
    std::vector<absl::string_view> header =
        absl::StrSplit(absl::string_view(blobs).substr(pos, eol - pos), ' ');
    pos = eol + 1;
    size_t size = 0;
    if (header.size() != 3 || !absl::SimpleAtoi(header[2], &size)) continue;
    cov::v1::RuleFile* f = out->Add();
    f->set_path(n);
    f->set_content(blobs.substr(pos, size));
    pos += size + 1;
  }
}

}  // namespace

absl::Status CollectFiles(const std::string& root, const std::string& prefix,
                          RuleFiles* out) {
  std::error_code ec;
  if (fs::is_regular_file(root, ec)) return AddFile(root, prefix, out);
  absl::StatusOr<std::vector<std::string>> rels = WalkRuleFiles(root);
  if (!rels.ok()) return rels.status();
  for (const std::string& rel : *rels) {
    std::string name =
        prefix.empty() || prefix == "." ? rel : absl::StrCat(prefix, "/", rel);
    if (absl::Status s = AddFile(absl::StrCat(root, "/", rel), name, out);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status CollectFromGit(const std::string& rev,
                            const std::vector<std::string>& paths,
                            RuleFiles* out) {
  std::vector<std::string> argv = {"git",         "ls-tree", "-r",
                                   "--name-only", rev,       "--"};
  argv.insert(argv.end(), paths.begin(), paths.end());
  absl::StatusOr<std::string> listing = RunCapture(argv);
  if (!listing.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", rev,
                     "' is neither a folder nor a git revision "
                     "of the repository holding the paths"));
  }
  std::vector<std::string> names;
  for (absl::string_view line :
       absl::StrSplit(*listing, '\n', absl::SkipEmpty())) {
    if (IsRuleFileName(line)) names.emplace_back(line);
  }
  if (names.empty()) return absl::OkStatus();
  char tmpl[] = "/tmp/cov-check-XXXXXX";
  int fd = mkstemp(tmpl);
  if (fd < 0) return absl::UnavailableError("cannot create a temporary file");
  std::string requests;
  for (const auto& n : names) absl::StrAppend(&requests, rev, ":./", n, "\n");
  const bool written = write(fd, requests.data(), requests.size()) ==
                       static_cast<ssize_t>(requests.size());
  close(fd);
  if (!written) {
    unlink(tmpl);
    return absl::UnavailableError("cannot write a temporary file");
  }
  absl::StatusOr<std::string> blobs =
      RunCapture({"git", "cat-file", "--batch"}, tmpl);
  unlink(tmpl);
  if (!blobs.ok()) return blobs.status();
  AddBlobs(*blobs, names, out);
  return absl::OkStatus();
}

}  // namespace cov::clients::cli
