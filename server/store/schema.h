// The RocksDB schema of the cov store: the one place that defines column
// families, key layout and value encoding.
//
// clang-format off
// Column family  | key                               | value
// ---------------|-----------------------------------|---------------------------
// default        | "schema_version"                  | decimal string ("1")
// releases       | <release>                         | cov.v1.Release
// meta           | "default"                         | <release> of the store default
//                | "default/" <domain>               | <release> default of a domain
// tactics        | <release> \0 <order, 4-digit>     | cov.v1.Tactic
// techniques     | <release> \0 <T-id>               | cov.v1.Technique
// actors         | <release> \0 <G/S/C-id>           | cov.v1.Actor
// components     | <release> \0 <DC-id> | "NAME:"<name> | cov.v1.DataComponent (name when no DC ID, pre-v18)
// mitigations    | <release> \0 <M-id>               | cov.v1.MitigationRef
// sources        | <source>                          | cov.v1.Source
// files          | <source> \0 <path>                | cov.v1.IngestedFile
// rules          | <source> \0 <path> \0 <index:06>  | cov.v1.Rule
// meta           | "rules_generation"                | decimal, +1 per rule ingest
// meta           | "source_generation" \0 <source>  | decimal, +1 per ingest/delete of <source>
// meta           | "experiment_seq"                  | decimal, last experiment number
// library        | <source>                          | cov.v1.Source (atomics / CTID plans)
// tests          | <source> \0 <T-id> \0 <guid>      | cov.v1.TestProcedure
// plans          | <source> \0 <plan name>           | cov.v1.PlanResponse (a CTID plan's steps)
// experiments    | <experiment id>                   | cov.v1.Experiment (with every result)
// clang-format on
//
// <source> matches [A-Za-z0-9._-]+; <path> is relative to the source root
// ("" holds source-level diagnostics such as cross-file duplicate IDs).
// Re-ingesting a source rewrites only the files that changed: their
// ["<source>\0<path>\0", "<source>\0<path>\1") rule ranges are deleted and
// rewritten in the same batch as the file and source records.
//
// <release> is "<domain>@<version>", e.g. "enterprise-attack@18.1"; it never
// contains \0, so "<release>\0" is a prefix that selects exactly one release
// and ["<release>\0", "<release>\1") is its key range. Values are serialised
// protobuf messages of the cov.v1 API, so the store, the server and clients
// share one definition. IDs in keys are upper-case ATT&CK IDs.
//
// Atomicity: an ingest is one WriteBatch (range deletes of the release's old
// keys, then every new key, then the releases/meta records), written with
// sync. A crash before the batch is durable leaves the previous state; after,
// the new one. Readers use snapshots, so they never see a mix.
#ifndef COV_SERVER_STORE_SCHEMA_H_
#define COV_SERVER_STORE_SCHEMA_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace cov::server::store {

inline constexpr int kSchemaVersion = 1;

inline constexpr char kCfReleases[] = "releases";
inline constexpr char kCfMeta[] = "meta";
inline constexpr char kCfTactics[] = "tactics";
inline constexpr char kCfTechniques[] = "techniques";
inline constexpr char kCfActors[] = "actors";
inline constexpr char kCfComponents[] = "components";
inline constexpr char kCfMitigations[] = "mitigations";

inline constexpr char kCfSources[] = "sources";
inline constexpr char kCfFiles[] = "files";
inline constexpr char kCfRules[] = "rules";
inline constexpr char kCfLibrary[] = "library";
inline constexpr char kCfTests[] = "tests";
inline constexpr char kCfPlans[] = "plans";
inline constexpr char kCfExperiments[] = "experiments";
inline constexpr char kMetaExperimentSeq[] = "experiment_seq";

inline constexpr char kMetaDefault[] = "default";
inline constexpr char kMetaRulesGeneration[] = "rules_generation";
inline constexpr char kMetaSourceGeneration[] = "source_generation";
inline constexpr char kSchemaVersionKey[] = "schema_version";

// "enterprise-attack@18.1".
inline std::string ReleaseKey(absl::string_view domain,
                              absl::string_view version) {
  return absl::StrCat(domain, "@", version);
}

inline std::string DomainDefaultKey(absl::string_view domain) {
  return absl::StrCat("default/", domain);
}

// "<release>\0" — the prefix of every key of one release.
inline std::string ReleasePrefix(absl::string_view release) {
  return absl::StrCat(release, absl::string_view("\0", 1));
}

// "<release>\1" — the exclusive end of the release's key range.
inline std::string ReleaseEnd(absl::string_view release) {
  return absl::StrCat(release, absl::string_view("\1", 1));
}

inline std::string ObjectKey(absl::string_view release, absl::string_view id) {
  return absl::StrCat(ReleasePrefix(release), id);
}

// "source_generation\0<source>": a source's generation (meta family). Kept
// when the source is deleted, so its generation never repeats.
inline std::string SourceGenerationKey(absl::string_view source) {
  return absl::StrCat(kMetaSourceGeneration, absl::string_view("\0", 1),
                      source);
}

inline std::string FileKey(absl::string_view source, absl::string_view path) {
  return absl::StrCat(source, absl::string_view("\0", 1), path);
}

// "<source>\0<path>\0": prefix of a file's rules.
inline std::string FileRulesPrefix(absl::string_view source,
                                   absl::string_view path) {
  return absl::StrCat(FileKey(source, path), absl::string_view("\0", 1));
}

inline std::string FileRulesEnd(absl::string_view source,
                                absl::string_view path) {
  return absl::StrCat(FileKey(source, path), absl::string_view("\1", 1));
}

inline std::string RuleKey(absl::string_view source, absl::string_view path,
                           int index) {
  std::string idx = std::to_string(index);
  return absl::StrCat(FileRulesPrefix(source, path),
                      std::string(idx.size() < 6 ? 6 - idx.size() : 0, '0'),
                      idx);
}

// True when `name` can be a <source>: 1 to 128 of [A-Za-z0-9._-].
bool ValidSourceName(absl::string_view name);

// OK when ValidSourceName(name); else kInvalidArgument "invalid source name
// '<name>': use letters, digits, '.', '_' or '-' (at most 128)".
absl::Status CheckSourceName(absl::string_view name);

}  // namespace cov::server::store

#endif  // COV_SERVER_STORE_SCHEMA_H_
