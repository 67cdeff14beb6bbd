#include "server/check/render.h"

#include <string>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace cov::server::check {
namespace {

using ::google::protobuf::Struct;
using ::google::protobuf::Value;
using ::testing::HasSubstr;

void AddFinding(cov::v1::CheckResponse* r, const std::string& file, int line,
                int col, cov::v1::Severity sev, const std::string& code,
                const std::string& message) {
  cov::v1::Diagnostic* d = r->add_findings();
  d->set_file(file);
  d->set_line(line);
  d->set_column(col);
  d->set_severity(sev);
  d->set_code(code);
  d->set_message(message);
}

// Findings out of order, a message needing escapes in every format, a delta
// with one regression and one allowed loss.
cov::v1::CheckResponse Sample() {
  cov::v1::CheckResponse r;
  AddFinding(&r, "rules/b.yml", 7, 3, cov::v1::SEVERITY_WARNING,
             "attack-revoked",
             "T1086 is revoked in enterprise-attack@18.1; use T1059.001");
  AddFinding(&r, "rules/a.yml", 12, 0, cov::v1::SEVERITY_ERROR,
             "attack-unknown",
             "technique T9999 does not exist in ATT&CK enterprise-attack@18.1");
  AddFinding(&r, "rules/a.yml", 3, 5, cov::v1::SEVERITY_ERROR,
             "sigma-missing-field",
             "missing \"condition\" <in> 'detection' & 100%, see: x");
  AddFinding(&r, "docs/README.md", 0, 0, cov::v1::SEVERITY_WARNING,
             "check-unknown-format", "no parser reads this file");
  cov::v1::CoverageDelta* d = r.mutable_delta();
  d->add_techniques_gained("T1197");
  d->add_techniques_lost("T1105");
  d->add_techniques_lost("T1003");
  d->add_tactics_gained("collection");
  d->add_tactics_lost("impact");
  d->add_regressions("T1105");
  d->set_covered_base(10);
  d->set_covered_head(9);
  r.set_rules_checked(5);
  r.set_files_checked(4);
  r.set_failed(true);
  r.set_rendered("stale");
  return r;
}

RenderOptions SampleOptions() {
  RenderOptions o;
  o.checked_files = {"rules/ok.yml", "rules/a.yml", "rules/b.yml",
                     "docs/README.md"};
  o.regression_locations["T1105"] = {"rules/old.yml", 4};
  return o;
}

TEST(RenderTest, Formats) {
  EXPECT_TRUE(IsRenderFormat("text"));
  EXPECT_TRUE(IsRenderFormat("json"));
  EXPECT_TRUE(IsRenderFormat("sarif"));
  EXPECT_TRUE(IsRenderFormat("junit"));
  EXPECT_TRUE(IsRenderFormat("github"));
  EXPECT_FALSE(IsRenderFormat(""));
  EXPECT_FALSE(IsRenderFormat("xml"));
  EXPECT_EQ(RenderCheck(Sample(), "", RenderOptions()), "");
  EXPECT_EQ(RenderCheck(Sample(), "TEXT", RenderOptions()), "");
}

TEST(RenderTest, Text) {
  EXPECT_EQ(
      RenderCheck(Sample(), "text", SampleOptions()),
      "docs/README.md: warning: no parser reads this file "
      "[check-unknown-format]\n"
      "rules/a.yml:3:5: error: missing \"condition\" <in> 'detection' & "
      "100%, see: x [sigma-missing-field]\n"
      "rules/a.yml:12: error: technique T9999 does not exist in ATT&CK "
      "enterprise-attack@18.1 [attack-unknown]\n"
      "rules/b.yml:7:3: warning: T1086 is revoked in enterprise-attack@18.1; "
      "use T1059.001 [attack-revoked]\n"
      "\n"
      "Coverage: 10 techniques covered at base, 9 at head\n"
      "  + technique T1197 gained\n"
      "  - technique T1105 lost  REGRESSION\n"
      "  - technique T1003 lost (allowed)\n"
      "  + tactic collection gained\n"
      "  - tactic impact lost\n"
      "\n"
      "FAILED: 2 errors, 2 warnings, 1 regression (5 rules in 4 files)\n");
}

TEST(RenderTest, TextOkWithoutDelta) {
  cov::v1::CheckResponse r;
  r.set_rules_checked(1);
  r.set_files_checked(1);
  EXPECT_EQ(RenderCheck(r, "text", RenderOptions()),
            "OK: 0 errors, 0 warnings, 0 regressions (1 rule in 1 file)\n");
  AddFinding(&r, "x.yml", 2, 0, cov::v1::SEVERITY_WARNING, "attack-deprecated",
             "T1999 is deprecated");
  r.mutable_delta()->set_covered_base(1);
  r.mutable_delta()->set_covered_head(1);
  EXPECT_EQ(RenderCheck(r, "text", RenderOptions()),
            "x.yml:2: warning: T1999 is deprecated [attack-deprecated]\n"
            "\n"
            "Coverage: 1 technique covered at base, 1 at head\n"
            "  no technique or tactic gained or lost\n"
            "\n"
            "OK: 0 errors, 1 warning, 0 regressions (1 rule in 1 file)\n");
}

TEST(RenderTest, Json) {
  cov::v1::CheckResponse r;
  AddFinding(&r, "a.yml", 3, 0, cov::v1::SEVERITY_ERROR, "attack-unknown",
             "unknown \"T9999\"");
  r.set_files_checked(1);
  r.set_failed(true);
  r.set_rendered("stale");
  EXPECT_EQ(RenderCheck(r, "json", RenderOptions()),
            "{\n"
            " \"findings\": [\n"
            "  {\n"
            "   \"file\": \"a.yml\",\n"
            "   \"line\": 3,\n"
            "   \"column\": 0,\n"
            "   \"severity\": \"SEVERITY_ERROR\",\n"
            "   \"code\": \"attack-unknown\",\n"
            "   \"message\": \"unknown \\\"T9999\\\"\",\n"
            "   \"object\": \"\"\n"
            "  }\n"
            " ],\n"
            " \"rulesChecked\": 0,\n"
            " \"filesChecked\": 1,\n"
            " \"failed\": true,\n"
            " \"rendered\": \"\",\n"
            " \"regressionTests\": []\n"
            "}\n");
  // Round trip of the full sample, `rendered` cleared.
  cov::v1::CheckResponse back;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(
                  RenderCheck(Sample(), "json", RenderOptions()), &back)
                  .ok());
  cov::v1::CheckResponse want = Sample();
  want.clear_rendered();
  EXPECT_EQ(back.SerializeAsString(), want.SerializeAsString());
}

// Field access on a parsed JSON value; fails the test when absent.
const Value& Get(const Value& v, const std::string& key) {
  static const Value kNull;
  EXPECT_EQ(v.kind_case(), Value::kStructValue) << "not an object at " << key;
  const auto& f = v.struct_value().fields();
  auto it = f.find(key);
  EXPECT_NE(it, f.end()) << "missing property " << key;
  return it == f.end() ? kNull : it->second;
}
const Value& At(const Value& v, int i) {
  static const Value kNull;
  EXPECT_EQ(v.kind_case(), Value::kListValue);
  EXPECT_LT(i, v.list_value().values_size());
  return i < v.list_value().values_size() ? v.list_value().values(i) : kNull;
}
bool Has(const Value& v, const std::string& key) {
  return v.struct_value().fields().count(key) > 0;
}

TEST(RenderTest, SarifParsesAndHasRequiredProperties) {
  const std::string sarif = RenderCheck(Sample(), "sarif", SampleOptions());
  Value log;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(sarif, &log).ok())
      << sarif;
  // sarifLog: version and runs are required.
  EXPECT_EQ(Get(log, "version").string_value(), "2.1.0");
  EXPECT_THAT(Get(log, "$schema").string_value(),
              HasSubstr("sarif-schema-2.1.0"));
  ASSERT_EQ(Get(log, "runs").list_value().values_size(), 1);
  const Value& run = At(Get(log, "runs"), 0);
  // run.tool.driver.name is required.
  const Value& driver = Get(Get(run, "tool"), "driver");
  EXPECT_EQ(Get(driver, "name").string_value(), "cov");
  EXPECT_EQ(Get(driver, "version").string_value(), "0.1.0");
  EXPECT_EQ(Get(driver, "informationUri").string_value(),
            "https://attack.mitre.org/");
  const Value& rules = Get(driver, "rules");
  // Rules in order of first use over the sorted findings, then regressions.
  const std::vector<std::string> want_rules = {
      "check-unknown-format", "sigma-missing-field", "attack-unknown",
      "attack-revoked", "coverage-regression"};
  ASSERT_EQ(rules.list_value().values_size(), 5);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Get(At(rules, i), "id").string_value(), want_rules[i]);
    EXPECT_FALSE(Get(Get(At(rules, i), "shortDescription"), "text")
                     .string_value()
                     .empty());
  }
  EXPECT_EQ(Get(Get(At(rules, 1), "shortDescription"), "text").string_value(),
            "Sigma: missing field");
  EXPECT_EQ(Get(Get(At(rules, 3), "shortDescription"), "text").string_value(),
            "Revoked ATT&CK ID that has a replacement");

  const Value& results = Get(run, "results");
  ASSERT_EQ(results.list_value().values_size(), 5);
  struct Want {
    std::string rule;
    int index;
    std::string level;
    std::string uri;
    int line;  // 0: no region
    int column;
  };
  const std::vector<Want> want = {
      {"check-unknown-format", 0, "warning", "docs/README.md", 0, 0},
      {"sigma-missing-field", 1, "error", "rules/a.yml", 3, 5},
      {"attack-unknown", 2, "error", "rules/a.yml", 12, 0},
      {"attack-revoked", 3, "warning", "rules/b.yml", 7, 3},
      {"coverage-regression", 4, "error", "rules/old.yml", 4, 0},
  };
  for (int i = 0; i < 5; ++i) {
    SCOPED_TRACE(i);
    const Value& res = At(results, i);
    EXPECT_EQ(Get(res, "ruleId").string_value(), want[i].rule);
    EXPECT_EQ(Get(res, "ruleIndex").number_value(), want[i].index);
    EXPECT_EQ(Get(res, "level").string_value(), want[i].level);
    // result.message is required and needs text.
    EXPECT_FALSE(Get(Get(res, "message"), "text").string_value().empty());
    const Value& loc = Get(At(Get(res, "locations"), 0), "physicalLocation");
    EXPECT_EQ(Get(Get(loc, "artifactLocation"), "uri").string_value(),
              want[i].uri);
    EXPECT_EQ(Has(loc, "region"), want[i].line > 0);
    if (want[i].line > 0) {
      const Value& region = Get(loc, "region");
      EXPECT_EQ(Get(region, "startLine").number_value(), want[i].line);
      EXPECT_EQ(Has(region, "startColumn"), want[i].column > 0);
      if (want[i].column > 0) {
        EXPECT_EQ(Get(region, "startColumn").number_value(), want[i].column);
      }
    }
  }
  // Escaped text reads back unchanged.
  EXPECT_EQ(Get(Get(At(results, 1), "message"), "text").string_value(),
            "missing \"condition\" <in> 'detection' & 100%, see: x");
  EXPECT_EQ(Get(Get(At(results, 4), "message"), "text").string_value(),
            "coverage regression: technique T1105 is covered at base but not "
            "at head");
}

TEST(RenderTest, SarifExactSmall) {
  cov::v1::CheckResponse r;
  AddFinding(&r, ".\\rules\\x y.yml", 2, 0, cov::v1::SEVERITY_INFO, "",
             "tab\there\x01");
  r.mutable_delta()->add_techniques_lost("T1105");
  r.mutable_delta()->add_regressions("T1105");
  EXPECT_EQ(RenderCheck(r, "sarif", RenderOptions()),
            R"({
  "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
  "version": "2.1.0",
  "runs": [
    {
      "tool": {
        "driver": {
          "name": "cov",
          "informationUri": "https://attack.mitre.org/",
          "version": "0.1.0",
          "rules": [
            {
              "id": "finding",
              "shortDescription": {
                "text": "Finding"
              }
            },
            {
              "id": "coverage-regression",
              "shortDescription": {
                "text": "Technique covered at base but not at head"
              }
            }
          ]
        }
      },
      "results": [
        {
          "ruleId": "finding",
          "ruleIndex": 0,
          "level": "note",
          "message": {
            "text": "tab\there\u0001"
          },
          "locations": [
            {
              "physicalLocation": {
                "artifactLocation": {
                  "uri": "rules/x%20y.yml",
                  "uriBaseId": "%SRCROOT%"
                },
                "region": {
                  "startLine": 2
                }
              }
            }
          ]
        },
        {
          "ruleId": "coverage-regression",
          "ruleIndex": 1,
          "level": "error",
          "message": {
            "text": "coverage regression: technique T1105 is covered at base but not at head"
          },
          "locations": [
            {
              "physicalLocation": {
                "artifactLocation": {
                  "uri": ".",
                  "uriBaseId": "%SRCROOT%"
                }
              }
            }
          ]
        }
      ]
    }
  ]
}
)");
}

TEST(RenderTest, SarifEmptyIsValid) {
  Value log;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(
          RenderCheck(cov::v1::CheckResponse(), "sarif", RenderOptions()), &log)
          .ok());
  const Value& run = At(Get(log, "runs"), 0);
  EXPECT_EQ(Get(run, "results").list_value().values_size(), 0);
  EXPECT_EQ(
      Get(Get(Get(run, "tool"), "driver"), "rules").list_value().values_size(),
      0);
}

TEST(RenderTest, SarifInvalidUtf8BecomesReplacement) {
  cov::v1::CheckResponse r;
  // Bypass proto UTF-8 checks: set bytes through the mutable string.
  AddFinding(&r, "a.yml", 1, 0, cov::v1::SEVERITY_ERROR, "x", "");
  *r.mutable_findings(0)->mutable_message() = "bad \xff byte, caf\xc3\xa9";
  Value log;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(
                  RenderCheck(r, "sarif", RenderOptions()), &log)
                  .ok());
  EXPECT_EQ(Get(Get(At(Get(At(Get(log, "runs"), 0), "results"), 0), "message"),
                "text")
                .string_value(),
            "bad \xef\xbf\xbd byte, caf\xc3\xa9");
}

TEST(RenderTest, Junit) {
  EXPECT_EQ(
      RenderCheck(Sample(), "junit", SampleOptions()),
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuite name=\"cov check\" tests=\"5\" failures=\"2\" errors=\"0\" "
      "skipped=\"0\">\n"
      "  <testcase classname=\"docs/README.md\" name=\"docs/README.md\">\n"
      "    <system-out>docs/README.md: warning: no parser reads this file "
      "[check-unknown-format]</system-out>\n"
      "  </testcase>\n"
      "  <testcase classname=\"rules/a.yml\" name=\"rules/a.yml\">\n"
      "    <failure message=\"missing &quot;condition&quot; &lt;in&gt; "
      "&apos;detection&apos; &amp; 100%, see: x\" "
      "type=\"sigma-missing-field\">rules/a.yml:3:5: error: missing "
      "&quot;condition&quot; &lt;in&gt; &apos;detection&apos; &amp; 100%, "
      "see: x [sigma-missing-field]</failure>\n"
      "    <failure message=\"technique T9999 does not exist in ATT&amp;CK "
      "enterprise-attack@18.1\" type=\"attack-unknown\">rules/a.yml:12: "
      "error: technique T9999 does not exist in ATT&amp;CK "
      "enterprise-attack@18.1 [attack-unknown]</failure>\n"
      "  </testcase>\n"
      "  <testcase classname=\"rules/b.yml\" name=\"rules/b.yml\">\n"
      "    <system-out>rules/b.yml:7:3: warning: T1086 is revoked in "
      "enterprise-attack@18.1; use T1059.001 [attack-revoked]</system-out>\n"
      "  </testcase>\n"
      "  <testcase classname=\"rules/ok.yml\" name=\"rules/ok.yml\"/>\n"
      "  <testcase classname=\"cov\" name=\"coverage\">\n"
      "    <failure message=\"coverage regression: technique T1105 is "
      "covered at base but not at head\" type=\"coverage-regression\">"
      "coverage regression: technique T1105 is covered at base but not at "
      "head</failure>\n"
      "  </testcase>\n"
      "</testsuite>\n");
}

int Count(const std::string& hay, const std::string& needle) {
  int n = 0;
  for (size_t at = hay.find(needle); at != std::string::npos;
       at = hay.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

TEST(RenderTest, JunitCountsFollowFailOn) {
  RenderOptions o = SampleOptions();
  o.fail_on = cov::v1::SEVERITY_WARNING;
  const std::string xml = RenderCheck(Sample(), "junit", o);
  EXPECT_THAT(xml, HasSubstr("tests=\"5\" failures=\"4\""));
  EXPECT_EQ(Count(xml, "<testcase "), 5);
  EXPECT_EQ(Count(xml, "<failure "), 5);  // 4 findings + 1 regression
  EXPECT_EQ(Count(xml, "<system-out>"), 0);

  // No checked_files: testcases come from the findings; no delta, no
  // coverage testcase.
  cov::v1::CheckResponse r;
  AddFinding(&r, "", 0, 0, cov::v1::SEVERITY_ERROR, "x", "a\x02\r\nb");
  const std::string bare = RenderCheck(r, "junit", RenderOptions());
  EXPECT_THAT(bare, HasSubstr("tests=\"1\" failures=\"1\""));
  EXPECT_THAT(bare, HasSubstr("name=\"&lt;input&gt;\""));
  EXPECT_THAT(bare, HasSubstr("message=\"a\xef\xbf\xbd&#13;&#10;b\""));
  EXPECT_THAT(bare,
              HasSubstr(">&lt;input&gt;: error: a\xef\xbf\xbd&#13;\nb [x]<"));
  EXPECT_EQ(Count(bare, "<testcase "), 1);
}

TEST(RenderTest, Github) {
  EXPECT_EQ(
      RenderCheck(Sample(), "github", SampleOptions()),
      "::warning file=docs/README.md,title=check-unknown-format::no "
      "parser reads this file\n"
      "::error file=rules/a.yml,line=3,col=5,title=sigma-missing-field::"
      "missing \"condition\" <in> 'detection' & 100%25, see: x\n"
      "::error file=rules/a.yml,line=12,title=attack-unknown::technique "
      "T9999 does not exist in ATT&CK enterprise-attack@18.1\n"
      "::warning file=rules/b.yml,line=7,col=3,title=attack-revoked::"
      "T1086 is revoked in enterprise-attack@18.1; use T1059.001\n"
      "::error file=rules/old.yml,line=4,title=coverage-regression::"
      "coverage regression: technique T1105 is covered at base but not "
      "at head\n"
      "FAILED: 2 errors, 2 warnings, 1 regression (5 rules in 4 files)\n");
}

TEST(RenderTest, GithubEscaping) {
  cov::v1::CheckResponse r;
  AddFinding(&r, "odd,dir/a:b.yml", 1, 2, cov::v1::SEVERITY_INFO, "c:d,e",
             "50% done\r\nnext: a, b");
  r.mutable_delta()->add_regressions("T1105");  // no location known
  r.set_failed(true);
  EXPECT_EQ(
      RenderCheck(r, "github", RenderOptions()),
      "::notice file=odd%2Cdir/a%3Ab.yml,line=1,col=2,title=c%3Ad%2Ce::"
      "50%25 done%0D%0Anext: a, b\n"
      "::error title=coverage-regression::coverage regression: "
      "technique T1105 is covered at base but not at head\n"
      "FAILED: 0 errors, 0 warnings, 1 regression (0 rules in 0 files)\n");
}

}  // namespace
}  // namespace cov::server::check
