#include "ingest/profile/telemetry_map_vendor.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace cov::ingest::profile {
namespace {

using cov::v1::RULE_FORMAT_ELASTIC;
using cov::v1::RULE_FORMAT_SENTINEL;
using cov::v1::RULE_FORMAT_SPLUNK;

const std::vector<VendorDataSourceMapping>& Table() {
  static const auto* kTable = new std::vector<VendorDataSourceMapping>{
      // Elastic EQL event categories.
      {RULE_FORMAT_ELASTIC,
       "eql:process",
       {"Command Execution", "Process Creation"},
       "EQL process events"},
      {RULE_FORMAT_ELASTIC,
       "eql:file",
       {"File Creation", "File Deletion", "File Modification"},
       "EQL file events"},
      {RULE_FORMAT_ELASTIC,
       "eql:registry",
       {"Windows Registry Key Creation", "Windows Registry Key Modification"},
       "EQL registry events"},
      {RULE_FORMAT_ELASTIC,
       "eql:network",
       {"Network Connection Creation", "Network Traffic Flow"},
       "EQL network events"},
      {RULE_FORMAT_ELASTIC,
       "eql:dns",
       {"Network Traffic Content"},
       "EQL DNS events"},
      {RULE_FORMAT_ELASTIC,
       "eql:library",
       {"Module Load"},
       "EQL library (DLL/so) loads"},
      {RULE_FORMAT_ELASTIC, "eql:driver", {"Driver Load"}, "EQL driver loads"},
      {RULE_FORMAT_ELASTIC,
       "eql:authentication",
       {"Logon Session Creation", "User Account Authentication"},
       "EQL authentication events"},
      {RULE_FORMAT_ELASTIC,
       "eql:iam",
       {"Group Modification", "User Account Creation",
        "User Account Modification"},
       "EQL IAM events"},
      // Elastic index patterns.
      {RULE_FORMAT_ELASTIC,
       "logs-endpoint.events.file*",
       {"File Creation", "File Deletion", "File Modification"},
       "Elastic Defend file events"},
      {RULE_FORMAT_ELASTIC,
       "logs-endpoint.events.registry*",
       {"Windows Registry Key Creation", "Windows Registry Key Modification"},
       "Elastic Defend registry events"},
      {RULE_FORMAT_ELASTIC,
       "logs-endpoint.events.network*",
       {"Network Connection Creation", "Network Traffic Flow"},
       "Elastic Defend network events"},
      {RULE_FORMAT_ELASTIC,
       "logs-endpoint.events.library*",
       {"Module Load"},
       "Elastic Defend library loads"},
      {RULE_FORMAT_ELASTIC,
       "logs-endpoint.events.api*",
       {"OS API Execution"},
       "Elastic Defend API events"},
      {RULE_FORMAT_ELASTIC,
       "logs-windows.powershell*",
       {"Script Execution"},
       "PowerShell script block logging"},
      {RULE_FORMAT_ELASTIC,
       "logs-system.auth*",
       {"Logon Session Creation", "User Account Authentication"},
       "Linux auth logs"},
      {RULE_FORMAT_ELASTIC,
       "logs-aws.cloudtrail*",
       {"Cloud Service Modification", "User Account Authentication"},
       "AWS CloudTrail"},
      {RULE_FORMAT_ELASTIC,
       "logs-azure.signinlogs*",
       {"Logon Session Creation", "User Account Authentication"},
       "Entra ID sign-ins"},
      {RULE_FORMAT_ELASTIC,
       "logs-azure.*",
       {"Cloud Service Modification"},
       "Azure activity/audit logs"},
      {RULE_FORMAT_ELASTIC,
       "logs-o365*",
       {"Application Log Content", "User Account Authentication"},
       "Microsoft 365 audit"},
      {RULE_FORMAT_ELASTIC,
       "logs-okta*",
       {"Logon Session Creation", "User Account Authentication"},
       "Okta system log"},
      {RULE_FORMAT_ELASTIC,
       "logs-gcp*",
       {"Cloud Service Modification"},
       "Google Cloud audit"},
      {RULE_FORMAT_ELASTIC,
       "logs-google_workspace*",
       {"Application Log Content"},
       "Google Workspace audit"},
      {RULE_FORMAT_ELASTIC,
       "logs-github*",
       {"Application Log Content"},
       "GitHub audit"},
      {RULE_FORMAT_ELASTIC,
       "logs-kubernetes.audit*",
       {"Container Creation", "Pod Creation"},
       "Kubernetes audit"},
      {RULE_FORMAT_ELASTIC,
       "packetbeat-*",
       {"Network Traffic Content", "Network Traffic Flow"},
       "packet capture"},
      {RULE_FORMAT_ELASTIC,
       "logs-network_traffic*",
       {"Network Traffic Content", "Network Traffic Flow"},
       "packet capture"},
      {RULE_FORMAT_ELASTIC,
       "logs-panw*",
       {"Network Traffic Flow"},
       "firewall logs"},
      {RULE_FORMAT_ELASTIC,
       "logs-fortinet*",
       {"Network Traffic Flow"},
       "firewall logs"},
      {RULE_FORMAT_ELASTIC,
       "logs-endpoint.events.process*",
       {"Command Execution", "Process Creation"},
       "Elastic Defend process events"},
      {RULE_FORMAT_ELASTIC,
       "logs-endpoint.events.*",
       {"Command Execution", "Process Creation"},
       "Elastic Defend events (process first)"},
      {RULE_FORMAT_ELASTIC,
       "endgame-*",
       {"Command Execution", "Process Creation"},
       "Endgame endpoint events"},
      {RULE_FORMAT_ELASTIC,
       "winlogbeat-*",
       {"Command Execution", "Process Creation"},
       "Windows event logs"},
      {RULE_FORMAT_ELASTIC,
       "logs-windows.*",
       {"Command Execution", "Process Creation"},
       "Windows event logs (Sysmon)"},
      {RULE_FORMAT_ELASTIC,
       "logs-system.security*",
       {"Logon Session Creation", "Process Creation"},
       "Windows Security log"},
      {RULE_FORMAT_ELASTIC,
       "logs-crowdstrike*",
       {"Command Execution", "Process Creation"},
       "CrowdStrike FDR"},
      {RULE_FORMAT_ELASTIC,
       "logs-sentinel_one*",
       {"Command Execution", "Process Creation"},
       "SentinelOne Cloud Funnel"},
      {RULE_FORMAT_ELASTIC,
       "logs-m365_defender*",
       {"Command Execution", "Process Creation"},
       "Defender XDR device events"},
      {RULE_FORMAT_ELASTIC,
       "auditbeat-*",
       {"Command Execution", "Process Creation"},
       "Linux auditd"},
      {RULE_FORMAT_ELASTIC,
       "logs-auditd*",
       {"Command Execution", "Process Creation"},
       "Linux auditd"},
      {RULE_FORMAT_ELASTIC,
       "logs-cloud_defend*",
       {"Command Execution", "Process Creation"},
       "Defend for Containers"},
      // Splunk data_source names.
      {RULE_FORMAT_SPLUNK,
       "sysmon*id 1",
       {"Command Execution", "Process Creation"},
       "Sysmon 1 process creation"},
      {RULE_FORMAT_SPLUNK,
       "sysmon 1",
       {"Command Execution", "Process Creation"},
       "Sysmon 1 process creation"},
      {RULE_FORMAT_SPLUNK,
       "sysmon*code 1",
       {"Command Execution", "Process Creation"},
       "Sysmon 1 process creation"},
      {RULE_FORMAT_SPLUNK,
       "sysmon*id 3",
       {"Network Connection Creation"},
       "Sysmon 3 network connection"},
      {RULE_FORMAT_SPLUNK,
       "sysmon*id 5",
       {"Process Termination"},
       "Sysmon 5 process terminated"},
      {RULE_FORMAT_SPLUNK,
       "sysmon*id 6",
       {"Driver Load"},
       "Sysmon 6 driver loaded"},
      {RULE_FORMAT_SPLUNK,
       "sysmon*id 7",
       {"Module Load"},
       "Sysmon 7 image loaded"},
      {RULE_FORMAT_SPLUNK,
       "sysmon*id 8",
       {"Process Modification"},
       "Sysmon 8 CreateRemoteThread"},
      {RULE_FORMAT_SPLUNK,
       "sysmon*id 9",
       {"Drive Access"},
       "Sysmon 9 raw access read"},
      {RULE_FORMAT_SPLUNK,
       "sysmon*id 10",
       {"Process Access"},
       "Sysmon 10 process access"},
      {RULE_FORMAT_SPLUNK,
       "sysmon*id 11",
       {"File Creation"},
       "Sysmon 11 file create"},
      {RULE_FORMAT_SPLUNK,
       "sysmon*id 12",
       {"Windows Registry Key Creation", "Windows Registry Key Deletion"},
       "Sysmon 12 registry create/delete"},
      {RULE_FORMAT_SPLUNK,
       "sysmon*id 13",
       {"Windows Registry Key Modification"},
       "Sysmon 13 registry value set"},
      {RULE_FORMAT_SPLUNK,
       "sysmon*id 14",
       {"Windows Registry Key Modification"},
       "Sysmon 14 registry rename"},
      {RULE_FORMAT_SPLUNK,
       "sysmon*id 15",
       {"File Creation"},
       "Sysmon 15 stream hash"},
      {RULE_FORMAT_SPLUNK,
       "sysmon*id 2?",
       {"WMI Creation"},
       "Sysmon 19-21 WMI events (20, 21)"},
      {RULE_FORMAT_SPLUNK,
       "sysmon*id 22",
       {"Network Traffic Content"},
       "Sysmon 22 DNS query"},
      {RULE_FORMAT_SPLUNK,
       "sysmon*id 23",
       {"File Deletion"},
       "Sysmon 23 file delete"},
      {RULE_FORMAT_SPLUNK,
       "sysmon*id 26",
       {"File Deletion"},
       "Sysmon 26 file delete logged"},
      {RULE_FORMAT_SPLUNK,
       "powershell 4104",
       {"Script Execution"},
       "PowerShell script block"},
      {RULE_FORMAT_SPLUNK,
       "*security*4688",
       {"Command Execution", "Process Creation"},
       "process creation"},
      {RULE_FORMAT_SPLUNK,
       "*security*4624",
       {"Logon Session Creation"},
       "logon"},
      {RULE_FORMAT_SPLUNK,
       "*security*4625",
       {"User Account Authentication"},
       "failed logon"},
      {RULE_FORMAT_SPLUNK,
       "*security*4648",
       {"Logon Session Creation"},
       "explicit-credential logon"},
      {RULE_FORMAT_SPLUNK,
       "*security*4662",
       {"Active Directory Object Access"},
       "directory object access"},
      {RULE_FORMAT_SPLUNK, "*security*4663", {"File Access"}, "object access"},
      {RULE_FORMAT_SPLUNK,
       "*security*4698",
       {"Scheduled Job Creation"},
       "scheduled task created"},
      {RULE_FORMAT_SPLUNK,
       "*security*472?",
       {"User Account Creation", "User Account Modification"},
       "account management"},
      {RULE_FORMAT_SPLUNK,
       "*security*473?",
       {"Group Modification", "User Account Modification"},
       "account/group management"},
      {RULE_FORMAT_SPLUNK,
       "*security*474?",
       {"Active Directory Object Modification"},
       "computer account management"},
      {RULE_FORMAT_SPLUNK,
       "*security*476?",
       {"Active Directory Credential Request"},
       "Kerberos TGT requests"},
      {RULE_FORMAT_SPLUNK,
       "*security*477?",
       {"Active Directory Credential Request", "User Account Authentication"},
       "Kerberos/NTLM authentication"},
      {RULE_FORMAT_SPLUNK,
       "*security*5136",
       {"Active Directory Object Modification"},
       "directory object modified"},
      {RULE_FORMAT_SPLUNK,
       "*security*5137",
       {"Active Directory Object Creation"},
       "directory object created"},
      {RULE_FORMAT_SPLUNK,
       "*security*514?",
       {"Network Share Access"},
       "file share access"},
      {RULE_FORMAT_SPLUNK,
       "*security*488?",
       {"Certificate Registration"},
       "certificate services"},
      {RULE_FORMAT_SPLUNK,
       "*system*7045",
       {"Service Creation"},
       "service installed"},
      {RULE_FORMAT_SPLUNK,
       "*system*7040",
       {"Service Modification"},
       "service start type changed"},
      {RULE_FORMAT_SPLUNK,
       "*access*",
       {"Application Log Content"},
       "web/application access logs"},
      {RULE_FORMAT_SPLUNK,
       "*",
       {"Application Log Content"},
       "other application logs"},
      // Sentinel tables and connectors.
      {RULE_FORMAT_SENTINEL,
       "table:SecurityEvent",
       {"Logon Session Creation", "Process Creation"},
       "Windows Security events"},
      {RULE_FORMAT_SENTINEL,
       "table:DeviceProcessEvents",
       {"Command Execution", "Process Creation"},
       "Defender for Endpoint process events"},
      {RULE_FORMAT_SENTINEL,
       "table:DeviceFileEvents",
       {"File Creation", "File Modification"},
       "Defender for Endpoint file events"},
      {RULE_FORMAT_SENTINEL,
       "table:DeviceRegistryEvents",
       {"Windows Registry Key Modification"},
       "Defender for Endpoint registry events"},
      {RULE_FORMAT_SENTINEL,
       "table:DeviceNetworkEvents",
       {"Network Connection Creation"},
       "Defender for Endpoint network events"},
      {RULE_FORMAT_SENTINEL,
       "table:DeviceImageLoadEvents",
       {"Module Load"},
       "Defender for Endpoint image loads"},
      {RULE_FORMAT_SENTINEL,
       "table:DeviceEvents",
       {"OS API Execution", "Process Access"},
       "Defender for Endpoint misc events"},
      {RULE_FORMAT_SENTINEL,
       "table:SigninLogs",
       {"Logon Session Creation", "User Account Authentication"},
       "Entra ID sign-ins"},
      {RULE_FORMAT_SENTINEL,
       "table:AADNonInteractiveUserSignInLogs",
       {"User Account Authentication"},
       "Entra ID sign-ins"},
      {RULE_FORMAT_SENTINEL,
       "table:AuditLogs",
       {"User Account Modification"},
       "Entra ID audit"},
      {RULE_FORMAT_SENTINEL,
       "table:AzureActivity",
       {"Cloud Service Modification"},
       "Azure activity"},
      {RULE_FORMAT_SENTINEL,
       "table:AWSCloudTrail",
       {"Cloud Service Modification", "User Account Authentication"},
       "AWS CloudTrail"},
      {RULE_FORMAT_SENTINEL,
       "table:OfficeActivity",
       {"Application Log Content"},
       "Microsoft 365 audit"},
      {RULE_FORMAT_SENTINEL,
       "table:DnsEvents",
       {"Network Traffic Content"},
       "DNS server logs"},
      {RULE_FORMAT_SENTINEL,
       "table:CommonSecurityLog",
       {"Network Traffic Flow"},
       "CEF appliances (firewalls, proxies)"},
      {RULE_FORMAT_SENTINEL,
       "table:VMConnection",
       {"Network Connection Creation", "Network Traffic Flow"},
       "VM connections"},
      {RULE_FORMAT_SENTINEL,
       "table:W3CIISLog",
       {"Application Log Content"},
       "IIS logs"},
      {RULE_FORMAT_SENTINEL,
       "table:Syslog",
       {"Application Log Content"},
       "syslog"},
      {RULE_FORMAT_SENTINEL,
       "table:*",
       {"Application Log Content"},
       "other tables"},
  };
  return *kTable;
}

// Elastic EQL: the query's first word (`process where ...`).
std::string EqlCategory(const cov::v1::Rule& rule) {
  if (rule.format() != RULE_FORMAT_ELASTIC || rule.language() != "eql") {
    return "";
  }
  absl::string_view q = absl::StripLeadingAsciiWhitespace(rule.query());
  size_t end = 0;
  while (end < q.size() &&
         absl::ascii_isalpha(static_cast<unsigned char>(q[end]))) {
    ++end;
  }
  return absl::AsciiStrToLower(q.substr(0, end));
}

const VendorDataSourceMapping* Find(cov::v1::RuleFormat format,
                                    absl::string_view source) {
  for (const VendorDataSourceMapping& m : Table()) {
    if (m.format == format && GlobMatches(m.pattern, source)) return &m;
  }
  return nullptr;
}

}  // namespace

absl::Span<const VendorDataSourceMapping> VendorDataSourceTable() {
  return Table();
}

bool IsVendorFormat(cov::v1::RuleFormat format) {
  return format == RULE_FORMAT_ELASTIC || format == RULE_FORMAT_SPLUNK ||
         format == RULE_FORMAT_SENTINEL || format == cov::v1::RULE_FORMAT_LAYER;
}

bool GlobMatches(absl::string_view pattern, absl::string_view text) {
  // Iterative glob with backtracking to the last '*'; '?' matches one byte.
  size_t p = 0, t = 0, star = absl::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() &&
        (pattern[p] == '?' ||
         absl::ascii_tolower(static_cast<unsigned char>(pattern[p])) ==
             absl::ascii_tolower(static_cast<unsigned char>(text[t])))) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != absl::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::vector<std::string> VendorComponents(const cov::v1::Rule& rule) {
  std::set<std::string> out;
  auto add = [&](const VendorDataSourceMapping* m) {
    if (m != nullptr) out.insert(m->components.begin(), m->components.end());
  };
  if (const std::string cat = EqlCategory(rule); !cat.empty()) {
    add(Find(rule.format(), absl::StrCat("eql:", cat)));
  }
  if (out.empty()) {
    for (const std::string& s : rule.data_sources()) {
      if (rule.format() == RULE_FORMAT_SENTINEL &&
          !absl::StartsWith(s, "table:")) {
        continue;  // connectors name products; their tables say what
      }
      add(Find(rule.format(), s));
    }
  }
  return {out.begin(), out.end()};
}

std::string VendorMappingMarkdown() {
  std::string out =
      "| format | data source (glob) | data components | why |\n"
      "|---|---|---|---|\n";
  for (const VendorDataSourceMapping& m : Table()) {
    const char* f = m.format == RULE_FORMAT_ELASTIC  ? "elastic"
                    : m.format == RULE_FORMAT_SPLUNK ? "splunk"
                                                     : "sentinel";
    absl::StrAppend(&out, "| ", f, " | `", m.pattern, "` | ",
                    absl::StrJoin(m.components, ", "), " | ", m.why, " |\n");
  }
  return out;
}

}  // namespace cov::ingest::profile
