#include "server/engine/sigma_eval/correlator.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace cov::server::engine::sigma_eval {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr int64_t kSec = 1000000;

cov::v1::Rule Detection(absl::string_view uid, absl::string_view name,
                        absl::string_view event_id) {
  cov::v1::Rule r;
  r.set_uid(std::string(uid));
  r.set_sigma_name(std::string(name));
  r.set_format(cov::v1::RULE_FORMAT_SIGMA);
  r.set_logsource_product("windows");
  r.set_logsource_service("security");
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
      absl::StrCat("searches { name: 'sel' groups { matches { field: "
                   "'EventID' values { kind: KIND_NUMBER text: '",
                   event_id, "' } } } } conditions: 'sel'"),
      r.mutable_sigma_detection()));
  return r;
}

cov::v1::Rule Correlation(absl::string_view uid, absl::string_view text) {
  cov::v1::Rule r;
  r.set_uid(std::string(uid));
  r.set_format(cov::v1::RULE_FORMAT_SIGMA);
  r.set_is_correlation(true);
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
      std::string(text), r.mutable_sigma_correlation()));
  return r;
}

ingest::events::Event Ev(absl::string_view id, int64_t t_sec,
                         absl::string_view user, absl::string_view host) {
  ingest::events::Event e;
  e.file = "log";
  e.record = t_sec;
  e.time_us = t_sec * kSec;
  e.fields = {{"Channel", "Security", false},
              {"EventID", std::string(id), false},
              {"TargetUserName", std::string(user), false},
              {"Computer", std::string(host), false},
              {"WorkstationName", std::string(host), false}};
  return e;
}

class CorrelatorTest : public ::testing::Test {
 protected:
  void Build(std::vector<cov::v1::Rule> correlations) {
    rules_ = {Detection("id-failed", "failed_logon", "4625"),
              Detection("id-ok", "ok_logon", "4624")};
    for (cov::v1::Rule& r : correlations) rules_.push_back(std::move(r));
    set_ = RuleSet::Compile(rules_);
    corr_ = Correlator::Compile(rules_, *set_);
  }
  // Replays events (time-ordered) and returns what fired.
  std::vector<CorrelationMatch> Replay(
      const std::vector<ingest::events::Event>& events) {
    std::vector<CorrelationMatch> fired;
    MatchScratch scratch;
    for (const ingest::events::Event& e : events) {
      std::vector<int> hits;
      set_->Match(e, &scratch, &hits);
      for (int h : hits) corr_->Add(h, e, &fired);
    }
    return fired;
  }

  std::vector<cov::v1::Rule> rules_;
  std::unique_ptr<RuleSet> set_;
  std::unique_ptr<Correlator> corr_;
};

TEST_F(CorrelatorTest, EventCountPerGroupWithinTimespan) {
  Build({Correlation("c",
                     "type: 'event_count' rules: 'failed_logon' "
                     "group_by: 'TargetUserName' timespan_seconds: 60 "
                     "bounds { op: 'gte' value: 3 }")});
  ASSERT_EQ(corr_->size(), 1);
  // alice: 3 failures within 60 s -> fires at t=40; bob: 3 spread over 200 s.
  std::vector<CorrelationMatch> fired =
      Replay({Ev("4625", 0, "alice", "h"), Ev("4625", 10, "bob", "h"),
              Ev("4625", 20, "alice", "h"), Ev("4624", 30, "alice", "h"),
              Ev("4625", 40, "alice", "h"), Ev("4625", 110, "bob", "h"),
              Ev("4625", 210, "bob", "h")});
  ASSERT_THAT(fired, SizeIs(1));
  EXPECT_EQ(fired[0].group, "alice");
  EXPECT_EQ(fired[0].value, 3);
  EXPECT_EQ(fired[0].time_us, 40 * kSec);
  EXPECT_EQ(fired[0].where, "log:40");
}

TEST_F(CorrelatorTest, WindowSlidesAndResetsAfterFiring) {
  Build({Correlation("c",
                     "type: 'event_count' rules: 'id-failed' "
                     "timespan_seconds: 10 bounds { op: 'gte' value: 2 }")});
  std::vector<CorrelationMatch> fired =
      Replay({Ev("4625", 0, "a", "h"), Ev("4625", 11, "a", "h"),  // 11 s apart
              Ev("4625", 15, "a", "h"),    // fires (11, 15)
              Ev("4625", 16, "a", "h"),    // window emptied
              Ev("4625", 17, "a", "h")});  // fires again
  ASSERT_THAT(fired, SizeIs(2));
  EXPECT_EQ(fired[0].time_us, 15 * kSec);
  EXPECT_EQ(fired[1].time_us, 17 * kSec);
}

TEST_F(CorrelatorTest, ValueCountCountsDistinctValues) {
  Build({Correlation("c",
                     "type: 'value_count' rules: 'failed_logon' "
                     "group_by: 'Computer' timespan_seconds: 300 "
                     "field: 'TargetUserName' "
                     "bounds { op: 'gte' value: 3 }")});
  std::vector<CorrelationMatch> fired =
      Replay({Ev("4625", 0, "a", "h1"), Ev("4625", 1, "a", "h1"),
              Ev("4625", 2, "b", "h1"), Ev("4625", 3, "c", "h2"),
              Ev("4625", 4, "c", "h1")});
  ASSERT_THAT(fired, SizeIs(1));
  EXPECT_EQ(fired[0].group, "h1");
  EXPECT_EQ(fired[0].value, 3);
}

TEST_F(CorrelatorTest, TemporalAndOrderedWithAliases) {
  const std::string aliases =
      "aliases { alias: 'host' field_by_rule { key: 'failed_logon' value: "
      "'Computer' } field_by_rule { key: 'ok_logon' value: "
      "'WorkstationName' } } group_by: 'host' timespan_seconds: 60 ";
  Build({Correlation("t",
                     "type: 'temporal' rules: 'failed_logon' rules: "
                     "'ok_logon' " +
                         aliases),
         Correlation("o",
                     "type: 'temporal_ordered' rules: 'failed_logon' "
                     "rules: 'ok_logon' " +
                         aliases)});
  ASSERT_EQ(corr_->size(), 2);
  // Success before failure on h1: temporal fires, ordered does not.
  std::vector<CorrelationMatch> fired =
      Replay({Ev("4624", 0, "u", "h1"), Ev("4625", 5, "u", "h1")});
  ASSERT_THAT(fired, SizeIs(1));
  EXPECT_EQ(corr_->rule(fired[0].correlation).uid(), "t");
  // Failure then success on h2 (another group): both fire.
  fired = Replay({Ev("4625", 100, "u", "h2"), Ev("4624", 101, "u", "h2")});
  ASSERT_THAT(fired, SizeIs(2));
  EXPECT_EQ(fired[0].group, "h2");
  // Too far apart: nothing.
  fired = Replay({Ev("4625", 200, "u", "h3"), Ev("4624", 300, "u", "h3")});
  EXPECT_THAT(fired, SizeIs(0));
}

TEST_F(CorrelatorTest, NotEvaluableCorrelationsAreListed) {
  Build({Correlation("sum",
                     "type: 'value_sum' rules: 'failed_logon' "
                     "timespan_seconds: 60"),
         Correlation("unknown",
                     "type: 'event_count' rules: 'nope' "
                     "timespan_seconds: 60 bounds { op: 'gt' value: 1 }"),
         Correlation("nospan", "type: 'temporal' rules: 'failed_logon'"),
         Correlation("nocond",
                     "type: 'event_count' rules: 'failed_logon' "
                     "timespan_seconds: 60")});
  EXPECT_EQ(corr_->size(), 0);
  ASSERT_THAT(corr_->not_evaluable(), SizeIs(4));
  EXPECT_THAT(corr_->not_evaluable()[0].reason, HasSubstr("value_sum"));
  EXPECT_THAT(corr_->not_evaluable()[1].reason, HasSubstr("'nope'"));
  EXPECT_THAT(corr_->not_evaluable()[2].reason, HasSubstr("timespan"));
  EXPECT_THAT(corr_->not_evaluable()[3].reason, HasSubstr("no condition"));
}

}  // namespace
}  // namespace cov::server::engine::sigma_eval
