// Deleting an ATT&CK release: which defaults move. One pure function shared
// by RocksDbStore (rocksdb_lifecycle.cc, one WriteBatch) and MemoryStore, so
// both refuse and accept exactly the same deletions with the same messages.
//
//   ReleaseDefaults d{"enterprise-attack@18.1",
//                     {{"enterprise-attack", "enterprise-attack@18.1"}},
//                     {"enterprise-attack@17.1", "enterprise-attack@18.1"}};
//   absl::StatusOr<ReleaseDeletionPlan> plan = PlanReleaseDeletion(
//       d, "enterprise-attack@18.1", "enterprise-attack@17.1");
//   // plan->store_default == "enterprise-attack@17.1"
//
// Rules:
//  - a release that is no default is removed, nothing else changes;
//  - the store default needs `new_default` (another stored release): it
//    becomes the store default and its domain's default (as
//    SetDefaultRelease does);
//  - a domain's default, when the domain keeps other releases, needs
//    `new_default` in that domain (it becomes the domain default);
//  - a domain's default that is the domain's last release (and not the store
//    default) is removed with its domain-default record: nothing is left to
//    choose between.
#ifndef COV_SERVER_STORE_RELEASE_DELETION_H_
#define COV_SERVER_STORE_RELEASE_DELETION_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cov::server::store {

// The default records of a store and the keys of its releases.
struct ReleaseDefaults {
  std::string store_default;                           // "" when none
  std::map<std::string, std::string> domain_defaults;  // domain -> key
  std::vector<std::string> keys;                       // every stored release
};

// What a deletion writes besides removing the release's records.
struct ReleaseDeletionPlan {
  // New store default; empty: unchanged.
  std::string store_default;
  // Domain-default records to (over)write: domain -> key.
  std::map<std::string, std::string> set_domain_defaults;
  // Domain-default records to delete (the domain's last release goes).
  std::vector<std::string> erase_domain_defaults;
  // The release that took over a default ("" when none moved).
  std::string replacement;
};

// The plan for deleting `key` (a "<domain>@<version>" release key) with
// `new_default` ("" or a release key). Errors:
//  kNotFound "no ATT&CK release K in the store; stored: A, B" for an unknown
//    `key` or `new_default`;
//  kFailedPrecondition "K is the default release of the store; ..." or "K is
//    the default enterprise-attack release; ..." naming the releases that
//    could replace it and `--new_default`, when `new_default` is missing,
//    equals `key`, or is in the wrong domain.
absl::StatusOr<ReleaseDeletionPlan> PlanReleaseDeletion(
    const ReleaseDefaults& defaults, absl::string_view key,
    absl::string_view new_default);

// "enterprise-attack" of "enterprise-attack@18.1".
std::string DomainOfKey(absl::string_view key);

}  // namespace cov::server::store

#endif  // COV_SERVER_STORE_RELEASE_DELETION_H_
