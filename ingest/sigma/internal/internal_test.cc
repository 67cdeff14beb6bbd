// Tests of the prescan and the compact YAML tree.
#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/sigma/internal/prescan.h"
#include "ingest/sigma/internal/yaml_tree.h"

namespace cov::ingest::sigma::internal {
namespace {

// Deepest nesting the scan allows before flagging: run with a tiny limit and
// find the smallest limit that passes.
int MeasuredDepth(const std::string& text) {
  for (int limit = 0; limit < 200; ++limit) {
    PrescanLimits l;
    l.max_depth = limit;
    PrescanResult r = Prescan(text, l);
    bool deep = false;
    for (const Chunk& c : r.chunks) deep = deep || c.too_deep_line != 0;
    if (!deep) return limit;
  }
  return -1;
}

constexpr char kRule[] =
    "title: Test\n"
    "logsource:\n"
    "    product: windows\n"
    "detection:\n"
    "    selection:\n"
    "        - Image|endswith: '\\x.exe'\n"
    "          CommandLine|contains:\n"
    "              - ' -a'\n"
    "              - \" -b\"\n"
    "    condition: selection\n"
    "tags:\n"
    "- attack.t1059\n";

TEST(PrescanTest, TypicalRuleDepth) {
  // map > detection map > selection seq > map > list > scalar
  EXPECT_EQ(MeasuredDepth(kRule), 6);
  EXPECT_EQ(MeasuredDepth("a: 1\n"), 1);
  EXPECT_EQ(MeasuredDepth("a: [1, [2, {b: [3]}]]\n"), 5);
  EXPECT_EQ(MeasuredDepth("- - - x\n"), 4);
}

TEST(PrescanTest, ScalarsDoNotAddDepth) {
  // Block scalars with deep-looking content, quoted and plain multi-line
  // scalars, brackets inside quotes and comments.
  const std::string text =
      "description: |\n"
      "    a\n"
      "      b\n"
      "        c\n"
      "          d\n"
      "plain: this is\n"
      "    continued\n"
      "        further [[[[\n"
      "quoted: 'it''s [[[[\n"
      "      {{{{ still quoted'\n"
      "dq: \"a \\\" [[[[\n"
      "    b\"\n"
      "x: a[b] # [[[[\n"
      "# [[[[[[\n"
      "y: \"[\"\n";
  EXPECT_EQ(MeasuredDepth(text), 1);
}

TEST(PrescanTest, DeepFlowAndBlockNestingIsFlagged) {
  std::string flow = "a: ";
  for (int i = 0; i < 100; ++i) flow += "[";
  flow += "1";
  for (int i = 0; i < 100; ++i) flow += "]";
  PrescanResult r = Prescan(flow + "\n", PrescanLimits());
  ASSERT_EQ(r.chunks.size(), 1u);
  EXPECT_EQ(r.chunks[0].too_deep_line, 1);

  std::string block;
  for (int i = 0; i < 100; ++i) {
    block += std::string(i * 2, ' ') + "k" + std::to_string(i) + ":\n";
  }
  block += std::string(200, ' ') + "v\n";
  r = Prescan(block, PrescanLimits());
  ASSERT_EQ(r.chunks.size(), 1u);
  EXPECT_EQ(r.chunks[0].too_deep_line, 65);  // the 65th level opens there

  std::string seqs;
  for (int i = 0; i < 100; ++i) seqs += "- ";
  r = Prescan(seqs + "x\n", PrescanLimits());
  EXPECT_EQ(r.chunks[0].too_deep_line, 1);
}

TEST(PrescanTest, NestingHiddenBehindTagsOrIndentationIsStillSeen) {
  const std::string deep = std::string(70, '[') + std::string(70, ']');
  for (const std::string& text : {
           "a: !t" + deep + "\n",
           "a: &x" + deep + "\n",
           // Not block-scalar content: indented no more than `key`.
           "- key: |\n  " + deep + ": v\n",
           // Not a plain continuation of `a`, for the same reason.
           "- key: a\n  " + deep + ": v\n",
       }) {
    PrescanResult r = Prescan(text, PrescanLimits());
    ASSERT_FALSE(r.chunks.empty());
    EXPECT_NE(r.chunks[0].too_deep_line, 0) << text;
  }
  // Genuine block-scalar content and plain continuations are text.
  for (const std::string& text : {
           "- key: |\n    " + deep + "\n",
           "- key: a\n    " + deep + "\n",
       }) {
    PrescanResult r = Prescan(text, PrescanLimits());
    EXPECT_EQ(r.chunks[0].too_deep_line, 0) << text;
  }
}

TEST(PrescanTest, SplitsDocuments) {
  const std::string text =
      "# leading comment\n"
      "---\n"
      "action: global\n"
      "title: t\n"
      "---\n"
      "a: 1\n"
      "...\n"
      "--- \n"
      "b: 2\n"
      "---\n"
      "# only a comment\n";
  PrescanResult r = Prescan(text, PrescanLimits());
  ASSERT_EQ(r.chunks.size(), 4u);
  EXPECT_EQ(r.chunks[0].first_line, 0);  // comment and first --- kept
  EXPECT_TRUE(r.chunks[0].has_content);
  EXPECT_EQ(text.substr(r.chunks[0].begin, r.chunks[0].end - r.chunks[0].begin),
            "# leading comment\n---\naction: global\ntitle: t\n");
  EXPECT_EQ(r.chunks[1].first_line, 4);
  EXPECT_EQ(text.substr(r.chunks[1].begin, r.chunks[1].end - r.chunks[1].begin),
            "---\na: 1\n...\n");
  EXPECT_EQ(r.chunks[2].first_line, 7);
  EXPECT_TRUE(r.chunks[2].has_content);
  EXPECT_EQ(r.chunks[3].first_line, 9);
  EXPECT_FALSE(r.chunks[3].has_content);
  EXPECT_EQ(r.chunks.back().end, text.size());
}

TEST(PrescanTest, DashesInsideBlockScalarDoNotSplit) {
  const std::string text = "a: |\n  ---\n  x\nb: 1\n";
  PrescanResult r = Prescan(text, PrescanLimits());
  EXPECT_EQ(r.chunks.size(), 1u);
}

TEST(PrescanTest, CountsAliasesNotStars) {
  const std::string text =
      "base: &b [1, 2]\n"
      "x: *b\n"
      "y: [*b, *b]\n"
      "- *b\n"
      "s: '*notalias'\n"
      "p: a *not\n"
      "w: C:\\*.exe\n";
  PrescanResult r = Prescan(text, PrescanLimits());
  EXPECT_EQ(r.alias_count, 4);
  EXPECT_EQ(r.alias_limit_line, 0);
  PrescanLimits tight;
  tight.max_aliases = 2;
  r = Prescan(text, tight);
  EXPECT_EQ(r.alias_limit_line, 3);
}

TEST(PrescanTest, NulAndUtf8) {
  const std::string bin("a: 1\nb: x\0y\n", 12);
  PrescanResult r = Prescan(bin, PrescanLimits());
  EXPECT_EQ(r.nul_line, 2);
  EXPECT_TRUE(r.chunks.empty());

  r = Prescan("a: caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\n",
              PrescanLimits());
  EXPECT_EQ(r.invalid_utf8_line, 0);
  for (const char* bad :
       {"\xff", "\xc3", "\xc0\xaf" /* overlong */,
        "\xed\xa0\x80" /* surrogate */, "\xf4\x90\x80\x80" /* > U+10FFFF */}) {
    r = Prescan(std::string("ok: 1\nb: ab") + bad + "\n", PrescanLimits());
    EXPECT_EQ(r.invalid_utf8_line, 2) << bad;
    EXPECT_EQ(r.invalid_utf8_column, 6) << bad;
  }
}

TEST(PrescanTest, LineColumnAt) {
  int line, col;
  LineColumnAt("ab\ncd\n", 4, &line, &col);
  EXPECT_EQ(line, 2);
  EXPECT_EQ(col, 2);
  LineColumnAt("ab", 0, &line, &col);
  EXPECT_EQ(line, 1);
  EXPECT_EQ(col, 1);
}

TEST(YamlTreeTest, BuildsNodesWithPositions) {
  Arena arena;
  const std::string text =
      "title: 'Quoted'\n"
      "date: 2021/05/01\n"
      "n: ~\n"
      "list:\n"
      "  - a\n"
      "  - b\n";
  ParsedChunk pc = ParseYaml(text, 10, 100, &arena);
  ASSERT_FALSE(pc.failed) << pc.error.message;
  ASSERT_EQ(pc.roots.size(), 1u);
  const Node* root = pc.roots[0];
  ASSERT_TRUE(root->IsMap());
  EXPECT_EQ(root->MapSize(), 4u);
  const Node* title = root->Get("title");
  ASSERT_NE(title, nullptr);
  EXPECT_EQ(title->value, "Quoted");
  EXPECT_TRUE(title->quoted);
  EXPECT_EQ(title->line, 10);
  EXPECT_EQ(title->column, 7);
  EXPECT_EQ(title->pos, 107u);
  const Node* date = root->Get("date");
  EXPECT_EQ(date->value, "2021/05/01");  // as written
  EXPECT_FALSE(date->quoted);
  EXPECT_TRUE(root->Get("n")->IsNull());
  const Node* list = root->Get("list");
  ASSERT_TRUE(list->IsSequence());
  ASSERT_EQ(list->items.size(), 2u);
  EXPECT_EQ(list->items[1]->value, "b");
  EXPECT_EQ(list->items[1]->line, 15);
  EXPECT_EQ(root->Get("missing"), nullptr);
}

TEST(YamlTreeTest, PositionsAreBytesInTheFile) {
  Arena arena;
  const std::string text =
      "\xEF\xBB\xBF"
      "a: 'x'\nb: \xc3\xa9t\xc3\xa9 z\n";
  ParsedChunk pc = ParseYaml(text, 0, 0, &arena);
  ASSERT_FALSE(pc.failed);
  const Node* a = pc.roots[0]->Get("a");
  EXPECT_EQ(text[a->pos], '\'');
  const Node* b = pc.roots[0]->Get("b");
  EXPECT_EQ(text.substr(b->pos, 6), "\xc3\xa9t\xc3\xa9 ");
  EXPECT_EQ(b->line, 1);
}

TEST(YamlTreeTest, SeveralDocumentsAndErrors) {
  Arena arena;
  ParsedChunk pc = ParseYaml("a: 1\n...\nb: 2\n", 0, 0, &arena);
  ASSERT_FALSE(pc.failed);
  EXPECT_EQ(pc.roots.size(), 2u);

  pc = ParseYaml("a: 1\nb: [1, 2\nc: 3\n", 20, 0, &arena);
  EXPECT_TRUE(pc.failed);
  EXPECT_FALSE(pc.error.message.empty());
  EXPECT_GE(pc.error.line, 21);
}

TEST(YamlTreeTest, StrayFlowTokenDoesNotHangYamlCpp) {
  // yaml-cpp 0.7 alone loops forever (and grows memory) on these.
  for (const char* text :
       {",", "a: 1\n...\n,\n", "---\n,logsource:\n  x: 1\n"}) {
    Arena arena;
    ParsedChunk pc = ParseYaml(text, 5, 0, &arena);
    EXPECT_TRUE(pc.failed) << text;
    EXPECT_THAT(pc.error.message, ::testing::HasSubstr("unexpected token"));
    EXPECT_LE(pc.roots.size(), 2u);
  }
  Arena arena;
  ParsedChunk pc = ParseYaml("---\n,logsource:\n", 5, 0, &arena);
  EXPECT_EQ(pc.error.line, 6);
}

TEST(YamlTreeTest, AliasesAreReferencesNotCopies) {
  Arena arena;
  ParsedChunk pc =
      ParseYaml("base: &b {x: 1}\nuse: *b\nself: &s [*s]\n", 0, 0, &arena);
  ASSERT_FALSE(pc.failed) << pc.error.message;
  const Node* root = pc.roots[0];
  EXPECT_EQ(root->Get("use"), root->Get("base"));
  EXPECT_EQ(root->Get("use")->Get("x")->value, "1");
  // A self-reference resolves to null instead of forming a cycle.
  const Node* self = root->Get("self");
  ASSERT_TRUE(self->IsSequence());
  EXPECT_TRUE(self->items[0]->IsNull());
}

TEST(YamlTreeTest, ExpandedSizeSeesThroughAliasBombs) {
  std::string text = "l0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 10; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    text += "l" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) text += (k ? ", " : "") + prev;
    text += "]\n";
  }
  Arena arena;
  ParsedChunk pc = ParseYaml(text, 0, 0, &arena);
  ASSERT_FALSE(pc.failed) << pc.error.message;
  EXPECT_LT(arena.size(), 200u);  // nothing was expanded
  EXPECT_EQ(ExpandedSize(pc.roots[0], 1000000), 1000000u);
  EXPECT_EQ(ExpandedSize(pc.roots[0]->Get("l0"), 1000000), 11u);
  EXPECT_EQ(ExpandedSize(pc.roots[0]->Get("l1"), 1000000), 111u);
}

TEST(YamlTreeTest, DuplicateKeys) {
  Arena arena;
  ParsedChunk pc = ParseYaml("a: 1\nb:\n  x: 1\n  x: 2\na: 3\n", 0, 0, &arena);
  ASSERT_FALSE(pc.failed);
  ASSERT_EQ(pc.duplicates.size(), 1u);
  ASSERT_EQ(pc.duplicates[0].size(), 2u);
  EXPECT_EQ(pc.duplicates[0][0].key, "x");
  EXPECT_EQ(pc.duplicates[0][0].line, 3);
  EXPECT_EQ(pc.duplicates[0][1].key, "a");
  EXPECT_EQ(pc.duplicates[0][1].line, 4);
  EXPECT_EQ(pc.roots[0]->Get("a")->value, "3");  // last wins

  // Large maps take the sorting path.
  std::string big;
  for (int i = 0; i < 50; ++i) big += "k" + std::to_string(i) + ": 1\n";
  big += "k7: 2\n";
  pc = ParseYaml(big, 0, 0, &arena);
  ASSERT_EQ(pc.duplicates[0].size(), 1u);
  EXPECT_EQ(pc.duplicates[0][0].key, "k7");
  EXPECT_EQ(pc.duplicates[0][0].line, 50);
}

TEST(YamlTreeTest, MergeMapsLikeSigmac) {
  Arena arena;
  ParsedChunk g = ParseYaml(
      "action: global\ntitle: G\nlogsource: {product: windows}\n"
      "detection: {condition: sel}\nlevel: high\n",
      0, 0, &arena);
  ParsedChunk d = ParseYaml(
      "logsource: {category: process_creation}\n"
      "detection: {sel: {a: 1}}\nlevel: low\n",
      10, 0, &arena);
  ASSERT_FALSE(g.failed);
  ASSERT_FALSE(d.failed);
  const Node* merged = MergeMaps(d.roots[0], g.roots[0], "action", &arena);
  EXPECT_EQ(merged->Get("action"), nullptr);
  EXPECT_EQ(merged->Get("title")->value, "G");
  EXPECT_EQ(merged->Get("level")->value, "high");  // overlay wins
  EXPECT_EQ(merged->Get("logsource")->Get("product")->value, "windows");
  EXPECT_EQ(merged->Get("logsource")->Get("category")->value,
            "process_creation");
  EXPECT_EQ(merged->Get("detection")->Get("condition")->value, "sel");
  EXPECT_NE(merged->Get("detection")->Get("sel"), nullptr);
  EXPECT_EQ(merged->line, 10);
}

// Node trees equal in every field ParseYaml fills.
void ExpectSameTree(const Node* a, const Node* b, const std::string& where) {
  ASSERT_EQ(a == nullptr, b == nullptr) << where;
  if (a == nullptr) return;
  EXPECT_EQ(a->type, b->type) << where;
  EXPECT_EQ(a->quoted, b->quoted) << where;
  EXPECT_EQ(a->line, b->line) << where;
  EXPECT_EQ(a->column, b->column) << where;
  EXPECT_EQ(a->pos, b->pos) << where;
  EXPECT_EQ(a->value, b->value) << where;
  ASSERT_EQ(a->items.size(), b->items.size()) << where;
  for (size_t i = 0; i < a->items.size(); ++i) {
    ExpectSameTree(a->items[i], b->items[i], where + "/" + std::to_string(i));
  }
}

TEST(YamlTreeFastTest, SameTreeAsYamlCpp) {
  for (const std::string& text : {
           std::string(kRule),
           std::string("title: 'it''s'\ndescription: |\n  two\n  lines\n"
                       "folded: >-\n  a\n  b\nn: ~\nN: NULL\nq: \"x\"\n"),
           std::string("a: \xc3\xa9t\xc3\xa9 z\nb:\n- \xc3\xa9\n- 'x'\n"),
           std::string("a: 1\r\nb:\r\n  - x\r\n  - y\r\n"),
           std::string("tags: [a, 'b', {c: d}]\nm: {x: 1, y: [2]}\n"),
           std::string("k: plain\n  continued\nk: again\n"),  // duplicate
       }) {
    Arena arena;
    const ParsedChunk slow = ParseYaml(text, 7, 70, &arena);
    const std::optional<ParsedChunk> fast = ParseYamlFast(text, 7, 70, &arena);
    ASSERT_TRUE(fast.has_value()) << text;
    ASSERT_FALSE(slow.failed) << text;
    ASSERT_EQ(fast->roots.size(), slow.roots.size()) << text;
    for (size_t i = 0; i < slow.roots.size(); ++i) {
      ExpectSameTree(fast->roots[i], slow.roots[i], text);
      ASSERT_EQ(fast->duplicates[i].size(), slow.duplicates[i].size()) << text;
      for (size_t j = 0; j < slow.duplicates[i].size(); ++j) {
        EXPECT_EQ(fast->duplicates[i][j].key, slow.duplicates[i][j].key);
        EXPECT_EQ(fast->duplicates[i][j].line, slow.duplicates[i][j].line);
        EXPECT_EQ(fast->duplicates[i][j].column, slow.duplicates[i][j].column);
      }
    }
  }
}

TEST(YamlTreeFastTest, RefusesWhatItCannotReadAsYamlCpp) {
  for (const std::string& text : {
           std::string("a: &x 1\nb: *x\n"),        // anchor, alias
           std::string("a: !!str 1\n"),            // tag
           std::string("%YAML 1.1\n---\na: 1\n"),  // directive
           std::string("a: 1\n...\nb: 2\n"),       // two documents
           std::string("a:\nb: 1\n"),              // empty value
           std::string("a: \"x\\ty\"\n"),          // escape
           std::string("\xEF\xBB\xBF"
                       "a: 1\n"),  // byte-order mark
           std::string("a: 1\n\xEF\xBB\xBF"
                       "b: 2\n"),
           std::string("a: 1\rb: 2\n"),      // lone CR
           std::string("a: x\xC2\x85y\n"),   // NEL
           std::string("? [a]\n: 1\n"),      // complex key
           std::string("a: [1, 2\nb: 3\n"),  // syntax error
           std::string(""),                  // no document
       }) {
    Arena arena;
    EXPECT_FALSE(ParseYamlFast(text, 0, 0, &arena).has_value()) << text;
  }
}

}  // namespace
}  // namespace cov::ingest::sigma::internal
