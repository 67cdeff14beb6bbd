#include "server/scan/scanner.h"

#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "ingest/base/file_walk.h"
#include "ingest/yara/yara_compiler.h"

namespace cov::server::scan {
namespace {

namespace fs = std::filesystem;

struct Accumulator {
  // technique -> (rule uids, matched file indexes)
  std::map<std::string, std::pair<std::set<std::string>, std::set<size_t>>>
      techniques;
  std::set<std::string> without_technique;
};

}  // namespace

absl::StatusOr<ScanReport> ScanPaths(const CompiledRuleSet& set,
                                     const std::vector<std::string>& paths,
                                     const ScanOptions& options) {
  if (set.yara == nullptr || set.by_key.empty()) {
    return absl::FailedPreconditionError(
        "no compiled public YARA rules to scan with");
  }
  const absl::Time start = absl::Now();
  ingest::yara::ScanOptions yopts;
  yopts.max_file_bytes = options.max_file_bytes;
  yopts.timeout = options.per_file_timeout;
  yopts.fast_mode = options.fast_mode;

  absl::StatusOr<std::unique_ptr<ingest::yara::YaraScanner>> scanner =
      set.yara->NewScanner(yopts);
  if (!scanner.ok()) return scanner.status();

  ScanReport report;
  Accumulator acc;
  auto scan_one = [&](const std::string& path) {
    if (report.files_scanned >= options.max_files) {
      ++report.files_not_scanned;
      return;
    }
    absl::StatusOr<ingest::yara::YaraScanResult> r = (*scanner)->ScanFile(path);
    if (!r.ok()) {
      report.skipped.push_back(
          {path, r.status().code(), std::string(r.status().message())});
      return;
    }
    ++report.files_scanned;
    report.bytes_scanned += r->bytes_scanned;
    if (r->matches.empty()) return;
    FileMatches fm;
    fm.path = path;
    const size_t file_index = report.matches.size();
    for (const ingest::yara::YaraMatch& m : r->matches) {
      const CompiledRule* cr = set.Find(m.ns, m.rule);
      if (cr == nullptr) continue;  // not a stored rule (cannot happen)
      RuleHit hit{cr->rule.uid(), cr->rule.title(), cr->rule.file(),
                  cr->rule.line(), cr->techniques};
      if (hit.techniques.empty()) acc.without_technique.insert(hit.uid);
      for (const std::string& t : hit.techniques) {
        auto& entry = acc.techniques[t];
        entry.first.insert(hit.uid);
        entry.second.insert(file_index);
      }
      fm.rules.push_back(std::move(hit));
    }
    if (!fm.rules.empty()) report.matches.push_back(std::move(fm));
  };

  for (const std::string& root : paths) {
    std::error_code ec;
    fs::file_status st = fs::status(root, ec);
    if (!fs::is_directory(st)) {
      scan_one(root);  // ScanFile reports missing / non-regular files
      continue;
    }
    std::vector<std::string> symlinks;
    absl::StatusOr<std::vector<ingest::WalkedFile>> files = ingest::WalkFiles(
        root, [](absl::string_view) { return true; }, &symlinks);
    if (!files.ok()) {
      report.skipped.push_back(
          {root, files.status().code(), std::string(files.status().message())});
      continue;
    }
    for (const std::string& link : symlinks) {
      report.skipped.push_back(
          {absl::StrCat(root, "/", link), absl::StatusCode::kInvalidArgument,
           absl::StrCat(root, "/", link, ": symlink, not followed")});
    }
    for (const ingest::WalkedFile& f : *files) scan_one(f.full);
  }

  for (auto& [technique, entry] : acc.techniques) {
    TechniqueHit t;
    t.technique = technique;
    t.rule_uids.assign(entry.first.begin(), entry.first.end());
    t.files = static_cast<int>(entry.second.size());
    report.techniques.push_back(std::move(t));
  }
  report.rules_without_technique.assign(acc.without_technique.begin(),
                                        acc.without_technique.end());
  report.elapsed = absl::Now() - start;
  return report;
}

}  // namespace cov::server::scan
