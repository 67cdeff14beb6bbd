#include "server/kb/release_lifecycle.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/store/schema.h"

namespace cov::server::kb {
namespace {

std::string Named(const cov::v1::ReleaseRef& ref) {
  if (ref.domain().empty()) return ref.version();
  return absl::StrCat(ref.domain(), "@", ref.version());
}

// The stored key `ref` names. An empty store is NOT_FOUND here (there is
// nothing to delete), not "load a release first".
absl::StatusOr<std::string> KeyOf(const store::Store& store,
                                  const cov::v1::ReleaseRef& ref) {
  absl::StatusOr<store::StoredRelease> r = store.ResolveRelease(ref);
  if (absl::IsFailedPrecondition(r.status())) {
    return absl::NotFoundError(absl::StrCat("no ATT&CK release ", Named(ref),
                                            " in the store; stored: none"));
  }
  if (!r.ok()) return r.status();
  return r->key;
}

}  // namespace

absl::StatusOr<cov::v1::DeleteReleaseResponse> DeleteRelease(
    Models& models, const cov::v1::DeleteReleaseRequest& request) {
  if (request.release().version().empty()) {
    return absl::InvalidArgumentError(
        "name the release to remove as DOMAIN@VERSION (e.g. "
        "enterprise-attack@17.1) or VERSION");
  }
  store::Store& store = *models.store();
  absl::StatusOr<std::string> key = KeyOf(store, request.release());
  if (!key.ok()) return key.status();
  std::string new_default;
  const cov::v1::ReleaseRef& nd = request.new_default();
  if (!nd.domain().empty() || !nd.version().empty()) {
    if (nd.version().empty()) {
      return absl::InvalidArgumentError(
          "name the new default as DOMAIN@VERSION or VERSION");
    }
    absl::StatusOr<std::string> k = KeyOf(store, nd);
    if (!k.ok()) return k.status();
    new_default = *std::move(k);
  }
  absl::StatusOr<cov::v1::Release> deleted =
      store.DeleteRelease(*key, new_default);
  if (!deleted.ok()) return deleted.status();
  models.ForgetRelease(*key);

  cov::v1::DeleteReleaseResponse out;
  *out.mutable_release() = *std::move(deleted);
  absl::StatusOr<std::vector<cov::v1::Release>> remaining =
      store.ListReleases();
  if (!remaining.ok()) return remaining.status();
  for (cov::v1::Release& r : *remaining) {
    const bool replacement =
        !new_default.empty() &&
        store::ReleaseKey(r.domain(), r.version()) == new_default;
    if (replacement &&
        (out.release().is_default() || r.domain() == out.release().domain())) {
      *out.mutable_new_default() = r;
    }
    *out.add_remaining() = std::move(r);
  }
  return out;
}

}  // namespace cov::server::kb
