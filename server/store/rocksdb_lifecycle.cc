// RocksDbStore::DeleteRelease and DeleteExperiment: removals of whole
// records, each one synced WriteBatch (the default rules are in
// release_deletion.h).
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "server/store/release_deletion.h"
#include "server/store/rocksdb_status.h"
#include "server/store/rocksdb_store.h"
#include "server/store/schema.h"

namespace cov::server::store {
namespace {

// The release families: every key of release R is in ["R\0", "R\1").
const char* const kReleaseFamilies[] = {kCfTactics, kCfTechniques, kCfActors,
                                        kCfComponents, kCfMitigations};

}  // namespace

absl::StatusOr<cov::v1::Release> RocksDbStore::DeleteRelease(
    absl::string_view key, absl::string_view new_default) {
  // Serialised with the other writers that read-modify-write meta records.
  absl::MutexLock lock(&write_mu_);
  rocksdb::ReadOptions ro;
  ro.snapshot = db_->GetSnapshot();
  struct SnapshotGuard {
    ~SnapshotGuard() { db->ReleaseSnapshot(snapshot); }
    rocksdb::DB* db;
    const rocksdb::Snapshot* snapshot;
  } snapshot_guard{db_, ro.snapshot};

  ReleaseDefaults defaults;
  cov::v1::Release deleted;
  {
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(ro, cf(kCfReleases)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      defaults.keys.emplace_back(it->key().data(), it->key().size());
      if (it->key() == rocksdb::Slice(key.data(), key.size()) &&
          !deleted.ParseFromArray(it->value().data(),
                                  static_cast<int>(it->value().size()))) {
        return absl::DataLossError(
            absl::StrCat("release record ", key, " is corrupt"));
      }
    }
    absl::Status st = RocksToAbsl(it->status(), "listing releases");
    if (!st.ok()) return st;
  }
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf(kCfMeta)));
    for (it->Seek(kMetaDefault); it->Valid(); it->Next()) {
      absl::string_view k(it->key().data(), it->key().size());
      if (!absl::StartsWith(k, kMetaDefault)) break;
      std::string v(it->value().data(), it->value().size());
      if (k == kMetaDefault) {
        defaults.store_default = v;
      } else if (absl::StartsWith(k, "default/")) {
        defaults.domain_defaults[std::string(k.substr(8))] = v;
      }
    }
    absl::Status st = RocksToAbsl(it->status(), "reading defaults");
    if (!st.ok()) return st;
  }
  absl::StatusOr<ReleaseDeletionPlan> plan =
      PlanReleaseDeletion(defaults, key, new_default);
  if (!plan.ok()) return plan.status();

  rocksdb::WriteBatch batch;
  const std::string begin = ReleasePrefix(key);
  const std::string end = ReleaseEnd(key);
  absl::Status st;
  for (const char* family : kReleaseFamilies) {
    st = RocksToAbsl(batch.DeleteRange(cf(family), begin, end),
                     "preparing batch");
    if (!st.ok()) return st;
  }
  st = RocksToAbsl(
      batch.Delete(cf(kCfReleases), rocksdb::Slice(key.data(), key.size())),
      "preparing batch");
  if (!st.ok()) return st;
  if (!plan->store_default.empty()) {
    st = RocksToAbsl(batch.Put(cf(kCfMeta), kMetaDefault, plan->store_default),
                     "preparing batch");
    if (!st.ok()) return st;
  }
  for (const auto& [domain, k] : plan->set_domain_defaults) {
    st = RocksToAbsl(batch.Put(cf(kCfMeta), DomainDefaultKey(domain), k),
                     "preparing batch");
    if (!st.ok()) return st;
  }
  for (const std::string& domain : plan->erase_domain_defaults) {
    st = RocksToAbsl(batch.Delete(cf(kCfMeta), DomainDefaultKey(domain)),
                     "preparing batch");
    if (!st.ok()) return st;
  }
  // Rule indexes resolve references against the other domains' defaults:
  // a new generation makes every cache of rule data rebuild.
  st = BumpGeneration(&batch);
  if (!st.ok()) return st;
  st = WriteSynced(&batch, absl::StrCat("deleting release ", key));
  if (!st.ok()) return st;
  deleted.set_is_default(defaults.store_default == key);
  return deleted;
}

absl::StatusOr<cov::v1::Experiment> RocksDbStore::DeleteExperiment(
    absl::string_view id) {
  absl::MutexLock lock(&write_mu_);
  std::string bytes;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf(kCfExperiments),
                               rocksdb::Slice(id.data(), id.size()), &bytes);
  if (s.IsNotFound()) {
    return absl::NotFoundError(absl::StrCat("no experiment '", id, "'"));
  }
  if (!s.ok()) return RocksToAbsl(s, absl::StrCat("reading experiment ", id));
  cov::v1::Experiment out;
  if (!out.ParseFromString(bytes)) {
    return absl::DataLossError(absl::StrCat("experiment ", id, " is corrupt"));
  }
  rocksdb::WriteBatch batch;
  absl::Status st = RocksToAbsl(
      batch.Delete(cf(kCfExperiments), rocksdb::Slice(id.data(), id.size())),
      "preparing batch");
  if (!st.ok()) return st;
  st = WriteSynced(&batch, absl::StrCat("deleting experiment ", id));
  if (!st.ok()) return st;
  ++evidence_generation_;
  return out;
}

}  // namespace cov::server::store
