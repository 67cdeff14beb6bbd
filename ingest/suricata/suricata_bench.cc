// Times SuricataParser over the ET Open corpus, single-threaded.
//
// All files are read into memory first; only Parse is timed. Usage:
//   bazel run -c opt //ingest/suricata:suricata_bench [-- <rules dir> [reps]]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ingest/suricata/corpus_path.h"
#include "ingest/suricata/suricata_parser.h"

namespace {

int Main(int argc, char** argv) {
  using cov::ingest::suricata::FindCorpusDir;
  using cov::ingest::suricata::ListFiles;
  using cov::ingest::suricata::ReadFileToString;
  std::string dir;
  if (argc > 1) {
    dir = argv[1];
  } else {
    auto root = FindCorpusDir();
    if (!root.ok()) {
      std::fprintf(stderr, "%s\n", root.status().ToString().c_str());
      return 1;
    }
    dir = absl::StrCat(*root, "/suricata/et-open-2024-04-21/rules");
  }
  const int reps = argc > 2 ? std::atoi(argv[2]) : 5;
  auto names = ListFiles(dir, ".rules");
  if (!names.ok()) {
    std::fprintf(stderr, "%s\n", names.status().ToString().c_str());
    return 1;
  }
  std::vector<std::string> contents;
  size_t bytes = 0;
  for (const std::string& name : *names) {
    auto data = ReadFileToString(absl::StrCat(dir, "/", name));
    if (!data.ok()) {
      std::fprintf(stderr, "%s\n", data.status().ToString().c_str());
      return 1;
    }
    bytes += data->size();
    contents.push_back(*std::move(data));
  }
  cov::ingest::suricata::SuricataParser parser;
  double best_ms = 1e30;
  size_t rules = 0, diags = 0;
  for (int r = 0; r < reps; ++r) {
    rules = diags = 0;
    // Results are kept until the clock stops, as the ingest driver keeps
    // them; freeing them is not parsing.
    std::vector<cov::ingest::ParsedFile> results;
    results.reserve(contents.size());
    const auto start = std::chrono::steady_clock::now();
    for (size_t i = 0; i < contents.size(); ++i) {
      results.push_back(parser.Parse({(*names)[i], contents[i], "et-open"}));
    }
    const double ms = std::chrono::duration<double, std::milli>(
                          std::chrono::steady_clock::now() - start)
                          .count();
    for (const cov::ingest::ParsedFile& parsed : results) {
      rules += parsed.rules.size();
      diags += parsed.diagnostics.size();
    }
    if (ms < best_ms) best_ms = ms;
  }
  std::printf(
      "files=%zu bytes=%zu rules=%zu diagnostics=%zu best_of_%d wall_ms=%.1f "
      "MB/s=%.1f\n",
      contents.size(), bytes, rules, diags, reps, best_ms,
      bytes / 1e6 / (best_ms / 1e3));
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return Main(argc, argv); }
