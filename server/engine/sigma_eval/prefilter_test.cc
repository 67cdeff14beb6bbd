// The literal prefilter never changes a result: every SigmaHQ r2026-04-01
// rule compiled with and without it, evaluated over every event of the
// Security-Datasets zips, gives identical match sets.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "ingest/base/file_walk.h"
#include "ingest/events/reader.h"
#include "ingest/sigma/sigma_parser.h"
#include "server/engine/sigma_eval/rule_set.h"
#include "tests/corpus.h"

namespace cov::server::engine::sigma_eval {
namespace {

class CollectSink : public ingest::events::EventSink {
 public:
  void OnEvent(const ingest::events::Event& e) override { events.push_back(e); }
  void OnDiagnostic(const cov::v1::Diagnostic&) override {}
  std::vector<ingest::events::Event> events;
};

TEST(PrefilterTest, SameMatchesWithAndWithoutOnSecurityDatasets) {
  absl::StatusOr<std::string> rules_dir =
      cov::testing::CorpusPath("sigma/sigmahq-r2026-04-01");
  absl::StatusOr<std::string> logs_dir =
      cov::testing::CorpusPath("logs/security-datasets");
  ASSERT_TRUE(rules_dir.ok()) << rules_dir.status();
  ASSERT_TRUE(logs_dir.ok()) << logs_dir.status();
  absl::StatusOr<std::vector<ingest::WalkedFile>> files = ingest::WalkFiles(
      *rules_dir,
      [](absl::string_view r) { return absl::EndsWith(r, ".yml"); });
  ASSERT_TRUE(files.ok()) << files.status();
  ingest::sigma::SigmaParser parser;
  std::vector<cov::v1::Rule> rules;
  for (const ingest::WalkedFile& f : *files) {
    absl::StatusOr<std::string> b = cov::testing::ReadFileToString(f.full);
    ASSERT_TRUE(b.ok()) << b.status();
    ingest::ParsedFile parsed = parser.Parse({f.rel, *b, "sigmahq"});
    for (cov::v1::Rule& r : parsed.rules) rules.push_back(std::move(r));
  }
  RuleSetOptions off;
  off.literal_prefilter = false;
  std::unique_ptr<RuleSet> with = RuleSet::Compile(rules);
  std::unique_ptr<RuleSet> without = RuleSet::Compile(rules, off);
  ASSERT_GT(with->size(), 2000);
  ASSERT_EQ(with->size(), without->size());

  absl::StatusOr<std::vector<ingest::WalkedFile>> zips = ingest::WalkFiles(
      *logs_dir, [](absl::string_view r) { return absl::EndsWith(r, ".zip"); });
  ASSERT_TRUE(zips.ok()) << zips.status();
  ASSERT_FALSE(zips->empty());
  MatchScratch s1, s2;
  std::vector<int> a, b;
  int64_t events = 0, matches = 0, differ = 0;
  for (const ingest::WalkedFile& z : *zips) {
    CollectSink sink;
    ingest::events::ReaderOptions options;
    ingest::events::ReadStats stats;
    ingest::events::ReadEventFile(z.full, z.full, options, sink, stats);
    for (const ingest::events::Event& e : sink.events) {
      a.clear();
      b.clear();
      with->Match(e, &s1, &a);
      without->Match(e, &s2, &b);
      ++events;
      matches += static_cast<int64_t>(b.size());
      if (a != b && ++differ <= 20) {
        ADD_FAILURE() << e.file << ":" << e.record << ": with prefilter ["
                      << absl::StrJoin(a, ",") << "], without ["
                      << absl::StrJoin(b, ",") << "]";
      }
    }
  }
  EXPECT_EQ(differ, 0);
  EXPECT_GT(events, 250000);
  EXPECT_GT(matches, 4000);
}

}  // namespace
}  // namespace cov::server::engine::sigma_eval
