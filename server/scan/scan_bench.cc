// Scan throughput of cov's YARA scanner (server/scan) with a real rule
// source, for comparison with the yara CLI on the same rules and files
// (scan_bench.sh runs both).
//
//   bazel run //server/scan:scan_bench -- [RULES_DIR] [TARGET_DIR]
//
// RULES_DIR defaults to <corpus>/yara/signature-base, TARGET_DIR to the
// corpus root. Prints one line per phase and a final "cov: ... MB/s" line.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "ingest/base/file_walk.h"
#include "ingest/yara/yara_parser.h"
#include "server/scan/rule_set.h"
#include "server/scan/scanner.h"
#include "tests/corpus.h"

namespace {

using Clock = std::chrono::steady_clock;

double Secs(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

long PeakRssMb() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024;
}

}  // namespace

int main(int argc, char** argv) {
  namespace scan = cov::server::scan;
  auto corpus = cov::testing::CorpusDir();
  if (!corpus.ok() && argc < 3) {
    std::fprintf(stderr, "%s\n",
                 std::string(corpus.status().message()).c_str());
    return 2;
  }
  std::string rules_dir = argc > 1 ? argv[1] : *corpus + "/yara/signature-base";
  std::string target = argc > 2 ? argv[2] : *corpus;

  cov::ingest::yara::YaraParser parser;
  auto t0 = Clock::now();
  auto files = cov::ingest::WalkFiles(
      rules_dir, [&](absl::string_view rel) { return parser.Accepts(rel); });
  if (!files.ok()) {
    std::fprintf(stderr, "%s\n", std::string(files.status().message()).c_str());
    return 1;
  }
  std::vector<cov::v1::Rule> rules;
  for (const auto& f : *files) {
    auto text = cov::testing::ReadFileToString(f.full);
    if (!text.ok()) continue;
    auto parsed = parser.Parse({f.rel, *text, "bench"});
    for (auto& r : parsed.rules) rules.push_back(std::move(r));
  }
  auto t1 = Clock::now();
  auto set = scan::CompileRuleSet(rules);
  auto t2 = Clock::now();
  if (!set.ok()) {
    std::fprintf(stderr, "%s\n", std::string(set.status().message()).c_str());
    return 1;
  }
  std::printf("parse: %zu rule files, %zu rules in %.2f s\n", files->size(),
              rules.size(), Secs(t0, t1));
  std::printf(
      "compile: %zu public + %d private rules, %zu not compiled, "
      "%.2f s\n",
      set->by_key.size(), set->private_compiled, set->not_compiled.size(),
      Secs(t1, t2));

  scan::ScanOptions options;
  options.max_file_bytes = 256u << 20;
  auto report = scan::ScanPaths(*set, {target}, options);
  if (!report.ok()) {
    std::fprintf(stderr, "%s\n",
                 std::string(report.status().message()).c_str());
    return 1;
  }
  size_t rule_matches = 0;
  for (const auto& m : report->matches) rule_matches += m.rules.size();
  double secs = absl::ToDoubleSeconds(report->elapsed);
  double mb = report->bytes_scanned / 1e6;
  std::printf(
      "scan: %lld files, %.1f MB, %zu files matched, %zu rule "
      "matches, %zu skipped, %zu techniques\n",
      static_cast<long long>(report->files_scanned), mb, report->matches.size(),
      rule_matches, report->skipped.size(), report->techniques.size());
  std::printf("cov: %.2f s, %.1f MB/s (1 thread), peak RSS %ld MB\n", secs,
              mb / secs, PeakRssMb());
  return 0;
}
