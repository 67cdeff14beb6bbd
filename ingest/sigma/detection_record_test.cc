#include "ingest/sigma/detection_record.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/sigma/internal/yaml_tree.h"

namespace cov::ingest::sigma {
namespace {

using ::testing::ElementsAre;

struct Parsed {
  internal::Arena arena;
  cov::v1::Rule rule;
  absl::Status status;
};

void Fill(const std::string& yaml, Parsed* p, bool correlation = false) {
  internal::ParsedChunk c = internal::ParseYaml(yaml, 0, 0, &p->arena);
  ASSERT_FALSE(c.failed) << c.error.message;
  ASSERT_EQ(c.roots.size(), 1u);
  p->rule.set_is_correlation(correlation);
  p->status = FillSigmaRecord(c.roots[0], &p->rule);
}

TEST(DetectionRecordTest, MapsListsKeywordsAndTypes) {
  Parsed p;
  Fill(R"(title: t
name: my_rule
detection:
  selection:
    Image|endswith:
      - '\cmd.exe'
      - '\pwsh.exe'
    EventID: 4688
    Enabled: true
    Quoted: '12'
    Empty: null
  alternatives:
    - CommandLine|contains|all: [a, b]
    - ParentImage: x
  keywords:
    - 'evil'
    - 42
  condition: (selection or 1 of alt*) and not keywords
  timeframe: 5m
)",
       &p);
  ASSERT_TRUE(p.status.ok()) << p.status;
  EXPECT_EQ(p.rule.sigma_name(), "my_rule");
  const cov::v1::SigmaDetection& d = p.rule.sigma_detection();
  ASSERT_EQ(d.searches_size(), 3);
  EXPECT_THAT(d.conditions(),
              ElementsAre("(selection or 1 of alt*) and not keywords"));
  EXPECT_EQ(d.timeframe(), "5m");

  const cov::v1::SigmaSearch& sel = d.searches(0);
  EXPECT_EQ(sel.name(), "selection");
  EXPECT_EQ(sel.line(), 4);
  ASSERT_EQ(sel.groups_size(), 1);
  const auto& ms = sel.groups(0).matches();
  ASSERT_EQ(ms.size(), 5);
  EXPECT_EQ(ms[0].field(), "Image");
  EXPECT_THAT(ms[0].modifiers(), ElementsAre("endswith"));
  ASSERT_EQ(ms[0].values_size(), 2);
  EXPECT_EQ(ms[0].values(0).text(), "\\cmd.exe");
  EXPECT_EQ(ms[0].values(0).kind(), cov::v1::SigmaValue::KIND_STRING);
  EXPECT_EQ(ms[0].line(), 5);
  EXPECT_EQ(ms[1].values(0).kind(), cov::v1::SigmaValue::KIND_NUMBER);
  EXPECT_EQ(ms[1].values(0).text(), "4688");
  EXPECT_EQ(ms[2].values(0).kind(), cov::v1::SigmaValue::KIND_BOOL);
  EXPECT_EQ(ms[3].values(0).kind(), cov::v1::SigmaValue::KIND_STRING);
  EXPECT_EQ(ms[4].values(0).kind(), cov::v1::SigmaValue::KIND_NULL);

  const cov::v1::SigmaSearch& alt = d.searches(1);
  ASSERT_EQ(alt.groups_size(), 2);
  EXPECT_THAT(alt.groups(0).matches(0).modifiers(),
              ElementsAre("contains", "all"));
  EXPECT_EQ(alt.groups(0).matches(0).values_size(), 2);
  EXPECT_EQ(alt.groups(1).matches(0).field(), "ParentImage");

  const cov::v1::SigmaSearch& kw = d.searches(2);
  ASSERT_EQ(kw.groups_size(), 1);
  ASSERT_EQ(kw.groups(0).matches_size(), 1);
  EXPECT_EQ(kw.groups(0).matches(0).field(), "");
  EXPECT_EQ(kw.groups(0).matches(0).values(1).text(), "42");
}

TEST(DetectionRecordTest, ModifiersAreLowercased) {
  Parsed p;
  Fill("detection:\n  s:\n    A|Contains|ALL: x\n  condition: s\n", &p);
  ASSERT_TRUE(p.status.ok());
  EXPECT_THAT(
      p.rule.sigma_detection().searches(0).groups(0).matches(0).modifiers(),
      ElementsAre("contains", "all"));
}

TEST(DetectionRecordTest, MapValueIsAnErrorNamingTheSearch) {
  Parsed p;
  Fill("detection:\n  sel:\n    A: {b: c}\n    B: ok\n  condition: sel\n", &p);
  EXPECT_EQ(p.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(p.status.message()),
              ::testing::HasSubstr("search 'sel': field 'A'"));
  // The rest is still recorded.
  EXPECT_EQ(p.rule.sigma_detection().searches(0).groups(0).matches_size(), 2);
}

TEST(DetectionRecordTest, Correlation) {
  Parsed p;
  Fill(R"(title: c
correlation:
  type: value_count
  rules:
    - failed_logon
    - 0e95725d-7320-415d-80f7-004da920fc11
  group-by: [ComputerName]
  timespan: 15m
  condition:
    gte: 10
    lt: 100
    field: TargetUserName
  aliases:
    host:
      failed_logon: Computer
  generate: true
)",
       &p, /*correlation=*/true);
  ASSERT_TRUE(p.status.ok()) << p.status;
  const cov::v1::SigmaCorrelation& c = p.rule.sigma_correlation();
  EXPECT_EQ(c.type(), "value_count");
  EXPECT_THAT(c.rules(), ElementsAre("failed_logon",
                                     "0e95725d-7320-415d-80f7-004da920fc11"));
  EXPECT_THAT(c.group_by(), ElementsAre("ComputerName"));
  EXPECT_EQ(c.timespan_seconds(), 900);
  ASSERT_EQ(c.bounds_size(), 2);
  EXPECT_EQ(c.bounds(0).op(), "gte");
  EXPECT_EQ(c.bounds(0).value(), 10);
  EXPECT_EQ(c.bounds(1).op(), "lt");
  EXPECT_EQ(c.field(), "TargetUserName");
  ASSERT_EQ(c.aliases_size(), 1);
  EXPECT_EQ(c.aliases(0).field_by_rule().at("failed_logon"), "Computer");
  EXPECT_TRUE(c.generate());
  EXPECT_FALSE(p.rule.has_sigma_detection());
}

TEST(DetectionRecordTest, BadTimespanAndOperator) {
  Parsed p;
  Fill(
      "correlation:\n  type: event_count\n  rules: r\n  timespan: 5x\n"
      "  condition: {between: 3}\n",
      &p, /*correlation=*/true);
  EXPECT_EQ(p.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(p.status.message()), ::testing::HasSubstr("5x"));
  EXPECT_EQ(p.rule.sigma_correlation().timespan_seconds(), 0);
  EXPECT_THAT(p.rule.sigma_correlation().rules(), ElementsAre("r"));
}

TEST(DetectionRecordTest, Timespans) {
  EXPECT_EQ(*ParseTimespan("30s"), 30);
  EXPECT_EQ(*ParseTimespan("2h"), 7200);
  EXPECT_EQ(*ParseTimespan("1d"), 86400);
  EXPECT_EQ(*ParseTimespan("1w"), 604800);
  EXPECT_FALSE(ParseTimespan("m").ok());
  EXPECT_FALSE(ParseTimespan("-5m").ok());
  EXPECT_FALSE(ParseTimespan("5").ok());
}

}  // namespace
}  // namespace cov::ingest::sigma
