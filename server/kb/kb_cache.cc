#include "server/kb/kb_cache.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace cov::server::kb {

absl::StatusOr<std::shared_ptr<const engine::KnowledgeBase>> KbCache::Get(
    const store::StoredRelease& release) {
  const std::string fingerprint = absl::StrCat(
      release.release.sha256(), "/", release.release.ingested_at_unix());
  // Loading holds the lock: a second caller waits for the first load rather
  // than loading the same release again.
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(release.key);
  if (it != entries_.end() && it->second.fingerprint == fingerprint) {
    return it->second.kb;
  }
  std::vector<cov::v1::Technique> techniques;
  absl::Status st =
      store_->ForEachTechnique(release.key, [&](const cov::v1::Technique& t) {
        techniques.push_back(t);
        return true;
      });
  if (!st.ok()) return st;
  std::vector<cov::v1::Actor> actors;
  st = store_->ForEachActor(release.key, [&](const cov::v1::Actor& a) {
    actors.push_back(a);
    return true;
  });
  if (!st.ok()) return st;
  auto tactics = store_->ListTactics(release.key);
  if (!tactics.ok()) return tactics.status();
  auto components = store_->ListDataComponents(release.key);
  if (!components.ok()) return components.status();
  auto mitigations = store_->ListMitigations(release.key);
  if (!mitigations.ok()) return mitigations.status();
  auto kb = std::make_shared<const engine::KnowledgeBase>(
      release.key, release.release, *std::move(tactics), std::move(techniques),
      std::move(actors), *std::move(components), *std::move(mitigations));
  entries_[release.key] = Entry{fingerprint, kb};
  return kb;
}

void KbCache::Evict(absl::string_view key) {
  absl::MutexLock lock(&mu_);
  entries_.erase(std::string(key));
}

std::vector<std::string> KbCache::CachedKeys() {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> out;
  for (const auto& [key, entry] : entries_) out.push_back(key);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace cov::server::kb
