#include "server/scan/rule_set.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/yara/yara_parser.h"

namespace cov::server::scan {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

// Rules as the ingest stores them: parsed by the YARA parser.
std::vector<cov::v1::Rule> Parse(absl::string_view path,
                                 absl::string_view text) {
  ingest::yara::YaraParser parser;
  ingest::ParsedFile f = parser.Parse({std::string(path), text, "src"});
  return f.rules;
}

void Append(std::vector<cov::v1::Rule>* to, std::vector<cov::v1::Rule> from) {
  for (auto& r : from) to->push_back(std::move(r));
}

// Line 1 import, line 3 the private rule, line 4 its user, line 6 a rule
// naming an identifier libyara does not know (the cov parser accepts it:
// conditions are not evaluated), line 10 a rule using the broken one, line
// 11 a good rule after them.
constexpr char kFile[] =
    "import \"math\"\n"
    "\n"
    "private rule Is_Mark { strings: $m = \"MARK\" condition: $m }\n"
    "rule Uses_Mark { meta: mitre_att = \"T1059.001\" condition: Is_Mark }\n"
    "\n"
    "rule Broken_Ident {\n"
    "  condition:\n"
    "    math.entropy(0, filesize) > 1 and no_such_identifier\n"
    "}\n"
    "rule Uses_Broken : T1027 { condition: Broken_Ident }\n"
    "rule Fine_After : T1105 { strings: $a = \"after\" condition: $a }\n";

TEST(RuleSetTest, StoredRulesCarryBodyAndImports) {
  std::vector<cov::v1::Rule> rules = Parse("a/x.yar", kFile);
  ASSERT_THAT(rules, SizeIs(5));
  EXPECT_EQ(rules[0].body(),
            "private rule Is_Mark { strings: $m = \"MARK\" condition: $m }");
  EXPECT_EQ(rules[2].body(),
            "rule Broken_Ident {\n  condition:\n    math.entropy(0, filesize) "
            "> 1 and no_such_identifier\n}");
  EXPECT_THAT(rules[4].yara_imports(), ElementsAre("math"));
}

TEST(RuleSetTest, BadRulesAreListedTheOthersCompile) {
  std::vector<cov::v1::Rule> rules = Parse("a/x.yar", kFile);
  auto set = CompileRuleSet(rules);
  ASSERT_TRUE(set.ok()) << set.status();
  // Public rules that compiled; the private one compiled beside them.
  EXPECT_EQ(set->by_key.size(), 2u);
  EXPECT_EQ(set->private_compiled, 1);
  ASSERT_NE(set->Find("a/x.yar", "Uses_Mark"), nullptr);
  EXPECT_THAT(set->Find("a/x.yar", "Uses_Mark")->techniques,
              ElementsAre("T1059.001"));
  ASSERT_NE(set->Find("a/x.yar", "Fine_After"), nullptr);
  EXPECT_EQ(set->Find("a/x.yar", "Broken_Ident"), nullptr);

  ASSERT_THAT(set->not_compiled, SizeIs(2));
  const RuleProblem& p0 = set->not_compiled[0];
  EXPECT_EQ(p0.title, "Broken_Ident");
  EXPECT_EQ(p0.uid, "src:a/x.yar:Broken_Ident");
  EXPECT_EQ(p0.line, 8);  // the condition line in the file
  EXPECT_THAT(p0.reason, HasSubstr("no_such_identifier"));
  EXPECT_EQ(p0.ToString().substr(0, 30), "a/x.yar:8: rule Broken_Ident: ");
  const RuleProblem& p1 = set->not_compiled[1];
  EXPECT_EQ(p1.title, "Uses_Broken");
  EXPECT_EQ(p1.line, 10);
  EXPECT_THAT(p1.reason, HasSubstr("Broken_Ident"));

  // The compiled set scans: the private rule feeds its user.
  auto r = set->yara->ScanBuffer("..MARK..after");
  ASSERT_TRUE(r.ok()) << r.status();
  std::vector<std::string> names;
  for (const auto& m : r->matches) names.push_back(m.rule);
  EXPECT_THAT(names, ElementsAre("Uses_Mark", "Fine_After"));
}

TEST(RuleSetTest, SyntaxErrorInAStoredBodyAndEmptyBodies) {
  std::vector<cov::v1::Rule> rules;
  Append(&rules, Parse("b.yar",
                       "rule Good_B { strings: $g = \"good\" "
                       "condition: $g }\n"));
  // A stored body that libyara cannot parse (e.g. stored by another tool).
  cov::v1::Rule bad;
  bad.set_uid("src:b.yar:Bad_B");
  bad.set_format(cov::v1::RULE_FORMAT_YARA);
  bad.set_file("b.yar");
  bad.set_line(3);
  bad.set_title("Bad_B");
  bad.set_body("rule Bad_B {\n  condition:\n    true and\n}");
  rules.push_back(bad);
  cov::v1::Rule later = rules[0];
  later.set_uid("src:b.yar:Later_B");
  later.set_title("Later_B");
  later.set_line(8);
  later.set_body("rule Later_B { condition: Good_B }");
  rules.push_back(later);
  cov::v1::Rule empty = rules[0];
  empty.set_uid("src:c.yar:Empty");
  empty.set_file("c.yar");
  empty.set_title("Empty");
  empty.clear_body();
  rules.push_back(empty);
  cov::v1::Rule sigma;
  sigma.set_format(cov::v1::RULE_FORMAT_SIGMA);
  rules.push_back(sigma);

  auto set = CompileRuleSet(rules);
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->ignored_other_formats, 1);
  EXPECT_EQ(set->by_key.size(), 2u);
  EXPECT_NE(set->Find("b.yar", "Good_B"), nullptr);
  EXPECT_NE(set->Find("b.yar", "Later_B"), nullptr);
  ASSERT_THAT(set->not_compiled, SizeIs(2));
  EXPECT_EQ(set->not_compiled[0].title, "Bad_B");
  EXPECT_THAT(set->not_compiled[0].reason, HasSubstr("syntax error"));
  EXPECT_EQ(set->not_compiled[0].line, 6);  // the closing brace
  EXPECT_EQ(set->not_compiled[1].title, "Empty");
  EXPECT_THAT(set->not_compiled[1].reason, HasSubstr("not stored"));
}

TEST(RuleSetTest, SameRuleNameInTwoFiles) {
  std::vector<cov::v1::Rule> rules = Parse(
      "one.yar", "rule Same : T1001 { strings: $a = \"one\" condition: $a }");
  Append(&rules, Parse("two.yar",
                       "rule Same : T1002 { strings: $a = \"two\" "
                       "condition: $a }"));
  auto set = CompileRuleSet(rules);
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_THAT(set->not_compiled, IsEmpty());
  ASSERT_NE(set->Find("two.yar", "Same"), nullptr);
  EXPECT_THAT(set->Find("two.yar", "Same")->techniques, ElementsAre("T1002"));
  auto r = set->yara->ScanBuffer("two");
  ASSERT_TRUE(r.ok());
  ASSERT_THAT(r->matches, SizeIs(1));
  EXPECT_EQ(r->matches[0].ns, "two.yar");
}

TEST(RuleSetTest, UnknownModuleListsEveryRuleOfTheFile) {
  std::vector<cov::v1::Rule> rules =
      Parse("m.yar",
            "import \"no_such_module\"\n"
            "rule M1 { condition: true }\nrule M2 { condition: true }\n");
  Append(&rules, Parse("ok.yar", "rule Ok { condition: true }"));
  ASSERT_THAT(rules, SizeIs(3));
  auto set = CompileRuleSet(rules);
  ASSERT_TRUE(set.ok()) << set.status();
  ASSERT_THAT(set->not_compiled, SizeIs(2));
  EXPECT_THAT(set->not_compiled[0].reason, HasSubstr("no_such_module"));
  EXPECT_EQ(set->not_compiled[1].title, "M2");
  EXPECT_NE(set->Find("ok.yar", "Ok"), nullptr);
}

TEST(RuleSetTest, ManyBadRulesAreBoundedByAttempts) {
  std::string text;
  for (int i = 0; i < 50; ++i) {
    absl::StrAppend(&text, "rule R", i, " { condition: undefined_", i, " }\n");
  }
  std::vector<cov::v1::Rule> rules = Parse("many.yar", text);
  ASSERT_THAT(rules, SizeIs(50));
  RuleSetOptions options;
  options.max_attempts_per_file = 20;
  auto set = CompileRuleSet(rules, options);
  ASSERT_TRUE(set.ok()) << set.status();
  ASSERT_THAT(set->not_compiled, SizeIs(50));
  EXPECT_THAT(set->not_compiled[0].reason, HasSubstr("undefined_0"));
  EXPECT_THAT(set->not_compiled[49].reason, HasSubstr("gave up after 20"));
  EXPECT_TRUE(set->by_key.empty());
}

TEST(RuleSetTest, NoYaraRules) {
  cov::v1::Rule sigma;
  sigma.set_format(cov::v1::RULE_FORMAT_SIGMA);
  EXPECT_EQ(CompileRuleSet({sigma}).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace cov::server::scan
