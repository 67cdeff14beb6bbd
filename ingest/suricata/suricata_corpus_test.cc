// Parses the ET Open 2024-04-21 snapshot in ../shared/corpus and checks the
// results against numbers computed independently of this parser.
//
// Unless a comment says otherwise, expected numbers come from a Python
// one-off run in the rules folder (regex on whole lines, not this parser's
// tokenizer):
//
//   import re, glob
//   act = r'(alert|drop|reject|rejectsrc|rejectdst|rejectboth|pass|log|'
//         r'sdrop|activate|dynamic)'
//   rx = re.compile(r'^(#*)\s*' + act + r'\s[^(]+\(.*\)\s*$')
//   for f in sorted(glob.glob('*.rules')):
//     for line in open(f):
//       m = rx.match(line)          # a rule; m.group(1) == '#' if disabled
//       ... re.findall(r'mitre_technique_id (T\d+(?:\.\d+)?)', line)
//       ... re.search(r'[;(]\s*sid\s*:\s*(\d+)', line)
//
// The totals agree with the corpus SOURCE.txt ("34,850 rules (24,827
// enabled, 10,023 commented-out)", "6,413 rules carry mitre_* metadata
// (5,973 enabled)", "17 unique techniques", "T1568 3491 ... T1041 182").
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/base/diagnostics.h"
#include "ingest/suricata/corpus_path.h"
#include "ingest/suricata/suricata_parser.h"

namespace cov::ingest::suricata {
namespace {

using ::cov::v1::Diagnostic;
using ::cov::v1::Rule;

constexpr char kRulesDir[] = "suricata/et-open-2024-04-21/rules";

struct Corpus {
  std::vector<std::string> names;
  std::vector<std::string> contents;
  std::vector<ParsedFile> parsed;
};

// Parses every *.rules file once for all tests.
const Corpus& GetCorpus() {
  static const Corpus* const corpus = [] {
    auto* c = new Corpus;
    absl::StatusOr<std::string> root = FindCorpusDir();
    if (!root.ok()) {
      ADD_FAILURE() << root.status();
      return c;
    }
    const std::string dir = absl::StrCat(*root, "/", kRulesDir);
    absl::StatusOr<std::vector<std::string>> names = ListFiles(dir, ".rules");
    if (!names.ok()) {
      ADD_FAILURE() << names.status();
      return c;
    }
    c->names = *names;
    SuricataParser parser;
    for (const std::string& name : c->names) {
      absl::StatusOr<std::string> data =
          ReadFileToString(absl::StrCat(dir, "/", name));
      if (!data.ok()) {
        ADD_FAILURE() << data.status();
        continue;
      }
      c->contents.push_back(*std::move(data));
    }
    for (size_t i = 0; i < c->contents.size(); ++i) {
      c->parsed.push_back(
          parser.Parse({c->names[i], c->contents[i], "et-open"}));
    }
    return c;
  }();
  return *corpus;
}

std::vector<const Rule*> AllRules() {
  std::vector<const Rule*> out;
  for (const ParsedFile& f : GetCorpus().parsed) {
    for (const Rule& r : f.rules) out.push_back(&r);
  }
  return out;
}

TEST(EtOpenCorpusTest, FindsAllFiles) {
  // `ls *.rules | wc -l` in the rules folder.
  ASSERT_EQ(GetCorpus().names.size(), 51u)
      << "corpus missing or incomplete; set COV_CORPUS_DIR";
  ASSERT_EQ(GetCorpus().parsed.size(), 51u);
}

TEST(EtOpenCorpusTest, RuleCounts) {
  size_t enabled = 0, disabled = 0;
  for (const Rule* r : AllRules()) (r->enabled() ? enabled : disabled)++;
  EXPECT_EQ(enabled + disabled, 34850u);
  EXPECT_EQ(enabled, 24827u);
  EXPECT_EQ(disabled, 10023u);
}

TEST(EtOpenCorpusTest, PerFileCounts) {
  // grep -cE '^#*\s*alert ' <file>; grep -cE '^#+\s*alert ' for disabled.
  const std::map<std::string, std::pair<size_t, size_t>> expected = {
      {"emerging-info.rules", {6179, 294}},
      {"emerging-web_specific_apps.rules", {5744, 761}},
      {"emerging-deleted.rules", {3444, 3444}},
      {"emerging-phishing.rules", {3360, 675}},
  };
  const Corpus& c = GetCorpus();
  size_t found = 0;
  for (size_t i = 0; i < c.names.size(); ++i) {
    auto it = expected.find(c.names[i]);
    if (it == expected.end()) continue;
    size_t disabled = 0;
    for (const Rule& r : c.parsed[i].rules) disabled += !r.enabled();
    EXPECT_EQ(c.parsed[i].rules.size(), it->second.first) << c.names[i];
    EXPECT_EQ(disabled, it->second.second) << c.names[i];
    ++found;
  }
  EXPECT_EQ(found, expected.size());
}

TEST(EtOpenCorpusTest, NoDiagnosticsOnRealRules) {
  // Every ET Open rule loads in Suricata 5; any error here was a parser bug
  // (e.g. the eight rules whose pcre holds a bare `"`).
  size_t errors = 0, warnings = 0;
  std::string shown;
  for (const ParsedFile& f : GetCorpus().parsed) {
    for (const Diagnostic& d : f.diagnostics) {
      (d.severity() == cov::v1::SEVERITY_ERROR ? errors : warnings)++;
      if (shown.size() < 4000)
        absl::StrAppend(&shown, FormatDiagnostic(d), "\n");
    }
  }
  EXPECT_EQ(errors, 0u) << shown;
  EXPECT_EQ(warnings, 0u) << shown;
}

TEST(EtOpenCorpusTest, SidsAreUniqueAndCorrect) {
  std::vector<const Rule*> rules = AllRules();
  absl::flat_hash_set<std::string> uids;
  int64_t sid_sum = 0;
  for (const Rule* r : rules) {
    uids.insert(r->uid());
    sid_sum += r->sid();
    EXPECT_EQ(r->uid(), absl::StrCat("et-open:", r->sid()));
    EXPECT_EQ(r->gid(), 1);  // no ET Open rule sets gid (grep -c 'gid:')
  }
  EXPECT_EQ(uids.size(), 34850u);
  // Sum of re.search(r'[;(]\s*sid\s*:\s*(\d+)', line) over all rules.
  EXPECT_EQ(sid_sum, 71276434828LL);
  // Duplicate sids across files: none (SOURCE.txt: "34,850 unique sids").
  EXPECT_THAT(FindDuplicateSids(GetCorpus().parsed), testing::IsEmpty());
}

TEST(EtOpenCorpusTest, RuleLinesPointAtTheirText) {
  // Independent check of line numbers: the rule's line holds "sid:<sid>;".
  const Corpus& c = GetCorpus();
  size_t checked = 0;
  for (size_t i = 0; i < c.parsed.size(); ++i) {
    std::vector<absl::string_view> lines = absl::StrSplit(c.contents[i], '\n');
    for (const Rule& r : c.parsed[i].rules) {
      ASSERT_GE(r.line(), 1);
      ASSERT_LE(r.line(), static_cast<int>(lines.size()));
      const absl::string_view text = lines[r.line() - 1];
      EXPECT_TRUE(absl::StrContains(text, absl::StrCat("sid:", r.sid(), ";")))
          << c.names[i] << ":" << r.line();
      EXPECT_EQ(r.enabled(), !absl::StartsWith(text, "#"));
      ++checked;
    }
  }
  EXPECT_EQ(checked, 34850u);
}

TEST(EtOpenCorpusTest, MetaFields) {
  size_t references = 0, metadata = 0, with_classtype = 0, with_title = 0;
  for (const Rule* r : AllRules()) {
    references += r->references_size();
    metadata += r->metadata_size();
    with_classtype += !r->classtype().empty();
    with_title += absl::StartsWith(r->title(), "ET ") ||
                  absl::StartsWith(r->title(), "GPL ");
    EXPECT_EQ(r->action(), "alert");  // every ET Open rule alerts
  }
  // grep -hE '^#*\s*alert ' *.rules | grep -oE '[;(] *reference:' | wc -l
  EXPECT_EQ(references, 34328u);
  // Sum of len(m.split(',')) for m in re.findall(r'metadata:\s*([^;]*);')
  EXPECT_EQ(metadata, 234584u);
  // grep -hE '^#*\s*alert ' *.rules | grep -c 'classtype:'
  EXPECT_EQ(with_classtype, 34850u);
  // Every ET Open msg starts with "ET " or "GPL ".
  EXPECT_EQ(with_title, 34850u);
}

TEST(EtOpenCorpusTest, AttackReferences) {
  std::map<std::string, size_t> techniques;  // id -> rules
  std::set<std::string> tactic_ids, tactic_names;
  size_t rules_with_technique = 0, enabled_with_technique = 0, refs = 0;
  size_t t1041_enabled = 0;
  for (const Rule* r : AllRules()) {
    bool has_technique = false;
    for (const auto& a : r->attack_refs()) {
      ++refs;
      EXPECT_EQ(a.line(), r->line());  // no continuation lines in ET Open
      EXPECT_EQ(a.status(), cov::v1::REF_STATUS_UNSPECIFIED);
      if (a.kind() == "technique") {
        has_technique = true;
        ++techniques[a.id()];
        EXPECT_EQ(a.origin(), "metadata:mitre_technique_id");
        if (a.id() == "T1041" && r->enabled()) ++t1041_enabled;
      } else if (a.origin() == "metadata:mitre_tactic_id") {
        tactic_ids.insert(a.id());
      } else {
        EXPECT_EQ(a.origin(), "metadata:mitre_tactic_name");
        tactic_names.insert(a.id());
      }
    }
    rules_with_technique += has_technique;
    enabled_with_technique += has_technique && r->enabled();
  }
  EXPECT_EQ(rules_with_technique, 6413u);
  EXPECT_EQ(enabled_with_technique, 5973u);
  EXPECT_EQ(techniques.size(), 17u);
  EXPECT_EQ(techniques["T1568"], 3491u);
  EXPECT_EQ(techniques["T1566"], 1302u);
  EXPECT_EQ(techniques["T1041"], 182u);
  EXPECT_EQ(techniques["T1021"], 1u);
  EXPECT_EQ(t1041_enabled, 121u);
  // 6413 rules x (tactic id + tactic name + technique id), no duplicates.
  EXPECT_EQ(refs, 19239u);
  EXPECT_EQ(tactic_ids.size(), 11u);
  EXPECT_THAT(
      tactic_names,
      testing::ElementsAre("collection", "command-and-control",
                           "defense-evasion", "exfiltration", "impact",
                           "initial-access", "lateral-movement", "persistence",
                           "reconnaissance", "resource-development"));
  EXPECT_EQ(tactic_ids.count("TA0037"), 1u);  // the Mobile C2 tactic
}

TEST(EtOpenCorpusTest, NonRuleFilesAreDeclined) {
  SuricataParser parser;
  EXPECT_FALSE(parser.Accepts("classification.config"));
  EXPECT_FALSE(parser.Accepts("compromised-ips.txt"));
  EXPECT_FALSE(parser.Accepts("LICENSE"));
}

}  // namespace
}  // namespace cov::ingest::suricata
