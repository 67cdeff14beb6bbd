// Times YaraParser over a YARA corpus, single-threaded.
//
//   bazel run -c opt //ingest/yara:yara_bench -- [DIR...]
//
// Default DIRs: <corpus>/yara/signature-base and <corpus>/yara/attack-tagged.
// Every accepted file is read into memory first; only parsing is timed.
// Prints files, rules, diagnostics (errors), wall ms and MB/s per run, and
// with --print-diagnostics every diagnostic, with --dump one line per rule
// (file, line, name, ATT&CK refs) for checking against other tools.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ingest/base/diagnostics.h"
#include "ingest/yara/yara_parser.h"
#include "tests/corpus.h"

namespace {

struct Input {
  std::string path;
  std::string bytes;
};

}  // namespace

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  bool print = false;
  bool dump = false;
  std::vector<std::string> dirs;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--print-diagnostics") == 0) {
      print = true;
    } else if (std::strcmp(argv[i], "--dump") == 0) {
      dump = true;
    } else {
      dirs.push_back(argv[i]);
    }
  }
  if (dirs.empty()) {
    auto root = cov::testing::CorpusDir();
    if (!root.ok()) {
      std::fprintf(stderr, "%s\n", root.status().ToString().c_str());
      return 1;
    }
    dirs = {absl::StrCat(*root, "/yara/signature-base"),
            absl::StrCat(*root, "/yara/attack-tagged")};
  }
  cov::ingest::yara::YaraParser parser;
  std::vector<Input> inputs;
  size_t total_bytes = 0;
  for (const std::string& dir : dirs) {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (!it->is_regular_file()) continue;
      std::string rel = fs::relative(it->path(), dir).string();
      if (!parser.Accepts(rel)) continue;
      auto bytes = cov::testing::ReadFileToString(it->path().string());
      if (!bytes.ok()) continue;
      total_bytes += bytes->size();
      inputs.push_back({rel, *std::move(bytes)});
    }
    if (ec) {
      std::fprintf(stderr, "cannot walk %s: %s\n", dir.c_str(),
                   ec.message().c_str());
      return 1;
    }
  }
  for (int run = 0; run < 3; ++run) {
    size_t rules = 0, diags = 0, errors = 0;
    auto t0 = std::chrono::steady_clock::now();
    for (const Input& in : inputs) {
      cov::ingest::SourceFile f{in.path, in.bytes, "bench"};
      cov::ingest::ParsedFile out = parser.Parse(f);
      rules += out.rules.size();
      if (dump && run == 0) {
        for (const auto& r : out.rules) {
          std::string refs;
          for (const auto& a : r.attack_refs()) {
            absl::StrAppend(&refs, refs.empty() ? "" : " ", a.id(), "/",
                            a.kind(), "@", a.origin(), ":", a.line());
          }
          std::printf("RULE\t%s\t%d\t%s\t%s\n", r.file().c_str(), r.line(),
                      r.title().c_str(), refs.c_str());
        }
      }
      diags += out.diagnostics.size();
      for (const auto& d : out.diagnostics) {
        if (d.severity() == cov::v1::SEVERITY_ERROR) ++errors;
        if (print && run == 0) {
          std::printf("%s\n", cov::ingest::FormatDiagnostic(d).c_str());
        }
      }
    }
    double ms = std::chrono::duration<double, std::milli>(
                    std::chrono::steady_clock::now() - t0)
                    .count();
    std::printf(
        "run %d: files=%zu rules=%zu diagnostics=%zu (errors=%zu) "
        "bytes=%zu wall_ms=%.1f MB/s=%.1f\n",
        run + 1, inputs.size(), rules, diags, errors, total_bytes, ms,
        total_bytes / 1e6 / (ms / 1e3));
  }
  return 0;
}
