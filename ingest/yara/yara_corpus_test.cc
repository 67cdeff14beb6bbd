// YaraParser over the real corpora in ../shared/corpus/yara.
//
// Every expected number below was computed without this parser, with the
// command quoted beside it (run from ../shared/corpus/yara), or is computed
// in this test by a method that does not share code with the parser.
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/base/diagnostics.h"
#include "ingest/yara/yara_parser.h"
#include "tests/corpus.h"

namespace cov::ingest::yara {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// find signature-base -type f \( -iname '*.yar' -o -iname '*.yara' -o
//   -iname '*.rule' -o -iname '*.rules' \) | wc -l            -> 741
constexpr int kSigBaseFiles = 741;
// SOURCE.txt: "5,883 rules (12 private)". Cross-checked with the yara 4.2.3
// CLI, which lists every non-private rule of a file as matching or not:
//   for f in signature-base/yara/*.yar*; do { yara $EXT -w $f EMPTY;
//     yara $EXT -w -n $f EMPTY; } | wc -l; done   (summed)       -> 5871
// with EXT="-d filename=x -d filepath=x -d extension=x -d filetype=x
// -d owner=x" and EMPTY an empty file; 5871 + 12 private = 5883. The CLI
// reported no compile error for any file.
constexpr int kSigBaseRules = 5883;
constexpr int kSigBasePrivate = 12;
// grep -cE '^\s*((private|global)\s+)*rule\s+\w+' per file, summed -> 5934.
// The 51 extra lines are rules commented out inside /* */ blocks (checked
// below with a naive "last /* after last */" test).
constexpr int kSigBaseGrepHeaders = 5934;
constexpr int kSigBaseCommentedHeaders = 51;
// Rules with ATT&CK references: 4 with technique tags (grep -nE
// '^rule .*: .*T[0-9]{4}' -> T1552_004 x2, T1003_003, T1090) and 1 more
// whose `reference` is an attack.mitre.org technique page (grep -rn
// 'attack.mitre.org/techniques' -> 3 lines, 2 of them in the tagged rules).
constexpr int kSigBaseRulesWithRefs = 5;

// attack-tagged: 124 .yar files holding 162 rules (grep as above, summed
// per file); SOURCE.txt says 163 because it counts
// bartblaze-Yara-rules/rules/crimeware/GootLoader_Dotnet, which has no
// extension (Accepts() declines it; parsed separately below).
constexpr int kTaggedFiles = 124;
constexpr int kTaggedRules = 162;
constexpr int kTaggedPublished = 163;
// yara CLI as above: 161 non-private + 1 private (isLNK).
constexpr int kTaggedPrivate = 1;
// python3: split each .yar at rule headers; count rules with a `mitre_att`
// meta or an ID-shaped tag (T####, T####_###, TA####, S####, G####)  -> 46
// (18 bartblaze + 21 0xThiebaut + 7 kirkderp; 46 = grep -c mitre_att).
constexpr int kTaggedRulesWithRefs = 46;
// find . -name '*.yar' | xargs grep -hoE '\bT[0-9]{4}([._][0-9]{3})?\b' |
//   tr _ . | sort -u | wc -l                                   -> 21
constexpr int kTaggedTechniques = 21;
// ... grep -hoE '\b(TA|S|G)[0-9]{4}\b' | sort -u: TA0002 TA0003 TA0005
// TA0011 and 14 software IDs (S0005 ... S0648), no groups.
constexpr int kTaggedTactics = 4;
constexpr int kTaggedSoftware = 14;

struct CorpusRun {
  int files = 0;
  std::vector<cov::v1::Rule> rules;
  std::vector<YaraRuleInfo> info;
  std::vector<cov::v1::Diagnostic> diagnostics;
  // Relative path -> content, for the independent checks.
  std::map<std::string, std::string> texts;
};

std::string Root() {
  absl::StatusOr<std::string> dir = cov::testing::CorpusDir();
  EXPECT_TRUE(dir.ok()) << dir.status();
  return dir.ok() ? *dir : "";
}

CorpusRun ParseTree(const std::string& rel_dir) {
  CorpusRun run;
  std::string root = Root();
  if (root.empty()) return run;
  std::string dir = absl::StrCat(root, "/", rel_dir);
  EXPECT_TRUE(fs::is_directory(dir)) << "missing corpus folder " << dir;
  YaraParser parser;
  std::vector<std::string> paths;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::string rel = fs::relative(e.path(), dir).string();
    if (parser.Accepts(rel)) paths.push_back(rel);
  }
  std::sort(paths.begin(), paths.end());
  for (const std::string& rel : paths) {
    absl::StatusOr<std::string> bytes =
        cov::testing::ReadFileToString(absl::StrCat(dir, "/", rel));
    EXPECT_TRUE(bytes.ok()) << bytes.status();
    if (!bytes.ok()) continue;
    std::string& text = run.texts[rel] = *std::move(bytes);
    YaraFile f = parser.ParseDetailed(SourceFile{rel, text, rel_dir});
    ++run.files;
    for (auto& r : f.parsed.rules) run.rules.push_back(std::move(r));
    for (auto& i : f.rule_info) run.info.push_back(i);
    for (auto& d : f.parsed.diagnostics) {
      run.diagnostics.push_back(std::move(d));
    }
  }
  return run;
}

const CorpusRun& SigBase() {
  static const CorpusRun* run = new CorpusRun(ParseTree("yara/signature-base"));
  return *run;
}

const CorpusRun& Tagged() {
  static const CorpusRun* run = new CorpusRun(ParseTree("yara/attack-tagged"));
  return *run;
}

std::string DiagList(const CorpusRun& run) {
  std::string out;
  for (const auto& d : run.diagnostics) {
    absl::StrAppend(&out, FormatDiagnostic(d), "\n");
  }
  return out;
}

int CountPrivate(const CorpusRun& run) {
  return static_cast<int>(
      std::count_if(run.info.begin(), run.info.end(),
                    [](const YaraRuleInfo& i) { return i.is_private; }));
}

// grep -E '^\s*((private|global)\s+)*rule\s+\w+', by hand: the 1-based
// lines of `text` that look like rule headers.
std::vector<int> GrepHeaderLines(absl::string_view text) {
  std::vector<int> out;
  int line = 0;
  for (absl::string_view l : absl::StrSplit(text, '\n')) {
    ++line;
    std::vector<absl::string_view> words =
        absl::StrSplit(l, absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
    size_t w = 0;
    while (w < words.size() && (words[w] == "private" || words[w] == "global"))
      ++w;
    if (w + 1 < words.size() && words[w] == "rule" &&
        (absl::ascii_isalnum(words[w + 1][0]) || words[w + 1][0] == '_')) {
      out.push_back(line);
    }
  }
  return out;
}

// Offset of the start of 1-based `line`.
size_t LineOffset(absl::string_view text, int line) {
  size_t off = 0;
  for (int l = 1; l < line; ++l) off = text.find('\n', off) + 1;
  return off;
}

TEST(SignatureBaseCorpusTest, RuleAndFileCounts) {
  const CorpusRun& run = SigBase();
  EXPECT_EQ(run.files, kSigBaseFiles);
  EXPECT_EQ(static_cast<int>(run.rules.size()), kSigBaseRules);
  EXPECT_EQ(CountPrivate(run), kSigBasePrivate);
  // Every file compiles with the externals the yara CLI is given: `yara -d
  // filename= -d filepath= -d extension= -d filetype= -d owner= F /dev/null`
  // (4.2.3) reports no error for any of the 865 signature-base and
  // attack-tagged files (13 fail without the -d externals), so no rule is
  // disabled and private rules are flagged exactly as counted above.
  EXPECT_EQ(std::count_if(run.rules.begin(), run.rules.end(),
                          [](const cov::v1::Rule& r) { return !r.enabled(); }),
            0);
  EXPECT_EQ(
      std::count_if(run.rules.begin(), run.rules.end(),
                    [](const cov::v1::Rule& r) { return r.yara_private(); }),
      kSigBasePrivate);
}

TEST(SignatureBaseCorpusTest, NoDiagnostics) {
  // The yara CLI compiles every file; so must we, without a warning.
  const CorpusRun& run = SigBase();
  EXPECT_THAT(run.diagnostics, IsEmpty()) << DiagList(run);
}

TEST(SignatureBaseCorpusTest, GrepHeadersAreRulesOrCommentedOut) {
  const CorpusRun& run = SigBase();
  std::set<std::pair<std::string, int>> parsed;
  for (const auto& r : run.rules) parsed.insert({r.file(), r.line()});
  int headers = 0, commented = 0;
  std::vector<std::string> unexplained;
  for (const auto& [path, text] : run.texts) {
    for (int line : GrepHeaderLines(text)) {
      ++headers;
      if (parsed.count({path, line}) > 0) continue;
      size_t off = LineOffset(text, line);
      size_t open = text.rfind("/*", off);
      size_t close = text.rfind("*/", off);
      bool in_comment = open != std::string::npos &&
                        (close == std::string::npos || open > close);
      if (in_comment) {
        ++commented;
      } else {
        unexplained.push_back(absl::StrCat(path, ":", line));
      }
    }
  }
  EXPECT_EQ(headers, kSigBaseGrepHeaders);
  EXPECT_EQ(commented, kSigBaseCommentedHeaders);
  EXPECT_THAT(unexplained, IsEmpty());
  // And every parsed rule starts on a grep header line.
  EXPECT_EQ(headers - commented, static_cast<int>(run.rules.size()));
}

TEST(SignatureBaseCorpusTest, UidsAreUnique) {
  const CorpusRun& run = SigBase();
  std::set<std::string> uids;
  for (const auto& r : run.rules) {
    EXPECT_TRUE(uids.insert(r.uid()).second) << r.uid();
    EXPECT_EQ(r.content_hash().size(), 16u);
  }
}

TEST(SignatureBaseCorpusTest, AttackReferences) {
  const CorpusRun& run = SigBase();
  std::map<std::string, std::vector<std::string>> by_rule;
  for (const auto& r : run.rules) {
    for (const auto& a : r.attack_refs()) {
      by_rule[r.title()].push_back(
          absl::StrCat(a.id(), "/", a.kind(), "@", a.origin(), ":", a.line()));
    }
  }
  EXPECT_EQ(static_cast<int>(by_rule.size()), kSigBaseRulesWithRefs);
  // yara/generic_dumps.yar:47  rule SUSP_ZIP_NtdsDIT : T1003_003 {
  EXPECT_THAT(by_rule["SUSP_ZIP_NtdsDIT"],
              ElementsAre("T1003.003/technique@tag:47"));
  // yara/susp_office_template_injection.yar:6
  //   reference = "https://attack.mitre.org/techniques/T1221/"
  EXPECT_THAT(by_rule["EXPL_Office_TemplateInjection_Aug19"],
              ElementsAre("T1221/technique@meta:reference:6"));
}

TEST(SignatureBaseCorpusTest, MetaFields) {
  // yara/apt_apt10.yar: lines 15-1388 hold rules inside a /* */ block; the
  // only live rule is
  //   1390: rule APT_APT10_Malware_Imphash_Dec18_1 {
  //   1392-1396: description, author, reference, date, id
  const CorpusRun& run = SigBase();
  std::vector<const cov::v1::Rule*> in_file;
  for (const auto& r : run.rules) {
    if (r.file() == "yara/apt_apt10.yar") in_file.push_back(&r);
  }
  ASSERT_EQ(in_file.size(), 1u);
  const cov::v1::Rule& rule = *in_file[0];
  EXPECT_EQ(rule.uid(),
            "yara/signature-base:yara/apt_apt10.yar:"
            "APT_APT10_Malware_Imphash_Dec18_1");
  EXPECT_EQ(rule.title(), "APT_APT10_Malware_Imphash_Dec18_1");
  EXPECT_EQ(rule.line(), 1390);
  EXPECT_THAT(rule.yara_tags(), IsEmpty());
  EXPECT_EQ(rule.author(), "Florian Roth (Nextron Systems)");
  EXPECT_EQ(rule.date(), "2018-12-28");
  EXPECT_THAT(rule.references(),
              ElementsAre("AlienVault OTX IOCs - statistical sample analysis"));
  ASSERT_EQ(rule.yara_meta_size(), 5);
  EXPECT_EQ(rule.yara_meta(4), "id=2de195a3-63a4-50ac-a83d-ab0db0f784bf");
  EXPECT_THAT(rule.attack_refs(), IsEmpty());
}

TEST(AttackTaggedCorpusTest, RuleAndFileCounts) {
  const CorpusRun& run = Tagged();
  EXPECT_EQ(run.files, kTaggedFiles);
  EXPECT_EQ(static_cast<int>(run.rules.size()), kTaggedRules);
  EXPECT_EQ(CountPrivate(run), kTaggedPrivate);
  EXPECT_EQ(std::count_if(run.rules.begin(), run.rules.end(),
                          [](const cov::v1::Rule& r) { return !r.enabled(); }),
            0);
  EXPECT_THAT(run.diagnostics, IsEmpty()) << DiagList(run);
}

TEST(AttackTaggedCorpusTest, ExtensionlessFileMakesThePublishedCount) {
  std::string root = Root();
  ASSERT_FALSE(root.empty());
  const std::string rel =
      "bartblaze-Yara-rules/rules/crimeware/GootLoader_Dotnet";
  absl::StatusOr<std::string> bytes = cov::testing::ReadFileToString(
      absl::StrCat(root, "/yara/attack-tagged/", rel));
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  YaraParser parser;
  EXPECT_FALSE(parser.Accepts(rel));
  ParsedFile f = parser.Parse(SourceFile{rel, *bytes, "attack-tagged"});
  EXPECT_THAT(f.diagnostics, IsEmpty());
  EXPECT_EQ(static_cast<int>(f.rules.size()) + kTaggedRules, kTaggedPublished);
}

TEST(AttackTaggedCorpusTest, AttackReferences) {
  const CorpusRun& run = Tagged();
  int with_refs = 0;
  std::set<std::string> techniques, tactics, software, groups, campaigns;
  for (const auto& r : run.rules) {
    if (r.attack_refs_size() > 0) ++with_refs;
    for (const auto& a : r.attack_refs()) {
      if (a.kind() == "technique") techniques.insert(a.id());
      if (a.kind() == "tactic") tactics.insert(a.id());
      if (a.kind() == "software") software.insert(a.id());
      if (a.kind() == "group") groups.insert(a.id());
      if (a.kind() == "campaign") campaigns.insert(a.id());
      EXPECT_EQ(a.status(), cov::v1::REF_STATUS_UNSPECIFIED);
      EXPECT_GT(a.line(), 0);
    }
  }
  EXPECT_EQ(with_refs, kTaggedRulesWithRefs);
  EXPECT_EQ(static_cast<int>(techniques.size()), kTaggedTechniques);
  EXPECT_THAT(tactics, ElementsAre("TA0002", "TA0003", "TA0005", "TA0011"));
  EXPECT_EQ(static_cast<int>(tactics.size()), kTaggedTactics);
  EXPECT_EQ(static_cast<int>(software.size()), kTaggedSoftware);
  EXPECT_THAT(groups, IsEmpty());
  EXPECT_THAT(campaigns, IsEmpty());
}

TEST(AttackTaggedCorpusTest, SpecificRules) {
  // No rule in these corpora holds several IDs in one meta value:
  //   grep -rE 'mitre_att\s*=\s*"[^"]*[,|:; ][^"]*"' . | wc -l  -> 0
  // (that form is covered by yara_parser_test). The richest rules combine
  // tags and meta; from 0xThiebaut-Signatures/YARA/
  // mal_metasploit_windows_shellcode.yar:
  //   224: rule mal_metasploit_shellcode_windows_meterpreter_reverse_http_x64:
  //          RELEASED MALWARE BACKDOOR TA0011 T1095 {
  //   239:   mitre_att = "T1071"
  //   185: rule mal_metasploit_encode_xor_x64 : RELEASED MALWARE BACKDOOR
  //          TA0005 T1027 T1027_002 {
  //   200:   mitre_att = "T1027"        (same as a tag: kept once, tag first)
  const CorpusRun& run = Tagged();
  std::map<std::string, std::vector<std::string>> refs;
  std::map<std::string, std::string> raw;
  for (const auto& r : run.rules) {
    for (const auto& a : r.attack_refs()) {
      refs[r.title()].push_back(
          absl::StrCat(a.id(), "/", a.kind(), "@", a.origin(), ":", a.line()));
      raw[r.title()] += a.raw() + " ";
    }
  }
  EXPECT_THAT(
      refs["mal_metasploit_shellcode_windows_meterpreter_reverse_http_x64"],
      ElementsAre("TA0011/tactic@tag:224", "T1095/technique@tag:224",
                  "T1071/technique@meta:mitre_att:239"));
  EXPECT_THAT(refs["mal_metasploit_encode_xor_x64"],
              ElementsAre("TA0005/tactic@tag:185", "T1027/technique@tag:185",
                          "T1027.002/technique@tag:185"));
  EXPECT_EQ(raw["mal_metasploit_encode_xor_x64"], "TA0005 T1027 T1027_002 ");
  // bartblaze-Yara-rules/rules/crimeware/IcedID.yar: two rules, each with
  //   mitre_att = "S0483" (lines 18 and 53).
  EXPECT_THAT(refs["IcedID_init_loader"],
              ElementsAre("S0483/software@meta:mitre_att:18"));
  EXPECT_THAT(refs["IcedID_core_loader"],
              ElementsAre("S0483/software@meta:mitre_att:53"));
  // kirkderp-yara/crystalx_go_rat/CrystalX_Go_RAT.yar:40 mitre_att =
  //   "T1055.012"
  EXPECT_THAT(refs["CrystalX_Go_RAT"],
              ElementsAre("T1055.012/technique@meta:mitre_att:40"));
}

}  // namespace
}  // namespace cov::ingest::yara
