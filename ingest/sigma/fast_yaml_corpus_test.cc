// The libyaml reader of the Sigma parser (SigmaParserOptions::fast_yaml)
// against the yaml-cpp reference (fast_yaml = false): over every file of the
// Sigma corpora (SigmaHQ r2026 with its regression set, and the legacy
// 0.20 tree), and over deterministic mutations of each (truncations, deleted
// lines, inserted or replaced bytes giving syntax errors, odd nesting,
// anchors, aliases, tags, nulls, empty values, escapes, tabs, CRLF and
// non-ASCII text, flow collections), the rules (every field) and
// diagnostics (file:line:col, code, message, object) must be identical.
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "ingest/base/diagnostics.h"
#include "ingest/base/file_walk.h"
#include "ingest/base/rule_parser.h"
#include "ingest/sigma/internal/yaml_tree.h"
#include "ingest/sigma/sigma_parser.h"
#include "tests/corpus.h"

namespace cov::ingest::sigma {
namespace {

// Everything a parse returns, as text.
std::string Dump(const ParsedFile& f) {
  std::string out;
  for (const cov::v1::Rule& r : f.rules) {
    absl::StrAppend(&out, "rule {\n", r.DebugString(), "}\n");
  }
  for (const cov::v1::Diagnostic& d : f.diagnostics) {
    absl::StrAppend(&out, FormatDiagnostic(d), " @", d.line(), ":", d.column(),
                    " ", d.code(), " [", d.object(), "]\n");
  }
  return out;
}

// A small deterministic generator (splitmix64).
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  size_t Below(size_t n) { return n == 0 ? 0 : Next() % n; }

 private:
  uint64_t s_;
};

std::string Mutate(const std::string& text, Rng& rng) {
  static const char* const kInserts[] = {":",
                                         "- ",
                                         "[",
                                         "]",
                                         "{",
                                         "}",
                                         "\"",
                                         "'",
                                         "&a ",
                                         "*a",
                                         "!!str ",
                                         "#",
                                         "|",
                                         ">",
                                         " ",
                                         "\t",
                                         "\n",
                                         "\r\n",
                                         "\xC3\xA9",
                                         "~",
                                         "null",
                                         "\n- \n",
                                         ": ",
                                         "? ",
                                         "---\n",
                                         "%YAML 1.1\n",
                                         "\\",
                                         ",",
                                         "\"a\\tb\" ",
                                         "'it''s' ",
                                         "x: \n",
                                         "y:\n",
                                         "- [a, b]\n",
                                         "{k: v}",
                                         "\xEF\xBB\xBF",
                                         "\xE2\x80\xA8",
                                         "|-\n  x\n",
                                         ">+\n  y\n\n",
                                         "  ",
                                         "\xF0\x9F\x98\x80"};
  std::string t = text;
  switch (rng.Below(6)) {
    case 0:  // truncate
      t.resize(rng.Below(t.size() + 1));
      break;
    case 1: {  // delete a line
      size_t at = t.find('\n', rng.Below(t.size() + 1));
      if (at == std::string::npos) break;
      size_t end = t.find('\n', at + 1);
      t.erase(at, end == std::string::npos ? std::string::npos : end - at);
      break;
    }
    case 2: {  // replace a byte
      const size_t at = rng.Below(t.size());
      if (at < t.size()) {
        t.replace(at, 1, kInserts[rng.Below(std::size(kInserts))]);
      }
      break;
    }
    case 3:  // CRLF line breaks, or non-ASCII text in every value
      t = rng.Below(2) == 0 ? absl::StrReplaceAll(t, {{"\n", "\r\n"}})
                            : absl::StrReplaceAll(t, {{": ", ": \xC3\xA9"}});
      break;
    case 4: {  // a key's value emptied, or a block list made a flow list
      const size_t at = t.find(": ", rng.Below(t.size() + 1));
      if (at == std::string::npos) break;
      if (rng.Below(2) == 0) {
        const size_t end = t.find('\n', at);
        t.erase(at + 1,
                end == std::string::npos ? std::string::npos : end - at - 1);
      } else {
        t = absl::StrReplaceAll(t, {{":\n    - ", ": [\n    "}});
        t = absl::StrReplaceAll(t, {{"\n    - ", ",\n    "}});
      }
      break;
    }
    default: {  // insert at a line start
      size_t at = t.find('\n', rng.Below(t.size() + 1));
      at = at == std::string::npos ? t.size() : at + 1;
      t.insert(at, kInserts[rng.Below(std::size(kInserts))]);
      break;
    }
  }
  return t;
}

// Mutated copies of each file (COV_SIGMA_MUTATIONS overrides, for longer
// local runs).
int Mutations() {
  const char* env = std::getenv("COV_SIGMA_MUTATIONS");
  return env != nullptr ? std::atoi(env) : 6;
}

TEST(SigmaFastYamlCorpusTest, SameAsYamlCpp) {
  const int kMutations = Mutations();
  const SigmaParser fast;
  SigmaParserOptions reference_options;
  reference_options.fast_yaml = false;
  const SigmaParser reference(reference_options);
  int files = 0, compared = 0, differ = 0;
  for (const char* dir :
       {"sigma/sigmahq-r2026-04-01", "sigma/sigmahq-r2026-04-01-regression",
        "sigma/sigmahq-legacy-0.20"}) {
    absl::StatusOr<std::string> root = cov::testing::CorpusPath(dir);
    ASSERT_TRUE(root.ok()) << root.status();
    auto walked = WalkFiles(
        *root, [&](absl::string_view rel) { return fast.Accepts(rel); });
    ASSERT_TRUE(walked.ok()) << walked.status();
    ASSERT_GT(walked->size(), 5u) << dir;
    Rng rng(20261206 + kMutations);
    for (const WalkedFile& f : *walked) {
      ++files;
      absl::StatusOr<std::string> text = cov::testing::ReadFileToString(f.full);
      ASSERT_TRUE(text.ok()) << text.status();
      std::vector<std::string> inputs = {*text};
      for (int i = 0; i < kMutations; ++i) inputs.push_back(Mutate(*text, rng));
      for (size_t i = 0; i < inputs.size(); ++i) {
        const SourceFile sf = {f.rel, inputs[i], "sigma"};
        const std::string want = Dump(reference.Parse(sf));
        const std::string got = Dump(fast.Parse(sf));
        ++compared;
        if (got != want) {
          ++differ;
          if (differ <= 5) {
            ADD_FAILURE() << f.rel << (i == 0 ? "" : " (mutated)")
                          << "\n--- input ---\n"
                          << inputs[i] << "\n--- yaml-cpp ---\n"
                          << want << "--- fast ---\n"
                          << got;
          }
        }
      }
    }
  }
  EXPECT_EQ(files, 5049);
  EXPECT_EQ(differ, 0) << "of " << compared;
}

// The fast reader really answers for the corpus (not only by refusing).
TEST(SigmaFastYamlCorpusTest, FastPathReadsMostFiles) {
  absl::StatusOr<std::string> root =
      cov::testing::CorpusPath("sigma/sigmahq-r2026-04-01");
  ASSERT_TRUE(root.ok()) << root.status();
  auto walked = WalkFiles(
      *root, [](absl::string_view rel) { return SigmaParser().Accepts(rel); });
  ASSERT_TRUE(walked.ok()) << walked.status();
  int read = 0;
  for (const WalkedFile& f : *walked) {
    absl::StatusOr<std::string> text = cov::testing::ReadFileToString(f.full);
    ASSERT_TRUE(text.ok()) << text.status();
    internal::Arena arena;
    read += internal::ParseYamlFast(*text, 0, 0, &arena).has_value();
  }
  // Files holding several documents go chunk by chunk in the parser.
  EXPECT_GT(read, static_cast<int>(walked->size()) * 95 / 100)
      << read << " of " << walked->size();
}

}  // namespace
}  // namespace cov::ingest::sigma
