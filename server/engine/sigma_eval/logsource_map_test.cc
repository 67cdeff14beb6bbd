#include "server/engine/sigma_eval/logsource_map.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cov::server::engine::sigma_eval {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

ingest::events::Event MakeEvent(absl::string_view channel,
                                absl::string_view id) {
  ingest::events::Event e;
  e.fields.push_back({"Channel", std::string(channel), false});
  e.fields.push_back({"EventID", std::string(id), false});
  return e;
}

TEST(LogsourceMapTest, ProcessCreationIsSysmon1OrSecurity4688) {
  absl::StatusOr<LogsourceSelection> sel =
      ResolveLogsource("windows", "process_creation", "");
  ASSERT_TRUE(sel.ok()) << sel.status();
  EXPECT_TRUE(sel->Contains("Microsoft-Windows-Sysmon/Operational", 1));
  EXPECT_TRUE(sel->Contains("Security", 4688));
  EXPECT_TRUE(sel->Contains("security", 4688));  // Security-Datasets spelling
  EXPECT_FALSE(sel->Contains("Security", 4624));
  EXPECT_FALSE(sel->Contains("Microsoft-Windows-Sysmon/Operational", 3));
  const std::vector<FieldRename>* r = sel->RenamesFor("Security", 4688);
  ASSERT_NE(r, nullptr);
  bool image = false;
  for (const FieldRename& f : *r) {
    image =
        image || (f.rule_field == "Image" && f.event_field == "NewProcessName");
  }
  EXPECT_TRUE(image);
  EXPECT_TRUE(
      sel->RenamesFor("Microsoft-Windows-Sysmon/Operational", 1)->empty());
}

TEST(LogsourceMapTest, CategoriesFromTheIssue) {
  struct Case {
    const char* category;
    const char* channel;
    int in;
    int out;
  } cases[] = {
      {"network_connection", "Microsoft-Windows-Sysmon/Operational", 3, 1},
      {"file_event", "Microsoft-Windows-Sysmon/Operational", 11, 12},
      {"registry_set", "Microsoft-Windows-Sysmon/Operational", 13, 12},
      {"registry_event", "Microsoft-Windows-Sysmon/Operational", 14, 15},
      {"image_load", "Microsoft-Windows-Sysmon/Operational", 7, 8},
      {"dns_query", "Microsoft-Windows-Sysmon/Operational", 22, 23},
      {"pipe_created", "Microsoft-Windows-Sysmon/Operational", 18, 19},
      {"wmi_event", "Microsoft-Windows-Sysmon/Operational", 21, 22},
      {"process_access", "Microsoft-Windows-Sysmon/Operational", 10, 11},
      {"create_remote_thread", "Microsoft-Windows-Sysmon/Operational", 8, 9},
      {"driver_load", "Microsoft-Windows-Sysmon/Operational", 6, 7},
      {"ps_script", "Microsoft-Windows-PowerShell/Operational", 4104, 4103},
      {"ps_module", "Microsoft-Windows-PowerShell/Operational", 4103, 4104},
  };
  for (const Case& c : cases) {
    absl::StatusOr<LogsourceSelection> sel =
        ResolveLogsource("windows", c.category, "");
    ASSERT_TRUE(sel.ok()) << c.category;
    EXPECT_TRUE(sel->Contains(c.channel, c.in)) << c.category;
    EXPECT_FALSE(sel->Contains(c.channel, c.out)) << c.category;
  }
}

TEST(LogsourceMapTest, ServicesReadEveryEventOfTheirChannel) {
  absl::StatusOr<LogsourceSelection> sel =
      ResolveLogsource("windows", "", "security");
  ASSERT_TRUE(sel.ok());
  EXPECT_TRUE(sel->Contains("Security", 4624));
  EXPECT_TRUE(sel->Contains("Security", 1102));
  EXPECT_FALSE(sel->Contains("System", 7045));
  sel = ResolveLogsource("windows", "", "powershell-classic");
  ASSERT_TRUE(sel.ok());
  EXPECT_TRUE(sel->Contains("Windows PowerShell", 400));
}

TEST(LogsourceMapTest, UnknownLogsourcesNameWhatIsMissing) {
  absl::StatusOr<LogsourceSelection> sel =
      ResolveLogsource("linux", "process_creation", "");
  EXPECT_EQ(sel.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(sel.status().message()),
              HasSubstr("product 'linux' category 'process_creation'"));
  sel = ResolveLogsource("windows", "", "no-such-service");
  EXPECT_EQ(sel.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(sel.status().message()),
              HasSubstr("unknown service"));
  sel = ResolveLogsource("", "webserver", "");
  EXPECT_EQ(sel.status().code(), absl::StatusCode::kNotFound);
  // Category on a service whose channels do not log it.
  sel = ResolveLogsource("windows", "process_creation", "system");
  EXPECT_EQ(sel.status().code(), absl::StatusCode::kNotFound);
  // Category restricted to a service: Security 4688 only.
  sel = ResolveLogsource("windows", "process_creation", "security");
  ASSERT_TRUE(sel.ok());
  EXPECT_TRUE(sel->Contains("Security", 4688));
  EXPECT_FALSE(sel->Contains("Microsoft-Windows-Sysmon/Operational", 1));
}

TEST(LogsourceMapTest, EventInLogsource) {
  EXPECT_TRUE(
      EventInLogsource(MakeEvent("Microsoft-Windows-Sysmon/Operational", "13"),
                       "windows", "registry_set", ""));
  EXPECT_FALSE(
      EventInLogsource(MakeEvent("Microsoft-Windows-Sysmon/Operational", "12"),
                       "windows", "registry_set", ""));
  EXPECT_TRUE(EventInLogsource(MakeEvent("SECURITY", "4688"), "windows",
                               "process_creation", ""));
  EXPECT_FALSE(EventInLogsource(MakeEvent("Security", "x"), "windows",
                                "process_creation", ""));
  EXPECT_TRUE(EventInLogsource(MakeEvent("System", "7045"), "windows", "", ""));
}

TEST(LogsourceMapTest, CategoriesAndServicesAreListed) {
  const std::vector<absl::string_view> cats = LogsourceCategories();
  EXPECT_THAT(cats, Contains("process_creation"));
  EXPECT_THAT(cats, Contains("ps_script"));
  EXPECT_THAT(cats, Not(Contains("")));
  EXPECT_TRUE(std::is_sorted(cats.begin(), cats.end()));
  EXPECT_THAT(LogsourceServices(), Contains("sysmon"));
}

}  // namespace
}  // namespace cov::server::engine::sigma_eval
