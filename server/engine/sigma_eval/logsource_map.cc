#include "server/engine/sigma_eval/logsource_map.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace cov::server::engine::sigma_eval {
namespace {

constexpr absl::string_view kSysmon = "Microsoft-Windows-Sysmon/Operational";
constexpr absl::string_view kPsOperational =
    "Microsoft-Windows-PowerShell/Operational";
constexpr absl::string_view kPsCore = "PowerShellCore/Operational";
constexpr absl::string_view kPsClassic = "Windows PowerShell";

LogsourceRow Sysmon(absl::string_view category, std::vector<int> ids) {
  return {"windows", category, "", {kSysmon}, std::move(ids), {}};
}

LogsourceRow Service(absl::string_view service,
                     std::vector<absl::string_view> channels) {
  return {"windows", "", service, std::move(channels), {}, {}};
}

std::vector<LogsourceRow> BuildTable() {
  std::vector<LogsourceRow> t;
  // Categories (Sysmon unless stated; event IDs as pySigma's sysmon and
  // windows pipelines map them).
  t.push_back(Sysmon("process_creation", {1}));
  t.push_back({"windows",
               "process_creation",
               "",
               {"Security"},
               {4688},
               {{"Image", "NewProcessName"},
                {"CommandLine", "ProcessCommandLine"},
                {"ParentImage", "ParentProcessName"}}});
  t.push_back(Sysmon("file_change", {2}));
  t.push_back(Sysmon("network_connection", {3}));
  t.push_back(Sysmon("sysmon_status", {4, 16}));
  t.push_back(Sysmon("process_termination", {5}));
  t.push_back(Sysmon("driver_load", {6}));
  t.push_back(Sysmon("image_load", {7}));
  t.push_back(Sysmon("create_remote_thread", {8}));
  t.push_back(Sysmon("raw_access_thread", {9}));
  t.push_back(Sysmon("process_access", {10}));
  t.push_back(Sysmon("file_event", {11}));
  t.push_back(Sysmon("registry_add", {12}));
  t.push_back(Sysmon("registry_delete", {12}));
  t.push_back(Sysmon("registry_set", {13}));
  t.push_back(Sysmon("registry_rename", {14}));
  t.push_back(Sysmon("registry_event", {12, 13, 14}));
  t.push_back(Sysmon("create_stream_hash", {15}));
  t.push_back(Sysmon("pipe_created", {17, 18}));
  t.push_back(Sysmon("wmi_event", {19, 20, 21}));
  t.push_back(Sysmon("dns_query", {22}));
  t.push_back(Sysmon("file_delete", {23, 26}));
  t.push_back(Sysmon("clipboard_capture", {24}));
  t.push_back(Sysmon("process_tampering", {25}));
  t.push_back(Sysmon("file_delete_detected", {26}));
  t.push_back(Sysmon("file_block_executable", {27}));
  t.push_back(Sysmon("file_block_shredding", {28}));
  t.push_back(Sysmon("file_executable_detected", {29}));
  t.push_back(Sysmon("sysmon_error", {255}));
  t.push_back({"windows",
               "file_access",
               "",
               {"Microsoft-Windows-Kernel-File/Analytic"},
               {},
               {}});
  t.push_back(
      {"windows", "ps_module", "", {kPsOperational, kPsCore}, {4103}, {}});
  t.push_back(
      {"windows", "ps_script", "", {kPsOperational, kPsCore}, {4104}, {}});
  t.push_back({"windows", "ps_classic_start", "", {kPsClassic}, {400}, {}});
  t.push_back(
      {"windows", "ps_classic_provider_start", "", {kPsClassic}, {600}, {}});
  t.push_back({"windows", "ps_classic_script", "", {kPsClassic}, {800}, {}});
  // Services: every event of the channels.
  t.push_back(Service("security", {"Security"}));
  t.push_back(Service("system", {"System"}));
  t.push_back(Service("application", {"Application"}));
  t.push_back(Service("sysmon", {kSysmon}));
  t.push_back(Service("powershell", {kPsOperational, kPsCore}));
  t.push_back(Service("powershell-classic", {kPsClassic}));
  t.push_back(Service("taskscheduler",
                      {"Microsoft-Windows-TaskScheduler/Operational"}));
  t.push_back(Service("wmi", {"Microsoft-Windows-WMI-Activity/Operational"}));
  t.push_back(
      Service("windefend", {"Microsoft-Windows-Windows Defender/Operational"}));
  t.push_back(Service("dns-server", {"DNS Server"}));
  t.push_back(Service("dns-server-analytic",
                      {"Microsoft-Windows-DNS-Server/Analytical"}));
  t.push_back(Service("dns-client",
                      {"Microsoft-Windows-DNS Client Events/Operational"}));
  t.push_back(Service("driver-framework",
                      {"Microsoft-Windows-DriverFrameworks-UserMode/"
                       "Operational"}));
  t.push_back(Service("ntlm", {"Microsoft-Windows-NTLM/Operational"}));
  t.push_back(Service("dhcp", {"Microsoft-Windows-DHCP-Server/Operational"}));
  t.push_back(Service("applocker",
                      {"Microsoft-Windows-AppLocker/MSI and Script",
                       "Microsoft-Windows-AppLocker/EXE and DLL",
                       "Microsoft-Windows-AppLocker/Packaged app-Deployment",
                       "Microsoft-Windows-AppLocker/Packaged app-Execution"}));
  t.push_back(
      Service("bits-client", {"Microsoft-Windows-Bits-Client/Operational"}));
  t.push_back(Service("codeintegrity-operational",
                      {"Microsoft-Windows-CodeIntegrity/Operational"}));
  t.push_back(Service("firewall-as",
                      {"Microsoft-Windows-Windows Firewall With Advanced "
                       "Security/Firewall"}));
  t.push_back(Service("msexchange-management", {"MSExchange Management"}));
  t.push_back(Service("appxdeployment-server",
                      {"Microsoft-Windows-AppXDeploymentServer/Operational"}));
  t.push_back(Service("appxpackaging-om",
                      {"Microsoft-Windows-AppxPackaging/Operational"}));
  t.push_back(Service("appmodel-runtime",
                      {"Microsoft-Windows-AppModel-Runtime/Admin"}));
  t.push_back(Service("iis-configuration",
                      {"Microsoft-IIS-Configuration/Operational"}));
  t.push_back(Service("security-mitigations",
                      {"Microsoft-Windows-Security-Mitigations/Kernel Mode",
                       "Microsoft-Windows-Security-Mitigations/User Mode"}));
  t.push_back(
      Service("printservice-admin", {"Microsoft-Windows-PrintService/Admin"}));
  t.push_back(Service("printservice-operational",
                      {"Microsoft-Windows-PrintService/Operational"}));
  t.push_back(
      Service("smbclient-security", {"Microsoft-Windows-SmbClient/Security"}));
  t.push_back(Service("smbclient-connectivity",
                      {"Microsoft-Windows-SmbClient/Connectivity"}));
  t.push_back(Service("smbserver-connectivity",
                      {"Microsoft-Windows-SMBServer/Connectivity"}));
  t.push_back(Service(
      "terminalservices-localsessionmanager",
      {"Microsoft-Windows-TerminalServices-LocalSessionManager/Operational"}));
  t.push_back(
      Service("shell-core", {"Microsoft-Windows-Shell-Core/Operational"}));
  t.push_back(Service("openssh", {"OpenSSH/Operational"}));
  t.push_back(Service("capi2", {"Microsoft-Windows-CAPI2/Operational"}));
  t.push_back(Service("ldap", {"Microsoft-Windows-LDAP-Client/Debug"}));
  t.push_back(Service("lsa-server", {"Microsoft-Windows-LSA/Operational"}));
  t.push_back(Service("diagnosis-scripted",
                      {"Microsoft-Windows-Diagnosis-Scripted/Operational"}));
  t.push_back(
      Service("certificateservicesclient-lifecycle-system",
              {"Microsoft-Windows-CertificateServicesClient-Lifecycle-System/"
               "Operational"}));
  t.push_back(
      Service("microsoft-servicebus-client", {"Microsoft-ServiceBus-Client"}));
  t.push_back(Service("vhdmp", {"Microsoft-Windows-VHDMP/Operational"}));
  t.push_back(Service("bitlocker", {"Microsoft-Windows-BitLocker/BitLocker "
                                    "Management"}));
  t.push_back(Service("kernel-shimengine",
                      {"Microsoft-Windows-Kernel-ShimEngine/Operational",
                       "Microsoft-Windows-Kernel-ShimEngine/Diagnostic"}));
  t.push_back(Service("hyper-v-worker", {"Microsoft-Windows-Hyper-V-Worker"}));
  return t;
}

bool InList(absl::string_view channel,
            const std::vector<absl::string_view>& l) {
  for (absl::string_view c : l) {
    if (absl::EqualsIgnoreCase(c, channel)) return true;
  }
  return false;
}

}  // namespace

const std::vector<LogsourceRow>& LogsourceTable() {
  static const std::vector<LogsourceRow>* const table =
      new std::vector<LogsourceRow>(BuildTable());
  return *table;
}

namespace {
std::vector<absl::string_view> Distinct(bool categories) {
  std::vector<absl::string_view> out;
  for (const LogsourceRow& r : LogsourceTable()) {
    absl::string_view v = categories ? r.category : r.service;
    if (!v.empty()) out.push_back(v);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}
}  // namespace

std::vector<absl::string_view> LogsourceCategories() { return Distinct(true); }
std::vector<absl::string_view> LogsourceServices() { return Distinct(false); }

bool LogsourceSelection::Contains(absl::string_view channel,
                                  int64_t event_id) const {
  return any_windows_event || RenamesFor(channel, event_id) != nullptr;
}

const std::vector<FieldRename>* LogsourceSelection::RenamesFor(
    absl::string_view channel, int64_t event_id) const {
  for (const Part& p : parts) {
    if (!absl::EqualsIgnoreCase(p.channel, channel)) continue;
    if (p.event_ids.empty() || std::find(p.event_ids.begin(), p.event_ids.end(),
                                         event_id) != p.event_ids.end()) {
      return &p.row->renames;
    }
  }
  return nullptr;
}

absl::StatusOr<LogsourceSelection> ResolveLogsource(absl::string_view product,
                                                    absl::string_view category,
                                                    absl::string_view service) {
  auto describe = [&] {
    std::string s = "logsource";
    if (!product.empty()) absl::StrAppend(&s, " product '", product, "'");
    if (!category.empty()) absl::StrAppend(&s, " category '", category, "'");
    if (!service.empty()) absl::StrAppend(&s, " service '", service, "'");
    if (product.empty() && category.empty() && service.empty()) {
      absl::StrAppend(&s, " (empty)");
    }
    return s;
  };
  if (!product.empty() && !absl::EqualsIgnoreCase(product, "windows")) {
    return absl::NotFoundError(
        absl::StrCat(describe(),
                     " is not in the logsource table (it maps Windows event "
                     "logs only)"));
  }
  LogsourceSelection sel;
  if (category.empty() && service.empty()) {
    if (product.empty()) {
      return absl::NotFoundError(absl::StrCat(describe(), " names nothing"));
    }
    sel.any_windows_event = true;
    return sel;
  }
  const LogsourceRow* service_row = nullptr;
  if (!service.empty()) {
    for (const LogsourceRow& r : LogsourceTable()) {
      if (r.category.empty() && absl::EqualsIgnoreCase(r.service, service)) {
        service_row = &r;
      }
    }
    if (service_row == nullptr) {
      return absl::NotFoundError(absl::StrCat(
          describe(), " is not in the logsource table (unknown service)"));
    }
  }
  if (category.empty()) {
    for (absl::string_view ch : service_row->channels) {
      sel.parts.push_back({ch, {}, service_row});
    }
    return sel;
  }
  for (const LogsourceRow& r : LogsourceTable()) {
    if (!absl::EqualsIgnoreCase(r.category, category)) continue;
    for (absl::string_view ch : r.channels) {
      if (service_row != nullptr && !InList(ch, service_row->channels)) {
        continue;
      }
      sel.parts.push_back({ch, r.event_ids, &r});
    }
  }
  if (sel.parts.empty()) {
    return absl::NotFoundError(absl::StrCat(
        describe(), service_row == nullptr
                        ? " is not in the logsource table (unknown category)"
                        : " is not in the logsource table (the category is "
                          "not logged on the service's channels)"));
  }
  return sel;
}

bool EventChannelAndId(const ingest::events::Event& event,
                       absl::string_view* channel, int64_t* event_id) {
  const ingest::events::EventField* c = event.Find("Channel");
  const ingest::events::EventField* id = event.Find("EventID");
  if (c == nullptr || id == nullptr) return false;
  *channel = c->value;
  return absl::SimpleAtoi(id->value, event_id);
}

bool EventInLogsource(const ingest::events::Event& event,
                      absl::string_view product, absl::string_view category,
                      absl::string_view service) {
  absl::StatusOr<LogsourceSelection> sel =
      ResolveLogsource(product, category, service);
  if (!sel.ok()) return false;
  absl::string_view channel;
  int64_t id = 0;
  if (!EventChannelAndId(event, &channel, &id)) {
    return sel->any_windows_event && event.Find("Channel") != nullptr;
  }
  return sel->Contains(channel, id);
}

}  // namespace cov::server::engine::sigma_eval
