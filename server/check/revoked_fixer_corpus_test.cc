// FixRevokedIds over the legacy SigmaHQ 0.20 rules, resolved against ATT&CK
// Enterprise 18.1 (../shared/corpus).
//
// Expected numbers were computed independently (Python 3 `json` + `re` on
// 2026-11-27): the bundle revokes 132 techniques, 6 groups and 2 malware;
// the legacy rules hold 316 `attack.<ID>` tags outside comments naming a
// revoked ID (all techniques, all lower case), in 280 files, never two on one
// line. The test recounts the same with a plain scan of the bundle JSON
// (simdjson) and of the rule text, so it does not rest on the constants.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/attack/stix_bundle.h"
#include "ingest/sigma/sigma_parser.h"
#include "server/check/revoked_fixer.h"
#include "server/engine/knowledge_base.h"
#include "server/engine/ref_resolver.h"
#include "simdjson.h"
#include "tests/corpus.h"

namespace cov::server::check {
namespace {

namespace fs = std::filesystem;

constexpr int kRevokedTagsInLegacy = 316;
constexpr int kFilesWithRevokedTags = 280;

struct Fixture {
  std::shared_ptr<const engine::KnowledgeBase> kb;
  // ATT&CK IDs of revoked objects, read straight from the bundle JSON.
  absl::flat_hash_set<std::string> revoked_ids;
  // path relative to the rules root -> bytes
  std::map<std::string, std::string> files;
};

const Fixture& Load() {
  static const Fixture* const f = [] {
    auto* fx = new Fixture;
    auto bundle_path =
        cov::testing::CorpusPath("attack/enterprise-attack-18.1.json");
    EXPECT_TRUE(bundle_path.ok()) << bundle_path.status();
    if (!bundle_path.ok()) return fx;
    auto bytes = cov::testing::ReadFileToString(*bundle_path);
    EXPECT_TRUE(bytes.ok()) << bytes.status();
    if (!bytes.ok()) return fx;

    ingest::attack::ParseOptions opts;
    opts.file_name = "enterprise-attack-18.1.json";
    auto parsed = ingest::attack::ParseBundle(*bytes, opts);
    EXPECT_TRUE(parsed.ok()) << parsed.status();
    if (!parsed.ok()) return fx;
    fx->kb = std::make_shared<engine::KnowledgeBase>(
        "enterprise-attack@18.1", parsed->release,
        std::vector<cov::v1::Tactic>(parsed->tactics.begin(),
                                     parsed->tactics.end()),
        std::vector<cov::v1::Technique>(parsed->techniques.begin(),
                                        parsed->techniques.end()),
        std::vector<cov::v1::Actor>(parsed->actors.begin(),
                                    parsed->actors.end()),
        std::vector<cov::v1::DataComponent>(parsed->data_components.begin(),
                                            parsed->data_components.end()),
        std::vector<cov::v1::MitigationRef>(parsed->mitigations.begin(),
                                            parsed->mitigations.end()));

    // Independent list of revoked IDs: objects with "revoked": true and a
    // mitre-attack external ID.
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    EXPECT_EQ(parser.parse(bytes->data(), bytes->size()).get(doc),
              simdjson::SUCCESS);
    simdjson::dom::array objects;
    EXPECT_EQ(doc["objects"].get(objects), simdjson::SUCCESS);
    for (simdjson::dom::element o : objects) {
      bool revoked = false;
      if (o["revoked"].get(revoked) != simdjson::SUCCESS || !revoked) continue;
      simdjson::dom::array refs;
      if (o["external_references"].get(refs) != simdjson::SUCCESS) continue;
      for (simdjson::dom::element r : refs) {
        std::string_view source, id;
        if (r["source_name"].get(source) == simdjson::SUCCESS &&
            source == "mitre-attack" &&
            r["external_id"].get(id) == simdjson::SUCCESS) {
          fx->revoked_ids.insert(std::string(id));
        }
      }
    }

    auto root = cov::testing::CorpusPath("sigma/sigmahq-legacy-0.20/rules");
    EXPECT_TRUE(root.ok()) << root.status();
    if (!root.ok()) return fx;
    ingest::sigma::SigmaParser accepts;
    for (const auto& e : fs::recursive_directory_iterator(*root)) {
      if (!e.is_regular_file() || !accepts.Accepts(e.path().string())) {
        continue;
      }
      auto text = cov::testing::ReadFileToString(e.path().string());
      EXPECT_TRUE(text.ok()) << text.status();
      if (text.ok()) {
        fx->files[fs::relative(e.path(), *root).string()] = *std::move(text);
      }
    }
    return fx;
  }();
  return *f;
}

// Lines (1-based) holding `attack.<revoked ID>` as a whole tag outside a
// YAML comment, by a plain scan.
std::map<int, int> ScanRevokedTags(
    const std::string& text, const absl::flat_hash_set<std::string>& revoked) {
  std::map<int, int> out;  // line -> count
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    size_t hash = line.find(" #");
    if (absl::StartsWith(absl::StripLeadingAsciiWhitespace(line), "#")) {
      continue;
    }
    if (hash != absl::string_view::npos) line = line.substr(0, hash);
    const std::string lower = absl::AsciiStrToLower(line);
    for (size_t at = lower.find("attack."); at != std::string::npos;
         at = lower.find("attack.", at + 1)) {
      if (at > 0 && (absl::ascii_isalnum(lower[at - 1]) ||
                     lower[at - 1] == '.' || lower[at - 1] == '_')) {
        continue;
      }
      size_t e = at + 7;
      while (e < lower.size() &&
             (absl::ascii_isalnum(lower[e]) || lower[e] == '.')) {
        ++e;
      }
      const std::string id =
          absl::AsciiStrToUpper(lower.substr(at + 7, e - at - 7));
      if (revoked.contains(id)) ++out[line_no];
    }
  }
  return out;
}

struct Counts {
  int revoked_refs = 0;  // distinct (line, raw) places
  int changes = 0;
  int files_changed = 0;
};

TEST(RevokedFixerCorpusTest, LegacySigmaAgainstEnterprise181) {
  const Fixture& fx = Load();
  ASSERT_NE(fx.kb, nullptr);
  ASSERT_EQ(fx.files.size(), 1151u);
  ASSERT_EQ(fx.revoked_ids.size(), 140u);  // 132 + 6 + 2
  ingest::sigma::SigmaParser parser;

  // Parse and resolve everything first so the timing below is the fix only.
  std::map<std::string, std::vector<cov::v1::Rule>> parsed;
  for (const auto& [path, text] : fx.files) {
    auto out = parser.Parse({path, text, "legacy"});
    for (auto& r : out.rules) engine::ResolveRefs(*fx.kb, {}, &r);
    parsed[path] = std::move(out.rules);
  }

  std::map<std::string, FixResult> fixed;
  const auto t0 = std::chrono::steady_clock::now();
  for (const auto& [path, text] : fx.files) {
    fixed[path] =
        FixRevokedIds(text, cov::v1::RULE_FORMAT_SIGMA, parsed.at(path));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
          .count();
  RecordProperty("fix_ms", static_cast<int>(seconds * 1000));
  std::printf("fixed %zu files in %.1f ms\n", fx.files.size(), seconds * 1e3);
  EXPECT_LT(seconds, 0.5) << "fixing the legacy corpus took " << seconds
                          << " s";

  Counts c;
  int scanned_total = 0, scanned_files = 0;
  for (const auto& [path, text] : fx.files) {
    SCOPED_TRACE(path);
    const FixResult& r = fixed.at(path);
    EXPECT_THAT(r.skipped, ::testing::IsEmpty());
    // Distinct places of revoked references before.
    std::set<std::pair<int, std::string>> places;
    for (const auto& rule : parsed.at(path)) {
      for (const auto& ref : rule.attack_refs()) {
        if (ref.status() == cov::v1::REF_STATUS_REVOKED) {
          places.insert({ref.line(), ref.raw()});
        }
      }
    }
    c.revoked_refs += static_cast<int>(places.size());
    c.changes += static_cast<int>(r.changes.size());
    EXPECT_EQ(r.changes.size(), places.size());
    EXPECT_EQ(r.notes.size(), r.changes.size());

    // The plain scan finds the same lines.
    const std::map<int, int> scanned = ScanRevokedTags(text, fx.revoked_ids);
    std::set<int> scanned_lines, ref_lines, change_lines;
    for (const auto& [line, n] : scanned) {
      scanned_total += n;
      scanned_lines.insert(line);
    }
    scanned_files += !scanned.empty();
    for (const auto& p : places) ref_lines.insert(p.first);
    for (const auto& ch : r.changes) {
      change_lines.insert(ch.line());
      EXPECT_EQ(ch.path(), path);
      EXPECT_TRUE(fx.revoked_ids.contains(
          absl::AsciiStrToUpper(absl::string_view(ch.before()).substr(7))))
          << ch.before();
      EXPECT_TRUE(absl::StartsWith(ch.after(), "attack.t")) << ch.after();
    }
    EXPECT_EQ(scanned_lines, ref_lines);
    EXPECT_EQ(change_lines, ref_lines);

    // Only the lines with a revoked tag differ; every other byte is kept.
    if (r.content != text) ++c.files_changed;
    std::vector<absl::string_view> a = absl::StrSplit(text, '\n');
    std::vector<absl::string_view> b = absl::StrSplit(r.content, '\n');
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      const int line = static_cast<int>(i) + 1;
      EXPECT_EQ(a[i] != b[i], ref_lines.count(line) > 0) << "line " << line;
    }

    // Re-parse and re-resolve the fixed bytes: nothing revoked is left and
    // the rules are the same otherwise.
    auto again = parser.Parse({path, r.content, "legacy"});
    ASSERT_EQ(again.rules.size(), parsed.at(path).size());
    for (size_t i = 0; i < again.rules.size(); ++i) {
      cov::v1::Rule& rule = again.rules[i];
      engine::ResolveRefs(*fx.kb, {}, &rule);
      EXPECT_EQ(rule.uid(), parsed.at(path)[i].uid());
      for (const auto& ref : rule.attack_refs()) {
        EXPECT_NE(ref.status(), cov::v1::REF_STATUS_REVOKED)
            << ref.raw() << " at line " << ref.line();
      }
    }
    // Each revoked reference became its replacement in the same rule.
    for (size_t i = 0; i < again.rules.size(); ++i) {
      absl::flat_hash_set<std::string> ids;
      for (const auto& ref : again.rules[i].attack_refs()) ids.insert(ref.id());
      for (const auto& ref : parsed.at(path)[i].attack_refs()) {
        if (ref.status() == cov::v1::REF_STATUS_REVOKED) {
          EXPECT_TRUE(ids.contains(ref.resolved_id()))
              << again.rules[i].uid() << " lacks " << ref.resolved_id();
          EXPECT_FALSE(ids.contains(ref.id()))
              << again.rules[i].uid() << " still has " << ref.id();
        }
      }
    }
  }
  EXPECT_EQ(scanned_total, kRevokedTagsInLegacy);
  EXPECT_EQ(scanned_files, kFilesWithRevokedTags);
  EXPECT_EQ(c.revoked_refs, kRevokedTagsInLegacy);
  EXPECT_EQ(c.changes, kRevokedTagsInLegacy);
  EXPECT_EQ(c.files_changed, kFilesWithRevokedTags);
}

}  // namespace
}  // namespace cov::server::check
