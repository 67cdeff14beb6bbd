#include "ingest/profile/profile_parser.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace cov::ingest::profile {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kFile[] = "p.yaml";

// The message of a failed parse ("" when it succeeded).
std::string Error(absl::string_view yaml) {
  absl::StatusOr<cov::v1::Profile> p = ParseProfile(yaml, kFile);
  if (p.ok()) return "";
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(p.status().message());
}

TEST(ParseProfileTest, FullProfile) {
  absl::StatusOr<cov::v1::Profile> p = ParseProfile(R"yaml(
name: network-sensors
description: >
  Folded text, ignored.
attack: {domain: enterprise-attack, version: "18.1"}
telemetry:
  data_components: ["Network Traffic Content", "Network Traffic Flow", DC0082]
  log_sources: ["zeek:conn", NSM:Flow]
platforms: [Windows, linux, MACOS]
rules:
  sources: [et-open, sigmahq]
  min_status: test
  min_level: medium
)yaml",
                                                    kFile);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->name(), "network-sensors");
  EXPECT_EQ(p->release().domain(), "enterprise-attack");
  EXPECT_EQ(p->release().version(), "18.1");
  EXPECT_THAT(
      p->data_components(),
      ElementsAre("Network Traffic Content", "Network Traffic Flow", "DC0082"));
  EXPECT_THAT(p->log_sources(), ElementsAre("zeek:conn", "NSM:Flow"));
  // Platforms are stored in ATT&CK's spelling.
  EXPECT_THAT(p->platforms(), ElementsAre("Windows", "Linux", "macOS"));
  EXPECT_THAT(p->sources(), ElementsAre("et-open", "sigmahq"));
  EXPECT_EQ(p->min_status(), "test");
  EXPECT_EQ(p->min_level(), "medium");
}

TEST(ParseProfileTest, MinimalProfileMeansEverything) {
  absl::StatusOr<cov::v1::Profile> p = ParseProfile("name: all\n", kFile);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->name(), "all");
  EXPECT_THAT(p->data_components(), IsEmpty());
  EXPECT_THAT(p->platforms(), IsEmpty());
  EXPECT_THAT(p->sources(), IsEmpty());
  EXPECT_EQ(p->min_status(), "");
  EXPECT_FALSE(p->has_release());
}

TEST(ParseProfileTest, EmptyValuesAreAbsentAndUnquotedVersionIsText) {
  absl::StatusOr<cov::v1::Profile> p = ParseProfile(
      "name: x\n"
      "description:\n"
      "attack:\n"
      "  version: 18.10\n"
      "telemetry:\n"
      "  data_components: []\n"
      "  log_sources:\n"
      "platforms:\n"
      "rules:\n"
      "  min_level:\n"
      "  sources: [\" spaced \"]\n",
      kFile);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->release().version(), "18.10");
  EXPECT_EQ(p->release().domain(), "");
  EXPECT_THAT(p->data_components(), IsEmpty());
  EXPECT_THAT(p->log_sources(), IsEmpty());
  EXPECT_THAT(p->platforms(), IsEmpty());
  EXPECT_EQ(p->min_level(), "");
  EXPECT_THAT(p->sources(), ElementsAre("spaced"));  // trimmed
}

TEST(ParseProfileTest, BlockSequencesAndCrlf) {
  absl::StatusOr<cov::v1::Profile> p = ParseProfile(
      "name: x\r\ntelemetry:\r\n  data_components:\r\n    - Process "
      "Creation\r\n    - DC0064\r\n",
      kFile);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_THAT(p->data_components(), ElementsAre("Process Creation", "DC0064"));
}

TEST(ParseProfileErrorsTest, UnknownTopLevelKey) {
  EXPECT_EQ(Error("name: x\nplatform: [Windows]\n"),
            "p.yaml:2:1: unknown key 'platform' in the profile; expected one "
            "of: name, description, attack, telemetry, platforms, rules");
}

TEST(ParseProfileErrorsTest, UnknownNestedKeys) {
  EXPECT_EQ(Error("name: x\ntelemetry:\n  components: [a]\n"),
            "p.yaml:3:3: unknown key 'components' in 'telemetry'; expected "
            "one of: data_components, log_sources");
  EXPECT_EQ(Error("name: x\nrules:\n  min_severity: high\n"),
            "p.yaml:3:3: unknown key 'min_severity' in 'rules'; expected one "
            "of: sources, min_status, min_level");
  EXPECT_EQ(Error("name: x\nattack: {domain: enterprise-attack, release: "
                  "\"18\"}\n"),
            "p.yaml:2:37: unknown key 'release' in 'attack'; expected one "
            "of: domain, version");
}

TEST(ParseProfileErrorsTest, WrongTypes) {
  EXPECT_EQ(Error("name: x\nplatforms: Windows\n"),
            "p.yaml:2:12: 'platforms' must be a sequence of strings, not a "
            "string");
  EXPECT_EQ(Error("name: x\ntelemetry: [a, b]\n"),
            "p.yaml:2:12: 'telemetry' must be a mapping with data_components "
            "and log_sources, not a sequence");
  EXPECT_EQ(Error("name: x\ntelemetry:\n  data_components: [a, [b]]\n"),
            "p.yaml:3:24: 'telemetry.data_components[1]' must be a string, "
            "not a sequence");
  EXPECT_EQ(Error("name: x\nrules:\n  sources: {a: b}\n"),
            "p.yaml:3:12: 'rules.sources' must be a sequence of strings, not "
            "a mapping");
  EXPECT_EQ(Error("name: x\nrules: stable\n"),
            "p.yaml:2:8: 'rules' must be a mapping with sources, min_status "
            "and min_level, not a string");
  EXPECT_EQ(Error("name: x\nattack: \"18.1\"\n"),
            "p.yaml:2:9: 'attack' must be a mapping with domain and version, "
            "not a string");
  EXPECT_EQ(Error("name: x\nrules:\n  min_level: [high]\n"),
            "p.yaml:3:14: 'rules.min_level' must be a string, not a sequence");
  EXPECT_EQ(Error("name: x\ndescription: {a: b}\n"),
            "p.yaml:2:14: 'description' must be a string, not a mapping");
  EXPECT_EQ(Error("name: x\n? [a]\n: b\n"),
            "p.yaml:2:3: keys of the profile must be strings, not a sequence");
}

TEST(ParseProfileErrorsTest, InvalidStatusAndLevel) {
  EXPECT_EQ(Error("name: x\nrules:\n  min_status: beta\n"),
            "p.yaml:3:15: invalid rules.min_status 'beta'; expected one of: "
            "experimental, test, stable");
  EXPECT_EQ(Error("name: x\nrules:\n  min_level: severe\n"),
            "p.yaml:3:14: invalid rules.min_level 'severe'; expected one of: "
            "informational, low, medium, high, critical");
  // Values are case-sensitive, as in Sigma.
  EXPECT_EQ(Error("name: x\nrules: {min_status: Stable}\n"),
            "p.yaml:2:21: invalid rules.min_status 'Stable'; expected one "
            "of: experimental, test, stable");
}

TEST(ParseProfileErrorsTest, InvalidRelease) {
  EXPECT_EQ(Error("name: x\nattack: {domain: enterprise}\n"),
            "p.yaml:2:18: invalid attack.domain 'enterprise'; expected one "
            "of: enterprise-attack, mobile-attack, ics-attack");
  EXPECT_EQ(Error("name: x\nattack: {version: v18}\n"),
            "p.yaml:2:19: invalid attack.version 'v18'; expected MAJOR or "
            "MAJOR.MINOR, e.g. \"18.1\"");
  EXPECT_EQ(Error("name: x\nattack: {version: \"18.\"}\n"),
            "p.yaml:2:19: invalid attack.version '18.'; expected MAJOR or "
            "MAJOR.MINOR, e.g. \"18.1\"");
}

TEST(ParseProfileErrorsTest, DataComponentEntries) {
  EXPECT_EQ(Error("name: x\ntelemetry:\n  data_components: [\"\"]\n"),
            "p.yaml:3:21: 'telemetry.data_components[0]' is empty");
  EXPECT_EQ(Error("name: x\ntelemetry:\n  data_components:\n    - \"  \"\n"),
            "p.yaml:4:7: 'telemetry.data_components[0]' is empty");
  EXPECT_EQ(Error("name: x\ntelemetry:\n  data_components: [DC82]\n"),
            "p.yaml:3:21: invalid data component ID 'DC82': write DC "
            "followed by four digits, e.g. DC0082");
  EXPECT_EQ(Error("name: x\ntelemetry:\n  data_components: [dc0082]\n"),
            "p.yaml:3:21: invalid data component ID 'dc0082': write DC "
            "followed by four digits, e.g. DC0082");
  EXPECT_EQ(Error("name: x\ntelemetry:\n  data_components: [DC00821]\n"),
            "p.yaml:3:21: invalid data component ID 'DC00821': write DC "
            "followed by four digits, e.g. DC0082");
  // "DC" and a digit make an ID, so a letter O for a zero is caught.
  EXPECT_EQ(Error("name: x\ntelemetry:\n  data_components: [DC0O82]\n"),
            "p.yaml:3:21: invalid data component ID 'DC0O82': write DC "
            "followed by four digits, e.g. DC0082");
  // A name starting with "DC" is a name.
  EXPECT_EQ(Error("name: x\ntelemetry:\n  data_components: [DCSync Logs]\n"),
            "");
}

TEST(ParseProfileErrorsTest, Duplicates) {
  EXPECT_EQ(
      Error("name: x\ntelemetry:\n  data_components:\n"
            "    - Network Connection Creation\n    - DC0082\n"),
      "p.yaml:5:7: duplicate entry 'DC0082' in 'telemetry.data_components' "
      "(same as 'Network Connection Creation' at line 4)");
  EXPECT_EQ(Error("name: x\ntelemetry:\n  data_components: [Custom Feed, "
                  "custom feed]\n"),
            "p.yaml:3:34: duplicate entry 'custom feed' in "
            "'telemetry.data_components' (same as 'Custom Feed' at line 3)");
  EXPECT_EQ(Error("name: x\nplatforms: [Windows, windows]\n"),
            "p.yaml:2:22: duplicate entry 'Windows' in 'platforms' (same as "
            "'Windows' at line 2)");
  EXPECT_EQ(Error("name: x\nrules:\n  sources: [a, a]\n"),
            "p.yaml:3:16: duplicate entry 'a' in 'rules.sources' (same as "
            "'a' at line 3)");
  EXPECT_EQ(Error("name: x\nname: y\n"),
            "p.yaml:2:1: duplicate key 'name' in the profile (first at line "
            "1)");
  EXPECT_EQ(Error("name: x\nrules:\n  min_level: low\n  min_level: high\n"),
            "p.yaml:4:3: duplicate key 'min_level' in 'rules' (first at line "
            "3)");
}

TEST(ParseProfileErrorsTest, Name) {
  EXPECT_EQ(Error("platforms: [Linux]\n"),
            "p.yaml:1:1: missing required key 'name'");
  EXPECT_EQ(Error("name:\n"), "p.yaml:1:1: 'name' must be a non-empty string");
  EXPECT_EQ(Error("name: \"\"\n"),
            "p.yaml:1:7: 'name' must be a non-empty string");
  EXPECT_EQ(Error("name: [a]\n"),
            "p.yaml:1:7: 'name' must be a non-empty string");
}

TEST(ParseProfileErrorsTest, UnknownPlatform) {
  EXPECT_EQ(Error("name: x\nplatforms: [Windows, Win]\n"),
            "p.yaml:2:22: unknown platform 'Win'; expected one of: Windows, "
            "Linux, macOS, Network Devices, Containers, IaaS, SaaS, Office "
            "Suite, Identity Provider, ESXi, PRE, Android, iOS");
}

TEST(ParseProfileErrorsTest, DocumentShape) {
  EXPECT_EQ(Error(""),
            "p.yaml:1:1: empty profile: expected a mapping with at least "
            "'name'");
  EXPECT_EQ(Error("# only a comment\n"),
            "p.yaml:1:1: empty profile: expected a mapping with at least "
            "'name'");
  EXPECT_EQ(Error("- name: x\n"),
            "p.yaml:1:1: a profile must be a mapping with name, telemetry, "
            "platforms and rules, not a sequence");
  EXPECT_EQ(Error("name: a\n---\nname: b\n"),
            "p.yaml:3:1: a profile file holds one YAML document; found 2");
}

TEST(ParseProfileErrorsTest, YamlSyntax) {
  EXPECT_EQ(Error("name: x\nplatforms: [Windows\n"),
            "p.yaml:3:1: YAML syntax error: end of sequence flow not found");
  EXPECT_EQ(Error("name: x\n  bad: indent\n"),
            "p.yaml:2:6: YAML syntax error: illegal map value");
}

TEST(ParseProfileErrorsTest, CollectsEveryProblem) {
  EXPECT_EQ(Error("nmae: x\n"
                  "platforms: [Windows, Plan9]\n"
                  "rules:\n"
                  "  min_status: beta\n"),
            "p.yaml:1:1: unknown key 'nmae' in the profile; expected one of: "
            "name, description, attack, telemetry, platforms, rules\n"
            "p.yaml:2:22: unknown platform 'Plan9'; expected one of: "
            "Windows, Linux, macOS, Network Devices, Containers, IaaS, SaaS, "
            "Office Suite, Identity Provider, ESXi, PRE, Android, iOS\n"
            "p.yaml:4:15: invalid rules.min_status 'beta'; expected one of: "
            "experimental, test, stable\n"
            "p.yaml:1:1: missing required key 'name'");
}

TEST(ParseProfileErrorsTest, TooLarge) {
  std::string big = "name: x\ndescription: \"";
  big.append(kMaxProfileBytes, 'a');
  big += "\"\n";
  EXPECT_EQ(Error(big), absl::StrCat("p.yaml: profile is ", big.size(),
                                     " bytes; the limit is 1048576"));
}

TEST(ParseProfileErrorsTest, HostileInputIsAnErrorNotACrash) {
  // Nesting deeper than yaml-cpp's depth guard.
  std::string deep = "name: x\nplatforms: " + std::string(5000, '[');
  EXPECT_THAT(Error(deep), ::testing::StartsWith("p.yaml:2:"));
  EXPECT_THAT(Error(deep), ::testing::HasSubstr("YAML syntax error"));
  // Aliases are not expanded beyond one list level.
  EXPECT_EQ(Error("name: x\nrules:\n  sources: &s [a, b]\n"
                  "platforms: [*s]\n"),
            // yaml-cpp gives an alias the position of its anchored node.
            "p.yaml:3:12: 'platforms[0]' must be a string, not a sequence");
  // An alias to a scalar is its value.
  absl::StatusOr<cov::v1::Profile> p =
      ParseProfile("name: &n shared\nrules:\n  sources: [*n]\n", kFile);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_THAT(p->sources(), ElementsAre("shared"));
  // Binary junk.
  EXPECT_NE(Error(std::string("name: x\0\xff\xfe\n\x01: [", 14)), "");
}

cov::v1::Profile FullProfile() {
  cov::v1::Profile p;
  p.set_name("round-trip");
  p.mutable_release()->set_domain("enterprise-attack");
  p.mutable_release()->set_version("18.1");
  p.add_data_components("Network Traffic Content");
  p.add_data_components("DC0082");
  p.add_log_sources("zeek:conn");
  p.add_log_sources("WinEventLog:Security");
  p.add_platforms("Windows");
  p.add_platforms("Network Devices");
  p.add_sources("et-open");
  p.set_min_status("stable");
  p.set_min_level("high");
  return p;
}

TEST(ProfileToYamlTest, WritesTheDocumentedFormat) {
  EXPECT_EQ(ProfileToYaml(FullProfile()),
            "name: round-trip\n"
            "attack:\n"
            "  domain: enterprise-attack\n"
            "  version: \"18.1\"\n"
            "telemetry:\n"
            "  data_components:\n"
            "    - Network Traffic Content\n"
            "    - DC0082\n"
            "  log_sources:\n"
            "    - zeek:conn\n"
            "    - WinEventLog:Security\n"
            "platforms: [Windows, Network Devices]\n"
            "rules:\n"
            "  sources: [et-open]\n"
            "  min_status: stable\n"
            "  min_level: high\n");
  cov::v1::Profile all;
  all.set_name("all");
  EXPECT_EQ(ProfileToYaml(all),
            "name: all\n"
            "telemetry:\n"
            "  data_components: []  # empty: all telemetry\n");
}

void ExpectRoundTrip(const cov::v1::Profile& p) {
  const std::string yaml = ProfileToYaml(p);
  absl::StatusOr<cov::v1::Profile> back = ParseProfile(yaml, "rt.yaml");
  ASSERT_TRUE(back.ok()) << back.status() << "\n" << yaml;
  EXPECT_TRUE(MessageDifferencer::Equals(*back, p))
      << yaml << "\nparsed back as\n"
      << back->DebugString();
  EXPECT_EQ(ProfileToYaml(*back), yaml);
}

TEST(ProfileToYamlTest, RoundTrips) {
  ExpectRoundTrip(FullProfile());
  cov::v1::Profile all;
  all.set_name("all");
  ExpectRoundTrip(all);
  cov::v1::Profile only_version;
  only_version.set_name("v");
  only_version.mutable_release()->set_version("17");
  ExpectRoundTrip(only_version);
  cov::v1::Profile only_level;
  only_level.set_name("l");
  only_level.set_min_level("informational");
  ExpectRoundTrip(only_level);
}

TEST(ProfileToYamlTest, RoundTripsStringsThatNeedQuoting) {
  cov::v1::Profile p;
  p.set_name("null");
  for (const char* s :
       {"null",       "~",         "true",      "yes",  "a: b",
        "#hash",      "- dash",    "[x]",       "{y}",  "'single'",
        "\"double\"", "*star",     "&anchor",   "!tag", "%pct",
        "@at",        "`tick",     "trailing:", "x #y", "ünïcödé",
        "18.1",       "0x10",      "|",         ">",    "?",
        ",comma",     "tab\there", "DCSync"}) {
    p.add_sources(s);
    p.add_log_sources(s);
    p.add_data_components(absl::StrCat("C ", s));
  }
  ExpectRoundTrip(p);
}

TEST(ProfileToYamlTest, ParsedExamplesRoundTrip) {
  absl::StatusOr<cov::v1::Profile> p = ParseProfile(
      "name: w\nplatforms: [windows]\ntelemetry: {data_components: "
      "[dc 1]}\n",
      kFile);
  ASSERT_TRUE(p.ok()) << p.status();
  ExpectRoundTrip(*p);
}

}  // namespace
}  // namespace cov::ingest::profile
