// bazel run -c opt //server/engine/sigma_eval:sigma_eval_bench --
//     [--threads=2] [--no_prefilter] [--stream_only] [--proc_repeat=N]
//
// Compiles every SigmaHQ r2026-04-01 rule (parsed by the real Sigma parser)
// and evaluates them over the OTRF Security-Datasets events (289,620 events
// in 58 zips, read by ingest/events' zip reader), on one thread and on
// --threads threads (events split by file). Prints rules compiled/s,
// events/s (read + evaluate, and evaluate alone on events held in memory),
// and the same for process_creation events alone. Read + evaluate streams
// each event from the reader into the matcher, as `cov replay` does; the
// same read with no evaluation is timed too (what the reader alone costs).
// --stream_only stops after the streamed phases (for profiling them);
// --proc_repeat=N runs only the process_creation phase, N times (ditto).
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ingest/base/file_walk.h"
#include "ingest/events/reader.h"
#include "ingest/sigma/sigma_parser.h"
#include "server/engine/sigma_eval/logsource_map.h"
#include "server/engine/sigma_eval/rule_set.h"
#include "tests/corpus.h"

namespace cov::server::engine::sigma_eval {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

class Collect : public ingest::events::EventSink {
 public:
  void OnEvent(const ingest::events::Event& e) override { events.push_back(e); }
  void OnDiagnostic(const cov::v1::Diagnostic&) override { ++bad; }
  std::vector<ingest::events::Event> events;
  int64_t bad = 0;
};

// Matches every event as the reader delivers it.
class MatchSink : public ingest::events::EventSink {
 public:
  MatchSink(const RuleSet& set, bool evaluate) : set_(set), eval_(evaluate) {}
  void OnEvent(const ingest::events::Event& e) override {
    if (!eval_) return;
    hits_.clear();
    set_.Match(e, &scratch_, &hits_);
    matches += static_cast<int64_t>(hits_.size());
  }
  void OnDiagnostic(const cov::v1::Diagnostic&) override {}
  int64_t matches = 0;

 private:
  const RuleSet& set_;
  const bool eval_;
  MatchScratch scratch_;
  std::vector<int> hits_;
};

std::vector<ingest::events::Event> ReadZip(const std::string& path,
                                           int64_t* bytes, int64_t* bad) {
  Collect sink;
  ingest::events::ReaderOptions options;
  ingest::events::ReadStats stats;
  ingest::events::ReadEventFile(path, path, options, sink, stats);
  *bytes += stats.bytes;
  *bad += stats.bad_records;
  return std::move(sink.events);
}

// The process's resident memory now, MB (0 when /proc is not there).
double RssMb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (absl::StartsWith(line, "VmRSS:")) {
      return std::atof(line.c_str() + 6) / 1024;
    }
  }
  return 0;
}

int Run(int threads, bool prefilter, bool stream_only, int proc_repeat) {
  absl::StatusOr<std::string> rules_dir =
      cov::testing::CorpusPath("sigma/sigmahq-r2026-04-01");
  absl::StatusOr<std::string> logs_dir =
      cov::testing::CorpusPath("logs/security-datasets");
  if (!rules_dir.ok() || !logs_dir.ok()) {
    std::cerr << "corpus not found\n";
    return 1;
  }
  auto yml = [](absl::string_view r) { return absl::EndsWith(r, ".yml"); };
  absl::StatusOr<std::vector<ingest::WalkedFile>> files =
      ingest::WalkFiles(*rules_dir, yml);
  if (!files.ok()) return 1;
  ingest::sigma::SigmaParser parser;
  std::vector<cov::v1::Rule> rules;
  for (const ingest::WalkedFile& f : *files) {
    absl::StatusOr<std::string> b = cov::testing::ReadFileToString(f.full);
    if (!b.ok()) continue;
    ingest::ParsedFile parsed = parser.Parse({f.rel, *b, "sigmahq"});
    for (cov::v1::Rule& r : parsed.rules) rules.push_back(std::move(r));
  }
  const double rss_before = RssMb();
  Clock::time_point t0 = Clock::now();
  const int kCompiles = 5;
  std::unique_ptr<RuleSet> set;
  RuleSetOptions options;
  options.literal_prefilter = prefilter;
  for (int i = 0; i < kCompiles; ++i) set = RuleSet::Compile(rules, options);
  const double compile_s = Seconds(t0) / kCompiles;
  int windows = 0;
  for (const cov::v1::Rule& r : rules) {
    windows += r.logsource_product() == "windows" && !r.is_correlation();
  }
  std::cout << "rules parsed: " << rules.size() << " (windows " << windows
            << "), compiled: " << set->size()
            << ", not evaluable: " << set->not_evaluable().size() << "\n"
            << "compile: " << compile_s * 1000
            << " ms = " << static_cast<int64_t>(rules.size() / compile_s)
            << " rules/s; process RSS " << rss_before << " -> " << RssMb()
            << " MB\n";

  absl::StatusOr<std::vector<ingest::WalkedFile>> zips = ingest::WalkFiles(
      *logs_dir, [](absl::string_view r) { return absl::EndsWith(r, ".zip"); });
  if (!zips.ok()) return 1;

  // Read + evaluate, files split over threads; each event is matched in the
  // reader's sink as it is read (as `cov replay` does), never copied. Then
  // the same read alone.
  for (const bool evaluate : {true, false}) {
    if (proc_repeat > 0) break;
    std::atomic<int64_t> events{0}, matches{0}, bytes{0}, bad{0};
    std::atomic<size_t> next{0};
    t0 = Clock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&] {
        MatchSink sink(*set, evaluate);
        for (size_t i; (i = next++) < zips->size();) {
          ingest::events::ReadStats stats;
          ingest::events::ReadEventFile((*zips)[i].full, (*zips)[i].full,
                                        ingest::events::ReaderOptions(), sink,
                                        stats);
          bytes += stats.bytes;
          bad += stats.bad_records;
          events += stats.events;
        }
        matches += sink.matches;
      });
    }
    for (std::thread& t : pool) t.join();
    const double read_eval_s = Seconds(t0);
    std::cout << (evaluate ? "read+evaluate (" : "read only (") << threads
              << " threads): " << events << " events (" << bytes / (1 << 20)
              << " MiB JSON, " << bad << " bad lines) in " << read_eval_s
              << " s = " << static_cast<int64_t>(events / read_eval_s)
              << " events/s, " << matches << " rule matches\n";
  }
  std::cout << "process RSS after the streamed phases: " << RssMb() << " MB\n";
  if (stream_only) return 0;

  // Evaluate alone, on events held in memory.
  std::vector<ingest::events::Event> all;
  for (const ingest::WalkedFile& z : *zips) {
    int64_t b = 0, x = 0;
    for (ingest::events::Event& e : ReadZip(z.full, &b, &x)) {
      all.push_back(std::move(e));
    }
  }
  for (int only_proc = proc_repeat > 0 ? 1 : 0; only_proc < 2; ++only_proc) {
    std::vector<const ingest::events::Event*> sel;
    for (const ingest::events::Event& e : all) {
      if (!only_proc ||
          EventInLogsource(e, "windows", "process_creation", "")) {
        sel.push_back(&e);
      }
    }
    for (int nt : {1, threads}) {
      for (int rep = 0; rep < std::max(1, proc_repeat); ++rep) {
        std::atomic<int64_t> m{0};
        t0 = Clock::now();
        std::vector<std::thread> ts;
        for (int t = 0; t < nt; ++t) {
          ts.emplace_back([&, t] {
            MatchScratch scratch;
            std::vector<int> hits;
            int64_t local = 0;
            for (size_t i = t; i < sel.size(); i += nt) {
              hits.clear();
              set->Match(*sel[i], &scratch, &hits);
              local += static_cast<int64_t>(hits.size());
            }
            m += local;
          });
        }
        for (std::thread& t : ts) t.join();
        const double s = Seconds(t0);
        std::cout << "evaluate only" << (only_proc ? " (process_creation)" : "")
                  << ", " << nt << " thread(s): " << sel.size() << " events in "
                  << s << " s = " << static_cast<int64_t>(sel.size() / s)
                  << " events/s, " << m << " rule matches\n";
      }
    }
  }
  return 0;
}

}  // namespace
}  // namespace cov::server::engine::sigma_eval

int main(int argc, char** argv) {
  int threads = 2;
  bool prefilter = true;
  bool stream_only = false;
  int proc_repeat = 0;
  for (int i = 1; i < argc; ++i) {
    absl::string_view a = argv[i];
    if (absl::StartsWith(a, "--threads=")) threads = std::atoi(argv[i] + 10);
    if (a == "--no_prefilter") prefilter = false;
    if (a == "--stream_only") stream_only = true;
    if (absl::StartsWith(a, "--proc_repeat=")) {
      proc_repeat = std::atoi(argv[i] + 14);
    }
  }
  std::cout << "literal prefilter: " << (prefilter ? "on" : "off") << "\n";
  return cov::server::engine::sigma_eval::Run(
      threads < 1 ? 1 : threads, prefilter, stream_only, proc_repeat);
}
