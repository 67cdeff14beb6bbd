#include "ingest/sigma/sigma_parser.h"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/base/hash.h"

namespace cov::ingest::sigma {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

ParsedFile Parse(absl::string_view text,
                 const std::string& path = "rules/test.yml") {
  SigmaParser parser;
  return parser.Parse({path, text, "src"});
}

// "code@line" for every diagnostic, in order.
std::vector<std::string> Diags(const ParsedFile& f) {
  std::vector<std::string> out;
  for (const auto& d : f.diagnostics) {
    out.push_back(absl::StrCat(d.code(), "@", d.line()));
  }
  return out;
}

// "code@line:column".
std::vector<std::string> DiagsWithColumn(const ParsedFile& f) {
  std::vector<std::string> out;
  for (const auto& d : f.diagnostics) {
    out.push_back(absl::StrCat(d.code(), "@", d.line(), ":", d.column()));
  }
  return out;
}

std::string Refs(const cov::v1::Rule& r) {
  std::string out;
  for (const auto& a : r.attack_refs()) {
    absl::StrAppend(&out, out.empty() ? "" : " ", a.kind(), ":", a.id(), "@",
                    a.line());
  }
  return out;
}

constexpr char kGood[] = R"(title: Suspicious Whoami
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
status: test
description: Detects whoami
references:
    - https://example.com/a
    - https://example.com/b
author: Florian Roth
date: 2021/05/01
modified: 2023-01-02
tags:
    - attack.discovery
    - attack.t1033
    - attack.t1059.001
    - attack.defense_evasion
    - attack.g0032
    - attack.s0002
    - attack.c0010
    - cve.2021-44228
    - attack.t1033
logsource:
    category: process_creation
    product: windows
    service: sysmon
detection:
    selection:
        Image|endswith: '\whoami.exe'
    filter_main:
        User: SYSTEM
    condition: selection and not 1 of filter_*
falsepositives:
    - Admin activity
level: high
)";

TEST(SigmaParserTest, ValidRuleFields) {
  ParsedFile f = Parse(kGood);
  EXPECT_THAT(Diags(f), IsEmpty());
  ASSERT_THAT(f.rules, SizeIs(1));
  const cov::v1::Rule& r = f.rules[0];
  EXPECT_EQ(r.uid(), "929a690e-bef0-4204-a928-ef5e620d6fcc");
  EXPECT_EQ(r.format(), cov::v1::RULE_FORMAT_SIGMA);
  EXPECT_EQ(r.source(), "src");
  EXPECT_EQ(r.file(), "rules/test.yml");
  EXPECT_EQ(r.line(), 1);
  EXPECT_EQ(r.title(), "Suspicious Whoami");
  EXPECT_TRUE(r.enabled());
  EXPECT_FALSE(r.is_correlation());
  EXPECT_EQ(r.status(), "test");
  EXPECT_EQ(r.level(), "high");
  EXPECT_EQ(r.logsource_category(), "process_creation");
  EXPECT_EQ(r.logsource_product(), "windows");
  EXPECT_EQ(r.logsource_service(), "sysmon");
  EXPECT_THAT(r.references(),
              ElementsAre("https://example.com/a", "https://example.com/b"));
  EXPECT_THAT(r.falsepositives(), ElementsAre("Admin activity"));
  EXPECT_EQ(r.author(), "Florian Roth");
  EXPECT_EQ(r.date(), "2021/05/01");  // text as written
  EXPECT_EQ(r.modified(), "2023-01-02");
  EXPECT_THAT(r.tags(), SizeIs(9));
  EXPECT_EQ(r.tags(7), "cve.2021-44228");
  EXPECT_THAT(r.content_hash(), SizeIs(16));
  EXPECT_EQ(r.content_hash(), Fnv1a64Hex(kGood));
  EXPECT_EQ(r.attack_refs_size(), 7);  // cve ignored, t1033 deduplicated
}

TEST(SigmaParserTest, AttackRefsFromTags) {
  ParsedFile f = Parse(kGood);
  ASSERT_THAT(f.rules, SizeIs(1));
  const cov::v1::Rule& r = f.rules[0];
  EXPECT_EQ(Refs(r),
            "tactic:discovery@12 technique:T1033@13 technique:T1059.001@14 "
            "tactic:defense-evasion@15 group:G0032@16 software:S0002@17 "
            "campaign:C0010@18");
  for (const auto& a : r.attack_refs()) {
    EXPECT_EQ(a.origin(), "tags");
    EXPECT_EQ(a.status(), cov::v1::REF_STATUS_UNSPECIFIED);
    EXPECT_TRUE(a.resolved_id().empty());
  }
  EXPECT_EQ(r.attack_refs(3).raw(), "attack.defense_evasion");
  EXPECT_EQ(r.attack_refs(1).raw(), "attack.t1033");
}

TEST(SigmaParserTest, MalformedAttackTagIsAWarning) {
  std::string text = absl::StrReplaceAll(
      kGood,
      {{"    - attack.c0010\n", "    - attack.c0010\n    - attack.t10\n"}});
  ParsedFile f = Parse(text);
  EXPECT_THAT(Diags(f), ElementsAre("sigma-invalid-attack-tag@19"));
  ASSERT_THAT(f.rules, SizeIs(1));
  EXPECT_EQ(f.diagnostics[0].severity(), cov::v1::SEVERITY_WARNING);
  EXPECT_EQ(f.diagnostics[0].object(), f.rules[0].uid());
}

TEST(SigmaParserTest, Accepts) {
  SigmaParser p;
  EXPECT_TRUE(p.Accepts("rules/a.yml"));
  EXPECT_TRUE(p.Accepts("rules/a.YAML"));
  EXPECT_TRUE(p.Accepts("A.Yml"));
  EXPECT_FALSE(p.Accepts("README.md"));
  EXPECT_FALSE(p.Accepts("rules/a.yml.bak"));
  EXPECT_FALSE(p.Accepts("LICENSE"));
  EXPECT_EQ(p.format(), cov::v1::RULE_FORMAT_SIGMA);
}

TEST(SigmaParserTest, MissingIdFallsBackToFileUid) {
  ParsedFile f = Parse(
      "title: T\nlogsource: {product: x}\n"
      "detection: {sel: {a: 1}, condition: sel}\n",
      "dir/no_id.yml");
  EXPECT_THAT(Diags(f), ElementsAre("sigma-missing-id@1"));
  EXPECT_EQ(f.diagnostics[0].severity(), cov::v1::SEVERITY_WARNING);
  ASSERT_THAT(f.rules, SizeIs(1));
  EXPECT_EQ(f.rules[0].uid(), "src:dir/no_id.yml#0");
  EXPECT_EQ(f.diagnostics[0].object(), "src:dir/no_id.yml#0");
}

TEST(SigmaParserTest, InvalidIdStatusLevel) {
  ParsedFile f = Parse(R"(title: T
id: not-a-uuid
status: testing
level: severe
logsource:
    product: windows
detection:
    sel:
        a: 1
    condition: sel
)");
  EXPECT_THAT(Diags(f),
              ElementsAre("sigma-invalid-id@2", "sigma-invalid-status@3",
                          "sigma-invalid-level@4"));
  for (const auto& d : f.diagnostics) {
    EXPECT_EQ(d.severity(), cov::v1::SEVERITY_ERROR);
    EXPECT_EQ(d.object(), "not-a-uuid");
  }
  ASSERT_THAT(f.rules, SizeIs(1));  // still returned
  EXPECT_EQ(f.rules[0].status(), "testing");
  EXPECT_EQ(f.rules[0].level(), "severe");
}

TEST(SigmaParserTest, UppercaseUuidIsValidAndAllStatusesAndLevels) {
  for (const char* status :
       {"stable", "test", "experimental", "deprecated", "unsupported"}) {
    for (const char* level :
         {"informational", "low", "medium", "high", "critical"}) {
      ParsedFile f = Parse(absl::StrCat(
          "title: T\nid: 929A690E-BEF0-4204-A928-EF5E620D6FCC\nstatus: ",
          status, "\nlevel: ", level,
          "\nlogsource: {product: x}\n"
          "detection: {sel: {a: 1}, condition: sel}\n"));
      EXPECT_THAT(Diags(f), IsEmpty()) << status << " " << level;
    }
  }
}

TEST(SigmaParserTest, MissingRequiredFields) {
  ParsedFile f = Parse(
      "id: 929a690e-bef0-4204-a928-ef5e620d6fcc\n"
      "description: no title, no logsource\n"
      "detection:\n"
      "    sel:\n"
      "        a: 1\n");
  EXPECT_THAT(Diags(f),
              ElementsAre("sigma-missing-field@1", "sigma-missing-field@1",
                          "sigma-missing-field@3"));
  EXPECT_THAT(f.diagnostics[0].message(), HasSubstr("'title'"));
  EXPECT_THAT(f.diagnostics[1].message(), HasSubstr("'logsource'"));
  EXPECT_THAT(f.diagnostics[2].message(), HasSubstr("'detection.condition'"));

  f = Parse(
      "title: T\nid: 929a690e-bef0-4204-a928-ef5e620d6fcc\n"
      "logsource: {product: x}\n");
  EXPECT_THAT(Diags(f), ElementsAre("sigma-missing-field@1"));
  EXPECT_THAT(f.diagnostics[0].message(), HasSubstr("'detection'"));
}

TEST(SigmaParserTest, WrongFieldTypes) {
  ParsedFile f = Parse(R"(title: [a, b]
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
logsource: windows
tags: attack.t1059
references:
    - {a: 1}
detection:
    - sel
)");
  EXPECT_THAT(Diags(f),
              ElementsAre("sigma-invalid-field@1", "sigma-invalid-field@6",
                          "sigma-invalid-field@4", "sigma-invalid-field@3",
                          "sigma-invalid-field@8"));
  ASSERT_THAT(f.rules, SizeIs(1));
  // A lone string where a list belongs is kept as one item.
  EXPECT_THAT(f.rules[0].tags(), ElementsAre("attack.t1059"));
  EXPECT_EQ(Refs(f.rules[0]), "technique:T1059@4");
}

TEST(SigmaParserTest, ConditionSyntaxErrorWithColumn) {
  ParsedFile f = Parse(R"(title: T
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
logsource: {product: x}
detection:
    sel:
        a: 1
    condition: sel and and sel
)");
  EXPECT_THAT(DiagsWithColumn(f), ElementsAre("sigma-condition-syntax@7:24"));
  EXPECT_THAT(f.diagnostics[0].message(), HasSubstr("found 'and'"));

  f = Parse(R"(title: T
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
logsource: {product: x}
detection:
    sel:
        a: 1
    condition: '(sel'
)");
  EXPECT_THAT(DiagsWithColumn(f), ElementsAre("sigma-condition-syntax@7:21"));
}

TEST(SigmaParserTest, UndefinedIdentifiersAndPatterns) {
  ParsedFile f = Parse(R"(title: T
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
logsource: {product: x}
detection:
    selection_a:
        a: 1
    _hidden:
        b: 2
    condition: selection_a and not filter and 1 of sel_* and all of selection_*
)");
  EXPECT_THAT(DiagsWithColumn(f),
              ElementsAre("sigma-undefined-identifier@9:36",
                          "sigma-undefined-identifier@9:47"));
  EXPECT_THAT(f.diagnostics[0].message(), HasSubstr("'filter'"));
  EXPECT_THAT(f.diagnostics[1].message(), HasSubstr("pattern 'sel_*'"));
  EXPECT_EQ(f.diagnostics[0].severity(), cov::v1::SEVERITY_ERROR);

  // `them` ignores identifiers starting with '_'.
  f = Parse(
      "title: T\nid: 929a690e-bef0-4204-a928-ef5e620d6fcc\n"
      "logsource: {product: x}\n"
      "detection:\n  _x: {a: 1}\n  condition: 1 of them\n");
  EXPECT_THAT(Diags(f), ElementsAre("sigma-undefined-identifier@6"));
  EXPECT_THAT(f.diagnostics[0].message(), HasSubstr("'them'"));
}

TEST(SigmaParserTest, ConditionListEachChecked) {
  ParsedFile f = Parse(R"(title: T
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
logsource: {product: x}
detection:
    sel1: {a: 1}
    sel2: {b: 1}
    condition:
        - sel1
        - sel2 or sel3
        - sel1 or
)");
  EXPECT_THAT(Diags(f), ElementsAre("sigma-undefined-identifier@9",
                                    "sigma-condition-syntax@10"));
}

TEST(SigmaParserTest, LegacyAggregationIsAWarning) {
  ParsedFile f = Parse(R"(title: T
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
logsource: {product: x}
detection:
    selection: {a: 1}
    timeframe: 24h
    condition: selection | count() by x > 5
)");
  EXPECT_THAT(DiagsWithColumn(f),
              ElementsAre("sigma-deprecated-aggregation@7:26"));
  EXPECT_EQ(f.diagnostics[0].severity(), cov::v1::SEVERITY_WARNING);

  // Identifiers used by `near` must exist too.
  f = Parse(R"(title: T
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
logsource: {product: x}
detection:
    selection: {a: 1}
    condition: selection | near other
)");
  EXPECT_THAT(Diags(f), ElementsAre("sigma-deprecated-aggregation@6",
                                    "sigma-undefined-identifier@6"));
}

TEST(SigmaParserTest, UppercaseKeywordsAndAnyOfAreWarnings) {
  ParsedFile f = Parse(R"(title: T
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
logsource: {product: x}
detection:
    sel1: {a: 1}
    sel2: {a: 1}
    condition: sel1 AND NOT any of sel2*
)");
  EXPECT_THAT(Diags(f), ElementsAre("sigma-condition-keyword-case@7",
                                    "sigma-condition-any-of@7"));
  for (const auto& d : f.diagnostics) {
    EXPECT_EQ(d.severity(), cov::v1::SEVERITY_WARNING);
  }
}

TEST(SigmaParserTest, BadSearchIdentifiers) {
  ParsedFile f = Parse(R"(title: T
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
logsource: {product: x}
detection:
    sel: just a string
    empty: []
    nothing:
    sel|endswith:
        Image: x
    condition: 1 of sel* or empty or nothing
)");
  EXPECT_THAT(Diags(f), ElementsAre("sigma-invalid-detection@5",
                                    "sigma-invalid-detection@6",
                                    "sigma-invalid-detection@7",
                                    "sigma-invalid-identifier-name@8"));
}

TEST(SigmaParserTest, DuplicateKeys) {
  ParsedFile f = Parse(R"(title: T
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
logsource: {product: x}
detection:
    sel:
        Image: a
        Image: b
    condition: sel
level: low
level: high
)");
  EXPECT_THAT(Diags(f),
              ElementsAre("sigma-duplicate-key@7", "sigma-duplicate-key@10"));
  ASSERT_THAT(f.rules, SizeIs(1));
  EXPECT_EQ(f.rules[0].level(), "high");  // last wins, like PyYAML
  EXPECT_EQ(f.diagnostics[0].object(), f.rules[0].uid());
}

constexpr char kGlobal[] = R"(action: global
title: Shared Title
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
status: experimental
tags:
    - attack.t1086
detection:
    condition: selection
level: critical
---
logsource:
    product: windows
    service: sysmon
detection:
    selection:
        EventID: 1
---
# second rule
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        Image: x
level: low
)";

TEST(SigmaParserTest, ActionGlobalMergesIntoEachFollowingDocument) {
  ParsedFile f = Parse(kGlobal);
  // The second rule shares the global id: warned, uid made unique.
  EXPECT_THAT(Diags(f), ElementsAre("sigma-duplicate-id@3"));
  ASSERT_THAT(f.rules, SizeIs(2));
  const cov::v1::Rule& a = f.rules[0];
  const cov::v1::Rule& b = f.rules[1];
  EXPECT_EQ(a.uid(), "929a690e-bef0-4204-a928-ef5e620d6fcc");
  EXPECT_EQ(b.uid(), "929a690e-bef0-4204-a928-ef5e620d6fcc#2");
  EXPECT_EQ(f.diagnostics[0].object(), b.uid());
  EXPECT_EQ(a.title(), "Shared Title");
  EXPECT_EQ(b.title(), "Shared Title");
  EXPECT_EQ(a.line(), 11);
  EXPECT_EQ(b.line(), 19);
  EXPECT_EQ(a.logsource_service(), "sysmon");
  EXPECT_EQ(b.logsource_category(), "process_creation");
  EXPECT_EQ(a.level(), "critical");
  EXPECT_EQ(b.level(), "critical");  // the global value wins, as in sigmac
  EXPECT_EQ(Refs(a), "technique:T1086@6");
  EXPECT_EQ(Refs(b), "technique:T1086@6");
  EXPECT_NE(a.content_hash(), b.content_hash());
}

TEST(SigmaParserTest, ActionResetAndRepeat) {
  ParsedFile f = Parse(R"(action: global
logsource: {product: windows}
---
title: A
id: 11111111-1111-1111-1111-111111111111
detection: {sel: {a: 1}, condition: sel}
---
action: repeat
title: A2
id: 22222222-2222-2222-2222-222222222222
---
action: reset
---
title: B
id: 33333333-3333-3333-3333-333333333333
detection: {sel: {a: 1}, condition: sel}
)");
  // B has no logsource any more: the reset dropped the global one.
  EXPECT_THAT(Diags(f), ElementsAre("sigma-missing-field@14"));
  ASSERT_THAT(f.rules, SizeIs(3));
  EXPECT_EQ(f.rules[0].logsource_product(), "windows");
  EXPECT_EQ(f.rules[1].title(), "A2");
  EXPECT_EQ(f.rules[1].uid(), "22222222-2222-2222-2222-222222222222");
  EXPECT_EQ(f.rules[1].logsource_product(), "windows");
  EXPECT_EQ(f.rules[2].logsource_product(), "");
}

TEST(SigmaParserTest, RepeatWithoutRuleAndUnknownAction) {
  ParsedFile f = Parse(R"(action: repeat
title: A
---
action: frobnicate
title: T
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
logsource: {product: x}
detection: {sel: {a: 1}, condition: sel}
)");
  EXPECT_THAT(Diags(f),
              ElementsAre("sigma-invalid-action@1", "sigma-invalid-action@4"));
  ASSERT_THAT(f.rules, SizeIs(1));
  EXPECT_EQ(f.diagnostics[1].object(), f.rules[0].uid());
}

TEST(SigmaParserTest, GlobalOnlyFileHasNoRules) {
  ParsedFile f = Parse("action: global\ntitle: X\n");
  EXPECT_THAT(f.rules, IsEmpty());
  EXPECT_THAT(Diags(f), IsEmpty());
}

TEST(SigmaParserTest, CorrelationRules) {
  ParsedFile f = Parse(R"(title: Many failed logins
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
status: test
correlation:
    type: event_count
    rules:
        - failed_login
    group-by:
        - User
    timespan: 5m
    condition:
        gte: 10
tags:
    - attack.t1110
level: high
---
title: Failed login
name: failed_login
id: 0e95725d-7320-415d-80f7-004da920fc11
logsource: {product: windows, service: security}
detection:
    selection: {EventID: 4625}
    condition: selection
)");
  EXPECT_THAT(Diags(f), IsEmpty());
  ASSERT_THAT(f.rules, SizeIs(2));
  EXPECT_TRUE(f.rules[0].is_correlation());
  EXPECT_EQ(Refs(f.rules[0]), "technique:T1110@14");
  EXPECT_FALSE(f.rules[1].is_correlation());
  EXPECT_EQ(f.rules[1].line(), 17);

  f = Parse(
      "title: C\nid: 929a690e-bef0-4204-a928-ef5e620d6fcc\n"
      "correlation:\n  type: bogus\n");
  EXPECT_THAT(Diags(f), ElementsAre("sigma-invalid-correlation@4",
                                    "sigma-invalid-correlation@3",
                                    "sigma-invalid-correlation@3"));
  ASSERT_THAT(f.rules, SizeIs(1));
  EXPECT_TRUE(f.rules[0].is_correlation());
}

// Issue 15 item 1: `correlation:` holding an author's note on a detection
// rule is an unknown key, not a correlation rule; the rule still counts.
TEST(SigmaParserTest, CorrelationKeyThatIsNoCorrelationRuleIsAWarning) {
  ParsedFile f = Parse(R"(title: Logon with explicit credentials
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
correlation: correlate TargetLogonId with event 4624
logsource: {product: windows, service: security}
detection:
    selection: {EventID: 4648}
    condition: selection
tags:
    - attack.t1078
)");
  EXPECT_THAT(DiagsWithColumn(f), ElementsAre("sigma-unknown-key@3:1"));
  EXPECT_EQ(f.diagnostics[0].message(),
            "unknown key 'correlation' (a scalar beside 'detection'): not a "
            "correlation rule; read as a detection rule");
  EXPECT_EQ(f.diagnostics[0].severity(), cov::v1::SEVERITY_WARNING);
  ASSERT_THAT(f.rules, SizeIs(1));
  EXPECT_FALSE(f.rules[0].is_correlation());
  EXPECT_EQ(Refs(f.rules[0]), "technique:T1078@9");

  // A mapping with `type` beside `detection:` is still a detection rule.
  f = Parse(R"(title: X
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
logsource: {product: windows}
detection:
    selection: {EventID: 1}
    condition: selection
correlation:
    type: event_count
)");
  EXPECT_THAT(DiagsWithColumn(f), ElementsAre("sigma-unknown-key@7:1"));
  EXPECT_THAT(f.diagnostics[0].message(),
              HasSubstr("(a mapping beside 'detection')"));
  ASSERT_THAT(f.rules, SizeIs(1));
  EXPECT_FALSE(f.rules[0].is_correlation());

  // A mapping without `type` and no detection: a detection rule missing its
  // detection, not a correlation rule.
  f = Parse(R"(title: X
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
logsource: {product: windows}
correlation:
    rules: [a]
)");
  EXPECT_THAT(DiagsWithColumn(f),
              ElementsAre("sigma-unknown-key@4:1", "sigma-missing-field@1:1"));
  EXPECT_THAT(f.diagnostics[0].message(),
              HasSubstr("(a mapping without 'type')"));
  ASSERT_THAT(f.rules, SizeIs(1));
  EXPECT_FALSE(f.rules[0].is_correlation());
}

TEST(SigmaParserTest, FilterDocumentsAndNonRulesAreSkippedWithWarnings) {
  ParsedFile f = Parse(R"(title: Filter out admin
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
logsource: {product: windows}
filter:
    rules: [some-rule]
    selection: {User: admin}
    condition: not selection
)");
  EXPECT_THAT(Diags(f), ElementsAre("sigma-filter-skipped@1"));
  EXPECT_THAT(f.rules, IsEmpty());

  f = Parse("backends:\n  - splunk\nfieldmappings:\n  a: b\n", "config.yml");
  EXPECT_THAT(Diags(f), ElementsAre("sigma-not-a-rule@1"));
  EXPECT_EQ(f.diagnostics[0].severity(), cov::v1::SEVERITY_WARNING);
  EXPECT_THAT(f.rules, IsEmpty());

  f = Parse("- a\n- b\n");
  EXPECT_THAT(Diags(f), ElementsAre("sigma-not-a-rule@1"));
  f = Parse("just a scalar\n");
  EXPECT_THAT(Diags(f), ElementsAre("sigma-not-a-rule@1"));
}

// Issue 15 item 7: an empty .yml is said to hold no rule.
TEST(SigmaParserTest, EmptyFiles) {
  EXPECT_THAT(DiagsWithColumn(Parse("")), ElementsAre("sigma-empty-file@1:1"));
  EXPECT_THAT(Diags(Parse("# only a comment\n\n")),
              ElementsAre("sigma-empty-file@1"));
  EXPECT_THAT(Diags(Parse("---\n---\n")), ElementsAre("sigma-empty-file@1"));
  EXPECT_THAT(Diags(Parse("  \n\n")), ElementsAre("sigma-empty-file@1"));
  EXPECT_EQ(Parse("").diagnostics[0].severity(), cov::v1::SEVERITY_WARNING);
  EXPECT_EQ(Parse("").diagnostics[0].message(),
            "file holds no YAML document (empty, or only comments and "
            "separators): no rule");
  EXPECT_THAT(Parse("").rules, IsEmpty());
}

// Issue 15 item 7: UTF-16 (with or without a byte-order mark) is named.
TEST(SigmaParserTest, Utf16FileIsNamedNotCalledBinary) {
  const std::string le("\xFF\xFEt\0i\0t\0l\0e\0:\0 \0X\0\n\0", 20);
  ParsedFile f = Parse(le);
  EXPECT_THAT(DiagsWithColumn(f), ElementsAre("sigma-utf16-file@1:1"));
  EXPECT_EQ(f.diagnostics[0].message(),
            "file is UTF-16LE, not UTF-8: convert it to UTF-8 (e.g. iconv -f "
            "UTF-16 -t UTF-8); not parsed");
  const std::string be_no_bom("\0t\0i\0t\0l\0e\0:\0 \0X\0\n", 18);
  EXPECT_THAT(Parse(be_no_bom).rules, IsEmpty());
  EXPECT_THAT(Diags(Parse(be_no_bom)), ElementsAre("sigma-utf16-file@1"));
  EXPECT_THAT(Parse(be_no_bom).diagnostics[0].message(), HasSubstr("UTF-16BE"));
  // A NUL elsewhere is still binary.
  EXPECT_THAT(Diags(Parse(std::string("title: x\n\0\n", 11))),
              ElementsAre("sigma-binary-file@2"));
}

// Issue 15 item 7: a TAB used as indentation is named at its column.
TEST(SigmaParserTest, TabIndentationIsNamedAtTheTab) {
  ParsedFile f = Parse(
      "title: X\nlogsource:\n  product: windows\ndetection:\n"
      "  sel:\n  \tImage: x.exe\n  condition: sel\n");
  ASSERT_THAT(f.diagnostics, SizeIs(1));
  EXPECT_EQ(f.diagnostics[0].code(), "sigma-yaml-syntax");
  EXPECT_EQ(f.diagnostics[0].line(), 6);
  EXPECT_EQ(f.diagnostics[0].column(), 3);
  EXPECT_THAT(f.diagnostics[0].message(),
              ::testing::StartsWith("invalid YAML: TAB used for indentation"));
  // A TAB inside a value is no indentation problem.
  f = Parse(
      "title: \"a\tb\"\nlogsource: {product: x}\n"
      "detection: {sel: {a: 1}, condition: sel}\n");
  EXPECT_THAT(Diags(f), ElementsAre("sigma-missing-id@1"));
}

// Issue 15 item 7: `t1070.006` without `attack.` is warned about.
TEST(SigmaParserTest, TechniqueTagWithoutAttackPrefixIsWarned) {
  ParsedFile f = Parse(R"(title: X
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
logsource: {product: windows}
detection: {sel: {a: 1}, condition: sel}
tags:
    - attack.defense-evasion
    - t1070.006
    - T1059
    - cve.2021-44228
    - tlp.white
)");
  EXPECT_THAT(DiagsWithColumn(f),
              ElementsAre("sigma-attack-tag-without-prefix@7:7",
                          "sigma-attack-tag-without-prefix@8:7"));
  EXPECT_EQ(f.diagnostics[0].message(),
            "tag 't1070.006' looks like an ATT&CK technique but lacks the "
            "'attack.' namespace, so it is not counted: did you mean "
            "attack.t1070.006?");
  EXPECT_THAT(f.diagnostics[1].message(), HasSubstr("attack.t1059?"));
  ASSERT_THAT(f.rules, SizeIs(1));
  EXPECT_EQ(Refs(f.rules[0]), "tactic:defense-evasion@6");
}

TEST(SigmaParserTest, YamlSyntaxErrorKeepsOtherDocuments) {
  ParsedFile f = Parse(R"(title: A
id: 11111111-1111-1111-1111-111111111111
logsource: {product: x}
detection: {sel: {a: 1}, condition: sel}
---
title: Broken
detection: [unclosed
  sel: 1
---
title: C
id: 33333333-3333-3333-3333-333333333333
logsource: {product: x}
detection: {sel: {a: 1}, condition: sel}
)");
  ASSERT_THAT(f.diagnostics, SizeIs(1));
  EXPECT_EQ(f.diagnostics[0].code(), "sigma-yaml-syntax");
  EXPECT_EQ(f.diagnostics[0].severity(), cov::v1::SEVERITY_ERROR);
  EXPECT_GE(f.diagnostics[0].line(), 7);
  EXPECT_LE(f.diagnostics[0].line(), 9);
  ASSERT_THAT(f.rules, SizeIs(2));
  EXPECT_EQ(f.rules[0].title(), "A");
  EXPECT_EQ(f.rules[1].title(), "C");
  EXPECT_EQ(f.rules[1].line(), 10);
}

TEST(SigmaParserTest, YamlSyntaxErrorLineIsExact) {
  ParsedFile f = Parse("title: A\nlogsource:\n  product: x\n   bad: y\n");
  ASSERT_THAT(f.diagnostics, SizeIs(1));
  EXPECT_EQ(f.diagnostics[0].code(), "sigma-yaml-syntax");
  EXPECT_EQ(f.diagnostics[0].line(), 4);
  EXPECT_THAT(f.rules, IsEmpty());
}

TEST(SigmaParserTest, StrayCommaIsASyntaxErrorNotAHang) {
  std::string text = kGood;
  text += "---\n,logsource:\n    product: linux\n";
  ParsedFile f = Parse(text);
  const int good_lines =
      static_cast<int>(std::count(std::begin(kGood), std::end(kGood), '\n'));
  EXPECT_THAT(Diags(f),
              ElementsAre(absl::StrCat("sigma-yaml-syntax@", good_lines + 2)));
  EXPECT_THAT(f.rules, SizeIs(1));
}

TEST(SigmaParserTest, FileTooLarge) {
  std::string big(8u << 20, '#');
  big += "\n";
  ParsedFile f = Parse(big);
  EXPECT_THAT(Diags(f), ElementsAre("sigma-file-too-large@0"));
  EXPECT_THAT(f.rules, IsEmpty());
  // Exactly 8 MiB is still accepted (and read: it holds only a comment).
  big.pop_back();
  EXPECT_THAT(Diags(Parse(big)), ElementsAre("sigma-empty-file@1"));
}

TEST(SigmaParserTest, BinaryFile) {
  const std::string bin("title: x\nid: \x7f\x45LF\0\0\0\n", 20);
  ParsedFile f = Parse(bin);
  EXPECT_THAT(Diags(f), ElementsAre("sigma-binary-file@2"));
  EXPECT_THAT(f.rules, IsEmpty());
}

TEST(SigmaParserTest, InvalidUtf8IsAWarningAndStillParsed) {
  std::string text = kGood;
  text.replace(text.find("Florian"), 1, "\xe9");  // Latin-1 e-acute
  ParsedFile f = Parse(text);
  EXPECT_THAT(DiagsWithColumn(f), ElementsAre("sigma-invalid-utf8@8:9"));
  EXPECT_EQ(f.diagnostics[0].severity(), cov::v1::SEVERITY_WARNING);
  ASSERT_THAT(f.rules, SizeIs(1));
  // Protobuf strings must be UTF-8: the bad byte became U+FFFD.
  EXPECT_EQ(f.rules[0].author(), "\xEF\xBF\xBDlorian Roth");
  std::string wire;
  ASSERT_TRUE(f.rules[0].SerializeToString(&wire));
  cov::v1::Rule back;
  EXPECT_TRUE(back.ParseFromString(wire));
}

TEST(SigmaParserTest, InvalidUtf8InDiagnosticMessagesIsReplaced) {
  ParsedFile f = Parse(
      "title: T\nid: 929a690e-bef0-4204-a928-ef5e620d6fcc\n"
      "logsource: {product: x}\n"
      "detection: {sel: {a: 1}, condition: sel and \xff}\n");
  EXPECT_THAT(Diags(f),
              ElementsAre("sigma-invalid-utf8@4", "sigma-condition-syntax@4"));
  EXPECT_THAT(f.diagnostics[1].message(), HasSubstr("\xEF\xBF\xBD"));
  cov::v1::Diagnostic back;
  EXPECT_TRUE(back.ParseFromString(f.diagnostics[1].SerializeAsString()));
}

TEST(SigmaParserTest, TooDeepNeverReachesYamlCpp) {
  // 100,000 levels: yaml-cpp would throw DeepRecursion (reported as
  // sigma-yaml-syntax); the prescan must stop it first.
  std::string flow = "title: x\nlogsource: ";
  flow += std::string(100000, '[');
  flow += std::string(100000, ']');
  flow += "\n";
  ParsedFile f = Parse(flow);
  EXPECT_THAT(Diags(f), ElementsAre("sigma-too-deep@2"));
  EXPECT_THAT(f.rules, IsEmpty());

  std::string block = "title: x\n";
  for (int i = 0; i < 80; ++i) {
    block += std::string(i, ' ') + "k:\n";
  }
  f = Parse(block);
  EXPECT_THAT(Diags(f), ElementsAre("sigma-too-deep@66"));
}

TEST(SigmaParserTest, TooDeepDocumentDoesNotHideOthers) {
  std::string text = kGood;
  text += "---\nx: " + std::string(70, '[') + std::string(70, ']') + "\n";
  ParsedFile f = Parse(text);
  const int good_lines =
      static_cast<int>(std::count(std::begin(kGood), std::end(kGood), '\n'));
  EXPECT_THAT(Diags(f),
              ElementsAre(absl::StrCat("sigma-too-deep@", good_lines + 2)));
  EXPECT_THAT(f.rules, SizeIs(1));
}

TEST(SigmaParserTest, AliasFlood) {
  std::string text = "title: x\nbase: &b 1\nlist:\n";
  for (int i = 0; i < 1001; ++i) text += "  - *b\n";
  ParsedFile f = Parse(text);
  EXPECT_THAT(Diags(f), ElementsAre("sigma-alias-bomb@1004"));
  EXPECT_THAT(f.rules, IsEmpty());
}

TEST(SigmaParserTest, BillionLaughsIsCaughtWhileWalking) {
  // Only 90 aliases, but 10^9 nodes when expanded.
  std::string text =
      "title: lol\nl0: &a0 [lol, lol, lol, lol, lol, lol, lol, "
      "lol, lol, lol]\n";
  for (int i = 1; i < 10; ++i) {
    text += absl::StrCat("l", i, ": &a", i, " [");
    for (int k = 0; k < 10; ++k)
      text += absl::StrCat(k ? ", " : "", "*a", i - 1);
    text += "]\n";
  }
  text += "detection: *a9\n";
  auto t0 = std::chrono::steady_clock::now();
  ParsedFile f = Parse(text);
  auto ms = std::chrono::duration<double, std::milli>(
                std::chrono::steady_clock::now() - t0)
                .count();
  EXPECT_THAT(Diags(f), ElementsAre("sigma-alias-bomb@1"));
  EXPECT_THAT(f.rules, IsEmpty());
  EXPECT_LT(ms, 2000);
}

TEST(SigmaParserTest, AliasesInRulesResolve) {
  ParsedFile f = Parse(R"(title: T
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
x-common: &tags
    - attack.t1059
tags: *tags
logsource: {product: x}
detection:
    sel: &s {a: 1}
    sel2: *s
    condition: sel and sel2
)");
  EXPECT_THAT(Diags(f), IsEmpty());
  ASSERT_THAT(f.rules, SizeIs(1));
  EXPECT_EQ(Refs(f.rules[0]), "technique:T1059@4");
}

TEST(SigmaParserTest, CrlfAndBom) {
  std::string text = absl::StrReplaceAll(kGood, {{"\n", "\r\n"}});
  ParsedFile f = Parse("\xEF\xBB\xBF" + text);
  EXPECT_THAT(Diags(f), IsEmpty());
  ASSERT_THAT(f.rules, SizeIs(1));
  EXPECT_EQ(f.rules[0].title(), "Suspicious Whoami");
  EXPECT_EQ(Refs(f.rules[0]),
            "tactic:discovery@12 technique:T1033@13 technique:T1059.001@14 "
            "tactic:defense-evasion@15 group:G0032@16 software:S0002@17 "
            "campaign:C0010@18");
}

TEST(SigmaParserTest, RuleStartsAfterLeadingComments) {
  ParsedFile f = Parse(std::string("# header\n\n") + kGood);
  ASSERT_THAT(f.rules, SizeIs(1));
  EXPECT_EQ(f.rules[0].line(), 3);
  EXPECT_EQ(f.rules[0].attack_refs(0).line(), 14);
}

TEST(SigmaParserTest, QuotedDatesAndNullStatus) {
  ParsedFile f = Parse(
      "title: T\nid: 929a690e-bef0-4204-a928-ef5e620d6fcc\nstatus:\n"
      "date: '2021-05-01'\nlogsource: {product: x}\n"
      "detection: {sel: {a: 1}, condition: sel}\n");
  EXPECT_THAT(Diags(f), IsEmpty());
  ASSERT_THAT(f.rules, SizeIs(1));
  EXPECT_EQ(f.rules[0].status(), "");
  EXPECT_EQ(f.rules[0].date(), "2021-05-01");
}

TEST(SigmaParserTest, ContentHashIsStableAndSensitive) {
  ParsedFile a = Parse(kGood);
  ParsedFile b = Parse(kGood);
  std::string changed = kGood;
  changed.replace(changed.find("high"), 4, "low ");
  ParsedFile c = Parse(changed);
  ASSERT_THAT(a.rules, SizeIs(1));
  ASSERT_THAT(c.rules, SizeIs(1));
  EXPECT_EQ(a.rules[0].content_hash(), b.rules[0].content_hash());
  EXPECT_NE(a.rules[0].content_hash(), c.rules[0].content_hash());
  EXPECT_EQ(Fnv1a64Hex(""), "cbf29ce484222325");
  EXPECT_EQ(Fnv1a64Hex("a"), "af63dc4c8601ec8c");
}

TEST(SigmaParserTest, DiagnosticsCarryFileAndPrintable) {
  ParsedFile f = Parse("title: T\nlogsource: {product: x}\n", "r/x.yml");
  ASSERT_THAT(f.diagnostics, SizeIs(2));
  for (const auto& d : f.diagnostics) {
    EXPECT_EQ(d.file(), "r/x.yml");
    EXPECT_GT(d.line(), 0);
    EXPECT_FALSE(d.message().empty());
  }
}

}  // namespace
}  // namespace cov::ingest::sigma
