#include "ingest/profile/telemetry_map_vendor.h"

#include <algorithm>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/profile/telemetry_map.h"

namespace cov::ingest::profile {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(TelemetryMapVendorTest, EveryComponentIsInTheCatalogue) {
  for (const VendorDataSourceMapping& m : VendorDataSourceTable()) {
    EXPECT_FALSE(m.components.empty()) << m.pattern;
    EXPECT_TRUE(std::is_sorted(m.components.begin(), m.components.end()))
        << m.pattern;
    for (const std::string& c : m.components) {
      EXPECT_EQ(NormalizeComponentName(c), c) << m.pattern;
    }
  }
}

TEST(TelemetryMapVendorTest, Glob) {
  EXPECT_TRUE(
      GlobMatches("logs-endpoint.events.file*", "logs-endpoint.events.file-*"));
  EXPECT_TRUE(GlobMatches("sysmon*id 1", "Sysmon Event ID 1"));
  EXPECT_FALSE(GlobMatches("sysmon*id 1", "Sysmon Event ID 11"));
  EXPECT_TRUE(GlobMatches("*security*472?", "Windows Security Event ID 4723"));
  EXPECT_TRUE(GlobMatches("*", ""));
  EXPECT_FALSE(GlobMatches("a", ""));
}

TEST(TelemetryMapVendorTest, ElasticEqlCategoryThenIndex) {
  cov::v1::Rule r;
  r.set_format(cov::v1::RULE_FORMAT_ELASTIC);
  r.set_language("eql");
  r.set_query("file where event.type == \"creation\"");
  r.add_data_sources("logs-endpoint.events.process-*");
  EXPECT_THAT(
      ComponentsForRule(r),
      ElementsAre("File Creation", "File Deletion", "File Modification"));
  r.set_language("kuery");
  EXPECT_THAT(ComponentsForRule(r),
              ElementsAre("Command Execution", "Process Creation"));
  r.clear_data_sources();  // an ML rule: no index, no query language
  EXPECT_THAT(ComponentsForRule(r), IsEmpty());
}

TEST(TelemetryMapVendorTest, SplunkAndSentinel) {
  cov::v1::Rule s;
  s.set_format(cov::v1::RULE_FORMAT_SPLUNK);
  s.add_data_sources("Sysmon Event ID 1");
  s.add_data_sources("Sysmon Event ID 11");
  EXPECT_THAT(
      ComponentsForRule(s),
      ElementsAre("Command Execution", "File Creation", "Process Creation"));
  cov::v1::Rule t;
  t.set_format(cov::v1::RULE_FORMAT_SENTINEL);
  t.add_data_sources("connector:SecurityEvents");
  t.add_data_sources("table:SecurityEvent");
  EXPECT_THAT(ComponentsForRule(t),
              ElementsAre("Logon Session Creation", "Process Creation"));
  cov::v1::Rule l;
  l.set_format(cov::v1::RULE_FORMAT_LAYER);
  EXPECT_THAT(ComponentsForRule(l), IsEmpty());
}

}  // namespace
}  // namespace cov::ingest::profile
