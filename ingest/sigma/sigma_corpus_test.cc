// SigmaParser over the real SigmaHQ corpora (../shared/corpus/sigma).
//
// Expected numbers were computed independently of this parser, with PyYAML
// 6.0 (BaseLoader, sigmac's action: global merge re-implemented in a few
// lines) and grep/find, on 2026-11-26:
//   find sigmahq-r2026-04-01/<dir> -name '*.yml' | wc -l    -> 3132/457/139
//   find sigmahq-legacy-0.20 -name '*.yml' | wc -l          -> 1151
//   grep -rlE '^\s*-\s*attack\.t1197\s*$' sigmahq-r2026-04-01 | wc -l  -> 16
//   grep -rlE '^\s*-\s*attack\.t1059\.001\s*$' sigmahq-r2026-04-01 | wc -l
//                                                           -> 219
//   grep -rlE '^action: global' sigmahq-legacy-0.20 | wc -l -> 70
//   python3 (yaml.load_all + merge): legacy rules 1245, of which 164 come
//   from the 70 global files; rules tagged attack.t1086 after the merge 73;
//   rules with technique tags 3259 (current) / 1124 (legacy); technique
//   references 4427 / 2178; distinct techniques 397 / 342; legacy
//   conditions with a '|' aggregation 46, with upper-case AND/OR/NOT 10;
//   legacy rules re-using an id of the same file 94.
// Some facts are also recomputed here by a plain line scan, so the test does
// not only compare against constants.
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/sigma/sigma_parser.h"
#include "tests/corpus.h"

namespace cov::ingest::sigma {
namespace {

namespace fs = std::filesystem;

struct File {
  std::string rel;  // path relative to the corpus folder
  std::string bytes;
};

struct Result {
  std::vector<File> files;
  std::vector<cov::v1::Rule> rules;
  std::vector<cov::v1::Diagnostic> diagnostics;
  std::map<std::string, int> files_per_top_dir;
  std::map<std::string, int> rules_per_file;
  std::string error;  // why the corpus could not be read
};

// Reads and parses every file the parser accepts under corpus/`folder`.
Result ParseFolder(const std::string& folder) {
  Result r;
  absl::StatusOr<std::string> root = cov::testing::CorpusPath(folder);
  if (!root.ok()) {
    r.error = std::string(root.status().message());
    return r;
  }
  if (!fs::is_directory(*root)) {
    r.error = "missing corpus folder " + *root;
    return r;
  }
  SigmaParser parser;
  std::vector<std::string> paths;
  for (const auto& e : fs::recursive_directory_iterator(*root)) {
    if (e.is_regular_file() && parser.Accepts(e.path().string())) {
      paths.push_back(e.path().string());
    }
  }
  std::sort(paths.begin(), paths.end());
  for (const std::string& p : paths) {
    absl::StatusOr<std::string> bytes = cov::testing::ReadFileToString(p);
    if (!bytes.ok()) {
      r.error = std::string(bytes.status().message());
      return r;
    }
    File f{fs::relative(p, *root).string(), *std::move(bytes)};
    ParsedFile out = parser.Parse({f.rel, f.bytes, "sigmahq"});
    r.files_per_top_dir[f.rel.substr(0, f.rel.find('/'))]++;
    r.rules_per_file[f.rel] = static_cast<int>(out.rules.size());
    for (auto& rule : out.rules) r.rules.push_back(std::move(rule));
    for (auto& d : out.diagnostics) r.diagnostics.push_back(std::move(d));
    r.files.push_back(std::move(f));
  }
  return r;
}

std::map<std::string, int> CodeCounts(const Result& r,
                                      cov::v1::Severity severity) {
  std::map<std::string, int> out;
  for (const auto& d : r.diagnostics) {
    if (d.severity() == severity) out[d.code()]++;
  }
  return out;
}

// Rules (by uid) with at least one error diagnostic.
std::set<std::string> RulesWithErrors(const Result& r) {
  std::set<std::string> out;
  for (const auto& d : r.diagnostics) {
    if (d.severity() == cov::v1::SEVERITY_ERROR) out.insert(d.object());
  }
  return out;
}

int RulesWithRef(const Result& r, const std::string& id,
                 const std::string& kind) {
  int n = 0;
  for (const auto& rule : r.rules) {
    for (const auto& a : rule.attack_refs()) {
      if (a.id() == id && a.kind() == kind) {
        ++n;
        break;
      }
    }
  }
  return n;
}

// Independent count: files holding a line "- <tag>" (any indentation).
int FilesWithTagLine(const Result& r, absl::string_view tag) {
  int n = 0;
  for (const File& f : r.files) {
    for (absl::string_view line : absl::StrSplit(f.bytes, '\n')) {
      line = absl::StripAsciiWhitespace(line);
      if (absl::ConsumePrefix(&line, "-") &&
          absl::StripAsciiWhitespace(line) == tag) {
        ++n;
        break;
      }
    }
  }
  return n;
}

// Every ATT&CK reference's line must hold its raw tag text.
void ExpectRefLinesPointAtTags(const Result& r) {
  absl::flat_hash_map<std::string, std::vector<absl::string_view>> lines;
  for (const File& f : r.files) {
    lines[f.rel] = absl::StrSplit(f.bytes, '\n');
  }
  int checked = 0;
  for (const auto& rule : r.rules) {
    const auto& file_lines = lines[rule.file()];
    ASSERT_GE(rule.line(), 1);
    ASSERT_LE(rule.line(), static_cast<int>(file_lines.size())) << rule.uid();
    for (const auto& a : rule.attack_refs()) {
      ASSERT_GE(a.line(), 1) << rule.uid();
      ASSERT_LE(a.line(), static_cast<int>(file_lines.size())) << rule.uid();
      EXPECT_TRUE(absl::StrContains(file_lines[a.line() - 1], a.raw()))
          << rule.file() << ":" << a.line() << " lacks " << a.raw();
      EXPECT_EQ(a.origin(), "tags");
      ++checked;
    }
  }
  EXPECT_GT(checked, 0);
}

struct TechniqueStats {
  int rules_with_technique = 0;
  int technique_refs = 0;
  int distinct_techniques = 0;
};

TechniqueStats Techniques(const Result& r) {
  TechniqueStats s;
  std::set<std::string> distinct;
  for (const auto& rule : r.rules) {
    int n = 0;
    for (const auto& a : rule.attack_refs()) {
      if (a.kind() != "technique") continue;
      ++n;
      distinct.insert(a.id());
    }
    s.technique_refs += n;
    s.rules_with_technique += n > 0;
  }
  s.distinct_techniques = static_cast<int>(distinct.size());
  return s;
}

// Parsed once per test binary; every test fails (never skips) when the
// corpus cannot be read.
const Result& Current() {
  static const Result* r = new Result(ParseFolder("sigma/sigmahq-r2026-04-01"));
  return *r;
}
const Result& Legacy() {
  static const Result* r = new Result(ParseFolder("sigma/sigmahq-legacy-0.20"));
  return *r;
}

#define LOAD_OR_FAIL(var, loader) \
  const Result& var = loader();   \
  ASSERT_TRUE(var.error.empty()) << var.error

TEST(CurrentRelease, FileAndRuleCounts) {
  LOAD_OR_FAIL(r, Current);
  EXPECT_EQ(r.files.size(), 3728u);
  EXPECT_EQ(r.files_per_top_dir.at("rules"), 3132);
  EXPECT_EQ(r.files_per_top_dir.at("rules-emerging-threats"), 457);
  EXPECT_EQ(r.files_per_top_dir.at("rules-threat-hunting"), 139);
  // One rule per file, no multi-document files in this release.
  EXPECT_EQ(r.rules.size(), 3728u);
  for (const auto& [file, n] : r.rules_per_file) EXPECT_EQ(n, 1) << file;
  std::set<std::string> uids;
  int correlations = 0;
  for (const auto& rule : r.rules) {
    uids.insert(rule.uid());
    correlations += rule.is_correlation();
    EXPECT_EQ(rule.format(), cov::v1::RULE_FORMAT_SIGMA);
    EXPECT_FALSE(rule.title().empty()) << rule.file();
    EXPECT_EQ(rule.content_hash().size(), 16u);
  }
  EXPECT_EQ(uids.size(), 3728u);  // ids are unique across the release
  EXPECT_EQ(correlations, 0);
}

TEST(CurrentRelease, EveryRuleIsClean) {
  // Each diagnostic on this release was investigated: the two warnings are
  // real defects of the rules (search identifiers no condition can name:
  // "filter_main_mdadm.conf", and "select_tree_execution|endswith", a field
  // modifier typed into the identifier).
  LOAD_OR_FAIL(r, Current);
  EXPECT_THAT(RulesWithErrors(r), ::testing::IsEmpty());
  EXPECT_EQ(r.rules.size() - RulesWithErrors(r).size(), 3728u);
  EXPECT_THAT(CodeCounts(r, cov::v1::SEVERITY_ERROR), ::testing::IsEmpty());
  EXPECT_THAT(CodeCounts(r, cov::v1::SEVERITY_WARNING),
              ::testing::ElementsAre(
                  ::testing::Pair("sigma-invalid-identifier-name", 2)));
  for (const auto& d : r.diagnostics) {
    EXPECT_TRUE(d.file() ==
                    "rules/linux/process_creation/"
                    "proc_creation_lnx_susp_sensitive_file_access.yml" ||
                d.file() ==
                    "rules/macos/process_creation/"
                    "proc_creation_macos_file_and_directory_discovery.yml")
        << d.file();
  }
}

TEST(CurrentRelease, TechniqueTags) {
  LOAD_OR_FAIL(r, Current);
  EXPECT_EQ(RulesWithRef(r, "T1197", "technique"), 16);
  EXPECT_EQ(RulesWithRef(r, "T1197", "technique"),
            FilesWithTagLine(r, "attack.t1197"));
  EXPECT_EQ(RulesWithRef(r, "T1059.001", "technique"), 219);
  EXPECT_EQ(RulesWithRef(r, "T1059.001", "technique"),
            FilesWithTagLine(r, "attack.t1059.001"));
  EXPECT_EQ(RulesWithRef(r, "defense-evasion", "tactic"), 1599);
  EXPECT_EQ(RulesWithRef(r, "G0032", "group"), 3);
  const TechniqueStats s = Techniques(r);
  EXPECT_EQ(s.rules_with_technique, 3259);
  EXPECT_EQ(s.technique_refs, 4427);
  EXPECT_EQ(s.distinct_techniques, 397);
  // Every tactic tag of this release is one of the 14 enterprise names.
  for (const auto& rule : r.rules) {
    for (const auto& a : rule.attack_refs()) {
      if (a.kind() == "tactic") {
        EXPECT_THAT(a.id(), ::testing::MatchesRegex("[a-z-]+")) << a.raw();
      }
    }
  }
}

TEST(CurrentRelease, ReferenceLinesPointAtTheirTags) {
  LOAD_OR_FAIL(r, Current);
  ExpectRefLinesPointAtTags(r);
}

TEST(LegacyRelease, GlobalDocumentsProduceTheRightRules) {
  LOAD_OR_FAIL(r, Legacy);
  EXPECT_EQ(r.files.size(), 1151u);
  EXPECT_EQ(r.rules.size(), 1245u);
  int global_files = 0;
  int rules_from_global_files = 0;
  for (const File& f : r.files) {
    bool global = false;
    for (absl::string_view line : absl::StrSplit(f.bytes, '\n')) {
      if (absl::StripTrailingAsciiWhitespace(line) == "action: global") {
        global = true;
      }
    }
    if (global) {
      ++global_files;
      rules_from_global_files += r.rules_per_file.at(f.rel);
      EXPECT_GE(r.rules_per_file.at(f.rel), 1) << f.rel;
    } else {
      EXPECT_EQ(r.rules_per_file.at(f.rel), 1) << f.rel;
    }
  }
  EXPECT_EQ(global_files, 70);
  EXPECT_EQ(rules_from_global_files, 164);
  std::set<std::string> uids;
  for (const auto& rule : r.rules) uids.insert(rule.uid());
  EXPECT_EQ(uids.size(), 1245u);  // shared ids were made unique
}

TEST(LegacyRelease, DiagnosticsAreWarningsOnly) {
  LOAD_OR_FAIL(r, Legacy);
  EXPECT_THAT(RulesWithErrors(r), ::testing::IsEmpty());
  EXPECT_THAT(CodeCounts(r, cov::v1::SEVERITY_WARNING),
              ::testing::ElementsAre(
                  ::testing::Pair("sigma-condition-keyword-case", 10),
                  ::testing::Pair("sigma-deprecated-aggregation", 46),
                  ::testing::Pair("sigma-duplicate-id", 94),
                  ::testing::Pair("sigma-invalid-identifier-name", 2)));
}

TEST(LegacyRelease, RevokedAndUnderscoreTags) {
  LOAD_OR_FAIL(r, Legacy);
  EXPECT_EQ(RulesWithRef(r, "T1086", "technique"), 73);
  EXPECT_EQ(RulesWithRef(r, "T1059.001", "technique"), 144);
  // attack.defense_evasion is normalised to the hyphenated shortname.
  EXPECT_EQ(RulesWithRef(r, "defense-evasion", "tactic"), 440);
  int underscored = 0;
  for (const auto& rule : r.rules) {
    for (const auto& a : rule.attack_refs()) {
      EXPECT_FALSE(absl::StrContains(a.id(), '_')) << a.raw();
      underscored += absl::StrContains(a.raw(), '_');
    }
  }
  EXPECT_GT(underscored, 0);
  const TechniqueStats s = Techniques(r);
  EXPECT_EQ(s.rules_with_technique, 1124);
  EXPECT_EQ(s.technique_refs, 2178);
  EXPECT_EQ(s.distinct_techniques, 342);
}

TEST(LegacyRelease, ReferenceLinesPointAtTheirTags) {
  LOAD_OR_FAIL(r, Legacy);
  ExpectRefLinesPointAtTags(r);
}

}  // namespace
}  // namespace cov::ingest::sigma
