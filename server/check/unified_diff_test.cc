#include "server/check/unified_diff.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/temp_dir.h"

namespace cov::server::check {
namespace {

using ::testing::HasSubstr;

// Applies a unified diff made by UnifiedDiff to `before` (a small, strict
// applier: context and removed lines must match exactly).
bool Apply(const std::string& before, const std::string& diff,
           std::string* after) {
  std::vector<std::string> a;
  for (size_t s = 0; s < before.size();) {
    size_t nl = before.find('\n', s);
    size_t e = nl == std::string::npos ? before.size() : nl + 1;
    a.push_back(before.substr(s, e - s));
    s = e;
  }
  std::vector<std::string> d;
  for (size_t s = 0; s < diff.size();) {
    size_t nl = diff.find('\n', s);
    size_t e = nl == std::string::npos ? diff.size() : nl + 1;
    d.push_back(diff.substr(s, e - s));
    s = e;
  }
  if (d.size() < 2 || d[0].rfind("--- a/", 0) != 0 ||
      d[1].rfind("+++ b/", 0) != 0) {
    return false;
  }
  std::string out;
  size_t ai = 0;  // next line of `a` to copy
  for (size_t k = 2; k < d.size();) {
    int old_start, old_count = 1, new_start, new_count = 1;
    {
      // "@@ -l[,n] +l[,n] @@\n"
      const std::string& h = d[k];
      if (h.rfind("@@ -", 0) != 0) return false;
      std::vector<std::string> parts = absl::StrSplit(h, ' ');
      if (parts.size() < 4) return false;
      std::vector<std::string> o = absl::StrSplit(parts[1].substr(1), ',');
      std::vector<std::string> n = absl::StrSplit(parts[2].substr(1), ',');
      if (!absl::SimpleAtoi(o[0], &old_start) ||
          (o.size() > 1 && !absl::SimpleAtoi(o[1], &old_count)) ||
          !absl::SimpleAtoi(n[0], &new_start) ||
          (n.size() > 1 && !absl::SimpleAtoi(n[1], &new_count))) {
        return false;
      }
    }
    ++k;
    // The hunk's lines; "\\ No newline" takes the '\n' off the line before.
    std::vector<std::pair<char, std::string>> body;
    while (k < d.size() && d[k].rfind("@@ ", 0) != 0) {
      const std::string& l = d[k++];
      if (l.rfind("\\ No newline at end of file", 0) == 0) {
        if (body.empty() || body.back().second.empty() ||
            body.back().second.back() != '\n') {
          return false;
        }
        body.back().second.pop_back();
        continue;
      }
      if (l.empty()) return false;
      body.emplace_back(l[0], l.substr(1));
    }
    const size_t first = old_count == 0 ? old_start : old_start - 1;
    if (first < ai || first > a.size()) return false;
    while (ai < first) out += a[ai++];
    int seen_old = 0, seen_new = 0;
    for (const auto& [kind, text] : body) {
      if (kind == ' ' || kind == '-') {
        if (ai >= a.size() || a[ai] != text) return false;
        ++ai;
        ++seen_old;
      }
      if (kind == ' ' || kind == '+') {
        out += text;
        ++seen_new;
      }
      if (kind != ' ' && kind != '-' && kind != '+') return false;
    }
    if (seen_old != old_count || seen_new != new_count) return false;
  }
  while (ai < a.size()) out += a[ai++];
  *after = out;
  return true;
}

std::string Shell(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return "popen failed";
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int rc = pclose(p);
  if (rc != 0) out += absl::StrCat("\n[exit ", rc, "]");
  return out;
}

std::string TempDir() { return cov::testing::TestTmpDir(); }

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f << bytes;
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Applies `diff` to `before` with GNU patch; returns the patched bytes.
std::string PatchWithGnu(const std::string& before, const std::string& diff) {
  static int n = 0;
  const std::string dir = absl::StrCat(TempDir(), "/patch", n++);
  Shell(absl::StrCat("mkdir -p ", dir));
  WriteFile(dir + "/in", before);
  WriteFile(dir + "/d.diff", diff);
  const std::string log =
      Shell(absl::StrCat("patch --binary --batch --silent -o ", dir, "/out ",
                         dir, "/in ", dir, "/d.diff 2>&1"));
  EXPECT_EQ(log, "") << diff;
  return ReadFile(dir + "/out");
}

TEST(UnifiedDiffTest, EqualIsEmpty) {
  EXPECT_EQ(UnifiedDiff("a", "x\ny\n", "x\ny\n"), "");
  EXPECT_EQ(UnifiedDiff("a", "", ""), "");
}

TEST(UnifiedDiffTest, OneLineChangedWithContext) {
  const std::string before = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n";
  const std::string after = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n";
  EXPECT_EQ(UnifiedDiff("rules/x.yml", before, after),
            "--- a/rules/x.yml\n"
            "+++ b/rules/x.yml\n"
            "@@ -2,7 +2,7 @@\n"
            " 2\n"
            " 3\n"
            " 4\n"
            "-5\n"
            "+five\n"
            " 6\n"
            " 7\n"
            " 8\n");
  EXPECT_EQ(UnifiedDiff("x", before, after, 0),
            "--- a/x\n+++ b/x\n@@ -5 +5 @@\n-5\n+five\n");
}

TEST(UnifiedDiffTest, SeparateAndMergedHunks) {
  std::string before, after;
  for (int i = 1; i <= 20; ++i) {
    absl::StrAppend(&before, i, "\n");
    absl::StrAppend(&after, i == 2 || i == 9 || i == 18 ? "x" : "", i, "\n");
  }
  // 2 and 9 are 6 unchanged lines apart (= 2 * context): one hunk; 18 is
  // further away: a second hunk.
  EXPECT_EQ(UnifiedDiff("f", before, after),
            "--- a/f\n+++ b/f\n"
            "@@ -1,12 +1,12 @@\n"
            " 1\n-2\n+x2\n 3\n 4\n 5\n 6\n 7\n 8\n-9\n+x9\n 10\n 11\n 12\n"
            "@@ -15,6 +15,6 @@\n"
            " 15\n 16\n 17\n-18\n+x18\n 19\n 20\n");
}

TEST(UnifiedDiffTest, InsertDeleteAndEmptyRanges) {
  EXPECT_EQ(UnifiedDiff("f", "", "a\nb\n"),
            "--- a/f\n+++ b/f\n@@ -0,0 +1,2 @@\n+a\n+b\n");
  EXPECT_EQ(UnifiedDiff("f", "a\nb\n", ""),
            "--- a/f\n+++ b/f\n@@ -1,2 +0,0 @@\n-a\n-b\n");
  EXPECT_EQ(UnifiedDiff("f", "a\nc\n", "a\nb\nc\n"),
            "--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@\n a\n+b\n c\n");
  EXPECT_EQ(UnifiedDiff("f", "a\nb\nc\n", "a\nc\n", 0),
            "--- a/f\n+++ b/f\n@@ -2 +1,0 @@\n-b\n");
}

TEST(UnifiedDiffTest, NoNewlineAtEnd) {
  EXPECT_EQ(UnifiedDiff("f", "a\nb", "a\nc"),
            "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n"
            "\\ No newline at end of file\n+c\n"
            "\\ No newline at end of file\n");
  EXPECT_EQ(UnifiedDiff("f", "a\nb", "a\nb\n"),
            "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n"
            "\\ No newline at end of file\n+b\n");
}

TEST(UnifiedDiffTest, CrlfKept) {
  const std::string before = "title: x\r\ntags:\r\n  - attack.t1086\r\n";
  const std::string after = "title: x\r\ntags:\r\n  - attack.t1059.001\r\n";
  const std::string d = UnifiedDiff("r.yml", before, after);
  EXPECT_EQ(d,
            "--- a/r.yml\n+++ b/r.yml\n@@ -1,3 +1,3 @@\n"
            " title: x\r\n tags:\r\n-  - attack.t1086\r\n"
            "+  - attack.t1059.001\r\n");
  EXPECT_EQ(PatchWithGnu(before, d), after);
}

TEST(UnifiedDiffTest, ShortestScript) {
  // Myers' classic example: ABCABBA -> CBABAC has 5 edits.
  auto lines = [](absl::string_view s) {
    std::string out;
    for (char c : s) absl::StrAppend(&out, std::string(1, c), "\n");
    return out;
  };
  const std::string d = UnifiedDiff("f", lines("ABCABBA"), lines("CBABAC"), 0);
  int edits = 0;
  for (absl::string_view l : absl::StrSplit(d, '\n')) {
    if ((l.size() == 2 && (l[0] == '+' || l[0] == '-'))) ++edits;
  }
  EXPECT_EQ(edits, 5) << d;
}

TEST(UnifiedDiffTest, RandomEditsApplyWithPatchAndApplier) {
  std::mt19937 rng(42);
  ASSERT_THAT(Shell("patch --version"), HasSubstr("GNU patch"))
      << "GNU patch is needed to check diffs";
  for (int round = 0; round < 60; ++round) {
    SCOPED_TRACE(round);
    std::vector<std::string> a;
    const int n = 1 + static_cast<int>(rng() % 40);
    for (int i = 0; i < n; ++i) {
      a.push_back(absl::StrCat("line ", rng() % 8, round % 3 == 0 ? "\r" : ""));
    }
    std::vector<std::string> b = a;
    const int edits = static_cast<int>(rng() % 6);
    for (int e = 0; e < edits; ++e) {
      const int op = static_cast<int>(rng() % 3);
      const size_t at = b.empty() ? 0 : rng() % b.size();
      if (op == 0 && !b.empty()) {
        b.erase(b.begin() + at);
      } else if (op == 1) {
        b.insert(b.begin() + at, absl::StrCat("new ", rng() % 5));
      } else if (!b.empty()) {
        b[at] = absl::StrCat("changed ", rng() % 5);
      }
    }
    std::string before = absl::StrJoin(a, "\n");
    std::string after = absl::StrJoin(b, "\n");
    if (round % 2 == 0) before += "\n";  // sometimes no final newline
    if (round % 4 != 1 && !after.empty()) after += "\n";
    const int context = static_cast<int>(rng() % 4);
    const std::string d = UnifiedDiff("f", before, after, context);
    if (before == after) {
      EXPECT_EQ(d, "");
      continue;
    }
    std::string applied;
    ASSERT_TRUE(Apply(before, d, &applied)) << d;
    EXPECT_EQ(applied, after) << d;
    EXPECT_EQ(PatchWithGnu(before, d), after) << d;
  }
}

// Issue 15 item 9: headers name files as git does (a TAB after a name with
// a space; C quoting for quotes, backslashes, control and non-ASCII bytes);
// the expected lines are what `git diff` 2.39 printed for the same files.
TEST(UnifiedDiffTest, HeadersQuotePathsAsGitDoes) {
  EXPECT_THAT(UnifiedDiff("my rules/x y.yml", "a\n", "b\n"),
              ::testing::StartsWith("--- a/my rules/x y.yml\t\n"
                                    "+++ b/my rules/x y.yml\t\n@@ -1 +1 @@\n"));
  EXPECT_THAT(UnifiedDiff("q\"t.yml", "a\n", "b\n"),
              ::testing::StartsWith("--- \"a/q\\\"t.yml\"\n"
                                    "+++ \"b/q\\\"t.yml\"\n"));
  EXPECT_THAT(UnifiedDiff("tab\tt.yml", "a\n", "b\n"),
              ::testing::StartsWith("--- \"a/tab\\tt.yml\"\n"));
  EXPECT_THAT(UnifiedDiff("\xc3\xa9.yml", "a\n", "b\n"),
              ::testing::StartsWith("--- \"a/\\303\\251.yml\"\n"));
  EXPECT_THAT(UnifiedDiff("rules/plain.yml", "a\n", "b\n"),
              ::testing::StartsWith("--- a/rules/plain.yml\n"));
}

// The same diffs applied by `patch -p1` and `git apply` inside a tree.
TEST(UnifiedDiffTest, QuotedPathsApplyWithPatchP1AndGitApply) {
  ASSERT_THAT(Shell("patch --version"), HasSubstr("GNU patch"))
      << "GNU patch is needed to check diffs";
  const std::vector<std::string> paths = {"my rules/x y.yml", "q\"t.yml",
                                          "sp ace/back\\slash.yml",
                                          "\xc3\xa9 t.yml", "plain/r.yml"};
  const std::string before = "title: x\ntags:\n  - attack.t1086\n";
  const std::string after = "title: x\ntags:\n  - attack.t1059.001\n";
  for (const std::string tool : {"patch -p1 --batch --silent", "git apply"}) {
    static int n = 0;
    const std::string root = absl::StrCat(TempDir(), "/tree", n++);
    std::string all;
    for (const std::string& p : paths) {
      const std::string full = absl::StrCat(root, "/", p);
      std::filesystem::create_directories(
          std::filesystem::path(full).parent_path());
      WriteFile(full, before);
      all += UnifiedDiff(p, before, after);
    }
    WriteFile(root + ".diff", all);
    EXPECT_EQ(Shell(absl::StrCat("cd ", root, " && ", tool, " < ", root,
                                 ".diff 2>&1")),
              "")
        << tool << "\n"
        << all;
    for (const std::string& p : paths) {
      EXPECT_EQ(ReadFile(absl::StrCat(root, "/", p)), after)
          << tool << " " << p;
    }
  }
}

TEST(UnifiedDiffTest, LargeFileIsFast) {
  std::string before, after;
  for (int i = 0; i < 200000; ++i) {
    absl::StrAppend(&before, "line ", i, "\n");
    absl::StrAppend(&after, i % 1000 == 7 ? "changed " : "line ", i, "\n");
  }
  const std::string d = UnifiedDiff("big", before, after);
  std::string applied;
  ASSERT_TRUE(Apply(before, d, &applied));
  EXPECT_EQ(applied, after);
}

}  // namespace
}  // namespace cov::server::check
