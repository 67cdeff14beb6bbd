#include "ingest/attack/stix_bundle.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cov::ingest::attack {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// A small enterprise bundle in the mitre/cti (STIX 2.0) layout exercising
// sub-techniques, a multi-tactic technique, a revoked chain, a deprecated
// technique, groups/software/campaigns, mitigations and pre-v18 detects.
constexpr char kBundle20[] = R"json({
 "type": "bundle", "id": "bundle--1", "spec_version": "2.0",
 "objects": [
  {"type": "x-mitre-matrix", "id": "x-mitre-matrix--m", "name": "Enterprise ATT&CK",
   "external_references": [{"source_name": "mitre-attack", "external_id": "enterprise-attack"}],
   "tactic_refs": ["x-mitre-tactic--exec", "x-mitre-tactic--pers", "x-mitre-tactic--de"]},
  {"type": "x-mitre-tactic", "id": "x-mitre-tactic--de", "name": "Defense Evasion",
   "x_mitre_shortname": "defense-evasion",
   "external_references": [{"source_name": "mitre-attack", "external_id": "TA0005"}]},
  {"type": "x-mitre-tactic", "id": "x-mitre-tactic--exec", "name": "Execution",
   "x_mitre_shortname": "execution",
   "external_references": [{"source_name": "mitre-attack", "external_id": "TA0002"}]},
  {"type": "x-mitre-tactic", "id": "x-mitre-tactic--pers", "name": "Persistence",
   "x_mitre_shortname": "persistence",
   "external_references": [{"source_name": "mitre-attack", "external_id": "TA0003"}]},
  {"type": "attack-pattern", "id": "attack-pattern--bits", "name": "BITS Jobs",
   "modified": "2025-01-01T00:00:00.000Z",
   "description": "Adversaries may abuse BITS jobs.",
   "x_mitre_detection": "Monitor bitsadmin usage.",
   "x_mitre_platforms": ["Windows"],
   "x_mitre_data_sources": ["Network Traffic: Network Connection Creation"],
   "kill_chain_phases": [
     {"kill_chain_name": "mitre-attack", "phase_name": "persistence"},
     {"kill_chain_name": "mitre-attack", "phase_name": "defense-evasion"}],
   "external_references": [
     {"source_name": "mitre-attack", "external_id": "T1197", "url": "https://attack.mitre.org/techniques/T1197"},
     {"source_name": "CTU BITS", "url": "https://example.org/bits", "description": "BITS malware."}]},
  {"type": "attack-pattern", "id": "attack-pattern--interp", "name": "Command and Scripting Interpreter",
   "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "execution"}],
   "external_references": [{"source_name": "mitre-attack", "external_id": "T1059"}]},
  {"type": "attack-pattern", "id": "attack-pattern--ps", "name": "PowerShell",
   "x_mitre_is_subtechnique": true,
   "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "execution"}],
   "external_references": [{"source_name": "mitre-attack", "external_id": "T1059.001"}]},
  {"type": "attack-pattern", "id": "attack-pattern--oldps", "name": "PowerShell (old)", "revoked": true,
   "external_references": [{"source_name": "mitre-attack", "external_id": "T1086"}]},
  {"type": "attack-pattern", "id": "attack-pattern--older", "name": "Older", "revoked": true,
   "external_references": [{"source_name": "mitre-attack", "external_id": "T1000"}]},
  {"type": "attack-pattern", "id": "attack-pattern--dep", "name": "Deprecated One",
   "x_mitre_deprecated": true,
   "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "execution"}],
   "external_references": [{"source_name": "mitre-attack", "external_id": "T1999"}]},
  {"type": "relationship", "id": "relationship--sub", "relationship_type": "subtechnique-of",
   "source_ref": "attack-pattern--ps", "target_ref": "attack-pattern--interp"},
  {"type": "relationship", "id": "relationship--rev1", "relationship_type": "revoked-by",
   "source_ref": "attack-pattern--older", "target_ref": "attack-pattern--oldps"},
  {"type": "relationship", "id": "relationship--rev2", "relationship_type": "revoked-by",
   "source_ref": "attack-pattern--oldps", "target_ref": "attack-pattern--ps"},
  {"type": "intrusion-set", "id": "intrusion-set--apt", "name": "APT Test", "aliases": ["APT Test", "Bitsy"],
   "external_references": [{"source_name": "mitre-attack", "external_id": "G0001"}]},
  {"type": "malware", "id": "malware--m", "name": "BadBits", "x_mitre_aliases": ["BadBits"],
   "x_mitre_platforms": ["Windows"],
   "external_references": [{"source_name": "mitre-attack", "external_id": "S0001"}]},
  {"type": "campaign", "id": "campaign--c", "name": "Operation Test",
   "external_references": [{"source_name": "mitre-attack", "external_id": "C0001"}]},
  {"type": "relationship", "id": "relationship--u1", "relationship_type": "uses",
   "source_ref": "intrusion-set--apt", "target_ref": "attack-pattern--bits",
   "description": "APT Test used BITS to download payloads."},
  {"type": "relationship", "id": "relationship--u2", "relationship_type": "uses",
   "source_ref": "malware--m", "target_ref": "attack-pattern--bits",
   "description": "BadBits creates BITS jobs."},
  {"type": "relationship", "id": "relationship--u3", "relationship_type": "uses",
   "source_ref": "intrusion-set--apt", "target_ref": "malware--m"},
  {"type": "relationship", "id": "relationship--a1", "relationship_type": "attributed-to",
   "source_ref": "campaign--c", "target_ref": "intrusion-set--apt"},
  {"type": "course-of-action", "id": "course-of-action--m", "name": "Operating System Configuration",
   "external_references": [{"source_name": "mitre-attack", "external_id": "M1028"}]},
  {"type": "relationship", "id": "relationship--mit", "relationship_type": "mitigates",
   "source_ref": "course-of-action--m", "target_ref": "attack-pattern--bits",
   "description": "Limit BITS interface."},
  {"type": "x-mitre-data-source", "id": "x-mitre-data-source--net", "name": "Network Traffic",
   "external_references": [{"source_name": "mitre-attack", "external_id": "DS0029"}]},
  {"type": "x-mitre-data-component", "id": "x-mitre-data-component--ncc", "name": "Network Connection Creation",
   "x_mitre_data_source_ref": "x-mitre-data-source--net",
   "external_references": [{"source_name": "mitre-attack", "external_id": "DC0082"}]},
  {"type": "x-mitre-data-component", "id": "x-mitre-data-component--pc", "name": "Process Creation",
   "external_references": [{"source_name": "mitre-attack", "external_id": "DC0032"}]},
  {"type": "relationship", "id": "relationship--d1", "relationship_type": "detects",
   "source_ref": "x-mitre-data-component--pc", "target_ref": "attack-pattern--ps"}
 ]})json";

ParsedRelease MustParse(const std::string& json, const std::string& file) {
  ParseOptions opts;
  opts.file_name = file;
  absl::StatusOr<ParsedRelease> r = ParseBundle(json, opts);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *std::move(r) : ParsedRelease();
}

const cov::v1::Technique* FindTechnique(const ParsedRelease& r,
                                        const std::string& id) {
  for (const auto& t : r.techniques) {
    if (t.id() == id) return &t;
  }
  return nullptr;
}

const cov::v1::Actor* FindActor(const ParsedRelease& r, const std::string& id) {
  for (const auto& a : r.actors) {
    if (a.id() == id) return &a;
  }
  return nullptr;
}

TEST(StixBundleTest, ReadsDomainVersionAndTacticOrder) {
  ParsedRelease r = MustParse(kBundle20, "enterprise-attack-15.1.json");
  EXPECT_EQ(r.release.domain(), "enterprise-attack");
  EXPECT_EQ(r.release.version(), "15.1");
  EXPECT_EQ(r.release.version_source(), "file-name");
  EXPECT_EQ(r.release.stix_version(), "2.0");
  ASSERT_EQ(r.tactics.size(), 3u);
  EXPECT_EQ(r.tactics[0].shortname(), "execution");
  EXPECT_EQ(r.tactics[1].shortname(), "persistence");
  EXPECT_EQ(r.tactics[2].id(), "TA0005");
  EXPECT_EQ(r.tactics[2].order(), 2);
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(StixBundleTest, MultiTacticTechniqueListsTacticsInKillChainOrder) {
  ParsedRelease r = MustParse(kBundle20, "enterprise-attack-15.1.json");
  const cov::v1::Technique* t = FindTechnique(r, "T1197");
  ASSERT_NE(t, nullptr);
  EXPECT_THAT(t->tactics(), ElementsAre("persistence", "defense-evasion"));
  EXPECT_THAT(t->platforms(), ElementsAre("Windows"));
  EXPECT_EQ(t->detection(), "Monitor bitsadmin usage.");
  EXPECT_EQ(t->url(), "https://attack.mitre.org/techniques/T1197");
  // No detects relationship: components come from x_mitre_data_sources.
  EXPECT_THAT(t->data_components(), ElementsAre("Network Connection Creation"));
  EXPECT_EQ(t->data_component_details(0).data_source_name(), "Network Traffic");
  ASSERT_EQ(t->procedures_size(), 2);
  EXPECT_EQ(t->procedures(0).kind(), "group");
  EXPECT_EQ(t->procedures(0).id(), "G0001");
  EXPECT_EQ(t->procedures(0).description(),
            "APT Test used BITS to download payloads.");
  EXPECT_EQ(t->procedures(1).kind(), "software");
  EXPECT_EQ(t->procedures(1).software_type(), "malware");
  ASSERT_EQ(t->mitigations_size(), 1);
  EXPECT_EQ(t->mitigations(0).id(), "M1028");
  EXPECT_EQ(t->mitigations(0).description(), "Limit BITS interface.");
  EXPECT_EQ(t->references_size(), 2);
}

TEST(StixBundleTest, SubTechniquesKnowTheirParentAndParentsTheirChildren) {
  ParsedRelease r = MustParse(kBundle20, "enterprise-attack-15.1.json");
  const cov::v1::Technique* ps = FindTechnique(r, "T1059.001");
  ASSERT_NE(ps, nullptr);
  EXPECT_TRUE(ps->is_subtechnique());
  EXPECT_EQ(ps->parent(), "T1059");
  EXPECT_THAT(ps->data_components(), ElementsAre("Process Creation"));
  const cov::v1::Technique* parent = FindTechnique(r, "T1059");
  ASSERT_NE(parent, nullptr);
  EXPECT_FALSE(parent->is_subtechnique());
  EXPECT_THAT(parent->subtechniques(), ElementsAre("T1059.001"));
}

TEST(StixBundleTest, RevokedChainsResolveToTheirEnd) {
  ParsedRelease r = MustParse(kBundle20, "enterprise-attack-15.1.json");
  const cov::v1::Technique* t1086 = FindTechnique(r, "T1086");
  ASSERT_NE(t1086, nullptr);
  EXPECT_TRUE(t1086->revoked());
  EXPECT_EQ(t1086->revoked_by(), "T1059.001");
  // T1000 -> T1086 -> T1059.001: two hops.
  EXPECT_EQ(FindTechnique(r, "T1000")->revoked_by(), "T1059.001");
}

TEST(StixBundleTest, CountsExcludeRevokedAndDeprecated) {
  ParsedRelease r = MustParse(kBundle20, "enterprise-attack-15.1.json");
  const auto& c = r.release.counts();
  EXPECT_EQ(c.techniques(), 2);     // T1059, T1197
  EXPECT_EQ(c.subtechniques(), 1);  // T1059.001
  EXPECT_EQ(c.revoked_techniques(), 2);
  EXPECT_EQ(c.deprecated_techniques(), 1);
  EXPECT_EQ(c.groups(), 1);
  EXPECT_EQ(c.software(), 1);
  EXPECT_EQ(c.campaigns(), 1);
  EXPECT_EQ(c.mitigations(), 1);
  EXPECT_EQ(c.data_components(), 2);
  const cov::v1::Technique* dep = FindTechnique(r, "T1999");
  ASSERT_NE(dep, nullptr);
  EXPECT_TRUE(dep->deprecated());
}

TEST(StixBundleTest, ActorsCarryTechniquesSoftwareAndCampaigns) {
  ParsedRelease r = MustParse(kBundle20, "enterprise-attack-15.1.json");
  const cov::v1::Actor* g = FindActor(r, "G0001");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->kind(), "group");
  EXPECT_THAT(g->aliases(), ElementsAre("APT Test", "Bitsy"));
  ASSERT_EQ(g->techniques_size(), 1);
  EXPECT_EQ(g->techniques(0).id(), "T1197");
  ASSERT_EQ(g->software_size(), 1);
  EXPECT_EQ(g->software(0).id(), "S0001");
  ASSERT_EQ(g->attributed_size(), 1);
  EXPECT_EQ(g->attributed(0).id(), "C0001");
  const cov::v1::Actor* c = FindActor(r, "C0001");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->attributed(0).id(), "G0001");
}

// STIX 2.1 (attack-stix-data layout): version from x-mitre-collection, and
// the v18 detection model.
TEST(StixBundleTest, Stix21CollectionAndDetectionStrategies) {
  std::string json = R"json({"type": "bundle", "id": "bundle--2", "objects": [
   {"type": "x-mitre-collection", "id": "x-mitre-collection--1", "spec_version": "2.1",
    "name": "Enterprise ATT&CK", "x_mitre_version": "18.0"},
   {"type": "x-mitre-matrix", "id": "x-mitre-matrix--m", "spec_version": "2.1",
    "external_references": [{"source_name": "mitre-attack", "external_id": "enterprise-attack"}],
    "tactic_refs": ["x-mitre-tactic--c2"]},
   {"type": "x-mitre-tactic", "id": "x-mitre-tactic--c2", "name": "Command and Control",
    "x_mitre_shortname": "command-and-control",
    "external_references": [{"source_name": "mitre-attack", "external_id": "TA0011"}]},
   {"type": "attack-pattern", "id": "attack-pattern--web", "name": "Web Protocols",
    "x_mitre_is_subtechnique": true,
    "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "command-and-control"}],
    "external_references": [{"source_name": "mitre-attack", "external_id": "T1071.001"}]},
   {"type": "x-mitre-data-component", "id": "x-mitre-data-component--ntc", "name": "Network Traffic Content",
    "x_mitre_log_sources": [{"name": "zeek:http", "channel": "http.log"}],
    "external_references": [{"source_name": "mitre-attack", "external_id": "DC0085"}]},
   {"type": "x-mitre-analytic", "id": "x-mitre-analytic--a", "name": "Analytic 0001",
    "description": "Look at user agents.", "x_mitre_platforms": ["Windows"],
    "x_mitre_log_source_references": [{"x_mitre_data_component_ref": "x-mitre-data-component--ntc",
      "name": "zeek:http", "channel": "user_agent"}],
    "external_references": [{"source_name": "mitre-attack", "external_id": "AN0001"}]},
   {"type": "x-mitre-detection-strategy", "id": "x-mitre-detection-strategy--d", "name": "Detect web C2",
    "x_mitre_analytic_refs": ["x-mitre-analytic--a"],
    "external_references": [{"source_name": "mitre-attack", "external_id": "DET0001"}]},
   {"type": "relationship", "id": "relationship--det", "relationship_type": "detects",
    "source_ref": "x-mitre-detection-strategy--d", "target_ref": "attack-pattern--web"}
  ]})json";
  ParsedRelease r = MustParse(json, "bundle.json");
  EXPECT_EQ(r.release.version(), "18.0");
  EXPECT_EQ(r.release.version_source(), "x-mitre-collection");
  EXPECT_EQ(r.release.stix_version(), "2.1");
  const cov::v1::Technique* t = FindTechnique(r, "T1071.001");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->parent(), "T1071");  // from the ID when no relationship
  EXPECT_THAT(t->data_components(), ElementsAre("Network Traffic Content"));
  ASSERT_EQ(t->detection_strategies_size(), 1);
  const auto& ds = t->detection_strategies(0);
  EXPECT_EQ(ds.id(), "DET0001");
  ASSERT_EQ(ds.analytics_size(), 1);
  EXPECT_EQ(ds.analytics(0).id(), "AN0001");
  EXPECT_EQ(ds.analytics(0).log_sources(0).data_component_id(), "DC0085");
  EXPECT_EQ(ds.analytics(0).log_sources(0).channel(), "user_agent");
  EXPECT_EQ(r.release.counts().detection_strategies(), 1);
  EXPECT_EQ(r.release.counts().analytics(), 1);
}

TEST(StixBundleTest, VersionFromFlagWhenNothingElseSaysIt) {
  ParseOptions opts;
  opts.file_name = "bundle.json";
  absl::StatusOr<ParsedRelease> r = ParseBundle(kBundle20, opts);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("cannot tell the ATT&CK version"));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("bundle.json"));
  opts.version_flag = "12.1";
  r = ParseBundle(kBundle20, opts);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->release.version(), "12.1");
  EXPECT_EQ(r->release.version_source(), "flag");
}

TEST(StixBundleTest, ConflictingFlagIsAWarning) {
  ParseOptions opts;
  opts.file_name = "x/enterprise-attack-15.1.json";
  opts.version_flag = "14.0";
  absl::StatusOr<ParsedRelease> r = ParseBundle(kBundle20, opts);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->release.version(), "15.1");
  ASSERT_EQ(r->diagnostics.size(), 1u);
  EXPECT_EQ(r->diagnostics[0].code(), "stix-version-conflict");
}

TEST(StixBundleTest, TruncatedJsonIsAClearError) {
  std::string json(kBundle20);
  json.resize(json.size() / 2);
  ParseOptions opts;
  opts.file_name = "enterprise-attack-15.1.json";
  absl::StatusOr<ParsedRelease> r = ParseBundle(json, opts);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("enterprise-attack-15.1.json: invalid JSON"));
}

TEST(StixBundleTest, NotABundle) {
  ParseOptions opts;
  opts.file_name = "enterprise-attack-15.1.json";
  EXPECT_THAT(std::string(ParseBundle("[1,2]", opts).status().message()),
              HasSubstr("top level is not a JSON object"));
  EXPECT_THAT(
      std::string(
          ParseBundle(R"({"type": "indicator"})", opts).status().message()),
      HasSubstr("not a STIX bundle"));
  EXPECT_THAT(
      std::string(
          ParseBundle(R"({"type": "bundle"})", opts).status().message()),
      HasSubstr("no \"objects\" array"));
}

TEST(StixBundleTest, BundleWithoutMatrixFails) {
  std::string json = absl::StrReplaceAll(
      kBundle20, {{R"("type": "x-mitre-matrix")", R"("type": "x-other")"}});
  ParseOptions opts;
  opts.file_name = "enterprise-attack-15.1.json";
  absl::StatusOr<ParsedRelease> r = ParseBundle(json, opts);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("no x-mitre-matrix"));
}

TEST(StixBundleTest, UnknownTypesWrongFieldTypesAndDuplicatesAreWarnings) {
  std::string json = absl::StrReplaceAll(
      kBundle20, {{R"( {"type": "campaign")",
                   R"j( {"type": "x-future-thing", "id": "x-future-thing--1"},
            {"type": "x-future-thing", "id": "x-future-thing--2"},
            {"type": "tool", "id": "tool--bad", "name": 5,
             "external_references": [{"source_name": "mitre-attack", "external_id": "S0002"}]},
            {"type": "attack-pattern", "id": "attack-pattern--bits", "name": "BITS Jobs (stale)",
             "modified": "2019-01-01T00:00:00.000Z",
             "external_references": [{"source_name": "mitre-attack", "external_id": "T1197"}]},
            {"type": "campaign")j"}});
  ParsedRelease r = MustParse(json, "enterprise-attack-15.1.json");
  std::map<std::string, std::string> by_code;
  for (const auto& d : r.diagnostics) by_code[d.code()] = d.message();
  EXPECT_THAT(by_code["stix-unknown-type"],
              HasSubstr("2 object(s) of unknown type 'x-future-thing'"));
  EXPECT_THAT(by_code["stix-field-type"],
              HasSubstr("field 'name' is number, expected string"));
  EXPECT_THAT(by_code["stix-duplicate-id"], HasSubstr("kept the newest"));
  // The newest copy of the duplicate won.
  EXPECT_EQ(FindTechnique(r, "T1197")->name(), "BITS Jobs");
  // The tool with a bad name is still kept.
  ASSERT_NE(FindActor(r, "S0002"), nullptr);
  EXPECT_EQ(FindActor(r, "S0002")->name(), "");
}

TEST(StixBundleTest, DanglingRelationshipsAreSkippedWithWarning) {
  std::string json = absl::StrReplaceAll(
      kBundle20, {{R"("target_ref": "attack-pattern--interp")",
                   R"("target_ref": "attack-pattern--missing")"}});
  ParsedRelease r = MustParse(json, "enterprise-attack-15.1.json");
  ASSERT_FALSE(r.diagnostics.empty());
  EXPECT_EQ(r.diagnostics[0].code(), "stix-dangling-ref");
  EXPECT_EQ(r.diagnostics[0].object(), "relationship--sub");
  // The sub-technique still knows its parent from its own ID.
  EXPECT_EQ(FindTechnique(r, "T1059.001")->parent(), "T1059");
}

TEST(StixBundleTest, VersionFromFileName) {
  std::string d, v;
  EXPECT_TRUE(VersionFromFileName("/a/b/enterprise-attack-18.1.json", &d, &v));
  EXPECT_EQ(d, "enterprise-attack");
  EXPECT_EQ(v, "18.1");
  EXPECT_TRUE(VersionFromFileName("ics-attack-v8.2.json", &d, &v));
  EXPECT_EQ(d, "ics-attack");
  EXPECT_EQ(v, "8.2");
  EXPECT_TRUE(VersionFromFileName("mobile-attack-16.json", &d, &v));
  EXPECT_EQ(v, "16");
  EXPECT_FALSE(VersionFromFileName("enterprise-attack.json", &d, &v));
  EXPECT_FALSE(VersionFromFileName("bundle-18.1.json", &d, &v));
}

}  // namespace
}  // namespace cov::ingest::attack
