#include "server/store/release_deletion.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace cov::server::store {
namespace {

bool Stored(const ReleaseDefaults& d, absl::string_view key) {
  return std::find(d.keys.begin(), d.keys.end(), key) != d.keys.end();
}

absl::Status Unknown(const ReleaseDefaults& d, absl::string_view key) {
  return absl::NotFoundError(
      absl::StrCat("no ATT&CK release ", key, " in the store; stored: ",
                   d.keys.empty() ? "none" : absl::StrJoin(d.keys, ", ")));
}

// The stored releases other than `key`, optionally only of `domain`.
std::vector<std::string> Others(const ReleaseDefaults& d, absl::string_view key,
                                absl::string_view domain) {
  std::vector<std::string> out;
  for (const std::string& k : d.keys) {
    if (k != key && (domain.empty() || DomainOfKey(k) == domain)) {
      out.push_back(k);
    }
  }
  return out;
}

absl::Status NeedsReplacement(absl::string_view key, absl::string_view what,
                              const std::vector<std::string>& candidates) {
  return absl::FailedPreconditionError(absl::StrCat(
      key, " is the default ", what,
      "; name the release that replaces it with --new_default (",
      candidates.empty()
          ? "none stored: ingest another release first"
          : absl::StrCat("stored: ", absl::StrJoin(candidates, ", ")),
      "), or make another release the default first (cov default)"));
}

}  // namespace

std::string DomainOfKey(absl::string_view key) {
  return std::string(key.substr(0, key.find('@')));
}

absl::StatusOr<ReleaseDeletionPlan> PlanReleaseDeletion(
    const ReleaseDefaults& defaults, absl::string_view key,
    absl::string_view new_default) {
  if (!Stored(defaults, key)) return Unknown(defaults, key);
  const std::string domain = DomainOfKey(key);
  const bool store_default = defaults.store_default == key;
  auto dd = defaults.domain_defaults.find(domain);
  const bool domain_default =
      dd != defaults.domain_defaults.end() && dd->second == key;
  const std::vector<std::string> same_domain = Others(defaults, key, domain);
  ReleaseDeletionPlan plan;
  if (!store_default && !domain_default) return plan;
  if (!store_default && same_domain.empty()) {
    // The domain's last release: the domain leaves the store with it.
    plan.erase_domain_defaults.push_back(domain);
    return plan;
  }
  const std::vector<std::string> candidates =
      store_default ? Others(defaults, key, "") : same_domain;
  const std::string what =
      store_default ? "release of the store" : absl::StrCat(domain, " release");
  if (new_default.empty() || new_default == key) {
    return NeedsReplacement(key, what, candidates);
  }
  if (!Stored(defaults, new_default)) return Unknown(defaults, new_default);
  const std::string new_domain = DomainOfKey(new_default);
  if (domain_default && !same_domain.empty() && new_domain != domain) {
    return absl::FailedPreconditionError(absl::StrCat(
        key, " is the default ", domain, " release and ", domain,
        " keeps other releases; --new_default must be one of them (stored: ",
        absl::StrJoin(same_domain, ", "), "), not ", new_default));
  }
  plan.replacement = std::string(new_default);
  if (store_default) plan.store_default = std::string(new_default);
  // The replacement becomes its domain's default (SetDefaultRelease's rule
  // for a store default; the deleted domain default's place otherwise).
  plan.set_domain_defaults[new_domain] = std::string(new_default);
  if (domain_default && same_domain.empty()) {
    plan.erase_domain_defaults.push_back(domain);
  }
  return plan;
}

}  // namespace cov::server::store
