// The Elastic parser's lean path (unread `note`/`setup` strings emptied
// before toml++ parses) against toml++ over every byte
// (drop_unread_strings = false): over every file of the real corpus and over
// deterministic mutations of them (truncations, deleted lines, replaced
// bytes: broken strings, escapes, brackets, control characters), the rules
// (every field) and diagnostics (file:line:col, code, message, object) must
// be identical.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "ingest/base/diagnostics.h"
#include "ingest/base/file_walk.h"
#include "ingest/base/rule_parser.h"
#include "ingest/elastic/elastic_parser.h"
#include "ingest/elastic/unread_strings.h"
#include "tests/corpus.h"

namespace cov::ingest::elastic {
namespace {

// Everything a parse returns, as text.
std::string Dump(const ParsedFile& f) {
  std::string out;
  for (const cov::v1::Rule& r : f.rules) {
    absl::StrAppend(&out, "rule {\n", r.DebugString(), "}\n");
  }
  for (const cov::v1::Diagnostic& d : f.diagnostics) {
    absl::StrAppend(&out, FormatDiagnostic(d), " @", d.line(), ":", d.column(),
                    " ", d.code(), "\n");
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
  static const char* const kInserts[] = {
      "\"\"\"",      "'''",      "\"",   "'",
      "\\",          "\\u00e9",  "\\q",  "[",
      "]",           "[[",       "{",    "}",
      "#",           "=",        " = ",  "\n",
      "\r",          "\r\n",     "\x01", "\x7f",
      "\xC2\x85",    "\xC3\xA9", "\t",   "note = \"\"\"\nx\n\"\"\"\n",
      "setup = '''", ",",        ".",    "note"};
  std::string t = text;
  switch (rng.Below(4)) {
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
    default: {  // insert at a line start
      size_t at = t.find('\n', rng.Below(t.size() + 1));
      at = at == std::string::npos ? t.size() : at + 1;
      t.insert(at, kInserts[rng.Below(std::size(kInserts))]);
      break;
    }
  }
  return t;
}

struct Case {
  const char* root;
  const char* source;
};

void Compare(const RuleParser& fast, const RuleParser& reference,
             const Case& c) {
  absl::StatusOr<std::string> root = cov::testing::CorpusPath(c.root);
  ASSERT_TRUE(root.ok()) << root.status();
  auto files = WalkFiles(
      *root, [&](absl::string_view rel) { return fast.Accepts(rel); });
  ASSERT_TRUE(files.ok()) << files.status();
  ASSERT_GT(files->size(), 100u);
  Rng rng(20240613);
  int compared = 0, differ = 0, with_note = 0, dropped = 0;
  for (const WalkedFile& f : *files) {
    absl::StatusOr<std::string> text = cov::testing::ReadFileToString(f.full);
    ASSERT_TRUE(text.ok()) << text.status();
    with_note += text->find("\nnote = \"\"\"") != std::string::npos;
    dropped += DropUnreadStrings(*text, {"note", "setup"}).has_value();
    std::vector<std::string> inputs = {*text};
    for (int i = 0; i < 8; ++i) inputs.push_back(Mutate(*text, rng));
    for (size_t i = 0; i < inputs.size(); ++i) {
      const SourceFile sf = {f.rel, inputs[i], c.source};
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
  EXPECT_EQ(differ, 0) << "of " << compared;
  // The lean path is the one taken: every real `note` is dropped.
  EXPECT_GT(with_note, 1000);
  EXPECT_GE(dropped, with_note);
  std::printf("%d files, %d with a note, %d made lean\n",
              static_cast<int>(files->size()), with_note, dropped);
}

TEST(LeanTomlCorpusTest, ElasticSameAsTomlppOverEveryByte) {
  Compare(ElasticParser(), ElasticParser(ElasticParserOptions{false}),
          {"elastic/detection-rules-dev-v1.5.42", "elastic"});
}

}  // namespace
}  // namespace cov::ingest::elastic
