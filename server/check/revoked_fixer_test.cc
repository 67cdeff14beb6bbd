#include "server/check/revoked_fixer.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/registry/parsers.h"
#include "server/engine/knowledge_base.h"
#include "server/engine/ref_resolver.h"

namespace cov::server::check {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

// A small release: revoked parent -> sub-technique, revoked technique ->
// parent, revoked sub -> sibling sub, revoked sub -> its parent, revoked
// group.
std::shared_ptr<const engine::KnowledgeBase> Kb() {
  std::vector<cov::v1::Technique> t;
  auto add = [&](const std::string& id, const std::string& revoked_by) {
    cov::v1::Technique x;
    x.set_id(id);
    x.add_tactics("execution");
    if (!revoked_by.empty()) {
      x.set_revoked(true);
      x.set_revoked_by(revoked_by);
    }
    t.push_back(x);
  };
  add("T1086", "T1059.001");
  add("T1059", "");
  add("T1059.001", "");
  add("T1064", "T1059");
  add("T1053", "");
  add("T1053.001", "T1053.002");
  add("T1053.002", "");
  add("T1053.005", "");
  add("T1055", "");
  add("T1055.999", "T1055");
  add("T1099", "");  // revoked with no replacement below
  t.back().set_revoked(true);
  std::vector<cov::v1::Tactic> tac(1);
  tac[0].set_id("TA0002");
  tac[0].set_shortname("execution");
  std::vector<cov::v1::Actor> a(2);
  a[0].set_id("G0001");
  a[0].set_revoked(true);
  a[0].set_revoked_by("G0050");
  a[1].set_id("G0050");
  return std::make_shared<engine::KnowledgeBase>(
      "enterprise-attack@test", cov::v1::Release(), tac, t, a,
      std::vector<cov::v1::DataComponent>(),
      std::vector<cov::v1::MitigationRef>());
}

// Parses `content` with the real parser of `format` and resolves it.
std::vector<cov::v1::Rule> ParseResolved(cov::v1::RuleFormat format,
                                         const std::string& path,
                                         const std::string& content) {
  static const auto kb = Kb();
  ingest::SourceFile f;
  f.path = path;
  f.content = content;
  f.source = "test";
  ingest::ParsedFile parsed = ingest::ParserFor(format)->Parse(f);
  for (cov::v1::Rule& r : parsed.rules) engine::ResolveRefs(*kb, {}, &r);
  return parsed.rules;
}

FixResult Fix(cov::v1::RuleFormat format, const std::string& path,
              const std::string& content) {
  return FixRevokedIds(content, format, ParseResolved(format, path, content));
}

int RevokedCount(const std::vector<cov::v1::Rule>& rules) {
  int n = 0;
  for (const auto& r : rules) {
    for (const auto& ref : r.attack_refs()) {
      n += ref.status() == cov::v1::REF_STATUS_REVOKED;
    }
  }
  return n;
}

std::string Change(const cov::v1::FixChange& c) {
  return absl::StrCat(c.path(), ":", c.line(), " ", c.before(), " -> ",
                      c.after());
}
std::vector<std::string> Changes(const FixResult& r) {
  std::vector<std::string> out;
  for (const auto& c : r.changes) out.push_back(Change(c));
  return out;
}

TEST(RevokedFixerTest, SigmaCrlfCommentsCaseAndFlowLists) {
  const std::string before =
      "title: Tést rule \xC3\xBC  \r\n"
      "id: 5f1c6a6e-0000-4000-8000-000000000001\r\n"
      "status: test\r\n"
      "description: mentions attack.t1086 in prose\r\n"
      "logsource:\r\n"
      "  product: windows\r\n"
      "detection:\r\n"
      "  sel:\r\n"
      "    a: b\r\n"
      "  condition: sel\r\n"
      "tags:\r\n"
      "  - attack.execution\r\n"
      "  - attack.t1086   # was PowerShell: attack.t1086 \r\n"
      "  - attack.T1064\r\n"
      "  - 'attack.g0001'\r\n"
      "  - attack.t1055.999\r\n"
      "level: high\r\n";
  const std::string after =
      "title: Tést rule \xC3\xBC  \r\n"
      "id: 5f1c6a6e-0000-4000-8000-000000000001\r\n"
      "status: test\r\n"
      "description: mentions attack.t1086 in prose\r\n"
      "logsource:\r\n"
      "  product: windows\r\n"
      "detection:\r\n"
      "  sel:\r\n"
      "    a: b\r\n"
      "  condition: sel\r\n"
      "tags:\r\n"
      "  - attack.execution\r\n"
      "  - attack.t1059.001   # was PowerShell: attack.t1086 \r\n"
      "  - attack.T1059\r\n"
      "  - 'attack.g0050'\r\n"
      "  - attack.t1055\r\n"
      "level: high\r\n";
  FixResult r = Fix(cov::v1::RULE_FORMAT_SIGMA, "rules/x.yml", before);
  EXPECT_EQ(r.content, after);
  EXPECT_THAT(Changes(r),
              ElementsAre("rules/x.yml:13 attack.t1086 -> attack.t1059.001",
                          "rules/x.yml:14 attack.T1064 -> attack.T1059",
                          "rules/x.yml:15 attack.g0001 -> attack.g0050",
                          "rules/x.yml:16 attack.t1055.999 -> attack.t1055"));
  EXPECT_THAT(r.notes, ElementsAre("", "", "", ""));
  EXPECT_THAT(r.skipped, IsEmpty());
  EXPECT_EQ(RevokedCount(ParseResolved(cov::v1::RULE_FORMAT_SIGMA,
                                       "rules/x.yml", r.content)),
            0);
  // The diff names exactly the four lines.
  EXPECT_EQ(UnifiedDiff("rules/x.yml", before, r.content, 0),
            "--- a/rules/x.yml\n+++ b/rules/x.yml\n"
            "@@ -13,4 +13,4 @@\n"
            "-  - attack.t1086   # was PowerShell: attack.t1086 \r\n"
            "-  - attack.T1064\r\n"
            "-  - 'attack.g0001'\r\n"
            "-  - attack.t1055.999\r\n"
            "+  - attack.t1059.001   # was PowerShell: attack.t1086 \r\n"
            "+  - attack.T1059\r\n"
            "+  - 'attack.g0050'\r\n"
            "+  - attack.t1055\r\n");
}

TEST(RevokedFixerTest, SigmaFlowListOnlyWholeTokens) {
  const std::string before =
      "title: t\n"
      "logsource: {product: windows}\n"
      "detection: {sel: {a: b}, condition: sel}\n"
      "tags: [attack.t1086, attack.t1086.001, 'attack.t1053.001', "
      "attack.t10860]  # attack.t1086\n";
  FixResult r = Fix(cov::v1::RULE_FORMAT_SIGMA, "f.yml", before);
  EXPECT_EQ(r.content,
            "title: t\n"
            "logsource: {product: windows}\n"
            "detection: {sel: {a: b}, condition: sel}\n"
            "tags: [attack.t1059.001, attack.t1086.001, 'attack.t1053.002', "
            "attack.t10860]  # attack.t1086\n");
  EXPECT_THAT(Changes(r),
              ElementsAre("f.yml:4 attack.t1086 -> attack.t1059.001",
                          "f.yml:4 attack.t1053.001 -> "
                          "attack.t1053.002"));
}

TEST(RevokedFixerTest, SigmaReplacementAlreadyTagged) {
  const std::string before =
      "title: t\n"
      "logsource: {product: windows}\n"
      "detection: {sel: {a: b}, condition: sel}\n"
      "tags:\n"
      "  - attack.t1059.001\n"
      "  - attack.t1086\n";
  FixResult r = Fix(cov::v1::RULE_FORMAT_SIGMA, "f.yml", before);
  EXPECT_THAT(r.content,
              HasSubstr("  - attack.t1059.001\n  - attack.t1059.001\n"));
  ASSERT_THAT(r.notes, SizeIs(1));
  EXPECT_THAT(r.notes[0], HasSubstr("T1059.001 is already referenced"));
  EXPECT_THAT(r.notes[0], HasSubstr("'attack.t1059.001', line 5"));
  EXPECT_THAT(r.notes[0], HasSubstr("names it twice"));
}

TEST(RevokedFixerTest, SigmaSecondSpellingNeedsSecondPass) {
  const std::string before =
      "title: t\n"
      "logsource: {product: windows}\n"
      "detection: {sel: {a: b}, condition: sel}\n"
      "tags:\n"
      "  - attack.t1086\n"
      "  - attack.T1086\n";
  FixResult r = Fix(cov::v1::RULE_FORMAT_SIGMA, "f.yml", before);
  EXPECT_THAT(Changes(r),
              ElementsAre("f.yml:5 attack.t1086 -> attack.t1059.001"));
  ASSERT_THAT(r.skipped, SizeIs(1));
  EXPECT_THAT(r.skipped[0], HasSubstr("as 'attack.T1086'"));
  EXPECT_THAT(r.skipped[0], HasSubstr("run the fix again"));
  FixResult again = Fix(cov::v1::RULE_FORMAT_SIGMA, "f.yml", r.content);
  EXPECT_THAT(Changes(again),
              ElementsAre("f.yml:6 attack.T1086 -> attack.T1059.001"));
  EXPECT_THAT(again.skipped, IsEmpty());
}

TEST(RevokedFixerTest, SigmaGlobalDocumentSharedByRulesIsOneChange) {
  const std::string before =
      "action: global\n"
      "title: t\n"
      "tags:\n"
      "  - attack.t1086\n"
      "logsource:\n"
      "  product: windows\n"
      "detection:\n"
      "  condition: sel\n"
      "---\n"
      "detection:\n"
      "  sel:\n"
      "    a: b\n"
      "---\n"
      "detection:\n"
      "  sel:\n"
      "    c: d\n";
  const auto rules = ParseResolved(cov::v1::RULE_FORMAT_SIGMA, "g.yml", before);
  ASSERT_THAT(rules, SizeIs(2));
  EXPECT_EQ(RevokedCount(rules), 2);
  FixResult r = FixRevokedIds(before, cov::v1::RULE_FORMAT_SIGMA, rules);
  EXPECT_THAT(Changes(r),
              ElementsAre("g.yml:4 attack.t1086 -> attack.t1059.001"));
  EXPECT_EQ(r.content.substr(0, 40),
            "action: global\ntitle: t\ntags:\n  - attack");
  EXPECT_THAT(r.content, HasSubstr("\n  - attack.t1059.001\n"));
}

TEST(RevokedFixerTest, SkippedWhenNotFoundOrNoReplacement) {
  cov::v1::Rule rule;
  rule.set_uid("r1");
  rule.set_file("a.yml");
  rule.set_format(cov::v1::RULE_FORMAT_SIGMA);
  auto add = [&](const std::string& raw, int line, const std::string& to) {
    cov::v1::AttackRef* ref = rule.add_attack_refs();
    ref->set_raw(raw);
    ref->set_id("T1086");
    ref->set_kind("technique");
    ref->set_line(line);
    ref->set_origin("tags");
    ref->set_status(cov::v1::REF_STATUS_REVOKED);
    ref->set_resolved_id(to);
  };
  add("attack.t1086", 1, "T1059.001");  // only attack.t10860 there
  add("attack.t1086", 2, "T1059.001");  // only in a comment
  add("attack.t1086", 3, "");           // no replacement
  add("attack.t1086", 9, "T1059.001");  // no such line
  const std::string content =
      "- attack.t10860 x-attack.t1086 attack.t1086-x\n"
      "- other # attack.t1086\n"
      "- attack.t1086\n";
  FixResult r =
      FixRevokedIds(content, cov::v1::RULE_FORMAT_UNSPECIFIED, {rule});
  EXPECT_EQ(r.content, content);
  EXPECT_THAT(r.changes, IsEmpty());
  ASSERT_THAT(r.skipped, SizeIs(4));
  EXPECT_EQ(r.skipped[0],
            "a.yml:1: 'attack.t1086' not found on line 1 where the parser "
            "reported it; left as is");
  EXPECT_THAT(r.skipped[1], HasSubstr("a.yml:2: 'attack.t1086' not found"));
  EXPECT_EQ(r.skipped[2],
            "a.yml:3: 'attack.t1086' (T1086) is revoked but the release names "
            "no replacement; left as is");
  EXPECT_THAT(r.skipped[3], HasSubstr("a.yml:9: 'attack.t1086' has no usable "
                                      "line (the file has 3 lines)"));
}

TEST(RevokedFixerTest, Suricata) {
  const std::string before =
      "# ET-style rules \xE2\x80\x94 comments stay\r\n"
      "alert http any any -> any any (msg:\"T1086 mitre_technique_id T1086\"; "
      "flow:established; metadata: created_at 2020_01_01, mitre_tactic_id "
      "TA0002, mitre_technique_id T1086, mitre_technique_name PowerShell; "
      "sid:1; rev:1;)\r\n"
      "alert tcp any any -> any any (msg:\"sub\"; metadata:mitre_technique_id "
      "T1053, mitre_subtechnique_id 001; sid:2; rev:1;)\r\n"
      "#alert tcp any any -> any any (msg:\"off\"; metadata: "
      "mitre_technique_id T1055.999,mitre_technique_id T1064 ; sid:3; "
      "rev:1;)\r\n"
      "alert tcp any any -> any any (msg:\"u\"; metadata: mitre_technique_id "
      "t1053_001; sid:4; rev:1;)\r\n";
  FixResult r = Fix(cov::v1::RULE_FORMAT_SURICATA, "et.rules", before);
  EXPECT_EQ(
      r.content,
      "# ET-style rules \xE2\x80\x94 comments stay\r\n"
      "alert http any any -> any any (msg:\"T1086 mitre_technique_id T1086\"; "
      "flow:established; metadata: created_at 2020_01_01, mitre_tactic_id "
      "TA0002, mitre_technique_id T1059.001, mitre_technique_name PowerShell; "
      "sid:1; rev:1;)\r\n"
      "alert tcp any any -> any any (msg:\"sub\"; metadata:mitre_technique_id "
      "T1053, mitre_subtechnique_id 002; sid:2; rev:1;)\r\n"
      "#alert tcp any any -> any any (msg:\"off\"; metadata: "
      "mitre_technique_id T1055,mitre_technique_id T1059 ; sid:3; "
      "rev:1;)\r\n"
      "alert tcp any any -> any any (msg:\"u\"; metadata: mitre_technique_id "
      "t1053_002; sid:4; rev:1;)\r\n");
  EXPECT_THAT(
      Changes(r),
      ElementsAre("et.rules:2 T1086 -> T1059.001", "et.rules:3 001 -> 002",
                  "et.rules:4 T1055.999 -> T1055", "et.rules:4 T1064 -> T1059",
                  "et.rules:5 t1053_001 -> t1053_002"));
  EXPECT_THAT(r.skipped, IsEmpty());
  EXPECT_EQ(RevokedCount(ParseResolved(cov::v1::RULE_FORMAT_SURICATA,
                                       "et.rules", r.content)),
            0);
}

TEST(RevokedFixerTest, SuricataBareSubTechniqueToOtherParentIsWrittenInFull) {
  // T1055.999 is replaced by its parent: a bare number cannot say that.
  const std::string before =
      "alert tcp any any -> any any (msg:\"x\"; metadata: mitre_technique_id "
      "T1055, mitre_subtechnique_id .999; sid:5; rev:1;)\n";
  FixResult r = Fix(cov::v1::RULE_FORMAT_SURICATA, "et.rules", before);
  EXPECT_THAT(Changes(r), ElementsAre("et.rules:1 .999 -> T1055"));
  ASSERT_THAT(r.notes, SizeIs(1));
  EXPECT_THAT(r.notes[0], HasSubstr("written in full"));
  EXPECT_THAT(r.notes[0], HasSubstr("T1055 is already referenced"));
}

TEST(RevokedFixerTest, Yara) {
  const std::string before =
      "/* Détection rules */\r\n"
      "rule apt_x : T1086 tag_other {\r\n"
      "  meta:\r\n"
      "    description = \"T1064 and T1053_001 in prose\"\r\n"
      "    mitre_att = \"T1064\"  // T1064 was revoked\r\n"
      "    mitre_att = \"T1053_001\"\r\n"
      "    reference = \"https://attack.mitre.org/techniques/T1055/999/\"\r\n"
      "  condition:\r\n"
      "    true\r\n"
      "}\r\n"
      "rule lower : t1064 {\r\n"
      "  meta:\r\n"
      "    mitre_attack = \"T1086, T1053_005\"\r\n"
      "  condition: true\r\n"
      "}\r\n";
  FixResult r = Fix(cov::v1::RULE_FORMAT_YARA, "x.yar", before);
  EXPECT_EQ(r.content,
            "/* Détection rules */\r\n"
            "rule apt_x : T1059_001 tag_other {\r\n"
            "  meta:\r\n"
            "    description = \"T1064 and T1053_001 in prose\"\r\n"
            "    mitre_att = \"T1059\"  // T1064 was revoked\r\n"
            "    mitre_att = \"T1053_002\"\r\n"
            "    reference = \"https://attack.mitre.org/techniques/T1055/\"\r\n"
            "  condition:\r\n"
            "    true\r\n"
            "}\r\n"
            "rule lower : t1059 {\r\n"
            "  meta:\r\n"
            "    mitre_attack = \"T1059_001, T1053_005\"\r\n"
            "  condition: true\r\n"
            "}\r\n");
  EXPECT_THAT(
      Changes(r),
      ElementsAre("x.yar:2 T1086 -> T1059_001", "x.yar:5 T1064 -> T1059",
                  "x.yar:6 T1053_001 -> T1053_002",
                  "x.yar:7 attack.mitre.org/techniques/T1055/999 -> "
                  "attack.mitre.org/techniques/T1055",
                  "x.yar:11 t1064 -> t1059", "x.yar:13 T1086 -> T1059_001"));
  EXPECT_THAT(r.skipped, IsEmpty());
  EXPECT_EQ(RevokedCount(
                ParseResolved(cov::v1::RULE_FORMAT_YARA, "x.yar", r.content)),
            0);
}

TEST(RevokedFixerTest, SplunkMitreAttackIds) {
  const std::string before =
      "name: X\r\nid: 11111111-2222-3333-4444-555555555555\r\n"
      "status: production\r\ntype: TTP\r\nsearch: '| tstats count'\r\n"
      "tags:\r\n  mitre_attack_id:\r\n  - T1086   # was PowerShell\r\n"
      "  - T1053.001\r\n  - T1059.001\r\n  product:\r\n  - T1064\r\n";
  FixResult r = Fix(cov::v1::RULE_FORMAT_SPLUNK, "d/x.yml", before);
  EXPECT_EQ(
      r.content,
      "name: X\r\nid: 11111111-2222-3333-4444-555555555555\r\n"
      "status: production\r\ntype: TTP\r\nsearch: '| tstats count'\r\n"
      "tags:\r\n  mitre_attack_id:\r\n  - T1059.001   # was PowerShell\r\n"
      "  - T1053.002\r\n  - T1059.001\r\n  product:\r\n  - T1064\r\n");
  EXPECT_THAT(Changes(r), ElementsAre("d/x.yml:8 T1086 -> T1059.001",
                                      "d/x.yml:9 T1053.001 -> T1053.002"));
  ASSERT_THAT(r.notes, SizeIs(2));
  EXPECT_THAT(r.notes[0], HasSubstr("T1059.001 is already referenced"));
  EXPECT_THAT(r.skipped, IsEmpty());
  EXPECT_EQ(RevokedCount(ParseResolved(cov::v1::RULE_FORMAT_SPLUNK, "d/x.yml",
                                       r.content)),
            0);
}

TEST(RevokedFixerTest, SentinelRelevantTechniquesFlowAndBlockLists) {
  const std::string before =
      "\xEF\xBB\xBFid: 22222222-2222-3333-4444-555555555555\n"
      "name: Y\nseverity: Low\nkind: Scheduled\n"
      "tactics: [Execution]\n"
      "relevantTechniques: [T1064, T10640]\n"
      "query: |\n  T1064 | where x\n";
  FixResult r = Fix(cov::v1::RULE_FORMAT_SENTINEL, "Detections/y.yaml", before);
  EXPECT_EQ(r.content,
            "\xEF\xBB\xBFid: 22222222-2222-3333-4444-555555555555\n"
            "name: Y\nseverity: Low\nkind: Scheduled\n"
            "tactics: [Execution]\n"
            "relevantTechniques: [T1059, T10640]\n"
            "query: |\n  T1064 | where x\n");
  EXPECT_THAT(Changes(r), ElementsAre("Detections/y.yaml:6 T1064 -> T1059"));
}

TEST(RevokedFixerTest, ElasticThreatTables) {
  const std::string head =
      "[metadata]\nmaturity = \"production\"\n\n[rule]\n"
      "name = \"Z\"\nrule_id = \"33333333-2222-3333-4444-555555555555\"\n"
      "type = \"query\"\nlanguage = \"kuery\"\nquery = 'T1064'\n\n";
  const std::string before = absl::StrCat(
      head,
      "[[rule.threat]]\nframework = \"MITRE ATT&CK\"\n"
      "[[rule.threat.technique]]\nid = \"T1064\"\nname = \"Scripting\"\n"
      "reference = \"https://attack.mitre.org/techniques/T1064/\"\n"
      "[[rule.threat.technique]]\nid = \"T1053\"\nname = \"Scheduled Task\"\n"
      "[[rule.threat.technique.subtechnique]]\nid = \"T1053.001\"\n"
      "name = \"At (Linux)\"\n"
      "[[rule.threat.technique]]\nid = \"T1086\"\nname = \"PowerShell\"\n"
      "[rule.threat.tactic]\nid = \"TA0002\"\nname = \"Execution\"\n");
  FixResult r = Fix(cov::v1::RULE_FORMAT_ELASTIC, "rules/z.toml", before);
  EXPECT_THAT(Changes(r),
              ElementsAre("rules/z.toml:14 T1064 -> T1059",
                          "rules/z.toml:21 T1053.001 -> T1053.002"));
  ASSERT_THAT(r.notes, SizeIs(2));
  EXPECT_THAT(r.notes[0],
              HasSubstr("the table's name and reference still describe T1064: "
                        "update them to T1059"));
  // T1086 became a sub-technique: that needs a table of its own.
  EXPECT_THAT(
      r.skipped,
      ElementsAre("rules/z.toml:24: 'T1086' is replaced by sub-technique "
                  "T1059.001, which Elastic writes in a "
                  "[[rule.threat.technique.subtechnique]] table under its "
                  "parent; move it by hand; left as is"));
  std::string expected = before;
  expected.replace(expected.find("id = \"T1064\""), 12, "id = \"T1059\"");
  expected.replace(expected.find("id = \"T1053.001\""), 16,
                   "id = \"T1053.002\"");
  EXPECT_EQ(r.content, expected);
}

TEST(RevokedFixerTest, OddReferencesAreSkippedNotMisapplied) {
  cov::v1::Rule rule;
  rule.set_file("o.yar");
  rule.set_format(cov::v1::RULE_FORMAT_YARA);
  auto add = [&](const std::string& raw, int line, const std::string& origin) {
    cov::v1::AttackRef* ref = rule.add_attack_refs();
    ref->set_raw(raw);
    ref->set_id("T1086");
    ref->set_kind("technique");
    ref->set_line(line);
    ref->set_origin(origin);
    ref->set_status(cov::v1::REF_STATUS_REVOKED);
    ref->set_resolved_id("T1059.001");
  };
  add("", 1, "meta:");                // empty raw and key
  add("T1086", 1, "meta:other");      // key not on the line
  add("T1086", 1, "condition");       // an origin the fixer does not know
  add("T1086", 2, "meta:mitre_att");  // unterminated string: still rewritten
  add("T1086", 0, "tag");             // no line
  const std::string content =
      "    mitre_att = \"T1086\"\n"
      "    mitre_att = \"T1086";
  FixResult r =
      FixRevokedIds(content, cov::v1::RULE_FORMAT_UNSPECIFIED, {rule});
  EXPECT_EQ(r.content,
            "    mitre_att = \"T1086\"\n"
            "    mitre_att = \"T1059.001");
  EXPECT_THAT(Changes(r), ElementsAre("o.yar:2 T1086 -> T1059.001"));
  ASSERT_THAT(r.skipped, SizeIs(4));
  EXPECT_THAT(r.skipped[2], HasSubstr("comes from 'condition'"));
  EXPECT_EQ(FixRevokedIds("", cov::v1::RULE_FORMAT_SIGMA, {}).content, "");
}

TEST(RevokedFixerTest, NothingRevokedLeavesBytes) {
  const std::string before = "title: t\r\ntags:\r\n  - attack.t1059.001\r\n";
  FixResult r = Fix(cov::v1::RULE_FORMAT_SIGMA, "f.yml", before);
  EXPECT_EQ(r.content, before);
  EXPECT_THAT(r.changes, IsEmpty());
  EXPECT_EQ(UnifiedDiff("f.yml", before, r.content), "");
}

}  // namespace
}  // namespace cov::server::check
