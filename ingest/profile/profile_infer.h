// Proposes a telemetry profile from a set of rules.
//
// The profile holds what the rules need (telemetry_map.h):
//   * data_components: the union of every rule's components (Sigma by
//     logsource, Suricata and YARA by format), sorted, without duplicates;
//   * platforms: the ATT&CK platforms the rules' Sigma `logsource.product`
//     implies (SigmaPlatformTable(): windows -> Windows, aws -> IaaS, ...),
//     sorted - but left empty (all platforms) as soon as one rule's
//     telemetry is platform-neutral (Suricata, YARA, a Sigma product that
//     implies no platform such as zeek, or no product at all: webserver,
//     proxy), because such telemetry can observe techniques on any platform
//     and narrowing the profile would hide them;
//   * sources: the rules' `source` names, sorted, without duplicates;
//   * name: as given; min_status, min_level, log_sources and release empty.
// Disabled rules count: they still say which telemetry the source expects.
// Sigma correlation rules are skipped (their base rules carry telemetry).
// Sigma rules whose logsource no table row maps contribute nothing and are
// reported, grouped by (product, category, service) in lower case.
//
//   InferredProfile r = InferProfile(rules, "soc-sigma");
//   std::string yaml = ProfileToYaml(r.profile);
//   for (const auto& u : r.unmapped) LOG << u.product << ... << u.rule_count;
//
// Thread-safety: pure; safe to call concurrently.
#ifndef COV_INGEST_PROFILE_PROFILE_INFER_H_
#define COV_INGEST_PROFILE_PROFILE_INFER_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "cov/v1/coverage.pb.h"
#include "cov/v1/rules.pb.h"

namespace cov::ingest::profile {

// Sigma rules sharing a logsource no mapping row covers.
struct UnmappedLogsource {
  std::string product;  // lower case, trimmed; "" when absent
  std::string category;
  std::string service;
  int rule_count = 0;
};

inline bool operator==(const UnmappedLogsource& a, const UnmappedLogsource& b) {
  return a.product == b.product && a.category == b.category &&
         a.service == b.service && a.rule_count == b.rule_count;
}

struct InferredProfile {
  cov::v1::Profile profile;
  // Sorted by rule_count (descending), then product, category, service.
  std::vector<UnmappedLogsource> unmapped;
  // Rules that contributed components; Sigma rules left unmapped; skipped
  // rules (correlations, RULE_FORMAT_UNSPECIFIED).
  int mapped_rules = 0;
  int unmapped_rules = 0;
  int skipped_rules = 0;
  // Union of the platforms the rules imply, sorted, even when
  // profile.platforms is left empty because of neutral telemetry.
  std::vector<std::string> implied_platforms;
  // Mapped rules whose telemetry implies no platform.
  int platform_neutral_rules = 0;
};

InferredProfile InferProfile(const std::vector<cov::v1::Rule>& rules,
                             absl::string_view name);

}  // namespace cov::ingest::profile

#endif  // COV_INGEST_PROFILE_PROFILE_INFER_H_
