// An in-memory Store for unit tests of the layers above the store (kb,
// rules, check, experiments, service): the same contract as RocksDbStore
// (store.h) without durability, so those packages are tested without disk.
//
//   store::MemoryStore store;
//   ASSERT_TRUE(store.PutRelease(records, release, false).ok());
//   kb::Models models(&store);
//
// Thread-safety: every method takes one mutex, so reads see either all of a
// write or none of it (the store.h snapshot promise). CreateBackup answers
// kUnimplemented (backups are RocksDB's). ApproximateSizeBytes is the summed
// serialized size of the records held.
#ifndef COV_SERVER_STORE_MEMORY_STORE_H_
#define COV_SERVER_STORE_MEMORY_STORE_H_

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "server/store/store.h"
#include "server/store/store_factory.h"

namespace cov::server::store {

class MemoryStore final : public Store {
 public:
  MemoryStore() = default;

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
  absl::StatusOr<cov::v1::Release> DeleteRelease(
      absl::string_view key, absl::string_view new_default) override;
  absl::StatusOr<cov::v1::Experiment> DeleteExperiment(
      absl::string_view id) override;

  // kUnimplemented: backups need the RocksDB store.
  absl::StatusOr<cov::v1::BackupInfo> CreateBackup(
      const std::string& backup_dir, uint32_t keep) override;

 private:
  struct Release {
    cov::v1::Release release;
    std::vector<cov::v1::Tactic> tactics;                  // kill-chain order
    std::map<std::string, cov::v1::Technique> techniques;  // upper-case ID
    std::map<std::string, cov::v1::Actor> actors;
    std::map<std::string, cov::v1::DataComponent> components;
    std::map<std::string, cov::v1::MitigationRef> mitigations;
  };
  struct File {
    cov::v1::IngestedFile record;
    std::vector<cov::v1::Rule> rules;
  };
  struct Library {
    cov::v1::Source source;
    std::vector<std::pair<std::string, cov::v1::TestProcedure>> tests;
    std::vector<cov::v1::PlanResponse> plans;
  };

  // The release of `key`; kNotFound when absent.
  absl::StatusOr<const Release*> Find(absl::string_view key) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  absl::StatusOr<StoredRelease> ResolveLocked(
      const cov::v1::ReleaseRef& ref) const ABSL_SHARED_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  std::map<std::string, Release> releases_ ABSL_GUARDED_BY(mu_);
  std::string default_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> domain_defaults_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, cov::v1::Source> sources_ ABSL_GUARDED_BY(mu_);
  // (source, path) -> file record and its rules.
  std::map<std::pair<std::string, std::string>, File> files_
      ABSL_GUARDED_BY(mu_);
  std::map<std::string, Library> libraries_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, cov::v1::Experiment> experiments_ ABSL_GUARDED_BY(mu_);
  int64_t experiment_seq_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t rules_generation_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::string, int64_t> source_generations_ ABSL_GUARDED_BY(mu_);
  int64_t evidence_generation_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t library_generation_ ABSL_GUARDED_BY(mu_) = 0;
};

// Opens a new, empty MemoryStore for every directory (nothing is kept
// between opens). There are no backups: ListBackups and FindBackup answer
// kNotFound, RestoreBackup kUnimplemented.
class MemoryStoreFactory final : public FunctionStoreFactory {
 public:
  MemoryStoreFactory();
};

}  // namespace cov::server::store

#endif  // COV_SERVER_STORE_MEMORY_STORE_H_
