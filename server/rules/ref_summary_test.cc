#include "server/rules/ref_summary.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cov::server::rules {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

struct Ref {
  std::string id, kind;
  cov::v1::RefStatus status;
  std::string resolved = "";
};

cov::v1::Rule MakeRule(const std::vector<Ref>& refs) {
  cov::v1::Rule r;
  for (const Ref& x : refs) {
    cov::v1::AttackRef* a = r.add_attack_refs();
    a->set_id(x.id);
    a->set_kind(x.kind);
    a->set_status(x.status);
    a->set_resolved_id(x.resolved);
  }
  return r;
}

constexpr auto kUnknown = cov::v1::REF_STATUS_UNKNOWN;
constexpr auto kValid = cov::v1::REF_STATUS_VALID;

std::vector<std::string> Codes(const std::vector<cov::v1::Diagnostic>& ds) {
  std::vector<std::string> out;
  for (const auto& d : ds) out.push_back(d.code());
  return out;
}

TEST(RefSummaryTest, NothingValidCountedWithUnknownIds) {
  RefSummary s("enterprise-attack@18.1");
  // Two v19-only rules, one mixed rule (has a valid ID), one without refs.
  s.Add(MakeRule({{"T1685", "technique", kUnknown},
                  {"stealth", "tactic", kUnknown},
                  {"defense-impairment", "tactic", kUnknown}}));
  s.Add(MakeRule(
      {{"T1685", "technique", kUnknown}, {"T1686", "technique", kUnknown}}));
  s.Add(MakeRule(
      {{"T1197", "technique", kValid}, {"T1685", "technique", kUnknown}}));
  s.Add(MakeRule({}));
  EXPECT_EQ(s.rules_nothing_valid(), 2);
  EXPECT_EQ(s.Summary(),
            "2 rules reference nothing valid in enterprise-attack@18.1 (4 "
            "unknown technique IDs, 2 unknown tactic names \xE2\x80\x94 newer "
            "ATT&CK?)");
  const std::vector<cov::v1::Diagnostic> d = s.Diagnostics();
  EXPECT_THAT(Codes(d),
              ElementsAre("ref-unknown-tactic", "ref-unknown-technique"));
  EXPECT_EQ(d[1].message(),
            "4 references to 2 technique IDs unknown to enterprise-attack@18.1 "
            "in 3 rules (T1685 x3, T1686 x1): newer ATT&CK?");
  EXPECT_EQ(d[1].severity(), cov::v1::SEVERITY_WARNING);
  EXPECT_EQ(d[0].message(),
            "2 references to 2 tactic names unknown to enterprise-attack@18.1 "
            "in 1 rule (defense-impairment x1, stealth x1): newer ATT&CK?");
  EXPECT_EQ(s.SummaryDiagnostic().code(), "ref-summary");
}

TEST(RefSummaryTest, RevokedWithReplacementIsValidButWarned) {
  RefSummary s("enterprise-attack@18.1");
  s.Add(MakeRule(
      {{"T1086", "technique", cov::v1::REF_STATUS_REVOKED, "T1059.001"}}));
  s.Add(MakeRule({{"TA0037", "tactic", cov::v1::REF_STATUS_WRONG_DOMAIN}}));
  EXPECT_EQ(
      s.Summary(),
      "1 rule references nothing valid in enterprise-attack@18.1 (1 ID of "
      "another domain)");
  EXPECT_THAT(Codes(s.Diagnostics()),
              ElementsAre("ref-revoked", "ref-wrong-domain"));
}

TEST(RefSummaryTest, AllValidSaysNothing) {
  RefSummary s("ics-attack@18.1");
  s.Add(MakeRule({{"T0800", "technique", kValid}}));
  EXPECT_EQ(s.Summary(), "");
  EXPECT_THAT(s.Diagnostics(), IsEmpty());
  EXPECT_EQ(s.SummaryDiagnostic().code(), "");
}

}  // namespace
}  // namespace cov::server::rules
