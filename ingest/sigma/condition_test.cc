#include "ingest/sigma/condition.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cov::ingest::sigma {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Parses and prints, or returns "ERROR: <message>".
std::string P(const std::string& text) {
  absl::StatusOr<ConditionAst> ast = ParseCondition(text);
  if (!ast.ok()) return "ERROR: " + std::string(ast.status().message());
  return ConditionToString(ast->root);
}

TEST(ConditionTest, SingleIdentifier) {
  EXPECT_EQ(P("selection"), "selection");
  EXPECT_EQ(P("  selection-1_b  "), "selection-1_b");
}

TEST(ConditionTest, PrecedenceNotOverAndOverOr) {
  EXPECT_EQ(P("a or b and c"), "(or a (and b c))");
  EXPECT_EQ(P("a and b or c"), "(or (and a b) c)");
  EXPECT_EQ(P("not a and b"), "(and (not a) b)");
  EXPECT_EQ(P("not a or not b and c"), "(or (not a) (and (not b) c))");
  EXPECT_EQ(P("not not a"), "(not (not a))");
}

TEST(ConditionTest, ParenthesesOverridePrecedence) {
  EXPECT_EQ(P("(a or b) and c"), "(and (or a b) c)");
  EXPECT_EQ(P("not (a or b)"), "(not (or a b))");
  EXPECT_EQ(P("((a))"), "a");
  EXPECT_EQ(P("a and (b or (c and not d))"), "(and a (or b (and c (not d))))");
}

TEST(ConditionTest, OperandsOfOneOperatorAreFlattened) {
  EXPECT_EQ(P("a and b and c and d"), "(and a b c d)");
  EXPECT_EQ(P("a or b or c"), "(or a b c)");
}

TEST(ConditionTest, Quantifiers) {
  EXPECT_EQ(P("1 of selection*"), "(1 of selection*)");
  EXPECT_EQ(P("all of them"), "(all of them)");
  EXPECT_EQ(P("1 of them"), "(1 of them)");
  EXPECT_EQ(P("all of sel_*_x"), "(all of sel_*_x)");
  EXPECT_EQ(P("1 of selection_* and not 1 of filter_*"),
            "(and (1 of selection_*) (not (1 of filter_*)))");
  // `x of` binds tighter than not/and/or.
  EXPECT_EQ(P("not all of filter* or a"), "(or (not (all of filter*)) a)");
}

TEST(ConditionTest, AnyOfIsAcceptedButFlagged) {
  absl::StatusOr<ConditionAst> ast = ParseCondition("any of selection*");
  ASSERT_TRUE(ast.ok()) << ast.status();
  EXPECT_TRUE(ast->any_quantifier);
  EXPECT_EQ(ast->root.quantifier, Quantifier::kAny);
  absl::StatusOr<ConditionAst> one = ParseCondition("1 of selection*");
  ASSERT_TRUE(one.ok());
  EXPECT_FALSE(one->any_quantifier);
}

TEST(ConditionTest, UppercaseKeywordsAcceptedButFlagged) {
  absl::StatusOr<ConditionAst> ast =
      ParseCondition("NOT a AND (b OR c) and 1 OF them");
  ASSERT_TRUE(ast.ok()) << ast.status();
  EXPECT_TRUE(ast->uppercase_keyword);
  EXPECT_EQ(ConditionToString(ast->root), "(and (not a) (or b c) (1 of them))");
  absl::StatusOr<ConditionAst> lower = ParseCondition("not a and b");
  ASSERT_TRUE(lower.ok());
  EXPECT_FALSE(lower->uppercase_keyword);
}

TEST(ConditionTest, KeywordsInsideIdentifiersAreNotKeywords) {
  EXPECT_EQ(P("android and order"), "(and android order)");
  EXPECT_EQ(P("nothing or them_x"), "(or nothing them_x)");
  // A lone `all` / `1` not followed by `of` is an identifier.
  EXPECT_EQ(P("all"), "all");
}

TEST(ConditionTest, Offsets) {
  absl::StatusOr<ConditionAst> ast = ParseCondition("sel and not  filter");
  ASSERT_TRUE(ast.ok());
  ASSERT_EQ(ast->root.children.size(), 2u);
  EXPECT_EQ(ast->root.children[0].offset, 0);
  EXPECT_EQ(ast->root.children[1].offset, 8);
  EXPECT_EQ(ast->root.children[1].children[0].offset, 13);
}

TEST(ConditionTest, SyntaxErrors) {
  struct Case {
    std::string text;
    int offset;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"", 0, "empty condition"},
      {"   ", 0, "empty condition"},
      {"a and", 5, "expected an identifier"},
      {"and a", 0, "expected an identifier"},
      {"a b", 2, "expected 'and', 'or' or end of condition, found 'b'"},
      {"(a or b", 7, "expected ')'"},
      {"a or b)", 6, "unbalanced ')'"},
      {"()", 1, "expected an identifier"},
      {"selection*", 0, "needs '1 of' or 'all of'"},
      {"1 of", 4, "after 'of'"},
      {"all of and", 7, "after 'of'"},
      {"them", 0, "'them' is only valid after"},
      {"a && b", 2, "unexpected character '&'"},
      {"sel.x", 3, "unexpected character '.'"},
      {"of x", 0, "expected an identifier"},
      {"not", 3, "expected an identifier"},
  };
  for (const Case& c : cases) {
    int offset = -1;
    absl::StatusOr<ConditionAst> ast = ParseCondition(c.text, &offset);
    ASSERT_FALSE(ast.ok()) << "'" << c.text << "' parsed";
    EXPECT_EQ(ast.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(ast.status().message()), HasSubstr(c.message))
        << c.text;
    EXPECT_EQ(offset, c.offset) << c.text << ": " << ast.status();
    EXPECT_THAT(std::string(ast.status().message()),
                HasSubstr("column " + std::to_string(c.offset + 1) + ":"));
  }
}

TEST(ConditionTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep(100000, '(');
  deep += "a";
  deep += std::string(100000, ')');
  absl::StatusOr<ConditionAst> ast = ParseCondition(deep);
  ASSERT_FALSE(ast.ok());
  EXPECT_THAT(std::string(ast.status().message()), HasSubstr("too deeply"));

  std::string nots;
  for (int i = 0; i < 100000; ++i) nots += "not ";
  ast = ParseCondition(nots + "a");
  ASSERT_FALSE(ast.ok());
  EXPECT_THAT(std::string(ast.status().message()), HasSubstr("too deeply"));

  // Long flat chains are fine (no recursion per operand).
  std::string chain = "a0";
  for (int i = 1; i < 20000; ++i) chain += " and a" + std::to_string(i);
  ast = ParseCondition(chain);
  ASSERT_TRUE(ast.ok()) << ast.status();
  EXPECT_EQ(ast->root.children.size(), 20000u);
}

TEST(ConditionTest, LegacyAggregations) {
  absl::StatusOr<ConditionAst> ast =
      ParseCondition("selection | count(dst_port) by src_ip > 10");
  ASSERT_TRUE(ast.ok()) << ast.status();
  ASSERT_TRUE(ast->aggregation.has_value());
  EXPECT_EQ(ast->aggregation->function, "count");
  EXPECT_EQ(ast->aggregation->field, "dst_port");
  EXPECT_EQ(ast->aggregation->group_by, "src_ip");
  EXPECT_EQ(ast->aggregation->op, ">");
  EXPECT_EQ(ast->aggregation->value, "10");
  EXPECT_EQ(ast->aggregation->offset, 10);
  EXPECT_EQ(ConditionToString(ast->root), "selection");

  ast = ParseCondition("sel1 and not filter | count() > 6");
  ASSERT_TRUE(ast.ok()) << ast.status();
  EXPECT_EQ(ast->aggregation->field, "");
  EXPECT_EQ(ast->aggregation->group_by, "");

  ast = ParseCondition("selection | sum(question.length) by src_ip >= 3.5");
  ASSERT_TRUE(ast.ok()) << ast.status();
  EXPECT_EQ(ast->aggregation->field, "question.length");
  EXPECT_EQ(ast->aggregation->value, "3.5");

  ast = ParseCondition("selector | near dllload1 and not exclusion");
  ASSERT_TRUE(ast.ok()) << ast.status();
  EXPECT_EQ(ast->aggregation->function, "near");
  ASSERT_EQ(ast->aggregation->near.size(), 1u);
  EXPECT_EQ(ConditionToString(ast->aggregation->near[0]),
            "(and dllload1 (not exclusion))");

  ast = ParseCondition("selection | COUNT() BY host < 5");
  ASSERT_TRUE(ast.ok()) << ast.status();
  EXPECT_EQ(ast->aggregation->function, "count");
}

TEST(ConditionTest, BadAggregations) {
  for (const char* text : {
           "selection |",
           "selection | count()",        // no comparison
           "selection | count() > x",    // not a number
           "selection | count( > 5",     // unclosed
           "selection | median(x) > 5",  // unknown function
           "selection | min() > 5",      // min needs a field
           "selection | count() > 5 | count() > 6",
           "selection | count() by > 5",
           "selection | count() = 5",
           "selection | near",
           "selection | near a.b",
       }) {
    EXPECT_FALSE(ParseCondition(text).ok()) << text;
  }
}

TEST(ConditionTest, References) {
  absl::StatusOr<ConditionAst> ast =
      ParseCondition("(sel1 or 1 of sel_*) and not all of them | near other");
  ASSERT_TRUE(ast.ok()) << ast.status();
  std::vector<ConditionRef> refs = ConditionReferences(*ast);
  ASSERT_EQ(refs.size(), 4u);
  EXPECT_EQ(refs[0].name, "sel1");
  EXPECT_FALSE(refs[0].is_pattern);
  EXPECT_EQ(refs[0].offset, 1);
  EXPECT_EQ(refs[1].name, "sel_*");
  EXPECT_TRUE(refs[1].is_pattern);
  EXPECT_EQ(refs[2].name, "them");
  EXPECT_TRUE(refs[2].is_pattern);
  EXPECT_EQ(refs[3].name, "other");
  EXPECT_FALSE(refs[3].is_pattern);
}

TEST(ConditionTest, MatchIdentifierPattern) {
  EXPECT_TRUE(MatchIdentifierPattern("selection*", "selection"));
  EXPECT_TRUE(MatchIdentifierPattern("selection*", "selection_img_1"));
  EXPECT_TRUE(MatchIdentifierPattern("*_img_*", "selection_img_1"));
  EXPECT_TRUE(MatchIdentifierPattern("*", "x"));
  EXPECT_TRUE(MatchIdentifierPattern("a*b*c", "aXbYbc"));
  EXPECT_FALSE(MatchIdentifierPattern("a*b*c", "aXbY"));
  EXPECT_FALSE(MatchIdentifierPattern("selection*", "filter"));
  EXPECT_FALSE(MatchIdentifierPattern("selection", "selection1"));
  EXPECT_FALSE(MatchIdentifierPattern("sel", "selection"));
}

TEST(ConditionTest, ResolveReference) {
  const std::vector<std::string> defined = {"selection_a", "selection_b",
                                            "filter", "_private"};
  EXPECT_THAT(ResolveReference({"selection_*", true, 0}, defined),
              ElementsAre("selection_a", "selection_b"));
  EXPECT_THAT(ResolveReference({"them", true, 0}, defined),
              ElementsAre("selection_a", "selection_b", "filter"));
  EXPECT_THAT(ResolveReference({"*", true, 0}, defined),
              ElementsAre("selection_a", "selection_b", "filter"));
  EXPECT_THAT(ResolveReference({"_priv*", true, 0}, defined),
              ElementsAre("_private"));
  EXPECT_THAT(ResolveReference({"filter", false, 0}, defined),
              ElementsAre("filter"));
  EXPECT_TRUE(ResolveReference({"filter_*", true, 0}, defined).empty());
  EXPECT_TRUE(ResolveReference({"selection", false, 0}, defined).empty());
}

}  // namespace
}  // namespace cov::ingest::sigma
