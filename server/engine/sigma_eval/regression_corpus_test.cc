// Runs SigmaHQ's own regression tests of release r2026-04-01
// (../shared/corpus/sigma/sigmahq-r2026-04-01-regression): for each
// info.yml, the referenced rule (parsed from the release's rule folders by
// the real Sigma parser) is evaluated on the test's recorded events and its
// match count compared with `match_count` (at least one when absent).
// Known exceptions are named in README.md ("Sigma regression tests").
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/base/file_walk.h"
#include "ingest/events/json_events.h"
#include "ingest/events/reader.h"
#include "ingest/sigma/sigma_parser.h"
#include "server/engine/sigma_eval/rule_set.h"
#include "tests/corpus.h"
#include "yaml-cpp/yaml.h"

namespace cov::server::engine::sigma_eval {
namespace {

struct RegressionTest {
  std::string info;  // path of info.yml below the regression root
  std::string rule_id;
  std::string data;   // absolute path of the recorded events (.evtx)
  int expected = -1;  // -1: at least one
};

class CollectSink : public ingest::events::EventSink {
 public:
  void OnEvent(const ingest::events::Event& e) override { events.push_back(e); }
  void OnDiagnostic(const cov::v1::Diagnostic& d) override {
    diagnostics.push_back(d.message());
  }
  std::vector<ingest::events::Event> events;
  std::vector<std::string> diagnostics;
};

class RegressionCorpusTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<std::string> rules_dir =
        cov::testing::CorpusPath("sigma/sigmahq-r2026-04-01");
    ASSERT_TRUE(rules_dir.ok()) << rules_dir.status();
    absl::StatusOr<std::vector<ingest::WalkedFile>> files = ingest::WalkFiles(
        *rules_dir,
        [](absl::string_view rel) { return absl::EndsWith(rel, ".yml"); });
    ASSERT_TRUE(files.ok()) << files.status();
    ingest::sigma::SigmaParser parser;
    rules_ = new std::vector<cov::v1::Rule>();
    for (const ingest::WalkedFile& f : *files) {
      absl::StatusOr<std::string> bytes =
          cov::testing::ReadFileToString(f.full);
      ASSERT_TRUE(bytes.ok()) << bytes.status();
      ingest::ParsedFile parsed = parser.Parse({f.rel, *bytes, "sigmahq"});
      for (cov::v1::Rule& r : parsed.rules) rules_->push_back(std::move(r));
    }
    set_ = RuleSet::Compile(*rules_).release();
  }
  static void TearDownTestSuite() {
    delete set_;
    delete rules_;
  }

  static std::vector<RegressionTest> Tests() {
    std::vector<RegressionTest> out;
    absl::StatusOr<std::string> root =
        cov::testing::CorpusPath("sigma/sigmahq-r2026-04-01-regression");
    EXPECT_TRUE(root.ok());
    if (!root.ok()) return out;
    absl::StatusOr<std::vector<ingest::WalkedFile>> infos = ingest::WalkFiles(
        *root,
        [](absl::string_view rel) { return absl::EndsWith(rel, "/info.yml"); });
    EXPECT_TRUE(infos.ok());
    if (!infos.ok()) return out;
    for (const ingest::WalkedFile& f : *infos) {
      YAML::Node info = YAML::LoadFile(f.full);
      const std::string rule_id =
          info["rule_metadata"][0]["id"].as<std::string>();
      if (!info["regression_tests_info"]) {
        out.push_back({f.rel, rule_id, "", -1});
        continue;
      }
      for (const YAML::Node& t : info["regression_tests_info"]) {
        RegressionTest rt;
        rt.info = f.rel;
        rt.rule_id = rule_id;
        rt.data = absl::StrCat(*root, "/", t["path"].as<std::string>());
        if (t["match_count"]) rt.expected = t["match_count"].as<int>();
        out.push_back(rt);
      }
    }
    return out;
  }

  // Runs every test on events read from the .json (or the .evtx).
  void CheckAll(bool from_evtx);

  static std::vector<cov::v1::Rule>* rules_;
  static RuleSet* set_;
};

std::vector<cov::v1::Rule>* RegressionCorpusTest::rules_ = nullptr;
RuleSet* RegressionCorpusTest::set_ = nullptr;

// Reads the evtx_dump JSON beside `evtx_path`.
std::vector<ingest::events::Event> ReadJson(const std::string& evtx_path,
                                            std::vector<std::string>* diags) {
  std::string json = evtx_path;
  json.replace(json.size() - 5, 5, ".json");
  absl::StatusOr<std::string> bytes = cov::testing::ReadFileToString(json);
  if (!bytes.ok()) {
    diags->push_back(std::string(bytes.status().message()));
    return {};
  }
  CollectSink sink;
  ingest::events::ReaderOptions options;
  ingest::events::ReadStats stats;
  ingest::events::JsonEventReader reader(json, options, sink, stats);
  reader.Feed(*bytes);
  reader.Finish();
  for (std::string& d : sink.diagnostics) diags->push_back(std::move(d));
  return std::move(sink.events);
}

// Rules whose test cannot pass on these inputs, and why (README.md, "Sigma
// regression tests"): the test is skipped (-1), or the engine's exact count
// is pinned where SigmaHQ's checker (Nextron's evtx-sigma-checker) reports
// one match for several matching events of one process within milliseconds
// (counts checked by a plain filter over the JSON: the matching events'
// TargetFilename/TargetObject).
const absl::flat_hash_map<std::string, int>& KnownExceptions() {
  static const auto* const m = new absl::flat_hash_map<std::string, int>{
      // Cisco AAA: the data is a raw syslog sample, not an event log, and
      // product cisco is not in the logsource table.
      {"rules/cisco/aaa/cisco_cli_dot1x_disabled/info.yml", -1},
      // user.conf.new twice and user.conf~RF*.TMP, all by AnyDesk.exe.
      {"rules/windows/file/file_event/file_event_win_anydesk_artefact/"
       "info.yml",
       3},
      // procdump.exe, procdump64.exe, procdump64a.exe by explorer.exe.
      {"rules/windows/file/file_event/"
       "file_event_win_cred_dump_tools_dropped_files/info.yml",
       3},
      // ZoneMap\Domains\bad-domain.com\bad-subdomain\{https,http,*}.
      {"rules/windows/registry/registry_set/"
       "registry_set_change_security_zones/info.yml",
       3},
      // AutoShareServer and AutoShareWks by reg.exe.
      {"rules/windows/registry/registry_set/"
       "registry_set_disable_administrative_share/info.yml",
       2},
  };
  return *m;
}

// Reads the .evtx itself (ingest/events' evtx reader, through ReadEventFile).
std::vector<ingest::events::Event> ReadEvtx(const std::string& evtx_path,
                                            std::vector<std::string>* diags) {
  CollectSink sink;
  ingest::events::ReaderOptions options;
  ingest::events::ReadStats stats;
  ingest::events::ReadEventFile(evtx_path, evtx_path, options, sink, stats);
  for (std::string& d : sink.diagnostics) diags->push_back(std::move(d));
  return std::move(sink.events);
}

void RegressionCorpusTest::CheckAll(bool from_evtx) {
  ASSERT_GT(rules_->size(), 3000u);
  const std::vector<RegressionTest> tests = Tests();
  ASSERT_EQ(tests.size(), 170u);
  int passed = 0, excepted = 0;
  std::vector<std::string> failures;
  for (const RegressionTest& t : tests) {
    int expected = t.expected;
    auto ex =
        KnownExceptions().find(absl::StripPrefix(t.info, "regression_data/"));
    if (ex != KnownExceptions().end()) {
      ++excepted;
      if (ex->second < 0) continue;
      expected = ex->second;
    }
    const int index = set_->Find(t.rule_id);
    if (index < 0) {
      std::string why = "not compiled";
      for (const NotEvaluable& n : set_->not_evaluable()) {
        if (n.uid == t.rule_id) why = n.reason;
      }
      failures.push_back(absl::StrCat(t.info, ": rule ", t.rule_id, ": ", why));
      continue;
    }
    std::vector<std::string> diags;
    const std::vector<ingest::events::Event> events =
        from_evtx ? ReadEvtx(t.data, &diags) : ReadJson(t.data, &diags);
    EXPECT_THAT(diags, ::testing::IsEmpty()) << t.info;
    MatchScratch scratch;
    std::vector<int> hits;
    int count = 0;
    for (const ingest::events::Event& e : events) {
      hits.clear();
      set_->Match(e, &scratch, &hits);
      for (int h : hits) count += h == index;
    }
    const bool ok = expected < 0 ? count >= 1 : count == expected;
    if (ok) {
      if (ex == KnownExceptions().end()) ++passed;
    } else {
      failures.push_back(
          absl::StrCat(t.info, ": ", events.size(), " events, ", count,
                       " matches, expected ",
                       expected < 0 ? ">= 1" : absl::StrCat(expected)));
    }
  }
  EXPECT_THAT(failures, ::testing::IsEmpty()) << absl::StrJoin(failures, "\n");
  EXPECT_EQ(passed + excepted, 170);
  EXPECT_EQ(excepted, static_cast<int>(KnownExceptions().size()));
  std::cout << "regression tests from " << (from_evtx ? ".evtx" : ".json")
            << ": " << passed << " passed, " << excepted
            << " known exceptions, " << failures.size() << " failed\n";
}

TEST_F(RegressionCorpusTest, EveryTestGivesItsMatchCountFromJson) {
  CheckAll(/*from_evtx=*/false);
}

TEST_F(RegressionCorpusTest, EveryTestGivesItsMatchCountFromEvtx) {
  CheckAll(/*from_evtx=*/true);
}

}  // namespace
}  // namespace cov::server::engine::sigma_eval
