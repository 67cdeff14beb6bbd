#include "ingest/profile/profile_infer.h"

#include <ostream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cov::ingest::profile {

// gtest prints values it can find by ADL, in the type's namespace.
void PrintTo(const UnmappedLogsource& u, std::ostream* os) {
  *os << "{" << u.product << "/" << u.category << "/" << u.service << " x"
      << u.rule_count << "}";
}

namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

cov::v1::Rule Sigma(const std::string& source, const std::string& product,
                    const std::string& category, const std::string& service) {
  cov::v1::Rule r;
  r.set_format(cov::v1::RULE_FORMAT_SIGMA);
  r.set_source(source);
  r.set_enabled(true);
  r.set_logsource_product(product);
  r.set_logsource_category(category);
  r.set_logsource_service(service);
  return r;
}

cov::v1::Rule Other(cov::v1::RuleFormat format, const std::string& source,
                    bool enabled = true) {
  cov::v1::Rule r;
  r.set_format(format);
  r.set_source(source);
  r.set_enabled(enabled);
  return r;
}

TEST(InferProfileTest, MixedFormatsUnionComponentsAndNeutralPlatforms) {
  std::vector<cov::v1::Rule> rules = {
      Sigma("sigmahq", "windows", "process_creation", ""),
      Sigma("sigmahq", "windows", "registry_set", ""),
      Sigma("sigmahq", "linux", "", "auditd"),
      Sigma("sigmahq", "acme", "widget", ""),
      Sigma("sigmahq", "ACME", "Widget", ""),
      Sigma("custom", "", "", "mystery"),
      Other(cov::v1::RULE_FORMAT_SURICATA, "et-open", /*enabled=*/false),
      Other(cov::v1::RULE_FORMAT_YARA, "signature-base"),
  };
  cov::v1::Rule correlation = Sigma("sigmahq", "", "", "");
  correlation.set_is_correlation(true);
  rules.push_back(correlation);
  rules.push_back(Other(cov::v1::RULE_FORMAT_UNSPECIFIED, "junk"));

  const InferredProfile r = InferProfile(rules, "soc");
  EXPECT_EQ(r.profile.name(), "soc");
  EXPECT_THAT(
      r.profile.data_components(),
      ElementsAre("Command Execution", "File Access", "File Creation",
                  "File Deletion", "File Metadata", "File Modification",
                  "Kernel Module Load", "Malware Content",
                  "Network Connection Creation", "Network Traffic Content",
                  "Network Traffic Flow", "OS API Execution",
                  "Process Creation", "Windows Registry Key Modification"));
  // Suricata and YARA see every platform: no narrowing.
  EXPECT_THAT(r.profile.platforms(), IsEmpty());
  EXPECT_THAT(r.implied_platforms, ElementsAre("Linux", "Windows"));
  EXPECT_EQ(r.platform_neutral_rules, 2);
  // Sources of every rule considered, the unmapped ones included.
  EXPECT_THAT(r.profile.sources(),
              ElementsAre("custom", "et-open", "sigmahq", "signature-base"));
  EXPECT_EQ(r.mapped_rules, 5);
  EXPECT_EQ(r.unmapped_rules, 3);
  EXPECT_EQ(r.skipped_rules, 2);
  EXPECT_THAT(r.unmapped,
              ElementsAre(UnmappedLogsource{"acme", "widget", "", 2},
                          UnmappedLogsource{"", "", "mystery", 1}));
  EXPECT_EQ(r.profile.min_status(), "");
  EXPECT_EQ(r.profile.min_level(), "");
  EXPECT_THAT(r.profile.log_sources(), IsEmpty());
  EXPECT_FALSE(r.profile.has_release());
}

TEST(InferProfileTest, PlatformsWhenEveryRuleImpliesOne) {
  const InferredProfile r = InferProfile(
      {Sigma("s", "windows", "image_load", ""),
       Sigma("s", "aws", "", "cloudtrail"),
       Sigma("s", "azure", "", "signinlogs"), Sigma("s", "m365", "", "audit"),
       Sigma("s", "okta", "", "okta"),
       Sigma("s", "macos", "process_creation", ""),
       Sigma("s", "kubernetes", "application", "audit")},
      "cloud-and-endpoints");
  EXPECT_THAT(r.profile.platforms(),
              ElementsAre("Containers", "IaaS", "Identity Provider",
                          "Office "
                          "Suite",
                          "Windows", "macOS"));
  EXPECT_EQ(r.implied_platforms.size(), 6u);
  EXPECT_EQ(r.platform_neutral_rules, 0);
  EXPECT_THAT(r.unmapped, IsEmpty());
}

TEST(InferProfileTest, NeutralSigmaProductsKeepAllPlatforms) {
  const InferredProfile r =
      InferProfile({Sigma("s", "windows", "process_creation", ""),
                    Sigma("s", "", "webserver", "")},
                   "web");
  EXPECT_THAT(r.profile.platforms(), IsEmpty());
  EXPECT_THAT(r.implied_platforms, ElementsAre("Windows"));
  EXPECT_EQ(r.platform_neutral_rules, 1);
  EXPECT_THAT(r.profile.data_components(),
              ElementsAre("Application Log Content", "Command Execution",
                          "Network Traffic Content", "Process Creation"));
}

TEST(InferProfileTest, UnmappedRulesDoNotNarrowOrWidenPlatforms) {
  const InferredProfile r =
      InferProfile({Sigma("s", "linux", "process_creation", ""),
                    Sigma("s", "windows", "", "no-such-channel")},
                   "x");
  EXPECT_THAT(r.profile.platforms(), ElementsAre("Linux"));
  EXPECT_THAT(r.unmapped, ElementsAre(UnmappedLogsource{"windows", "",
                                                        "no-such-channel", 1}));
}

TEST(InferProfileTest, UnmappedSortedByCountThenKey) {
  const InferredProfile r =
      InferProfile({Sigma("s", "b", "", ""), Sigma("s", "a", "", ""),
                    Sigma("s", "c", "", ""), Sigma("s", "c", "", "")},
                   "x");
  EXPECT_THAT(r.unmapped, ElementsAre(UnmappedLogsource{"c", "", "", 2},
                                      UnmappedLogsource{"a", "", "", 1},
                                      UnmappedLogsource{"b", "", "", 1}));
  EXPECT_THAT(r.profile.data_components(), IsEmpty());
  EXPECT_THAT(r.profile.sources(), ElementsAre("s"));
}

TEST(InferProfileTest, NoRules) {
  const InferredProfile r = InferProfile({}, "empty");
  EXPECT_EQ(r.profile.name(), "empty");
  EXPECT_THAT(r.profile.data_components(), IsEmpty());
  EXPECT_THAT(r.profile.platforms(), IsEmpty());
  EXPECT_THAT(r.profile.sources(), IsEmpty());
  EXPECT_EQ(r.mapped_rules + r.unmapped_rules + r.skipped_rules, 0);
}

}  // namespace
}  // namespace cov::ingest::profile
