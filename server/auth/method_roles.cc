#include "server/auth/method_roles.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace cov::server::auth {
namespace {

const absl::flat_hash_map<std::string, Role>& RoleByMethod() {
  static const auto* kMap = [] {
    auto* m = new absl::flat_hash_map<std::string, Role>();
    for (const MethodRole& row : MethodRoles())
      m->emplace(row.method, row.role);
    return m;
  }();
  return *kMap;
}

}  // namespace

absl::string_view RoleName(Role role) {
  switch (role) {
    case Role::kRead:
      return "read";
    case Role::kWrite:
      return "write";
    case Role::kAdmin:
      return "admin";
  }
  return "unknown";
}

absl::StatusOr<Role> ParseRole(absl::string_view name) {
  if (name == "read") return Role::kRead;
  if (name == "write") return Role::kWrite;
  if (name == "admin") return Role::kAdmin;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown role '", name, "' (read, write or admin)"));
}

Role RequiredRole(absl::string_view method) {
  const std::string prefix = absl::StrCat("/", kCovServiceName, "/");
  if (absl::StartsWith(method, "/")) {
    if (!absl::ConsumePrefix(&method, prefix)) return Role::kAdmin;
  }
  auto it = RoleByMethod().find(std::string(method));
  return it == RoleByMethod().end() ? Role::kAdmin : it->second;
}

const std::vector<MethodRole>& MethodRoles() {
  static const auto* kRows = new std::vector<MethodRole>{
      // Knowledge base.
      {"IngestAttack", Role::kWrite},
      {"ListReleases", Role::kRead},
      {"SetDefaultRelease", Role::kWrite},
      // Removing a release changes what every user's queries resolve to.
      {"DeleteRelease", Role::kAdmin},
      {"GetTechnique", Role::kRead},
      {"GetActor", Role::kRead},
      {"Search", Role::kRead},
      {"GetStats", Role::kRead},
      // Rule sources.
      {"IngestRules", Role::kWrite},
      {"ListSources", Role::kRead},
      {"DeleteSource", Role::kWrite},
      {"ListRuleErrors", Role::kRead},
      {"ListRules", Role::kRead},
      // Coverage.
      {"GetCoverage", Role::kRead},
      {"GetGaps", Role::kRead},
      {"ExportLayer", Role::kRead},
      {"InferProfile", Role::kRead},
      // Emulation and experiments.
      {"IngestLibrary", Role::kWrite},
      {"GetPlan", Role::kRead},
      {"StartExperiment", Role::kWrite},
      {"RecordResult", Role::kWrite},
      {"ImportAlerts", Role::kWrite},
      {"GetExperiment", Role::kRead},
      {"ListExperiments", Role::kRead},
      {"DeleteExperiment", Role::kWrite},
      // Proven coverage: reads server-side paths (ingest roots) and, for
      // experiments, records results.
      {"Replay", Role::kWrite},
      {"ReplayExperiment", Role::kWrite},
      {"ReplayDatasets", Role::kWrite},
      {"Scan", Role::kWrite},
      {"ScanExperiment", Role::kWrite},
      // Check and fix (content only, nothing stored).
      {"CheckRules", Role::kRead},
      {"FixRules", Role::kRead},
      // Backups and restores: the whole store.
      {"CreateBackup", Role::kAdmin},
      {"ListBackups", Role::kAdmin},
      {"RestoreBackup", Role::kAdmin},
  };
  return *kRows;
}

}  // namespace cov::server::auth
