#include "ingest/profile/telemetry_map.h"

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cov::ingest::profile {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::IsNull;
using ::testing::NotNull;

std::vector<std::string> Sigma(absl::string_view p, absl::string_view c,
                               absl::string_view s) {
  return ComponentsForSigmaLogsource(p, c, s);
}

TEST(ComponentsForSigmaLogsourceTest, EndpointCategories) {
  EXPECT_THAT(Sigma("windows", "process_creation", ""),
              ElementsAre("Command Execution", "Process Creation"));
  EXPECT_THAT(Sigma("linux", "process_creation", ""),
              ElementsAre("Command Execution", "Process Creation"));
  EXPECT_THAT(Sigma("macos", "process_creation", ""),
              ElementsAre("Command Execution", "Process Creation"));
  EXPECT_THAT(Sigma("windows", "network_connection", ""),
              ElementsAre("Network Connection Creation"));
  EXPECT_THAT(Sigma("windows", "file_event", ""), ElementsAre("File Creation"));
  EXPECT_THAT(Sigma("windows", "file_delete", ""),
              ElementsAre("File Deletion"));
  EXPECT_THAT(Sigma("windows", "file_access", ""), ElementsAre("File Access"));
  EXPECT_THAT(Sigma("windows", "file_rename", ""),
              ElementsAre("File Modification"));
  EXPECT_THAT(Sigma("windows", "registry_set", ""),
              ElementsAre("Windows Registry Key Modification"));
  EXPECT_THAT(Sigma("windows", "registry_event", ""),
              ElementsAre("Windows Registry Key Creation",
                          "Windows Registry Key Deletion",
                          "Windows Registry Key Modification"));
  EXPECT_THAT(Sigma("windows", "registry_add", ""),
              ElementsAre("Windows Registry Key Creation"));
  EXPECT_THAT(Sigma("windows", "registry_delete", ""),
              ElementsAre("Windows Registry Key Deletion"));
  EXPECT_THAT(Sigma("windows", "image_load", ""), ElementsAre("Module Load"));
  EXPECT_THAT(Sigma("windows", "driver_load", ""), ElementsAre("Driver Load"));
  EXPECT_THAT(Sigma("windows", "ps_script", ""),
              ElementsAre("Command Execution", "Script Execution"));
  EXPECT_THAT(Sigma("windows", "ps_module", ""),
              ElementsAre("Command Execution"));
  EXPECT_THAT(Sigma("windows", "process_access", ""),
              ElementsAre("Process Access"));
  EXPECT_THAT(Sigma("windows", "create_remote_thread", ""),
              ElementsAre("Process Modification"));
  EXPECT_THAT(Sigma("windows", "pipe_created", ""),
              ElementsAre("Named Pipe Metadata"));
  EXPECT_THAT(Sigma("windows", "wmi_event", ""), ElementsAre("WMI Creation"));
  EXPECT_THAT(Sigma("windows", "raw_access_thread", ""),
              ElementsAre("Drive Access"));
  EXPECT_THAT(Sigma("windows", "sysmon_status", ""),
              ElementsAre("Host Status"));
}

TEST(ComponentsForSigmaLogsourceTest, DnsIsConnectionAndContentNotActiveDns) {
  EXPECT_THAT(
      Sigma("windows", "dns_query", ""),
      ElementsAre("Network Connection Creation", "Network Traffic Content"));
  EXPECT_THAT(Sigma("", "dns", ""), ElementsAre("Network Traffic Content"));
  EXPECT_THAT(
      Sigma("windows", "", "dns-client"),
      ElementsAre("Network Connection Creation", "Network Traffic Content"));
}

TEST(ComponentsForSigmaLogsourceTest, WindowsChannels) {
  const std::vector<std::string> security = Sigma("windows", "", "security");
  EXPECT_EQ(security.size(), 24u);
  EXPECT_THAT(security, Contains("User Account Authentication"));
  EXPECT_THAT(security, Contains("Logon Session Creation"));
  EXPECT_THAT(security, Contains("Active Directory Credential Request"));
  EXPECT_THAT(security, Contains("Process Creation"));
  EXPECT_THAT(
      Sigma("windows", "", "system"),
      ElementsAre("Application Log Content", "Host Status", "Service Creation",
                  "Service Metadata", "Service Modification"));
  EXPECT_THAT(Sigma("windows", "", "taskscheduler"),
              ElementsAre("Scheduled Job Creation", "Scheduled Job Metadata",
                          "Scheduled Job Modification"));
  EXPECT_THAT(Sigma("windows", "", "windefend"),
              ElementsAre("Application Log Content", "Host Status"));
  // Keyword rules over every Windows log.
  EXPECT_THAT(Sigma("windows", "", ""),
              ElementsAre("Application Log Content", "Command Execution"));
}

TEST(ComponentsForSigmaLogsourceTest, NetworkAndWeb) {
  EXPECT_THAT(
      Sigma("", "webserver", ""),
      ElementsAre("Application Log Content", "Network Traffic Content"));
  EXPECT_THAT(Sigma("", "", "apache"), ElementsAre("Application Log Content",
                                                   "Network Traffic Content"));
  EXPECT_THAT(Sigma("", "proxy", ""),
              ElementsAre("Network Traffic Content", "Network Traffic Flow"));
  EXPECT_THAT(
      Sigma("", "firewall", ""),
      ElementsAre("Network Connection Creation", "Network Traffic Flow"));
  EXPECT_THAT(Sigma("zeek", "", "http"),
              ElementsAre("Network Traffic Content"));
  EXPECT_THAT(
      Sigma("zeek", "", "conn"),
      ElementsAre("Network Connection Creation", "Network Traffic Flow"));
  EXPECT_THAT(Sigma("zeek", "", "smb_files"),
              ElementsAre("Network Share Access", "Network Traffic Content"));
  EXPECT_THAT(
      Sigma("juniper", "", "bgp"),
      ElementsAre("Application Log Content", "Network Traffic Content"));
}

TEST(ComponentsForSigmaLogsourceTest, CloudAndIdentity) {
  const std::vector<std::string> trail = Sigma("aws", "", "cloudtrail");
  EXPECT_THAT(trail, Contains("Instance Creation"));
  EXPECT_THAT(trail, Contains("Cloud Storage Access"));
  EXPECT_THAT(trail, Contains("User Account Authentication"));
  EXPECT_THAT(trail, Contains("Group Modification"));
  EXPECT_EQ(trail.size(), 41u);  // 33 control plane + 8 identity
  EXPECT_THAT(Sigma("azure", "", "activitylogs"),
              Contains("Instance Creation"));
  EXPECT_THAT(Sigma("azure", "", "activitylogs"),
              ::testing::Not(Contains("User Account Authentication")));
  EXPECT_THAT(
      Sigma("azure", "", "signinlogs"),
      ElementsAre("Logon Session Creation", "Logon Session Metadata",
                  "User Account Authentication", "Web Credential Usage"));
  EXPECT_THAT(
      Sigma("okta", "", "okta"),
      ElementsAre("Application Log Content", "Logon Session Creation",
                  "Logon Session Metadata", "User Account Authentication",
                  "User Account Creation", "User Account Metadata",
                  "User Account Modification"));
  EXPECT_THAT(Sigma("m365", "", "threat_management"),
              Contains("Cloud Storage Access"));
  EXPECT_THAT(Sigma("m365", "", "some_new_feed"),
              ElementsAre("Application Log Content"));
  EXPECT_THAT(Sigma("gcp", "", "gcp.audit"), Contains("Instance Deletion"));
}

TEST(ComponentsForSigmaLogsourceTest, FirstMatchWinsAndSpecificRowsComeFirst) {
  // kubernetes/application/audit is the Kubernetes audit log, not a generic
  // application log.
  EXPECT_THAT(Sigma("kubernetes", "application", "audit"),
              Contains("Pod Creation"));
  EXPECT_THAT(Sigma("kubernetes", "", "audit"), Contains("Pod Creation"));
  EXPECT_THAT(Sigma("jvm", "application", ""),
              ElementsAre("Application Log Content"));
  // A category wins over the product's service when the product has none.
  EXPECT_THAT(Sigma("paloalto", "file_event", "globalprotect"),
              ElementsAre("File Creation"));
  EXPECT_THAT(Sigma("linux", "", "auditd"), Contains("Kernel Module Load"));
  EXPECT_EQ(FindSigmaLogsourceMapping("linux", "file_event", "")->components,
            std::vector<std::string>{"File Creation"});
}

TEST(ComponentsForSigmaLogsourceTest, CaseAndWhiteSpaceDoNotMatter) {
  EXPECT_THAT(Sigma("Windows", "Process_Creation", ""),
              ElementsAre("Command Execution", "Process Creation"));
  EXPECT_THAT(Sigma(" windows ", "", " Security"), Contains("Host Status"));
  EXPECT_THAT(Sigma("AWS", "", "CloudTrail"), Contains("Instance Start"));
}

TEST(ComponentsForSigmaLogsourceTest, UnmappedIsEmpty) {
  EXPECT_THAT(Sigma("", "", ""), IsEmpty());
  EXPECT_THAT(Sigma("windows", "", "no-such-channel"), IsEmpty());
  EXPECT_THAT(Sigma("acme", "", "widget"), IsEmpty());
  EXPECT_THAT(FindSigmaLogsourceMapping("acme", "", "widget"), IsNull());
  // "" in a pattern means absent: linux keyword rules do not swallow
  // unknown linux services.
  EXPECT_THAT(Sigma("linux", "", "unknown-daemon"), IsEmpty());
}

TEST(ComponentsForFormatTest, EachFormat) {
  EXPECT_THAT(ComponentsForFormat(cov::v1::RULE_FORMAT_SURICATA),
              ElementsAre("Network Connection Creation",
                          "Network Traffic Content", "Network Traffic Flow"));
  EXPECT_THAT(ComponentsForFormat(cov::v1::RULE_FORMAT_YARA),
              ElementsAre("File Metadata", "Malware Content"));
  EXPECT_THAT(ComponentsForFormat(cov::v1::RULE_FORMAT_SIGMA), IsEmpty());
  EXPECT_THAT(ComponentsForFormat(cov::v1::RULE_FORMAT_UNSPECIFIED), IsEmpty());
}

TEST(ComponentsForRuleTest, SigmaByLogsourceOthersByFormat) {
  cov::v1::Rule sigma;
  sigma.set_format(cov::v1::RULE_FORMAT_SIGMA);
  sigma.set_logsource_product("windows");
  sigma.set_logsource_category("image_load");
  EXPECT_THAT(ComponentsForRule(sigma), ElementsAre("Module Load"));
  sigma.set_is_correlation(true);
  EXPECT_THAT(ComponentsForRule(sigma), IsEmpty());

  cov::v1::Rule suricata;
  suricata.set_format(cov::v1::RULE_FORMAT_SURICATA);
  suricata.set_logsource_category("image_load");  // ignored for Suricata
  EXPECT_THAT(ComponentsForRule(suricata), Contains("Network Traffic Flow"));
}

TEST(NormalizeComponentNameTest, NamesAndIds) {
  EXPECT_EQ(NormalizeComponentName("Network Traffic Content"),
            "Network Traffic Content");
  EXPECT_EQ(NormalizeComponentName("network traffic content"),
            "Network Traffic Content");
  EXPECT_EQ(NormalizeComponentName("  Network \t Traffic  Content "),
            "Network Traffic Content");
  EXPECT_EQ(NormalizeComponentName("DC0085"), "Network Traffic Content");
  EXPECT_EQ(NormalizeComponentName("dc0082"), "Network Connection Creation");
  EXPECT_EQ(NormalizeComponentName("os api execution"), "OS API Execution");
  EXPECT_EQ(NormalizeComponentName("Network Traffic"), "");
  EXPECT_EQ(NormalizeComponentName("Pod Metadata"), "");  // deprecated in 18
  EXPECT_EQ(NormalizeComponentName(""), "");
  EXPECT_EQ(NormalizeComponentName("DC9999"), "");
  EXPECT_EQ(ComponentId("Network Connection Creation"), "DC0082");
  EXPECT_EQ(ComponentId("dc0103"), "DC0103");
  EXPECT_EQ(ComponentId("Nothing"), "");
}

TEST(DataComponentCatalogTest, SortedUniqueWellFormed) {
  absl::Span<const DataComponent> cat = DataComponentCatalog();
  ASSERT_EQ(cat.size(), 106u);
  std::set<std::string> ids;
  std::set<std::string> names;
  for (size_t i = 0; i < cat.size(); ++i) {
    const std::string id = cat[i].id;
    ASSERT_EQ(id.size(), 6u) << id;
    EXPECT_TRUE(absl::StartsWith(id, "DC")) << id;
    for (char c : id.substr(2)) EXPECT_TRUE(absl::ascii_isdigit(c)) << id;
    EXPECT_TRUE(ids.insert(id).second) << "duplicate " << id;
    EXPECT_TRUE(names.insert(cat[i].name).second) << cat[i].name;
    if (i > 0) {
      EXPECT_LT(std::string(cat[i - 1].name), cat[i].name);
    }
  }
}

// Every name a table uses is spelled exactly as in the catalogue.
void ExpectCatalogueNames(const std::vector<std::string>& components,
                          const std::string& where) {
  EXPECT_FALSE(components.empty()) << where;
  for (size_t i = 0; i < components.size(); ++i) {
    EXPECT_EQ(NormalizeComponentName(components[i]), components[i])
        << where << ": '" << components[i] << "' is not a catalogue name";
    if (i > 0) {
      EXPECT_LT(components[i - 1], components[i]) << where;
    }
  }
}

TEST(SigmaLogsourceTableTest, RowsAreValidAndReachable) {
  absl::Span<const SigmaLogsourceMapping> table = SigmaLogsourceTable();
  ASSERT_GT(table.size(), 100u);
  for (size_t i = 0; i < table.size(); ++i) {
    const SigmaLogsourceMapping& m = table[i];
    const std::string where =
        absl::StrCat("row ", i + 1, " (", m.pattern.product, "/",
                     m.pattern.category, "/", m.pattern.service, ")");
    ExpectCatalogueNames(m.components, where);
    EXPECT_GT(std::string(m.why).size(), 10u) << where;
    // A logsource built from the row (wildcards as an unlisted value) must
    // land on the row itself: no earlier row shadows it.
    auto concrete = [](const char* v) {
      return std::string(v) == "*" ? std::string("x-unlisted") : v;
    };
    const SigmaLogsourceMapping* hit = FindSigmaLogsourceMapping(
        concrete(m.pattern.product), concrete(m.pattern.category),
        concrete(m.pattern.service));
    ASSERT_THAT(hit, NotNull()) << where;
    EXPECT_EQ(hit, &m) << where << " is shadowed by an earlier row";
  }
}

TEST(FormatTableTest, SuricataAndYaraRowsUseCatalogueNames) {
  int with_components = 0;
  for (const FormatMapping& m : FormatTable()) {
    if (m.format == cov::v1::RULE_FORMAT_SIGMA) {
      EXPECT_THAT(m.components, IsEmpty());
      continue;
    }
    ExpectCatalogueNames(m.components, absl::StrCat("format ", m.format));
    ++with_components;
  }
  EXPECT_EQ(with_components, 2);
}

TEST(SigmaPlatformTableTest, PlatformsAreAttackPlatforms) {
  const std::set<std::string> known = {
      "Windows", "Linux", "macOS",        "Network Devices",   "Containers",
      "IaaS",    "SaaS",  "Office Suite", "Identity Provider", "ESXi"};
  for (const SigmaPlatformMapping& m : SigmaPlatformTable()) {
    for (const std::string& p : m.platforms) {
      EXPECT_TRUE(known.count(p)) << m.pattern.product << ": " << p;
    }
  }
  auto platforms = [](absl::string_view p, absl::string_view s) {
    const SigmaPlatformMapping* m = FindSigmaPlatformMapping(p, "", s);
    return m == nullptr ? std::vector<std::string>{"<none>"} : m->platforms;
  };
  EXPECT_THAT(platforms("windows", "security"), ElementsAre("Windows"));
  EXPECT_THAT(platforms("Linux", "auditd"), ElementsAre("Linux"));
  EXPECT_THAT(platforms("macos", ""), ElementsAre("macOS"));
  EXPECT_THAT(platforms("aws", "cloudtrail"), ElementsAre("IaaS"));
  EXPECT_THAT(platforms("azure", "activitylogs"), ElementsAre("IaaS"));
  EXPECT_THAT(platforms("azure", "signinlogs"),
              ElementsAre("Identity Provider"));
  EXPECT_THAT(platforms("gcp", "gcp.audit"), ElementsAre("IaaS"));
  EXPECT_THAT(platforms("gcp", "google_workspace.admin"),
              ElementsAre("Identity Provider", "Office Suite"));
  EXPECT_THAT(platforms("m365", "audit"), ElementsAre("Office Suite"));
  EXPECT_THAT(platforms("okta", "okta"), ElementsAre("Identity Provider"));
  EXPECT_THAT(platforms("github", "audit"), ElementsAre("SaaS"));
  EXPECT_THAT(platforms("kubernetes", "audit"), ElementsAre("Containers"));
  EXPECT_THAT(platforms("cisco", "aaa"), ElementsAre("Network Devices"));
  EXPECT_THAT(platforms("cisco", "duo"), ElementsAre("Identity Provider"));
  EXPECT_THAT(platforms("zeek", "http"), IsEmpty());  // neutral
  EXPECT_THAT(platforms("", ""), ElementsAre("<none>"));
  EXPECT_THAT(platforms("acme", ""), ElementsAre("<none>"));
}

std::string ReadRunfile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(TelemetryMappingMarkdownTest, DocumentMatchesTables) {
  const std::string doc = ReadRunfile("deploy/profiles/telemetry-mapping.md");
  ASSERT_FALSE(doc.empty());
  absl::StatusOr<std::string> spliced = SpliceTelemetryMappingMarkdown(doc);
  ASSERT_TRUE(spliced.ok()) << spliced.status();
  EXPECT_TRUE(*spliced == doc)
      << "deploy/profiles/telemetry-mapping.md is out of date; run\n"
         "  bazel run //ingest/profile:telemetry_map_doc -- "
         "deploy/profiles/telemetry-mapping.md";
}

TEST(TelemetryMappingMarkdownTest, ListsEveryRowOnce) {
  const std::string md = TelemetryMappingMarkdown();
  std::vector<std::string> lines = absl::StrSplit(md, '\n');
  // Sigma rows are numbered "| n | product | ...".
  int sigma_rows = 0;
  bool in_sigma = false;
  for (const std::string& line : lines) {
    if (absl::StartsWith(line, "### ")) {
      in_sigma = absl::StrContains(line, "logsource to data components");
    }
    if (in_sigma && absl::StartsWith(line, "| ") &&
        absl::ascii_isdigit(line[2])) {
      ++sigma_rows;
      EXPECT_TRUE(absl::StartsWith(line, absl::StrCat("| ", sigma_rows, " |")))
          << line;
    }
  }
  EXPECT_EQ(sigma_rows, static_cast<int>(SigmaLogsourceTable().size()));
  EXPECT_THAT(md, HasSubstr("| 1 | `windows` | * | `security` | Active "
                            "Directory Credential Request, "));
  EXPECT_THAT(md, HasSubstr("| Suricata | Network Connection Creation, "
                            "Network Traffic Content, Network Traffic Flow |"));
  EXPECT_THAT(md, HasSubstr("| DC0085 | Network Traffic Content |"));
  EXPECT_THAT(md, HasSubstr("| `zeek` | * | (neutral) |"));
}

TEST(SpliceTelemetryMappingMarkdownTest, RequiresOnePairOfMarkers) {
  EXPECT_EQ(SpliceTelemetryMappingMarkdown("no markers").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SpliceTelemetryMappingMarkdown(
                absl::StrCat(kMarkdownEnd, "\n", kMarkdownBegin, "\n"))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SpliceTelemetryMappingMarkdown(absl::StrCat(kMarkdownBegin, "\n",
                                                        kMarkdownBegin, "\n",
                                                        kMarkdownEnd, "\n"))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  absl::StatusOr<std::string> ok = SpliceTelemetryMappingMarkdown(absl::StrCat(
      "# Title\n", kMarkdownBegin, "\nstale\n", kMarkdownEnd, "\ntail\n"));
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(*ok, absl::StrCat("# Title\n", kMarkdownBegin, "\n\n",
                              TelemetryMappingMarkdown(), "\n", kMarkdownEnd,
                              "\ntail\n"));
}

}  // namespace
}  // namespace cov::ingest::profile
