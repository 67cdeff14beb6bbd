// Event-reader throughput on the real corpora: the Security-Datasets zips
// (JSON lines) and the SigmaHQ regression .evtx files (and their evtx_dump
// .json). Prints events/s, MB/s of uncompressed event data and peak RSS.
//
//   bazel run -c opt //ingest/events:events_bench -- [--repeat=N]
//       [--diags] [PATH...]
// Without PATHs it reads the zips of ../shared/corpus/logs/security-datasets
// and the
// .evtx and .json files under sigma/sigmahq-r2026-04-01-regression.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "ingest/base/diagnostics.h"
#include "ingest/events/reader.h"
#include "tests/corpus.h"

namespace {

namespace ev = cov::ingest::events;

class CountingSink : public ev::EventSink {
 public:
  explicit CountingSink(bool print) : print_(print) {}
  void OnEvent(const ev::Event& e) override {
    fields += static_cast<int64_t>(e.fields.size());
  }
  void OnDiagnostic(const cov::v1::Diagnostic& d) override {
    if (print_) std::printf("  %s\n", cov::ingest::FormatDiagnostic(d).c_str());
  }
  int64_t fields = 0;

 private:
  bool print_;
};

double PeakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

// Reads `paths` `repeat` times and prints one line named `label`.
void Run(const char* label, const std::vector<std::string>& paths, int repeat,
         bool diags) {
  ev::ReadStats stats;
  CountingSink sink(diags);
  const auto t0 = std::chrono::steady_clock::now();
  for (int r = 0; r < repeat; ++r) {
    for (const std::string& p : paths) {
      absl::Status s = ev::ReadEvents(p, ev::ReaderOptions(), sink, &stats);
      if (!s.ok()) std::printf("  %s\n", std::string(s.message()).c_str());
    }
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
          .count();
  std::printf(
      "%-34s files %6lld  events %8lld  bad %3lld  skipped %2lld  "
      "%7.1f MB  %6.3f s  %9.0f events/s  %7.1f MB/s  peak RSS %.0f MB\n",
      label, static_cast<long long>(stats.files / repeat),
      static_cast<long long>(stats.events / repeat),
      static_cast<long long>(stats.bad_records / repeat),
      static_cast<long long>(stats.skipped_files / repeat),
      static_cast<double>(stats.bytes) / repeat / 1e6, secs,
      static_cast<double>(stats.events) / secs,
      static_cast<double>(stats.bytes) / 1e6 / secs, PeakRssMb());
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 1;
  bool diags = false;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (absl::StartsWith(a, "--repeat=")) {
      if (!absl::SimpleAtoi(a.substr(9), &repeat) || repeat < 1) repeat = 1;
    } else if (a == "--diags") {
      diags = true;
    } else {
      paths.push_back(a);
    }
  }
  if (!paths.empty()) {
    Run("given paths", paths, repeat, diags);
    return 0;
  }
  absl::StatusOr<std::string> sd =
      cov::testing::CorpusPath("logs/security-datasets");
  absl::StatusOr<std::string> reg =
      cov::testing::CorpusPath("sigma/sigmahq-r2026-04-01-regression");
  if (!sd.ok() || !reg.ok()) {
    std::fprintf(stderr, "corpus not found\n");
    return 1;
  }
  std::vector<std::string> zips, evtx, json;
  for (const auto& e : std::filesystem::recursive_directory_iterator(*sd)) {
    if (absl::EndsWith(e.path().string(), ".zip")) {
      zips.push_back(e.path().string());
    }
  }
  std::sort(zips.begin(), zips.end());
  for (const auto& e : std::filesystem::recursive_directory_iterator(*reg)) {
    const std::string p = e.path().string();
    if (absl::EndsWith(p, ".evtx")) evtx.push_back(p);
    if (absl::EndsWith(p, ".json")) json.push_back(p);
  }
  std::sort(evtx.begin(), evtx.end());
  std::sort(json.begin(), json.end());
  Run("security-datasets zips (JSON)", zips, repeat, diags);
  Run("regression .evtx", evtx, repeat, diags);
  Run("regression evtx_dump .json", json, repeat, diags);
  return 0;
}
