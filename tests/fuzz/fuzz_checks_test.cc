#include "tests/fuzz/fuzz_checks.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "cov/v1/rules.pb.h"
#include "gtest/gtest.h"

namespace cov::tests::fuzz {
namespace {

cov::v1::Rule GoodRule() {
  cov::v1::Rule r;
  r.set_uid("fz:1");
  r.set_format(cov::v1::RULE_FORMAT_SURICATA);
  r.set_line(2);
  r.set_content_hash("0123456789abcdef");
  r.add_attack_refs()->set_line(3);
  return r;
}

cov::v1::Diagnostic GoodDiagnostic() {
  cov::v1::Diagnostic d;
  d.set_code("x-code");
  d.set_line(1);
  d.set_severity(cov::v1::SEVERITY_ERROR);
  return d;
}

TEST(MaxLineTest, CountsEveryLineBreak) {
  EXPECT_EQ(MaxLine(""), 1);
  EXPECT_EQ(MaxLine("a\nb\n"), 3);
  EXPECT_EQ(MaxLine("a\r\nb"), 3);
}

TEST(RequireTest, PassesWhenTrue) {
  Require(true, "never printed");
  SUCCEED();
}

TEST(RequireDeathTest, AbortsWithTheMessage) {
  EXPECT_DEATH(Require(false, "the reason"),
               "fuzz invariant broken: the reason");
}

TEST(CovFuzzRequireTest, BuildsTheMessageOnlyOnFailure) {
  int built = 0;
  auto message = [&built] {
    ++built;
    return std::string("expensive");
  };
  for (int i = 0; i < 3; ++i) COV_FUZZ_REQUIRE(i < 3, message());
  EXPECT_EQ(built, 0);
  EXPECT_DEATH(COV_FUZZ_REQUIRE(1 + 1 == 3, absl::StrCat("sum ", 2)),
               "fuzz invariant broken: sum 2");
}

TEST(RequireRoundTripDeathTest, InvalidUtf8Aborts) {
  cov::v1::Diagnostic d = GoodDiagnostic();
  RequireRoundTrip(d, "valid");
  d.set_message("bad \xff byte");
  EXPECT_DEATH(RequireRoundTrip(d, "bad diag"), "bad diag parses back");
}

TEST(RequireRuleDeathTest, ChecksEachField) {
  RequireRule(GoodRule(), 3, cov::v1::RULE_FORMAT_SURICATA);
  EXPECT_DEATH(RequireRule(GoodRule(), 2, cov::v1::RULE_FORMAT_SURICATA),
               "attack ref");
  EXPECT_DEATH(RequireRule(GoodRule(), 3, cov::v1::RULE_FORMAT_SIGMA),
               "format");
  cov::v1::Rule r = GoodRule();
  r.clear_uid();
  EXPECT_DEATH(RequireRule(r, 3, cov::v1::RULE_FORMAT_SURICATA), "uid");
  r = GoodRule();
  r.set_line(0);
  EXPECT_DEATH(RequireRule(r, 3, cov::v1::RULE_FORMAT_SURICATA), "line in");
  r = GoodRule();
  r.clear_content_hash();
  EXPECT_DEATH(RequireRule(r, 3, cov::v1::RULE_FORMAT_SURICATA),
               "content_hash");
}

TEST(RequireDiagnosticDeathTest, ChecksEachField) {
  RequireDiagnostic(GoodDiagnostic(), 1);
  EXPECT_DEATH(RequireDiagnostic(GoodDiagnostic(), 0), "line in");
  cov::v1::Diagnostic d = GoodDiagnostic();
  d.clear_code();
  EXPECT_DEATH(RequireDiagnostic(d, 5), "has a code");
  d = GoodDiagnostic();
  d.set_column(-1);
  EXPECT_DEATH(RequireDiagnostic(d, 5), "column");
  d = GoodDiagnostic();
  d.set_severity(cov::v1::SEVERITY_UNSPECIFIED);
  EXPECT_DEATH(RequireDiagnostic(d, 5), "severity");
}

}  // namespace
}  // namespace cov::tests::fuzz
