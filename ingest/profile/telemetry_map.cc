#include "ingest/profile/telemetry_map.h"
#include "ingest/profile/telemetry_map_vendor.h"

#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"

namespace cov::ingest::profile {
namespace {

using Components = std::vector<std::string>;

// Sorted, deduplicated copy; tables are written for reading, not order.
Components Merge(std::initializer_list<Components> parts) {
  Components out;
  for (const Components& p : parts) out.insert(out.end(), p.begin(), p.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Components Sorted(Components c) { return Merge({std::move(c)}); }

// Exported by ATT&CK 18.1 (enterprise-attack-18.1.json): every
// x-mitre-data-component without x_mitre_deprecated or revoked, by name.
constexpr DataComponent kCatalog[] = {
    {"DC0103", "Active DNS"},
    {"DC0084", "Active Directory Credential Request"},
    {"DC0071", "Active Directory Object Access"},
    {"DC0087", "Active Directory Object Creation"},
    {"DC0068", "Active Directory Object Deletion"},
    {"DC0066", "Active Directory Object Modification"},
    {"DC0038", "Application Log Content"},
    {"DC0093", "Certificate Registration"},
    {"DC0090", "Cloud Service Disable"},
    {"DC0083", "Cloud Service Enumeration"},
    {"DC0070", "Cloud Service Metadata"},
    {"DC0069", "Cloud Service Modification"},
    {"DC0025", "Cloud Storage Access"},
    {"DC0024", "Cloud Storage Creation"},
    {"DC0022", "Cloud Storage Deletion"},
    {"DC0017", "Cloud Storage Enumeration"},
    {"DC0027", "Cloud Storage Metadata"},
    {"DC0023", "Cloud Storage Modification"},
    {"DC0064", "Command Execution"},
    {"DC0072", "Container Creation"},
    {"DC0091", "Container Enumeration"},
    {"DC0077", "Container Start"},
    {"DC0101", "Domain Registration"},
    {"DC0054", "Drive Access"},
    {"DC0042", "Drive Creation"},
    {"DC0046", "Drive Modification"},
    {"DC0079", "Driver Load"},
    {"DC0074", "Driver Metadata"},
    {"DC0055", "File Access"},
    {"DC0039", "File Creation"},
    {"DC0040", "File Deletion"},
    {"DC0059", "File Metadata"},
    {"DC0061", "File Modification"},
    {"DC0043", "Firewall Disable"},
    {"DC0044", "Firewall Enumeration"},
    {"DC0053", "Firewall Metadata"},
    {"DC0051", "Firewall Rule Modification"},
    {"DC0004", "Firmware Modification"},
    {"DC0099", "Group Enumeration"},
    {"DC0105", "Group Metadata"},
    {"DC0094", "Group Modification"},
    {"DC0018", "Host Status"},
    {"DC0015", "Image Creation"},
    {"DC0026", "Image Deletion"},
    {"DC0028", "Image Metadata"},
    {"DC0036", "Image Modification"},
    {"DC0076", "Instance Creation"},
    {"DC0081", "Instance Deletion"},
    {"DC0075", "Instance Enumeration"},
    {"DC0086", "Instance Metadata"},
    {"DC0073", "Instance Modification"},
    {"DC0080", "Instance Start"},
    {"DC0089", "Instance Stop"},
    {"DC0031", "Kernel Module Load"},
    {"DC0067", "Logon Session Creation"},
    {"DC0088", "Logon Session Metadata"},
    {"DC0011", "Malware Content"},
    {"DC0003", "Malware Metadata"},
    {"DC0016", "Module Load"},
    {"DC0048", "Named Pipe Metadata"},
    {"DC0082", "Network Connection Creation"},
    {"DC0102", "Network Share Access"},
    {"DC0085", "Network Traffic Content"},
    {"DC0078", "Network Traffic Flow"},
    {"DC0021", "OS API Execution"},
    {"DC0096", "Passive DNS"},
    {"DC0019", "Pod Creation"},
    {"DC0037", "Pod Enumeration"},
    {"DC0030", "Pod Modification"},
    {"DC0035", "Process Access"},
    {"DC0032", "Process Creation"},
    {"DC0034", "Process Metadata"},
    {"DC0020", "Process Modification"},
    {"DC0033", "Process Termination"},
    {"DC0104", "Response Content"},
    {"DC0106", "Response Metadata"},
    {"DC0001", "Scheduled Job Creation"},
    {"DC0005", "Scheduled Job Metadata"},
    {"DC0012", "Scheduled Job Modification"},
    {"DC0029", "Script Execution"},
    {"DC0060", "Service Creation"},
    {"DC0041", "Service Metadata"},
    {"DC0065", "Service Modification"},
    {"DC0057", "Snapshot Creation"},
    {"DC0049", "Snapshot Deletion"},
    {"DC0047", "Snapshot Enumeration"},
    {"DC0062", "Snapshot Metadata"},
    {"DC0058", "Snapshot Modification"},
    {"DC0052", "Social Media"},
    {"DC0002", "User Account Authentication"},
    {"DC0014", "User Account Creation"},
    {"DC0009", "User Account Deletion"},
    {"DC0013", "User Account Metadata"},
    {"DC0010", "User Account Modification"},
    {"DC0097", "Volume Creation"},
    {"DC0098", "Volume Deletion"},
    {"DC0095", "Volume Enumeration"},
    {"DC0100", "Volume Metadata"},
    {"DC0092", "Volume Modification"},
    {"DC0008", "WMI Creation"},
    {"DC0006", "Web Credential Creation"},
    {"DC0007", "Web Credential Usage"},
    {"DC0050", "Windows Registry Key Access"},
    {"DC0056", "Windows Registry Key Creation"},
    {"DC0045", "Windows Registry Key Deletion"},
    {"DC0063", "Windows Registry Key Modification"},
};

// Lower case with runs of white space folded to one blank and trimmed.
std::string FoldName(absl::string_view s) {
  return absl::AsciiStrToLower(absl::StrJoin(
      absl::StrSplit(s, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty()), " "));
}

const DataComponent* FindComponent(absl::string_view name_or_id) {
  const std::string folded = FoldName(name_or_id);
  for (const DataComponent& c : kCatalog) {
    if (folded == absl::AsciiStrToLower(c.id) ||
        folded == absl::AsciiStrToLower(c.name)) {
      return &c;
    }
  }
  return nullptr;
}

// --- Reusable component sets -------------------------------------------------

// Resource changes, reads and listings an IaaS control-plane log (CloudTrail,
// Azure Activity, GCP Audit) records as API calls.
const Components& IaasControlPlane() {
  static const Components* c = new Components(Sorted({
      "Cloud Service Disable",  "Cloud Service Enumeration",
      "Cloud Service Metadata", "Cloud Service Modification",
      "Cloud Storage Access",   "Cloud Storage Creation",
      "Cloud Storage Deletion", "Cloud Storage Enumeration",
      "Cloud Storage Metadata", "Cloud Storage Modification",
      "Firewall Disable",       "Firewall Rule Modification",
      "Image Creation",         "Image Deletion",
      "Image Metadata",         "Image Modification",
      "Instance Creation",      "Instance Deletion",
      "Instance Enumeration",   "Instance Metadata",
      "Instance Modification",  "Instance Start",
      "Instance Stop",          "Snapshot Creation",
      "Snapshot Deletion",      "Snapshot Enumeration",
      "Snapshot Metadata",      "Snapshot Modification",
      "Volume Creation",        "Volume Deletion",
      "Volume Enumeration",     "Volume Metadata",
      "Volume Modification",
  }));
  return *c;
}

// Identity and access management events of a cloud control plane (IAM
// users, groups, keys, console sign-in).
const Components& CloudIdentity() {
  static const Components* c = new Components(Sorted({
      "Group Modification",
      "Logon Session Creation",
      "User Account Authentication",
      "User Account Creation",
      "User Account Deletion",
      "User Account Modification",
      "Web Credential Creation",
      "Web Credential Usage",
  }));
  return *c;
}

// What an identity provider's system log records (ATT&CK 18.1 lists these
// for saas:okta).
const Components& IdentityProvider() {
  static const Components* c = new Components(Sorted({
      "Application Log Content",
      "Logon Session Creation",
      "Logon Session Metadata",
      "User Account Authentication",
      "User Account Creation",
      "User Account Metadata",
      "User Account Modification",
  }));
  return *c;
}

const Components& WebServer() {
  static const Components* c = new Components(
      Sorted({"Application Log Content", "Network Traffic Content"}));
  return *c;
}

// --- Tables ------------------------------------------------------------------

std::vector<SigmaLogsourceMapping>* BuildSigmaTable() {
  auto* t = new std::vector<SigmaLogsourceMapping>;
  auto row = [t](const char* product, const char* category, const char* service,
                 Components components, const char* why) {
    t->push_back(
        {{product, category, service}, Sorted(std::move(components)), why});
  };

  // Windows event log channels (service), most specific first.
  row("windows", "*", "security",
      {"Active Directory Credential Request",
       "Active Directory Object Access",
       "Active Directory Object Creation",
       "Active Directory Object Deletion",
       "Active Directory Object Modification",
       "File Access",
       "Firewall Rule Modification",
       "Group Modification",
       "Host Status",
       "Logon Session Creation",
       "Logon Session Metadata",
       "Network Connection Creation",
       "Network Share Access",
       "Process Access",
       "Process Creation",
       "Scheduled Job Creation",
       "Scheduled Job Modification",
       "Service Creation",
       "User Account Authentication",
       "User Account Creation",
       "User Account Deletion",
       "User Account Modification",
       "Windows Registry Key Access",
       "Windows Registry Key Modification"},
      "The Security channel; which event a rule reads is not part of the "
      "logsource, so the row lists what the channel's audit events carry: "
      "4768/4769/4771 Kerberos, 4661/4662 AD object access, 5136/5137/5141 AD "
      "changes, 4663 object access, 4946-4948 firewall rules, 4728/4732/4756 "
      "group membership, 1102/4719 log cleared and audit policy, 4624/4672 "
      "logon, 5156 WFP connection, 5140/5145 shares, 4656 handle requests, "
      "4688 process creation, 4698/4702 tasks, 4697 services, 4625/4776 "
      "authentication, 4720/4726/4738 accounts, 4657 registry values.");
  row("windows", "*", "system",
      {"Application Log Content", "Host Status", "Service Creation",
       "Service Metadata", "Service Modification"},
      "System channel: 7045 service installed, 7040 start type changed, "
      "7036 service state, 104/6005/6006 log and host state, plus other "
      "providers' messages.");
  row("windows", "*", "application", {"Application Log Content"},
      "Application channel: messages of applications and services.");
  row("windows", "*", "windefend", {"Application Log Content", "Host Status"},
      "Microsoft Defender Operational: 1116/1117 detections (application "
      "log) and 5001/5007/5013 protection state and tampering (sensor "
      "health, which ATT&CK's Host Status names explicitly).");
  row("windows", "*", "sysmon",
      {"File Creation", "File Deletion", "Host Status"},
      "Sysmon events that have no Sigma category: 16 configuration change "
      "(sensor health), 27/29 executable blocked or detected (file "
      "creation), 28 shredding blocked (file deletion).");
  row("windows", "*", "codeintegrity-operational",
      {"Driver Load", "File Metadata", "Module Load", "Process Metadata"},
      "Code Integrity: signature checks of drivers and images being loaded; "
      "ATT&CK 18.1 lists this channel under File Metadata and Process "
      "Metadata.");
  row("windows", "*", "firewall-as",
      {"Firewall Disable", "Firewall Rule Modification"},
      "Windows Firewall With Advanced Security: 2004-2006 rule added, "
      "changed, deleted; 2003 profile settings changed (firewall disabled).");
  row("windows", "*", "msexchange-management",
      {"Application Log Content", "Command Execution"},
      "MSExchange Management: Exchange cmdlets run and their parameters.");
  row("windows", "*", "bits-client",
      {"Application Log Content", "Network Connection Creation"},
      "BITS Client: 3/59/60 jobs created and the remote URL they transfer "
      "from.");
  row("windows", "*", "dns-client",
      {"Network Connection Creation", "Network Traffic Content"},
      "DNS Client Events: names queried by the host, as Sysmon 22 "
      "(category dns_query).");
  row("windows", "*", "dns-server",
      {"Application Log Content", "Network Traffic Content"},
      "DNS Server: zone transfers and server errors (e.g. 150/770 "
      "ServerLevelPluginDll).");
  row("windows", "*", "dns-server-analytic", {"Network Traffic Content"},
      "DNS Server Analytic: every query and response the server handles.");
  row("windows", "*", "taskscheduler",
      {"Scheduled Job Creation", "Scheduled Job Metadata",
       "Scheduled Job Modification"},
      "Task Scheduler Operational: 106/140/141 task registered, updated, "
      "deleted; 200/201 task run.");
  row("windows", "*", "ntlm", {"User Account Authentication"},
      "NTLM Operational: 8001-8004 NTLM authentications.");
  row("windows", "*", "powershell-classic", {"Command Execution"},
      "Windows PowerShell classic log (400/600/800): host application "
      "command line and pipeline execution.");
  row("windows", "*", "security-mitigations", {"Module Load"},
      "Security-Mitigations: images blocked from loading (e.g. unsigned "
      "DLLs).");
  row("windows", "*", "smbclient-connectivity",
      {"Network Connection Creation", "Network Share Access"},
      "SMB client connectivity: connections to remote shares.");
  row("windows", "*", "smbclient-security",
      {"Network Connection Creation", "Network Share Access"},
      "SMB client security: share access and authentication to servers.");
  row("windows", "*", "smbserver-connectivity",
      {"Network Connection Creation", "Network Share Access"},
      "SMB server connectivity: inbound connections to shares.");
  row("windows", "*", "printservice-admin",
      {"Application Log Content", "Driver Load"},
      "PrintService Admin: printer drivers installed and loaded "
      "(PrintNightmare).");
  row("windows", "*", "printservice-operational",
      {"Application Log Content", "Driver Load"},
      "PrintService Operational: printer driver and spooler events.");
  row("windows", "*", "appxdeployment-server", {"Application Log Content"},
      "AppX Deployment Server: MSIX/AppX packages installed or blocked.");
  row("windows", "*", "appxpackaging-om", {"Application Log Content"},
      "AppX Packaging: package manifest processing.");
  row("windows", "*", "appmodel-runtime", {"Application Log Content"},
      "AppModel Runtime: packaged application activation.");
  row("windows", "*", "microsoft-servicebus-client",
      {"Application Log Content"}, "Service Bus client: application messages.");
  row("windows", "*", "iis-configuration", {"Application Log Content"},
      "IIS Configuration: modules added or removed, logging settings "
      "changed.");
  row("windows", "*", "terminalservices-localsessionmanager",
      {"Logon Session Creation", "Logon Session Metadata"},
      "RDP Local Session Manager: 21/22/25 session logon and reconnect, with "
      "the source address.");
  row("windows", "*", "shell-core", {"Process Creation"},
      "Shell-Core: 9707/9708 programs started from Run/RunOnce keys and "
      "applications installed.");
  row("windows", "*", "certificateservicesclient-lifecycle-system",
      {"Application Log Content"},
      "Certificate lifecycle: certificates exported or installed; ATT&CK's "
      "Certificate Registration is about public certificate records, not "
      "host stores.");
  row("windows", "*", "capi2", {"Application Log Content"},
      "CAPI2 Operational: certificate private key acquisition.");
  row("windows", "*", "driver-framework", {"Drive Creation"},
      "DriverFrameworks-UserMode: 2003/2100 devices (USB drives) plugged "
      "in.");
  row("windows", "*", "ldap", {"Active Directory Object Access"},
      "LDAP client (ETW): LDAP queries against the directory.");
  row("windows", "*", "diagnosis-scripted", {"Script Execution"},
      "Diagnosis-Scripted: troubleshooting packs (diagcab scripts) run.");
  row("windows", "*", "wmi", {"WMI Creation"},
      "WMI-Activity Operational: 5861 permanent event subscriptions "
      "created.");
  row("windows", "*", "lsa-server", {"Group Modification"},
      "LSA Operational: 300 a standard user in a high privileged group.");
  row("windows", "*", "applocker",
      {"Module Load", "Process Creation", "Script Execution"},
      "AppLocker: executables, DLLs and scripts allowed or blocked as they "
      "start or load.");
  row("windows", "*", "openssh",
      {"Logon Session Creation", "User Account Authentication"},
      "OpenSSH server for Windows: authentications and sessions.");

  // Linux services.
  row("linux", "*", "auditd",
      {"Command Execution", "File Access", "File Creation", "File Deletion",
       "File Metadata", "File Modification", "Kernel Module Load",
       "Network Connection Creation", "OS API Execution", "Process Creation"},
      "auditd: EXECVE (command lines), SYSCALL (execve, open, creat, unlink, "
      "chmod, connect, init_module, ptrace), PATH records; the components "
      "ATT&CK 18.1 lists most for auditd:SYSCALL and auditd:EXECVE.");
  row("linux", "*", "sshd",
      {"Logon Session Creation", "User Account Authentication"},
      "sshd: authentications and sessions.");
  row("linux", "*", "auth",
      {"Logon Session Creation", "User Account Authentication"},
      "auth.log / secure: PAM authentications and sessions.");
  row("linux", "*", "sudo",
      {"Command Execution", "User Account Authentication"},
      "sudo: the command run (COMMAND=) and authentication failures.");
  row("linux", "*", "cron",
      {"Scheduled Job Creation", "Scheduled Job Modification"},
      "cron: crontabs replaced or edited.");
  row("linux", "*", "guacamole",
      {"Logon Session Creation", "User Account Authentication"},
      "Apache Guacamole: remote desktop gateway sessions.");
  row("linux", "*", "syslog", {"Application Log Content"},
      "syslog: messages of daemons and applications.");
  row("linux", "*", "clamav", {"Application Log Content"},
      "ClamAV: antivirus detections (as category antivirus).");
  row("linux", "*", "vsftpd", {"Application Log Content"},
      "vsftpd: FTP server log.");
  row("linux", "", "", {"Application Log Content", "Command Execution"},
      "Linux rules without category or service search keywords in any "
      "system log and shell history: log messages and command lines.");
  row("windows", "", "", {"Application Log Content", "Command Execution"},
      "Windows rules without category or service search keywords in any "
      "event log: log messages and command lines.");

  // Cloud, identity and SaaS services.
  row("aws", "*", "cloudtrail", Merge({IaasControlPlane(), CloudIdentity()}),
      "AWS CloudTrail: every control-plane API call, resources (EC2, S3, "
      "EBS, snapshots, security groups, services) and IAM (users, groups, "
      "keys, console sign-in).");
  row("azure", "*", "activitylogs", IaasControlPlane(),
      "Azure Activity log: Azure Resource Manager operations on resources.");
  row("azure", "*", "auditlogs",
      {"Active Directory Object Creation", "Active Directory Object Deletion",
       "Active Directory Object Modification", "Application Log Content",
       "Group Modification", "User Account Creation", "User Account Deletion",
       "User Account Modification", "Web Credential Creation"},
      "Entra ID audit log: directory changes (users, groups, applications, "
      "service principal credentials, domains).");
  row("azure", "*", "signinlogs",
      {"Logon Session Creation", "Logon Session Metadata",
       "User Account Authentication", "Web Credential Usage"},
      "Entra ID sign-in log: interactive and token sign-ins with their "
      "context.");
  row("azure", "*", "riskdetection",
      {"Logon Session Metadata", "User Account Authentication",
       "User Account Metadata"},
      "Entra ID Identity Protection: risk detections on sign-ins and "
      "users.");
  row("azure", "*", "pim", {"Group Modification", "User Account Modification"},
      "Privileged Identity Management: role assignments and activations.");
  row("gcp", "*", "gcp.audit", Merge({IaasControlPlane(), CloudIdentity()}),
      "GCP Cloud Audit Logs: admin activity and data access on resources "
      "and IAM.");
  row("gcp", "*", "google_workspace.admin",
      {"Application Log Content", "Cloud Service Modification",
       "Group Modification", "User Account Creation", "User Account Deletion",
       "User Account Modification"},
      "Google Workspace admin audit: users, groups, roles and settings "
      "changed.");
  row("gcp", "*", "google_workspace.login",
      {"Logon Session Creation", "User Account Authentication"},
      "Google Workspace login audit: sign-ins.");
  row("m365", "*", "audit",
      {"Active Directory Object Modification", "Application Log Content",
       "User Account Modification"},
      "Microsoft 365 unified audit log: mailbox rules and forwarding, MFA "
      "and federation settings.");
  row("m365", "*", "exchange", {"Application Log Content", "Command Execution"},
      "Exchange Online admin audit: cmdlets run.");
  row("m365", "*", "threat_management",
      {"Application Log Content", "Cloud Storage Access",
       "Logon Session Metadata", "User Account Authentication"},
      "Microsoft 365 / Defender for Cloud Apps alerts: risky sign-ins, "
      "impossible travel, mass downloads and deletions.");
  row("m365", "*", "*", {"Application Log Content"},
      "Other Microsoft 365 alert and audit feeds.");
  row("okta", "*", "*", IdentityProvider(),
      "Okta system log; the components ATT&CK 18.1 lists for saas:okta.");
  row("onelogin", "*", "*", IdentityProvider(),
      "OneLogin events: same kind of identity provider log as Okta.");
  row("cisco", "*", "duo",
      {"Logon Session Creation", "User Account Authentication"},
      "Cisco Duo: multi-factor authentications.");
  row("github", "*", "audit",
      {"Application Log Content", "Cloud Service Modification",
       "Cloud Storage Access", "User Account Modification"},
      "GitHub audit log: repository, organisation, secret and member "
      "changes, repository access.");
  row("bitbucket", "*", "audit",
      {"Application Log Content", "Cloud Service Modification",
       "Cloud Storage Access", "User Account Modification"},
      "Bitbucket audit log: as GitHub's.");
  row("kubernetes", "*", "audit",
      {"Application Log Content", "Command Execution", "Container Creation",
       "Container Enumeration", "Pod Creation", "Pod Enumeration",
       "Pod Modification", "Scheduled Job Creation",
       "User Account Authentication", "User Account Modification"},
      "Kubernetes API server audit log: pods and containers created, "
      "listed, changed, exec'd into; CronJobs; role bindings; anonymous "
      "access.");

  // Network devices and sensors.
  row("cisco", "*", "aaa", {"Command Execution", "User Account Authentication"},
      "Cisco AAA accounting: CLI commands run and administrator "
      "authentications.");
  row("cisco", "*", "syslog", {"Application Log Content", "Command Execution"},
      "Cisco IOS syslog: configuration and system messages.");
  row("*", "*", "bgp", {"Application Log Content", "Network Traffic Content"},
      "Router BGP messages (Cisco, Huawei, Juniper): peer authentication "
      "failures in routing protocol traffic.");
  row("*", "*", "ldp", {"Application Log Content", "Network Traffic Content"},
      "Router LDP messages: peer authentication failures.");
  row("fortigate", "*", "event",
      {"Application Log Content", "Firewall Rule Modification",
       "User Account Creation", "User Account Modification"},
      "FortiGate event log: administrators and firewall policies changed.");
  row("fortios", "*", "sslvpnd",
      {"Logon Session Creation", "User Account Authentication"},
      "FortiOS SSL VPN daemon: VPN logins.");
  row("paloalto", "appliance", "*", {"Application Log Content"},
      "PAN-OS / GlobalProtect appliance logs (mp-log, gpsvc.log).");
  row("zeek", "*", "conn",
      {"Network Connection Creation", "Network Traffic Flow"},
      "Zeek conn.log: one record per connection (flow summary).");
  row("zeek", "*", "smb_files",
      {"Network Share Access", "Network Traffic Content"},
      "Zeek smb_files.log: files opened on SMB shares.");
  row("zeek", "*", "kerberos",
      {"Active Directory Credential Request", "Network Traffic Content"},
      "Zeek kerberos.log: AS and TGS requests on the wire.");
  row("zeek", "*", "*", {"Network Traffic Content"},
      "Other Zeek protocol logs (http, dns, dce_rpc, x509, rdp, ssl, ...): "
      "fields decoded from packet payloads.");
  row("opencanary", "*", "*",
      {"Application Log Content", "Network Connection Creation",
       "User Account Authentication"},
      "OpenCanary honeypot: connection and login attempts to decoy "
      "services.");
  row("rpc_firewall", "*", "*",
      {"Application Log Content", "Network Traffic Content"},
      "RPC Firewall: remote RPC calls (interface UUID, opnum) made to the "
      "host.");

  // Sigma categories (any product).
  row("*", "process_creation", "*", {"Command Execution", "Process Creation"},
      "Sysmon 1, Security 4688, auditd execve, ESF exec: the new process "
      "with its command line.");
  row("*", "process_access", "*", {"Process Access"},
      "Sysmon 10: a process opened another (e.g. lsass).");
  row("*", "process_termination", "*", {"Process Termination"},
      "Sysmon 5: process ended.");
  row("*", "process_tampering", "*", {"Process Access", "Process Modification"},
      "Sysmon 25: process image changed in memory (hollowing, "
      "herpaderping); ATT&CK 18.1 lists Sysmon 25 under Process Access.");
  row("*", "create_remote_thread", "*", {"Process Modification"},
      "Sysmon 8: a thread created in another process; ATT&CK 18.1 lists "
      "Sysmon 8 under Process Modification.");
  row("*", "raw_access_thread", "*", {"Drive Access"},
      "Sysmon 9: raw read of a volume; ATT&CK 18.1 lists Sysmon 9 under "
      "Drive Access.");
  row("*", "image_load", "*", {"Module Load"}, "Sysmon 7: DLL loaded.");
  row("*", "driver_load", "*", {"Driver Load"}, "Sysmon 6: driver loaded.");
  row("*", "file_event", "*", {"File Creation"},
      "Sysmon 11 and equivalents: file created or overwritten.");
  row("*", "file_executable_detected", "*", {"File Creation"},
      "Sysmon 29: an executable file written.");
  row("*", "file_delete", "*", {"File Deletion"},
      "Sysmon 23: file deleted (archived).");
  row("*", "file_delete_detected", "*", {"File Deletion"},
      "Sysmon 26: file deleted (logged only).");
  row("*", "file_access", "*", {"File Access"},
      "Kernel file provider / 4663: file opened or read.");
  row("*", "file_change", "*", {"File Modification"},
      "Sysmon 2: file creation time changed (timestomping).");
  row("*", "file_rename", "*", {"File Modification"},
      "Kernel file provider: file renamed (a change of its metadata).");
  row("*", "create_stream_hash", "*", {"File Creation", "File Metadata"},
      "Sysmon 15: alternate data stream created; ATT&CK 18.1 lists Sysmon "
      "15 under File Metadata.");
  row("*", "registry_add", "*", {"Windows Registry Key Creation"},
      "Sysmon 12 (create): registry key created.");
  row("*", "registry_delete", "*", {"Windows Registry Key Deletion"},
      "Sysmon 12 (delete): registry key or value deleted.");
  row("*", "registry_set", "*", {"Windows Registry Key Modification"},
      "Sysmon 13: registry value set.");
  row("*", "registry_rename", "*", {"Windows Registry Key Modification"},
      "Sysmon 14: registry key or value renamed.");
  row("*", "registry_event", "*",
      {"Windows Registry Key Creation", "Windows Registry Key Deletion",
       "Windows Registry Key Modification"},
      "Sysmon 12-14 together: keys created, deleted, values set, renamed.");
  row("*", "network_connection", "*", {"Network Connection Creation"},
      "Sysmon 3 and equivalents: a process opened a network connection.");
  row("*", "dns_query", "*",
      {"Network Connection Creation", "Network Traffic Content"},
      "Sysmon 22: a process resolved a name. ATT&CK 18.1 lists Sysmon 22 "
      "with Sysmon 3 under Network Connection Creation; the queried name "
      "is protocol content. Not Active DNS or Passive DNS: those are "
      "internet-wide DNS records about adversary infrastructure, not the "
      "defender's own resolutions.");
  row("*", "dns", "*", {"Network Traffic Content"},
      "DNS server or sensor logs: queries and answers decoded from DNS "
      "traffic (see dns_query for why not Active/Passive DNS).");
  row("*", "pipe_created", "*", {"Named Pipe Metadata"},
      "Sysmon 17/18: named pipe created or connected.");
  row("*", "wmi_event", "*", {"WMI Creation"},
      "Sysmon 19-21: WMI filter, consumer and binding created.");
  row("*", "ps_script", "*", {"Command Execution", "Script Execution"},
      "PowerShell 4104 script block logging: the script text run by the "
      "interpreter, including interactive commands.");
  row("*", "ps_module", "*", {"Command Execution"},
      "PowerShell 4103 module logging: cmdlets invoked with parameters.");
  row("*", "ps_classic_start", "*", {"Command Execution"},
      "Windows PowerShell 400: engine started, with the host command line.");
  row("*", "ps_classic_provider_start", "*", {"Command Execution"},
      "Windows PowerShell 600: provider started, with the host command "
      "line.");
  row("*", "ps_classic_script", "*", {"Command Execution", "Script Execution"},
      "Windows PowerShell 800: pipeline execution details.");
  row("*", "sysmon_status", "*", {"Host Status"},
      "Sysmon 4/16: service state and configuration changes.");
  row("*", "sysmon_error", "*", {"Host Status"}, "Sysmon 255: sensor errors.");
  row("*", "clipboard_capture", "*", {"OS API Execution"},
      "Sysmon 24: clipboard contents captured.");
  row("*", "antivirus", "*", {"Application Log Content"},
      "Antivirus and EDR detections; ATT&CK 18.1 lists EDR detection logs "
      "(ThreatDetected, quarantine) under Application Log Content.");
  row("*", "webserver", "*", WebServer(),
      "Web server access logs: requested URIs, user agents, status codes "
      "(ATT&CK's ApplicationLog:WebServer) decoded from HTTP requests.");
  row("*", "*", "apache", WebServer(), "Apache logs, as category webserver.");
  row("*", "*", "nginx", WebServer(), "nginx logs, as category webserver.");
  row("*", "proxy", "*", {"Network Traffic Content", "Network Traffic Flow"},
      "Web proxy logs: URL, method, user agent (content) and bytes per "
      "session (flow); ATT&CK's WebProxy:AccessLogs.");
  row("*", "firewall", "*",
      {"Network Connection Creation", "Network Traffic Flow"},
      "Firewall connection logs: sessions allowed or denied (ATT&CK's "
      "NSM:Firewall).");
  row("*", "database", "*", {"Application Log Content"},
      "Database server logs: queries and errors.");
  row("*", "application", "*", {"Application Log Content"},
      "Application logs (JVM, Spring, Django, Node.js, Python, Ruby on "
      "Rails, SQL, Velocity, ...): exceptions and messages of the "
      "application.");
  return t;
}

std::vector<FormatMapping>* BuildFormatTable() {
  return new std::vector<FormatMapping>{
      {cov::v1::RULE_FORMAT_SURICATA,
       Sorted({"Network Connection Creation", "Network Traffic Content",
               "Network Traffic Flow"}),
       "Suricata inspects packets: payload and protocol fields (content), "
       "flow state and direction (flow), and new sessions (connection "
       "creation)."},
      {cov::v1::RULE_FORMAT_YARA, Sorted({"File Metadata", "Malware Content"}),
       "YARA matches the bytes and strings of files. ATT&CK 18.1 defines "
       "File Metadata as including a file's content and signatures (headers, "
       "hashes, packing), and Malware Content as the code, strings and "
       "signatures of payloads, naming YARA explicitly. File Creation is not "
       "implied: a scanner sees files, not the events that wrote them."},
      {cov::v1::RULE_FORMAT_SIGMA,
       {},
       "Depends on the rule's logsource: see the Sigma table."},
  };
}

std::vector<SigmaPlatformMapping>* BuildPlatformTable() {
  auto* t = new std::vector<SigmaPlatformMapping>;
  auto row = [t](const char* product, const char* service,
                 std::vector<std::string> platforms, const char* why) {
    t->push_back({{product, "*", service}, std::move(platforms), why});
  };
  row("windows", "*", {"Windows"}, "Windows hosts.");
  row("linux", "*", {"Linux"}, "Linux hosts.");
  row("macos", "*", {"macOS"}, "macOS hosts.");
  row("azure", "signinlogs", {"Identity Provider"},
      "Entra ID sign-ins: the identity provider.");
  row("azure", "auditlogs", {"Identity Provider"}, "Entra ID directory audit.");
  row("azure", "riskdetection", {"Identity Provider"},
      "Entra ID Identity Protection.");
  row("azure", "pim", {"Identity Provider"},
      "Entra ID Privileged Identity Management.");
  row("azure", "*", {"IaaS"}, "Azure resources (activity log).");
  row("aws", "*", {"IaaS"}, "AWS accounts.");
  row("gcp", "google_workspace.admin", {"Identity Provider", "Office Suite"},
      "Google Workspace administration: its directory and its apps.");
  row("gcp", "google_workspace.login", {"Identity Provider"},
      "Google Workspace sign-ins.");
  row("gcp", "*", {"IaaS"}, "Google Cloud projects.");
  row("m365", "*", {"Office Suite"}, "Microsoft 365 services.");
  row("okta", "*", {"Identity Provider"}, "Okta.");
  row("onelogin", "*", {"Identity Provider"}, "OneLogin.");
  row("cisco", "duo", {"Identity Provider"}, "Duo multi-factor service.");
  row("github", "*", {"SaaS"}, "GitHub organisations.");
  row("bitbucket", "*", {"SaaS"}, "Bitbucket workspaces.");
  row("kubernetes", "*", {"Containers"}, "Kubernetes clusters.");
  row("cisco", "*", {"Network Devices"}, "Cisco routers and switches.");
  row("huawei", "*", {"Network Devices"}, "Huawei routers.");
  row("juniper", "*", {"Network Devices"}, "Juniper routers.");
  row("fortigate", "*", {"Network Devices"}, "FortiGate firewalls.");
  row("fortios", "*", {"Network Devices"}, "FortiOS appliances.");
  row("paloalto", "*", {"Network Devices"}, "Palo Alto Networks firewalls.");
  row("rpc_firewall", "*", {"Windows"}, "RPC Firewall runs on Windows hosts.");
  row("zeek", "*", {},
      "Network sensor: sees traffic of every platform (neutral).");
  row("opencanary", "*", {}, "Honeypot: platform-neutral.");
  return t;
}

std::string Cell(absl::string_view s) {
  if (s == "*") return "*";
  if (s.empty()) return "(none)";
  return absl::StrCat("`", s, "`");
}

std::string Escape(absl::string_view s) {
  return absl::StrReplaceAll(s, {{"|", "\\|"}});
}

absl::string_view FormatName(cov::v1::RuleFormat f) {
  switch (f) {
    case cov::v1::RULE_FORMAT_SIGMA:
      return "Sigma";
    case cov::v1::RULE_FORMAT_SURICATA:
      return "Suricata";
    case cov::v1::RULE_FORMAT_YARA:
      return "YARA";
    default:
      return "unspecified";
  }
}

bool FieldMatches(absl::string_view pattern, absl::string_view value) {
  value = absl::StripAsciiWhitespace(value);
  if (pattern == "*") return true;
  if (pattern.empty()) return value.empty();
  return absl::EqualsIgnoreCase(pattern, value);
}

}  // namespace

absl::Span<const DataComponent> DataComponentCatalog() { return kCatalog; }

std::string NormalizeComponentName(absl::string_view name_or_id) {
  const DataComponent* c = FindComponent(name_or_id);
  return c == nullptr ? "" : c->name;
}

std::string ComponentId(absl::string_view name_or_id) {
  const DataComponent* c = FindComponent(name_or_id);
  return c == nullptr ? "" : c->id;
}

absl::Span<const SigmaLogsourceMapping> SigmaLogsourceTable() {
  static const std::vector<SigmaLogsourceMapping>* table = BuildSigmaTable();
  return *table;
}

absl::Span<const FormatMapping> FormatTable() {
  static const std::vector<FormatMapping>* table = BuildFormatTable();
  return *table;
}

absl::Span<const SigmaPlatformMapping> SigmaPlatformTable() {
  static const std::vector<SigmaPlatformMapping>* table = BuildPlatformTable();
  return *table;
}

bool LogsourceMatches(const LogsourcePattern& pattern,
                      absl::string_view product, absl::string_view category,
                      absl::string_view service) {
  return FieldMatches(pattern.product, product) &&
         FieldMatches(pattern.category, category) &&
         FieldMatches(pattern.service, service);
}

const SigmaLogsourceMapping* FindSigmaLogsourceMapping(
    absl::string_view product, absl::string_view category,
    absl::string_view service) {
  for (const SigmaLogsourceMapping& m : SigmaLogsourceTable()) {
    if (LogsourceMatches(m.pattern, product, category, service)) return &m;
  }
  return nullptr;
}

std::vector<std::string> ComponentsForSigmaLogsource(
    absl::string_view product, absl::string_view category,
    absl::string_view service) {
  const SigmaLogsourceMapping* m =
      FindSigmaLogsourceMapping(product, category, service);
  return m == nullptr ? std::vector<std::string>() : m->components;
}

std::vector<std::string> ComponentsForFormat(cov::v1::RuleFormat format) {
  for (const FormatMapping& m : FormatTable()) {
    if (m.format == format) return m.components;
  }
  return {};
}

std::vector<std::string> ComponentsForRule(const cov::v1::Rule& rule) {
  // Elastic, Splunk, Sentinel and layers: by their data sources
  // (telemetry_map_vendor.h).
  if (IsVendorFormat(rule.format())) return VendorComponents(rule);
  if (rule.format() != cov::v1::RULE_FORMAT_SIGMA) {
    return ComponentsForFormat(rule.format());
  }
  if (rule.is_correlation()) return {};
  return ComponentsForSigmaLogsource(rule.logsource_product(),
                                     rule.logsource_category(),
                                     rule.logsource_service());
}

const SigmaPlatformMapping* FindSigmaPlatformMapping(
    absl::string_view product, absl::string_view category,
    absl::string_view service) {
  for (const SigmaPlatformMapping& m : SigmaPlatformTable()) {
    if (LogsourceMatches(m.pattern, product, category, service)) return &m;
  }
  return nullptr;
}

std::string TelemetryMappingMarkdown() {
  std::string out;
  absl::StrAppend(&out,
                  "### Sigma logsource to data components\n\n"
                  "Rows are tried in order; the first match wins. `*` matches "
                  "any value (including none), (none) matches an absent "
                  "field; values compare without regard to case.\n\n"
                  "| # | product | category | service | data components | "
                  "why |\n"
                  "|---|---|---|---|---|---|\n");
  int n = 0;
  for (const SigmaLogsourceMapping& m : SigmaLogsourceTable()) {
    absl::StrAppend(&out, "| ", ++n, " | ", Cell(m.pattern.product), " | ",
                    Cell(m.pattern.category), " | ", Cell(m.pattern.service),
                    " | ", absl::StrJoin(m.components, ", "), " | ",
                    Escape(m.why), " |\n");
  }
  absl::StrAppend(&out,
                  "\n### Rule formats to data components\n\n"
                  "| format | data components | why |\n"
                  "|---|---|---|\n");
  for (const FormatMapping& m : FormatTable()) {
    absl::StrAppend(&out, "| ", FormatName(m.format), " | ",
                    m.components.empty() ? "(by logsource)"
                                         : absl::StrJoin(m.components, ", "),
                    " | ", Escape(m.why), " |\n");
  }
  absl::StrAppend(&out,
                  "\n### Sigma logsource to ATT&CK platforms\n\n"
                  "Rows are tried in order; the first match wins. A product "
                  "no row matches (webserver, proxy, dns, application logs "
                  "without product) implies no platform: such telemetry is "
                  "platform-neutral.\n\n"
                  "| # | product | service | platforms | why |\n"
                  "|---|---|---|---|---|\n");
  n = 0;
  for (const SigmaPlatformMapping& m : SigmaPlatformTable()) {
    absl::StrAppend(
        &out, "| ", ++n, " | ", Cell(m.pattern.product), " | ",
        Cell(m.pattern.service), " | ",
        m.platforms.empty() ? "(neutral)" : absl::StrJoin(m.platforms, ", "),
        " | ", Escape(m.why), " |\n");
  }
  absl::StrAppend(&out,
                  "\n### Data component catalogue (ATT&CK 18.1)\n\n"
                  "Names and IDs accepted in profiles; matched without "
                  "regard to case.\n\n"
                  "| ID | name |\n"
                  "|---|---|\n");
  for (const DataComponent& c : kCatalog) {
    absl::StrAppend(&out, "| ", c.id, " | ", c.name, " |\n");
  }
  return out;
}

absl::StatusOr<std::string> SpliceTelemetryMappingMarkdown(
    absl::string_view document) {
  const size_t begin = document.find(kMarkdownBegin);
  const size_t end = document.find(kMarkdownEnd);
  if (begin == absl::string_view::npos || end == absl::string_view::npos ||
      end < begin ||
      document.find(kMarkdownBegin, begin + 1) != absl::string_view::npos ||
      document.find(kMarkdownEnd, end + 1) != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("the document must hold one '", kMarkdownBegin,
                     "' line followed by one '", kMarkdownEnd, "' line"));
  }
  return absl::StrCat(document.substr(0, begin), kMarkdownBegin, "\n\n",
                      TelemetryMappingMarkdown(), "\n", document.substr(end));
}

}  // namespace cov::ingest::profile
