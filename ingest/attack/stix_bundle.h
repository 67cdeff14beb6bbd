// Parses an ATT&CK STIX bundle (2.0 from mitre/cti, 2.1 from attack-stix-data)
// into denormalised knowledge-base records.
//
// The parser is pure: it takes the bundle's bytes and returns records; the
// caller reads the file and stores the result. It understands the enterprise,
// mobile and ICS domains from ATT&CK v8 to v18.1, including both detection
// models: data component `detects` technique (before v18) and detection
// strategy `detects` technique -> analytics -> log-source references -> data
// components (v18 and later).
//
//   ParseOptions opts;
//   opts.file_name = "enterprise-attack-18.1.json";
//   absl::StatusOr<ParsedRelease> r = ParseBundle(bytes, opts);
//   if (!r.ok()) ...;  // kInvalidArgument: unusable bundle, message says why
//   r->techniques[0].id();  // "T1055.011"
#ifndef COV_INGEST_ATTACK_STIX_BUNDLE_H_
#define COV_INGEST_ATTACK_STIX_BUNDLE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cov/v1/attack.pb.h"
#include "cov/v1/rules.pb.h"

namespace cov::ingest::attack {

struct ParseOptions {
  // File name of the bundle (base name or path); used for diagnostics and to
  // infer the version ("enterprise-attack-18.1.json") when the bundle has no
  // x-mitre-collection object.
  std::string file_name;
  // Version given by the user (--version). Used only when neither the
  // collection object nor the file name carries one; a conflicting flag is
  // reported as a warning. Default: empty.
  std::string version_flag;
};

// Everything a release holds, ready to store. Vectors are sorted by ID
// (tactics by kill-chain order) so equal bundles give equal records.
struct ParsedRelease {
  // domain, version, version_source, stix_version and counts are set;
  // storage fields (sha256, source_file, ingested_at_unix) are left to the caller.
  cov::v1::Release release;
  std::vector<cov::v1::Tactic> tactics;
  // All techniques and sub-techniques, including revoked and deprecated ones.
  std::vector<cov::v1::Technique> techniques;
  // Groups, software and campaigns (including revoked and deprecated ones).
  std::vector<cov::v1::Actor> actors;
  std::vector<cov::v1::DataComponent> data_components;
  std::vector<cov::v1::MitigationRef> mitigations;
  // Warnings about objects that were skipped or repaired (never fatal).
  std::vector<cov::v1::Diagnostic> diagnostics;
};

// Parses `json`, a complete STIX bundle.
//
// Returns kInvalidArgument when the bundle cannot be used as a whole: invalid
// or truncated JSON, not a bundle, no x-mitre-matrix (kill-chain order
// unknown), no ATT&CK version from the collection, the file name or the flag.
// Problems with single objects (wrong field types, unknown object types,
// duplicate IDs, dangling references) are counted warnings in `diagnostics`;
// for duplicate STIX IDs the object with the newest `modified` wins.
// Thread-safe (no shared state).
absl::StatusOr<ParsedRelease> ParseBundle(absl::string_view json,
                                          const ParseOptions& options);

// Infers (domain, version) from a file name like "enterprise-attack-18.1.json"
// or "ics-attack-v17.0.json". Returns false when the name carries no version.
bool VersionFromFileName(absl::string_view file_name, std::string* domain,
                         std::string* version);

}  // namespace cov::ingest::attack

#endif  // COV_INGEST_ATTACK_STIX_BUNDLE_H_
