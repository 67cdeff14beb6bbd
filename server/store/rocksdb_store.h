// RocksDB implementation of Store. Schema: schema.h.
//
//   absl::StatusOr<std::unique_ptr<RocksDbStore>> s = RocksDbStore::Open(dir);
//
// Only this package includes RocksDB headers.
#ifndef COV_SERVER_STORE_ROCKSDB_STORE_H_
#define COV_SERVER_STORE_ROCKSDB_STORE_H_

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/store/store.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class WriteBatch;
}  // namespace rocksdb

namespace cov::server::store {

class RocksDbStore final : public Store {
 public:
  // Opens (creating when missing) the store in `dir`. Fails with
  // kUnavailable when the directory is locked by another process or cannot
  // be written, kDataLoss on corruption, kFailedPrecondition when the store
  // was written by an incompatible schema version.
  static absl::StatusOr<std::unique_ptr<RocksDbStore>> Open(
      const std::string& dir);

  ~RocksDbStore() override;

  absl::Status PutRelease(const ReleaseRecords& records,
                          const cov::v1::Release& release,
                          bool make_default) override;
  absl::StatusOr<std::vector<cov::v1::Release>> ListReleases() const override;
  absl::StatusOr<StoredRelease> ResolveRelease(
      const cov::v1::ReleaseRef& ref) const override;
  absl::StatusOr<cov::v1::Release> SetDefaultRelease(
      const cov::v1::ReleaseRef& ref) override;
  absl::StatusOr<cov::v1::Technique> GetTechnique(
      absl::string_view release_key, absl::string_view id) const override;
  absl::StatusOr<cov::v1::Actor> GetActor(absl::string_view release_key,
                                          absl::string_view id) const override;
  absl::Status ForEachTechnique(
      absl::string_view release_key,
      const std::function<bool(const cov::v1::Technique&)>& fn) const override;
  absl::Status ForEachActor(
      absl::string_view release_key,
      const std::function<bool(const cov::v1::Actor&)>& fn) const override;
  absl::StatusOr<std::vector<cov::v1::Tactic>> ListTactics(
      absl::string_view release_key) const override;
  absl::StatusOr<std::vector<cov::v1::DataComponent>> ListDataComponents(
      absl::string_view release_key) const override;
  absl::StatusOr<std::vector<cov::v1::MitigationRef>> ListMitigations(
      absl::string_view release_key) const override;
  absl::Status ApplySourceUpdate(const SourceUpdate& update) override;
  absl::Status DeleteSource(absl::string_view name) override;
  absl::StatusOr<std::vector<cov::v1::Source>> ListSources() const override;
  absl::StatusOr<cov::v1::Source> GetSource(
      absl::string_view name) const override;
  absl::StatusOr<std::vector<cov::v1::IngestedFile>> ListFiles(
      absl::string_view source) const override;
  absl::Status ForEachRule(
      absl::string_view source,
      const std::function<bool(const cov::v1::Rule&)>& fn) const override;
  int64_t RulesGeneration() const override;
  absl::StatusOr<std::map<std::string, int64_t>> SourceGenerations()
      const override;
  absl::Status PutLibrary(const LibraryUpdate& update) override;
  absl::StatusOr<std::vector<cov::v1::Source>> ListLibrarySources()
      const override;
  absl::Status ForEachTest(
      const std::function<bool(absl::string_view technique,
                               const cov::v1::TestProcedure&)>& fn)
      const override;
  absl::Status ForEachPlan(
      const std::function<bool(const cov::v1::PlanResponse&)>& fn)
      const override;
  absl::StatusOr<std::string> NextExperimentId() override;
  absl::Status PutExperiment(const cov::v1::Experiment& e) override;
  absl::StatusOr<cov::v1::Experiment> GetExperiment(
      absl::string_view id) const override;
  absl::Status ForEachExperiment(
      const std::function<bool(const cov::v1::Experiment&)>& fn) const override;
  int64_t EvidenceGeneration() const override;
  int64_t LibraryGeneration() const override;
  int64_t ApproximateSizeBytes() const override;
  // Defined in rocksdb_lifecycle.cc.
  absl::StatusOr<cov::v1::Release> DeleteRelease(
      absl::string_view key, absl::string_view new_default) override;
  absl::StatusOr<cov::v1::Experiment> DeleteExperiment(
      absl::string_view id) override;
  // Defined in backup.cc.
  absl::StatusOr<cov::v1::BackupInfo> CreateBackup(
      const std::string& backup_dir, uint32_t keep) override;

 private:
  RocksDbStore() = default;

  rocksdb::ColumnFamilyHandle* cf(const char* name) const;
  // "releases=4 sources=5 rules=12873 library=2 experiments=3".
  std::string Summary() const;
  // Adds the rules-generation bump to `batch` (caller holds write_mu_),
  // and the bump of `source`'s generation unless `source` is empty (a
  // change of no one source, e.g. a release deleted).
  absl::Status BumpGeneration(rocksdb::WriteBatch* batch,
                              absl::string_view source = "");
  absl::Status WriteSynced(rocksdb::WriteBatch* batch, absl::string_view what);

  // Serialises rule-source writers: each computes its generation from the
  // stored one.
  absl::Mutex write_mu_;
  std::atomic<int64_t> evidence_generation_{0};
  std::atomic<int64_t> library_generation_{0};

  std::string dir_;
  rocksdb::DB* db_ = nullptr;
  std::vector<std::string> cf_names_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

}  // namespace cov::server::store

#endif  // COV_SERVER_STORE_ROCKSDB_STORE_H_
