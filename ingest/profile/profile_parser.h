// Telemetry profiles: YAML files <-> cov.v1.Profile.
//
// A profile says which telemetry a team owns and which rules are in scope.
// Coverage "potential" counts the techniques whose ATT&CK data components
// intersect the profile's components. File format (deploy/profiles/README.md
// has the long version and examples):
//
//   name: network-sensors          # required, non-empty
//   description: ...               # optional; not kept (not in the API)
//   attack:                        # optional: the ATT&CK release to use
//     domain: enterprise-attack    # enterprise-attack|mobile-attack|ics-attack
//     version: "18.1"              #   MAJOR or MAJOR.MINOR
//   telemetry:                     # optional; absent or empty = all telemetry
//     data_components:             #   names ("Network Traffic Flow") or
//       - Network Traffic Content  #   IDs (DC0082, exactly DC + 4 digits)
//       - DC0082
//     log_sources: ["zeek:conn"]   #   optional ATT&CK log source names
//   platforms: [Windows, Linux]    # optional; empty = all platforms
//   rules:                         # optional
//     sources: [et-open]           #   rule source names; empty = all
//     min_status: test             #   experimental < test < stable
//     min_level: medium            #   informational < low < medium < high
//                                  #   < critical
//
// Lists are YAML sequences (block or flow); a key given no value (`sources:`)
// is the same as an absent key, except `name`. Strings are taken as written,
// trimmed of surrounding white space; data component names are not checked
// against ATT&CK here (the release they are resolved in may differ) but must
// be non-empty and unique, case-insensitively. Platforms must be ATT&CK
// platform names (Windows, Linux, macOS, Network Devices, Containers, IaaS,
// SaaS, Office Suite, Identity Provider, ESXi, PRE, Android, iOS), matched
// without regard to case and stored in that spelling.
//
// Validation is strict, so a typo never silently widens a profile: unknown
// keys at any level, a value of the wrong YAML type, an invalid status,
// level, domain, version or DC ID, empty strings and duplicates are errors.
//
//   absl::StatusOr<cov::v1::Profile> p =
//       ParseProfile(yaml, "deploy/profiles/network-sensors.yaml");
//   if (!p.ok()) std::cerr << p.status().message();
//   std::string text = ProfileToYaml(*p);  // ParseProfile(text) == *p
//
// Thread-safety: both functions are pure and safe to call concurrently.
#ifndef COV_INGEST_PROFILE_PROFILE_PARSER_H_
#define COV_INGEST_PROFILE_PROFILE_PARSER_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cov/v1/coverage.pb.h"

namespace cov::ingest::profile {

// Largest profile accepted, in bytes (profiles are a few hundred bytes; the
// cap bounds the work an RPC caller can ask for).
inline constexpr size_t kMaxProfileBytes = 1 << 20;

// Parses one profile document. `file_name` is only used in messages.
//
// Returns the profile, or kInvalidArgument whose message lists every problem
// found, one per line, as `file:line:col: what is wrong` (1-based; a YAML
// syntax error stops at the first problem). Errors include: YAML syntax,
// an empty file, several YAML documents, a top level that is not a mapping,
// missing or empty `name`, unknown keys (with the accepted ones), duplicate
// keys, wrong types ("expected a sequence of strings"), invalid
// `min_status`/`min_level`/`attack.domain`/`attack.version`, malformed
// `DC####` IDs, empty or duplicate list entries, unknown platforms, and
// input over kMaxProfileBytes.
absl::StatusOr<cov::v1::Profile> ParseProfile(absl::string_view yaml,
                                              absl::string_view file_name);

// Writes `profile` in the file format above, sections in the documented
// order, omitting empty optional fields; `telemetry.data_components` is
// always written (`[]` meaning all telemetry). For every profile
// ParseProfile accepts, ParseProfile(ProfileToYaml(p)) equals p.
std::string ProfileToYaml(const cov::v1::Profile& profile);

}  // namespace cov::ingest::profile

#endif  // COV_INGEST_PROFILE_PROFILE_PARSER_H_
