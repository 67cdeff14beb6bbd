#include "ingest/base/yaml_lite.h"

#include <chrono>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cov::ingest {
namespace {

using Kind = YamlLiteNode::Kind;
using ::testing::HasSubstr;

const YamlKeep& Keep() {
  static const YamlKeep* const keep =
      new YamlKeep({"id", "name", "list", "query", "tags.ids", "tags.story"});
  return *keep;
}

TEST(YamlKeepTest, Lookup) {
  EXPECT_EQ(Keep().Lookup("", "id"), YamlKeep::Mode::kWhole);
  EXPECT_EQ(Keep().Lookup("", "tags"), YamlKeep::Mode::kPartial);
  EXPECT_EQ(Keep().Lookup("tags.", "ids"), YamlKeep::Mode::kWhole);
  EXPECT_EQ(Keep().Lookup("tags.", "other"), YamlKeep::Mode::kSkip);
  EXPECT_EQ(Keep().Lookup("", "i"), YamlKeep::Mode::kSkip);
  EXPECT_EQ(Keep().Lookup("", "identity"), YamlKeep::Mode::kSkip);
}

TEST(YamlLiteTest, KeepsNamedFieldsWithValuesAndMarks) {
  absl::StatusOr<YamlLiteNode> root = ParseYamlLite(
      "id: abc\n"
      "skipped: {a: [1, 2, {b: c}]}\n"
      "name: 'quoted'\n"
      "list:\n"
      "- one\n"
      "- [two]\n"
      "-\n"
      "- null\n"
      "tags:\n"
      "  other: x\n"
      "  ids:\n"
      "    - T1003\n"
      "query: |\n"
      "  line 1\n"
      "  line 2\n",
      Keep());
  ASSERT_TRUE(root.ok()) << root.status();
  ASSERT_TRUE(root->IsMap());
  EXPECT_EQ(root->line, 1);
  EXPECT_EQ(root->column, 1);
  ASSERT_EQ(root->map.size(), 5u);  // id, name, list, tags, query
  EXPECT_FALSE(root->Child("skipped").IsDefined());

  const YamlLiteNode& id = root->Child("id");
  EXPECT_EQ(id.kind, Kind::kScalar);
  EXPECT_EQ(id.scalar, "abc");
  EXPECT_FALSE(id.non_plain);
  EXPECT_EQ(id.line, 1);
  EXPECT_EQ(id.column, 5);

  const YamlLiteNode& name = root->Child("name");
  EXPECT_EQ(name.scalar, "quoted");
  EXPECT_TRUE(name.non_plain);
  EXPECT_EQ(name.column, 7);  // the quote

  const YamlLiteNode& list = root->Child("list");
  ASSERT_TRUE(list.IsSequence());
  EXPECT_EQ(list.line, 5);
  EXPECT_EQ(list.column, 1);  // the first '-'
  ASSERT_EQ(list.sequence.size(), 4u);
  EXPECT_EQ(list.sequence[0].scalar, "one");
  EXPECT_TRUE(list.sequence[1].IsSequence());
  EXPECT_EQ(list.sequence[1].sequence[0].scalar, "two");
  EXPECT_TRUE(list.sequence[2].IsNull());
  EXPECT_FALSE(list.sequence[2].mark_exact);  // nothing written
  EXPECT_TRUE(list.sequence[3].IsNull());
  EXPECT_TRUE(list.sequence[3].mark_exact);
  EXPECT_EQ(list.sequence[3].line, 8);
  EXPECT_EQ(list.sequence[3].column, 3);

  const YamlLiteNode& tags = root->Child("tags");
  ASSERT_TRUE(tags.IsMap());
  ASSERT_EQ(tags.map.size(), 1u);
  const YamlLiteNode& ids = tags.Child("ids");
  ASSERT_EQ(ids.sequence.size(), 1u);
  EXPECT_EQ(ids.sequence[0].scalar, "T1003");
  EXPECT_EQ(ids.sequence[0].line, 12);
  EXPECT_EQ(ids.sequence[0].column, 7);

  const YamlLiteNode& query = root->Child("query");
  EXPECT_EQ(query.scalar, "line 1\nline 2\n");
  EXPECT_TRUE(query.non_plain);
  EXPECT_EQ(query.line, 13);
  EXPECT_EQ(query.column, 8);  // the '|'
}

TEST(YamlLiteTest, TypeNamesAndAbsence) {
  absl::StatusOr<YamlLiteNode> root =
      ParseYamlLite("id: ~\nname: ''\nlist: {a: 1}\nquery: \"null\"\n", Keep());
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_STREQ(root->Child("id").TypeName(), "null");
  EXPECT_TRUE(root->Child("id").IsAbsent());
  EXPECT_STREQ(root->Child("name").TypeName(), "string");
  EXPECT_FALSE(root->Child("name").IsAbsent());
  EXPECT_STREQ(root->Child("list").TypeName(), "map");
  EXPECT_FALSE(root->Child("query").IsAbsent());  // quoted: a string
  EXPECT_STREQ(root->Child("missing").TypeName(), "nothing");
  EXPECT_TRUE(root->Child("missing").IsAbsent());
  EXPECT_EQ(root->Child("missing").line, 0);
}

TEST(YamlLiteTest, FirstDuplicateKeyWins) {
  absl::StatusOr<YamlLiteNode> root = ParseYamlLite("id: a\nid: b\n", Keep());
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(root->Child("id").scalar, "a");
}

TEST(YamlLiteTest, PartialValueThatIsNotAMapKeepsKindOnly) {
  absl::StatusOr<YamlLiteNode> root =
      ParseYamlLite("tags: [a, b]\nid: x\n", Keep());
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_TRUE(root->Child("tags").IsSequence());
  EXPECT_TRUE(root->Child("tags").sequence.empty());
  EXPECT_EQ(root->Child("id").scalar, "x");
}

TEST(YamlLiteTest, ColumnsCountBytesAndCrlfIsOneBreak) {
  absl::StatusOr<YamlLiteNode> root = ParseYamlLite(
      "name: x\r\nlist: [\"\xC3\xA9\xC3\xA9\", T1003]\r\nid: y\r\n", Keep());
  ASSERT_TRUE(root.ok()) << root.status();
  const YamlLiteNode& list = root->Child("list");
  ASSERT_EQ(list.sequence.size(), 2u);
  EXPECT_EQ(list.sequence[0].scalar, "\xC3\xA9\xC3\xA9");
  EXPECT_EQ(list.sequence[1].line, 2);
  EXPECT_EQ(list.sequence[1].column, 16);  // bytes, not characters
  EXPECT_EQ(root->Child("id").line, 3);
}

TEST(YamlLiteTest, SyntaxErrorHasLineAndColumn) {
  absl::StatusOr<YamlLiteNode> root =
      ParseYamlLite("id: x\nname: [unclosed\n", Keep());
  ASSERT_FALSE(root.ok());
  EXPECT_EQ(root.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(root.status().message(),
            "3:1: did not find expected ',' or ']' (while parsing a flow "
            "sequence)");
  root = ParseYamlLite("a: b\n c: d\n", Keep());
  ASSERT_FALSE(root.ok());
  EXPECT_THAT(root.status().message(), HasSubstr("2:3: "));
}

TEST(YamlLiteTest, RefusesWhatItDoesNotModel) {
  for (const char* text :
       {"a: &x 1\nid: *x\n", "id: !!str 1\n", "%YAML 1.1\n---\nid: 1\n",
        "id: 1\n---\nid: 2\n", "\xEF\xBB\xBFid: 1\n", "id: 1\rname: 2\n",
        "id: \xC2\x85\n", "id: a\xE2\x80\xA8z\n", "", "# only a comment\n",
        "? [complex]\n: key\n"}) {
    absl::StatusOr<YamlLiteNode> root = ParseYamlLite(text, Keep());
    EXPECT_EQ(root.status().code(), absl::StatusCode::kUnimplemented)
        << "input: " << text << " status: " << root.status();
  }
}

TEST(YamlLiteTest, InvalidUtf8AndControlCharactersAreErrors) {
  for (const char* text : {"id: \xFF\xFE\n", "id: a\x01z\n", "id: \xC3\n"}) {
    absl::StatusOr<YamlLiteNode> root = ParseYamlLite(text, Keep());
    EXPECT_EQ(root.status().code(), absl::StatusCode::kInvalidArgument)
        << root.status();
  }
}

TEST(YamlLiteTest, DeepNestingIsRefusedKeptOrSkipped) {
  for (const char* key : {"id", "skipped"}) {
    const std::string deep = absl::StrCat(key, ": ", std::string(100000, '['),
                                          std::string(100000, ']'), "\n");
    absl::StatusOr<YamlLiteNode> root = ParseYamlLite(deep, Keep());
    EXPECT_EQ(root.status().code(), absl::StatusCode::kResourceExhausted)
        << root.status();
  }
  std::string block = "id:\n";
  for (int i = 0; i < 200; ++i) {
    block += std::string(2 * i + 2, ' ') + "- \n";
  }
  absl::StatusOr<YamlLiteNode> root = ParseYamlLite(block, Keep());
  EXPECT_FALSE(root.ok());
  // Just under the limit is fine.
  const int n = kMaxYamlLiteDepth - 2;  // root map, then `id`'s lists
  root = ParseYamlLite(
      absl::StrCat("id: ", std::string(n, '['), std::string(n, ']'), "\n"),
      Keep());
  ASSERT_TRUE(root.ok()) << root.status();
}

TEST(YamlLiteTest, HugeScalarIsReadWhole) {
  const std::string big(4 << 20, 'x');
  absl::StatusOr<YamlLiteNode> root =
      ParseYamlLite(absl::StrCat("id: ", big, "\nname: y\n"), Keep());
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(root->Child("id").scalar.size(), big.size());
  EXPECT_EQ(root->Child("name").line, 2);
}

TEST(YamlLiteTest, AliasBombIsRefusedQuickly) {
  // The "billion laughs": refused at the first alias, nothing expanded.
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'z'; ++c) {
    absl::StrAppend(&bomb, std::string(1, c), ": &", std::string(1, c), " [");
    for (int i = 0; i < 10; ++i) {
      absl::StrAppend(&bomb, i ? ", " : "", "*", std::string(1, c - 1));
    }
    absl::StrAppend(&bomb, "]\n");
  }
  absl::StrAppend(&bomb, "id: *z\n");
  const auto t0 = std::chrono::steady_clock::now();
  absl::StatusOr<YamlLiteNode> root = ParseYamlLite(bomb, Keep());
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - t0)
                      .count();
  EXPECT_EQ(root.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(root.status().message(), "anchor");
  EXPECT_LT(ms, 1000);
}

TEST(YamlLiteTest, NonMapRootKeepsNoChildren) {
  absl::StatusOr<YamlLiteNode> root = ParseYamlLite("- a\n- b\n", Keep());
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_TRUE(root->IsSequence());
  EXPECT_TRUE(root->sequence.empty());
  root = ParseYamlLite("just text\n", Keep());
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(root->scalar, "just text");
}

}  // namespace
}  // namespace cov::ingest
