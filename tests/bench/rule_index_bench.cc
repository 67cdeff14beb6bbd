// Benchmark of the rule index after a rule ingest (issue 14 item 1): what
// the first coverage query after re-ingesting one source pays, with the
// per-source index and the writer's warm-up, against the full rebuild every
// ingest used to cost.
//
// In process, on a RocksDB store in a temporary directory loaded with
// ATT&CK Enterprise 18.1 and the public rule corpora (SigmaHQ r2026-04-01
// and legacy 0.20, ET Open, YARA signature-base and attack-tagged). For
// each source, --runs times: re-ingest it through rules::Ingest (what the
// IngestRules RPC runs: the ingest, then Models::RefreshRules before the
// answer), then
//   - first query: Models::Prepare + ComputeCoverage by tactic right after
//     the acknowledgement (what a client sees first);
//   - incremental: a second RuleIndexCache that was not warmed, Get after
//     the same change (the read path's cost without the writer's warm-up:
//     one source re-resolved);
//   - full rebuild: every stored rule read and resolved into one RuleIndex
//     (what the first coverage-type query paid before per-source parts).
// Medians are printed per source, then the query alone on a warm index.
//
//   bazel run //tests/bench:rule_index_bench -- [--runs=5]
//
// Exits 1 when the corpus is missing or a step fails.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "server/engine/coverage.h"
#include "server/kb/attack_ingest.h"
#include "server/kb/models.h"
#include "server/kb/rule_index_cache.h"
#include "server/rules/rule_requests.h"
#include "server/store/rocksdb_store.h"
#include "tests/corpus.h"

ABSL_FLAG(int, runs, 5, "Re-ingests per source (medians are printed).");

namespace {

using Clock = std::chrono::steady_clock;
namespace engine = cov::server::engine;

double Ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void Check(const absl::Status& s, const std::string& what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what.c_str(), s.ToString().c_str());
    std::exit(1);
  }
}

struct Src {
  const char* rel;
  const char* name;
  cov::v1::RuleFormat format;
};

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int runs = std::max(1, absl::GetFlag(FLAGS_runs));
  auto corpus = cov::testing::CorpusDir();
  Check(corpus.status(), "corpus");
  char tmpl[] = "/tmp/cov-rule-index-bench-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  auto store = cov::server::store::RocksDbStore::Open(dir + "/db");
  Check(store.status(), "open");
  cov::v1::IngestAttackRequest ar;
  ar.set_path(*corpus + "/attack/enterprise-attack-18.1.json");
  Check(cov::server::kb::IngestAttack(**store, ar, {}).status(), "attack");

  const std::vector<Src> sources = {
      {"sigma/sigmahq-r2026-04-01", "sigmahq", cov::v1::RULE_FORMAT_SIGMA},
      {"sigma/sigmahq-legacy-0.20", "legacy", cov::v1::RULE_FORMAT_SIGMA},
      {"suricata/et-open-2024-04-21", "et", cov::v1::RULE_FORMAT_SURICATA},
      {"yara/signature-base", "sb", cov::v1::RULE_FORMAT_YARA},
      {"yara/attack-tagged", "at", cov::v1::RULE_FORMAT_YARA}};
  auto request = [&](const Src& s) {
    cov::v1::IngestRulesRequest rr;
    rr.set_path(*corpus + "/" + s.rel);
    rr.set_source(s.name);
    rr.set_format(s.format);
    return rr;
  };
  cov::server::kb::Models models(store->get());
  for (const Src& s : sources) {
    Check(cov::server::rules::Ingest(models, request(s), {}).status(), s.name);
  }
  auto resolved = models.Require({});
  Check(resolved.status(), "resolve");
  const auto kb = resolved->kb;
  const auto others = resolved->others;
  cov::server::kb::RuleIndexCache cold(store->get());
  Check(cold.Get(kb, others).status(), "cold cache");

  auto full_rebuild = [&]() -> size_t {
    std::vector<cov::v1::Rule> rules;
    Check((*store)->ForEachRule("",
                                [&](const cov::v1::Rule& r) {
                                  rules.push_back(r);
                                  return true;
                                }),
          "rules");
    engine::RuleIndex index(*kb, others, std::move(rules));
    return index.rules().size();
  };
  auto first_query = [&]() -> size_t {
    auto qc = models.Prepare({}, {});
    Check(qc.status(), "prepare");
    qc->query.by = "tactic";
    cov::v1::CoverageResponse r =
        engine::ComputeCoverage(*qc->kb, *qc->rules, qc->query);
    return static_cast<size_t>(r.covered());
  };
  const size_t total = full_rebuild();
  const size_t covered = first_query();
  std::printf(
      "== rule index after re-ingesting one source: RocksDB store, %s, %zu "
      "rules in %zu sources (%zu techniques covered), %d runs per source, "
      "medians (ms)\n",
      kb->release_key().c_str(), total, sources.size(), covered, runs);
  std::printf("%-8s %6s %10s %12s %12s %12s %14s\n", "source", "rules",
              "ingest+ack", "first query", "incremental", "full rebuild",
              "old 1st query");
  std::vector<double> all_first, all_incr, all_full, all_old;
  for (const Src& s : sources) {
    std::vector<double> ingest_ms, first_ms, incr_ms, full_ms, old_ms;
    int rule_count = 0;
    for (int i = 0; i < runs; ++i) {
      auto t0 = Clock::now();
      auto r = cov::server::rules::Ingest(models, request(s), {});
      auto t1 = Clock::now();
      Check(r.status(), s.name);
      rule_count = r->source().rule_count();
      first_query();
      auto t2 = Clock::now();
      Check(cold.Get(kb, others).status(), "incremental");
      auto t3 = Clock::now();
      full_rebuild();
      auto t4 = Clock::now();
      ingest_ms.push_back(Ms(t0, t1));
      first_ms.push_back(Ms(t1, t2));
      incr_ms.push_back(Ms(t2, t3));
      full_ms.push_back(Ms(t3, t4));
      // Before: the first query rebuilt everything, then answered (the
      // answer itself timed here on the warm index).
      first_query();
      auto t5 = Clock::now();
      old_ms.push_back(Ms(t3, t4) + Ms(t4, t5));
    }
    std::printf("%-8s %6d %10.1f %12.2f %12.1f %12.1f %14.1f\n", s.name,
                rule_count, Median(ingest_ms), Median(first_ms),
                Median(incr_ms), Median(full_ms), Median(old_ms));
    all_first.insert(all_first.end(), first_ms.begin(), first_ms.end());
    all_incr.insert(all_incr.end(), incr_ms.begin(), incr_ms.end());
    all_full.insert(all_full.end(), full_ms.begin(), full_ms.end());
    all_old.insert(all_old.end(), old_ms.begin(), old_ms.end());
  }
  std::vector<double> warm;
  for (int i = 0; i < 50; ++i) {
    auto t0 = Clock::now();
    first_query();
    warm.push_back(Ms(t0, Clock::now()));
  }
  auto st = cold.stats();
  std::printf(
      "all sources: first query after ack %.2f ms (warm index: %.2f ms), "
      "incremental rebuild %.1f ms, full rebuild %.1f ms, old first query "
      "%.1f ms\n",
      Median(all_first), Median(warm), Median(all_incr), Median(all_full),
      Median(all_old));
  std::printf(
      "unwarmed cache: %lld builds, %lld parts built, %lld parts reused\n",
      static_cast<long long>(st.builds), static_cast<long long>(st.parts_built),
      static_cast<long long>(st.parts_reused));
  store->reset();
  std::system(absl::StrCat("rm -rf '", dir, "'").c_str());
  return 0;
}
