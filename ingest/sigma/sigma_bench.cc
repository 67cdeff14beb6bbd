// Reads every .yml/.yaml file under the given folders (default: both Sigma
// corpora) into memory, then times SigmaParser::Parse over all of them,
// single-threaded, and prints files, rules, diagnostics, wall ms and MB/s.
//   bazel run -c opt //ingest/sigma:sigma_bench -- [--diags] [--iterations=N]
//       [DIR...]
// --diags prints every diagnostic of the first iteration; --dump prints every
// rule of the first iteration as one JSON line (for cross-checking);
// --threads=N also times the same work spread over N threads (the ingest
// driver parses files in parallel).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "google/protobuf/util/json_util.h"
#include "ingest/base/diagnostics.h"
#include "ingest/sigma/sigma_parser.h"
#include "tests/corpus.h"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  bool print_diags = false;
  bool dump = false;
  int iterations = 5;
  int threads = 1;
  std::vector<std::string> dirs;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--diags") {
      print_diags = true;
    } else if (a == "--dump") {
      dump = true;
    } else if (absl::StartsWith(a, "--iterations=")) {
      if (!absl::SimpleAtoi(a.substr(13), &iterations) || iterations < 1) {
        std::fprintf(stderr, "bad %s\n", a.c_str());
        return 2;
      }
    } else if (absl::StartsWith(a, "--threads=")) {
      if (!absl::SimpleAtoi(a.substr(10), &threads) || threads < 1) {
        std::fprintf(stderr, "bad %s\n", a.c_str());
        return 2;
      }
    } else {
      dirs.push_back(a);
    }
  }
  if (dirs.empty()) {
    absl::StatusOr<std::string> root = cov::testing::CorpusDir();
    if (!root.ok()) {
      std::fprintf(stderr, "%s\n", root.status().ToString().c_str());
      return 1;
    }
    dirs = {*root + "/sigma/sigmahq-r2026-04-01",
            *root + "/sigma/sigmahq-legacy-0.20"};
  }
  cov::ingest::sigma::SigmaParser parser;
  struct File {
    std::string path;
    std::string bytes;
  };
  std::vector<File> files;
  size_t total_bytes = 0;
  for (const std::string& dir : dirs) {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      if (!it->is_regular_file() || !parser.Accepts(it->path().string())) {
        continue;
      }
      absl::StatusOr<std::string> bytes =
          cov::testing::ReadFileToString(it->path().string());
      if (!bytes.ok()) continue;
      total_bytes += bytes->size();
      files.push_back(
          {fs::relative(it->path(), dir).string(), *std::move(bytes)});
    }
    if (ec) {
      std::fprintf(stderr, "cannot walk %s: %s\n", dir.c_str(),
                   ec.message().c_str());
      return 1;
    }
  }
  double best_ms = 1e18;
  size_t rules = 0, errors = 0, warnings = 0;
  for (int it = 0; it < iterations; ++it) {
    size_t r = 0, e = 0, w = 0;
    auto t0 = std::chrono::steady_clock::now();
    for (const File& f : files) {
      cov::ingest::ParsedFile out = parser.Parse({f.path, f.bytes, "bench"});
      r += out.rules.size();
      if (dump && it == 0) {
        google::protobuf::util::JsonPrintOptions opts;
        opts.preserve_proto_field_names = true;
        for (const auto& rule : out.rules) {
          std::string json;
          (void)google::protobuf::util::MessageToJsonString(rule, &json, opts);
          std::printf("%s\n", json.c_str());
        }
      }
      for (const auto& d : out.diagnostics) {
        if (d.severity() == cov::v1::SEVERITY_ERROR) ++e;
        if (d.severity() == cov::v1::SEVERITY_WARNING) ++w;
        if (print_diags && it == 0) {
          std::printf("%s\n", cov::ingest::FormatDiagnostic(d).c_str());
        }
      }
    }
    double ms = std::chrono::duration<double, std::milli>(
                    std::chrono::steady_clock::now() - t0)
                    .count();
    if (ms < best_ms) best_ms = ms;
    rules = r, errors = e, warnings = w;
  }
  std::printf(
      "files=%zu bytes=%zu rules=%zu diagnostics=%zu (errors=%zu "
      "warnings=%zu) wall=%.1f ms (best of %d) %.1f MB/s\n",
      files.size(), total_bytes, rules, errors + warnings, errors, warnings,
      best_ms, iterations, total_bytes / 1e6 / (best_ms / 1e3));
  if (threads > 1) {
    double best_mt = 1e18;
    for (int it = 0; it < iterations; ++it) {
      auto t0 = std::chrono::steady_clock::now();
      std::vector<std::thread> pool;
      std::vector<size_t> counts(threads, 0);
      for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
          for (size_t i = t; i < files.size(); i += threads) {
            counts[t] += parser.Parse({files[i].path, files[i].bytes, "bench"})
                             .rules.size();
          }
        });
      }
      for (std::thread& th : pool) th.join();
      double ms = std::chrono::duration<double, std::milli>(
                      std::chrono::steady_clock::now() - t0)
                      .count();
      if (ms < best_mt) best_mt = ms;
      size_t r = 0;
      for (size_t c : counts) r += c;
      if (r != rules) {
        std::fprintf(stderr, "thread run found %zu rules, expected %zu\n", r,
                     rules);
        return 1;
      }
    }
    std::printf("threads=%d wall=%.1f ms (best of %d) %.1f MB/s\n", threads,
                best_mt, iterations, total_bytes / 1e6 / (best_mt / 1e3));
  }
  return 0;
}
