// MultiLiteral against a plain search: every (literal id, end position) it
// reports, and nothing else, on hand-picked and on random texts, exact and
// ASCII case-insensitive.
#include "server/engine/sigma_eval/internal/multi_literal.h"

#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cov::server::engine::sigma_eval::internal {
namespace {

using Hits = std::multiset<int>;

Hits Scan(const MultiLiteral& m, const std::string& text) {
  Hits hits;
  m.Scan(text, [&](int id) { hits.insert(id); });
  return hits;
}

// Every occurrence (end position) of every literal, by plain comparison.
Hits Naive(const std::vector<std::string>& literals, const std::string& text,
           bool fold) {
  const std::string t = fold ? absl::AsciiStrToLower(text) : text;
  Hits hits;
  for (size_t id = 0; id < literals.size(); ++id) {
    const std::string l =
        fold ? absl::AsciiStrToLower(literals[id]) : literals[id];
    for (size_t at = t.find(l); at != std::string::npos;
         at = t.find(l, at + 1)) {
      hits.insert(static_cast<int>(id));
    }
  }
  return hits;
}

TEST(MultiLiteralTest, OverlappingLiteralsAndIds) {
  MultiLiteral m;
  EXPECT_EQ(m.Add("he"), 0);
  EXPECT_EQ(m.Add("she"), 1);
  EXPECT_EQ(m.Add("his"), 2);
  EXPECT_EQ(m.Add("hers"), 3);
  EXPECT_EQ(m.Add("she"), 1);  // same literal, same id
  m.Build();
  EXPECT_EQ(m.size(), 4);
  EXPECT_EQ(Scan(m, "ushers"), (Hits{0, 1, 3}));
  EXPECT_EQ(Scan(m, "hehe"), (Hits{0, 0}));
  EXPECT_EQ(Scan(m, "USHERS"), Hits{});  // exact bytes
  EXPECT_EQ(Scan(m, ""), Hits{});
}

TEST(MultiLiteralTest, TwoLanesFindTheOccurrenceAcrossTheMiddle) {
  MultiLiteral m;
  m.Add("needle");
  m.Build();
  // 200 bytes, "needle" at 97..102: it starts in the first half and ends in
  // the second.
  std::string text(200, '.');
  text.replace(97, 6, "needle");
  Hits hits;
  m.ScanTwoLanes(text, [&](int id) { hits.insert(id); });
  EXPECT_EQ(hits, (Hits{0}));
  text.replace(97, 6, "......");
  text.replace(194, 6, "needle");  // at the very end (lane B only)
  hits.clear();
  m.ScanTwoLanes(text, [&](int id) { hits.insert(id); });
  EXPECT_EQ(hits, (Hits{0}));
}

TEST(MultiLiteralTest, CaseInsensitiveScanOfRawText) {
  MultiLiteral m;
  m.Add("\\bitsadmin.exe");
  m.Add("/transfer");
  m.Add("Http");  // upper case in a literal folds too
  m.Build(/*ascii_case_insensitive=*/true);
  EXPECT_EQ(Scan(m,
                 "C:\\Windows\\System32\\BITSADMIN.EXE /Transfer x "
                 "hTTp://a"),
            (Hits{0, 1, 2}));
  // Only ASCII letters fold: the bytes of U+00C9 and U+00E9 differ.
  MultiLiteral u;
  u.Add("\xC3\xA9t\xC3\xA9");
  u.Build(true);
  EXPECT_EQ(Scan(u, "\xC3\xA9T\xC3\xA9"), (Hits{0}));
  EXPECT_EQ(Scan(u, "\xC3\x89T\xC3\x89"), Hits{});
}

TEST(MultiLiteralTest, RandomTextsAgreeWithPlainSearch) {
  std::mt19937 rng(20261205);
  const std::string alphabet = "abAB\\.-_ \xC3";
  auto random_string = [&](size_t max_len) {
    std::string s(1 + rng() % max_len, ' ');
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    return s;
  };
  for (int round = 0; round < 200; ++round) {
    const bool fold = round % 2 == 1;
    std::vector<std::string> literals;
    MultiLiteral m;
    const int n = 1 + static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) {
      std::string l = random_string(5);
      if (fold) l = absl::AsciiStrToLower(l);
      const int id = m.Add(l);
      if (id == static_cast<int>(literals.size())) literals.push_back(l);
    }
    m.Build(fold);
    for (int k = 0; k < 20; ++k) {
      const std::string text = random_string(k < 10 ? 64 : 400);
      const Hits want = Naive(literals, text, fold);
      ASSERT_EQ(Scan(m, text), want)
          << "round " << round << " text '" << text << "'";
      // Two lanes: the same literals, each at least as often (an occurrence
      // in the lanes' overlap may come twice).
      Hits two;
      m.ScanTwoLanes(text, [&](int id) { two.insert(id); });
      ASSERT_EQ(std::set<int>(two.begin(), two.end()),
                std::set<int>(want.begin(), want.end()))
          << "round " << round << " text '" << text << "'";
      for (int id : want) {
        ASSERT_GE(two.count(id), want.count(id)) << "round " << round;
      }
      // Paired with another automaton's scan: exactly the hits of each.
      const std::string other = random_string(100);
      Hits mine, theirs;
      MultiLiteral::ScanPair(
          m, text, [&](int id) { mine.insert(id); }, m, other,
          [&](int id) { theirs.insert(id); });
      ASSERT_EQ(mine, want) << "round " << round;
      ASSERT_EQ(theirs, Naive(literals, other, fold)) << "round " << round;
    }
  }
}

}  // namespace
}  // namespace cov::server::engine::sigma_eval::internal
