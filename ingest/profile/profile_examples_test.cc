// Parses every example profile in deploy/profiles and checks the values of
// the documented ones.
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "ingest/profile/profile_parser.h"
#include "ingest/profile/telemetry_map.h"

namespace cov::ingest::profile {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr char kDir[] = "deploy/profiles";

std::string Read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << p;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every *.yaml of the folder (runfiles), parsed, by file stem.
std::map<std::string, cov::v1::Profile> LoadExamples() {
  std::map<std::string, cov::v1::Profile> out;
  for (const auto& entry : std::filesystem::directory_iterator(kDir)) {
    if (entry.path().extension() != ".yaml") continue;
    const std::string file = entry.path().string();
    absl::StatusOr<cov::v1::Profile> p = ParseProfile(Read(entry.path()), file);
    EXPECT_TRUE(p.ok()) << p.status();
    if (!p.ok()) continue;
    // The profile's name is its file name: one place to look for either.
    EXPECT_EQ(p->name(), entry.path().stem().string()) << file;
    out[entry.path().stem().string()] = *p;
  }
  return out;
}

TEST(ProfileExamplesTest, EveryExampleParsesAndRoundTrips) {
  const std::map<std::string, cov::v1::Profile> examples = LoadExamples();
  ASSERT_GE(examples.size(), 3u);
  for (const auto& [stem, p] : examples) {
    absl::StatusOr<cov::v1::Profile> back =
        ParseProfile(ProfileToYaml(p), stem);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*back, p))
        << stem;
    // Example components are ATT&CK 18.1 names (or IDs) that resolve.
    for (const std::string& c : p.data_components()) {
      EXPECT_NE(NormalizeComponentName(c), "") << stem << ": " << c;
    }
  }
}

TEST(ProfileExamplesTest, NetworkSensors) {
  const std::map<std::string, cov::v1::Profile> examples = LoadExamples();
  ASSERT_TRUE(examples.count("network-sensors"));
  const cov::v1::Profile& p = examples.at("network-sensors");
  EXPECT_THAT(p.data_components(),
              ElementsAre("Network Traffic Content", "Network Traffic Flow",
                          "Network Connection Creation"));
  EXPECT_THAT(p.log_sources(),
              ElementsAre("NSM:Flow", "NSM:Connections", "zeek:conn"));
  EXPECT_THAT(p.platforms(), IsEmpty());
  EXPECT_THAT(p.sources(), IsEmpty());  // any source
  EXPECT_EQ(p.min_status(), "");
  EXPECT_EQ(p.min_level(), "");
  EXPECT_EQ(p.release().domain(), "enterprise-attack");
  EXPECT_EQ(p.release().version(), "18.1");
  // Exactly what a Suricata rule needs.
  std::set<std::string> suricata;
  for (const std::string& c :
       ComponentsForFormat(cov::v1::RULE_FORMAT_SURICATA)) {
    suricata.insert(c);
  }
  EXPECT_EQ(std::set<std::string>(p.data_components().begin(),
                                  p.data_components().end()),
            suricata);
}

TEST(ProfileExamplesTest, WindowsEndpoint) {
  const std::map<std::string, cov::v1::Profile> examples = LoadExamples();
  ASSERT_TRUE(examples.count("windows-endpoint"));
  const cov::v1::Profile& p = examples.at("windows-endpoint");
  EXPECT_EQ(p.data_components_size(), 21);
  EXPECT_THAT(p.platforms(), ElementsAre("Windows"));
  EXPECT_THAT(p.sources(), ElementsAre("sigmahq"));
  EXPECT_EQ(p.min_status(), "test");
  EXPECT_EQ(p.min_level(), "medium");
  EXPECT_THAT(
      p.log_sources(),
      UnorderedElementsAre("WinEventLog:Sysmon", "WinEventLog:Security",
                           "WinEventLog:System", "WinEventLog:PowerShell"));
  // A Sysmon-like EDR: the profile owns what the Sysmon categories need.
  const std::set<std::string> owned(p.data_components().begin(),
                                    p.data_components().end());
  for (const char* category :
       {"process_creation", "process_access", "create_remote_thread",
        "image_load", "driver_load", "file_event", "file_delete",
        "registry_set", "registry_event", "network_connection", "pipe_created",
        "wmi_event", "ps_script", "ps_module", "sysmon_status"}) {
    for (const std::string& c :
         ComponentsForSigmaLogsource("windows", category, "")) {
      EXPECT_TRUE(owned.count(c)) << category << " needs " << c;
    }
  }
}

TEST(ProfileExamplesTest, AllTelemetry) {
  const std::map<std::string, cov::v1::Profile> examples = LoadExamples();
  ASSERT_TRUE(examples.count("all-telemetry"));
  const cov::v1::Profile& p = examples.at("all-telemetry");
  EXPECT_THAT(p.data_components(), IsEmpty());
  EXPECT_THAT(p.log_sources(), IsEmpty());
  EXPECT_THAT(p.platforms(), IsEmpty());
  EXPECT_THAT(p.sources(), IsEmpty());
  EXPECT_EQ(p.min_status(), "");
  EXPECT_EQ(p.min_level(), "");
  EXPECT_FALSE(p.has_release());
}

TEST(ProfileExamplesTest, ReadmeDocumentsEveryKeyAndExample) {
  const std::string readme = Read(std::filesystem::path(kDir) / "README.md");
  for (const char* key :
       {"name:", "description:", "attack:", "domain:", "version:", "telemetry:",
        "data_components:", "log_sources:", "platforms:", "rules:", "sources:",
        "min_status:", "min_level:"}) {
    EXPECT_TRUE(absl::StrContains(readme, key)) << key;
  }
  for (const auto& [stem, p] : LoadExamples()) {
    EXPECT_TRUE(absl::StrContains(readme, stem + ".yaml")) << stem;
  }
}

}  // namespace
}  // namespace cov::ingest::profile
