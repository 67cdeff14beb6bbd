// Scans files and folders with a compiled YARA rule set (rule_set.h) and
// maps every match to the techniques of the stored rule that fired.
//
// Each path given is a file or a folder; folders are walked like every cov
// reader walks (ingest/base/file_walk.h: regular files, sorted, hidden
// folders skipped, symlinks reported and not followed). A file over the size
// limit, one that times out, or one that cannot be read is listed in
// `skipped` with the reason; every other file is still scanned.
//
//   ASSIGN_OR_RETURN(CompiledRuleSet set, CompileRuleSet(rules));
//   ASSIGN_OR_RETURN(ScanReport r, ScanPaths(set, {"/srv/samples"}, {}));
//   for (const TechniqueHit& t : r.techniques) Print(t.technique);
//
// Thread-safe: pure function of its arguments (and the files' contents).
#ifndef COV_SERVER_SCAN_SCANNER_H_
#define COV_SERVER_SCAN_SCANNER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/scan/rule_set.h"

namespace cov::server::scan {

struct ScanOptions {
  // Files larger than this are skipped unread. Default: 64 MiB.
  uint64_t max_file_bytes = 64u << 20;
  // Per-file scan time limit (libyara counts whole seconds, at least 1).
  // Default: 10 s.
  absl::Duration per_file_timeout = absl::Seconds(10);
  // At most this many files are scanned; the rest are counted in
  // files_not_scanned. Default: 1,000,000.
  int64_t max_files = 1000000;
  // libyara fast mode (first occurrence of each string only). Default: false.
  bool fast_mode = false;
};

// One rule that matched one file.
struct RuleHit {
  std::string uid;
  std::string title;
  std::string file;  // the rule's file in its source
  int line = 0;
  std::vector<std::string> techniques;
};

struct FileMatches {
  std::string path;
  std::vector<RuleHit> rules;  // in compile order
};

// A file that was not scanned (or not completely).
struct SkippedFile {
  std::string path;
  absl::StatusCode code;  // kResourceExhausted (too large),
                          // kDeadlineExceeded (timeout), kUnavailable /
                          // kNotFound / kInvalidArgument (unreadable,
                          // missing, not a regular file, symlink)
  std::string reason;     // names the path
};

struct TechniqueHit {
  std::string technique;
  std::vector<std::string> rule_uids;  // sorted, distinct
  int files = 0;                       // files matched by any of them
};

struct ScanReport {
  int64_t files_scanned = 0;
  int64_t files_not_scanned = 0;  // over max_files
  uint64_t bytes_scanned = 0;
  absl::Duration elapsed;
  // Files with at least one match, in walk order.
  std::vector<FileMatches> matches;
  std::vector<SkippedFile> skipped;
  // Techniques of the rules that matched, sorted by ID.
  std::vector<TechniqueHit> techniques;
  // Rules that matched but name no technique that counts (uids, sorted).
  std::vector<std::string> rules_without_technique;
};

// Scans `paths` in the order given. Fails only when `set` holds no compiled
// rules (kFailedPrecondition); every per-file problem is in `skipped`.
absl::StatusOr<ScanReport> ScanPaths(const CompiledRuleSet& set,
                                     const std::vector<std::string>& paths,
                                     const ScanOptions& options = {});

}  // namespace cov::server::scan

#endif  // COV_SERVER_SCAN_SCANNER_H_
