// The cov store interface: ATT&CK releases (and, later, rules and evidence)
// kept durably. The query engine and the server see only this interface; the
// RocksDB implementation is in rocksdb_store.h.
//
// Thread-safety: all methods are safe to call concurrently. Reads see a
// consistent snapshot of one moment: never half of an ingest.
//
// Errors: kNotFound for unknown releases or IDs, kFailedPrecondition when no
// release is stored yet, kDataLoss for corrupt records, kUnavailable for I/O
// problems, kInternal for broken invariants.
#ifndef COV_SERVER_STORE_STORE_H_
#define COV_SERVER_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cov/v1/admin.pb.h"
#include "cov/v1/attack.pb.h"
#include "cov/v1/emulation.pb.h"
#include "cov/v1/rules.pb.h"
#include "server/store/release_records.h"

namespace cov::server::store {

// A release as stored, with the key other calls take.
struct StoredRelease {
  std::string key;  // "enterprise-attack@18.1"
  cov::v1::Release release;
};

// One atomic change to a rule source, computed by the ingest driver.
struct SourceUpdate {
  // The source record to store (counts, commit, ingest time).
  cov::v1::Source source;
  // Files no longer present: their records and rules are deleted.
  std::vector<std::string> removed_files;
  // Files (re)parsed: record and rules replace the stored ones.
  struct ChangedFile {
    cov::v1::IngestedFile file;
    std::vector<cov::v1::Rule> rules;
  };
  std::vector<ChangedFile> changed_files;
  // Files whose bytes did not change but whose size/mtime record did.
  std::vector<cov::v1::IngestedFile> touched_files;
};

// The whole content of one test-procedure source (Atomic Red Team atomics
// or CTID plans), replaced atomically on each ingest.
struct LibraryUpdate {
  cov::v1::Source source;
  std::vector<std::pair<std::string, cov::v1::TestProcedure>>
      tests;                                 // technique, test
  std::vector<cov::v1::PlanResponse> plans;  // subject = plan name
};

class Store {
 public:
  virtual ~Store() = default;

  // Replaces (or adds) the release `release.domain()@version()` with
  // `records`, atomically; the records are read during the call only.
  // `release` carries the counts and storage fields (sha256, source_file,
  // ingested_at_unix). The first release stored becomes the default;
  // `make_default` makes this one the default of the store and of its
  // domain. kInvalidArgument when `release` has no domain or version. On
  // error nothing changes.
  virtual absl::Status PutRelease(const ReleaseRecords& records,
                                  const cov::v1::Release& release,
                                  bool make_default) = 0;

  // All releases, sorted by key, with is_default set.
  virtual absl::StatusOr<std::vector<cov::v1::Release>> ListReleases()
      const = 0;

  // Picks a release: empty ref -> the store default; domain only -> that
  // domain's default; version only -> that version in the default domain
  // (else in any domain). kFailedPrecondition when nothing is stored,
  // kNotFound naming the stored releases otherwise.
  virtual absl::StatusOr<StoredRelease> ResolveRelease(
      const cov::v1::ReleaseRef& ref) const = 0;

  // Makes a stored release the default of the store and of its domain.
  virtual absl::StatusOr<cov::v1::Release> SetDefaultRelease(
      const cov::v1::ReleaseRef& ref) = 0;

  // One technique by upper-case ID. kNotFound when the release lacks it.
  virtual absl::StatusOr<cov::v1::Technique> GetTechnique(
      absl::string_view release_key, absl::string_view id) const = 0;

  // One group, software or campaign by upper-case ID.
  virtual absl::StatusOr<cov::v1::Actor> GetActor(
      absl::string_view release_key, absl::string_view id) const = 0;

  // Visitors over one release, in key order, from one snapshot. A visitor
  // returning false stops the walk early (not an error).
  virtual absl::Status ForEachTechnique(
      absl::string_view release_key,
      const std::function<bool(const cov::v1::Technique&)>& fn) const = 0;
  virtual absl::Status ForEachActor(
      absl::string_view release_key,
      const std::function<bool(const cov::v1::Actor&)>& fn) const = 0;
  virtual absl::StatusOr<std::vector<cov::v1::Tactic>> ListTactics(
      absl::string_view release_key) const = 0;
  virtual absl::StatusOr<std::vector<cov::v1::DataComponent>>
  ListDataComponents(absl::string_view release_key) const = 0;
  virtual absl::StatusOr<std::vector<cov::v1::MitigationRef>> ListMitigations(
      absl::string_view release_key) const = 0;

  // Rule sources ---------------------------------------------------------

  // Applies `update` atomically (one WriteBatch) and bumps the rules
  // generation. kInvalidArgument for an invalid source name.
  virtual absl::Status ApplySourceUpdate(const SourceUpdate& update) = 0;

  // Deletes a source, its files and rules atomically. kNotFound if absent.
  virtual absl::Status DeleteSource(absl::string_view name) = 0;

  // Sources sorted by name.
  virtual absl::StatusOr<std::vector<cov::v1::Source>> ListSources() const = 0;

  // kNotFound when absent.
  virtual absl::StatusOr<cov::v1::Source> GetSource(
      absl::string_view name) const = 0;

  // File records of a source, by path (the "" record first when present).
  virtual absl::StatusOr<std::vector<cov::v1::IngestedFile>> ListFiles(
      absl::string_view source) const = 0;

  // Rules of one source (or all when `source` is empty), in key order, from
  // one snapshot.
  virtual absl::Status ForEachRule(
      absl::string_view source,
      const std::function<bool(const cov::v1::Rule&)>& fn) const = 0;

  // Increases with every ApplySourceUpdate/DeleteSource/DeleteRelease; lets
  // caches of rule data know when to rebuild.
  virtual int64_t RulesGeneration() const = 0;

  // The generation of every rule source that was ever written: a source's
  // entry increases with every ApplySourceUpdate or DeleteSource of that
  // source only (a deleted source keeps its entry, so a re-created source
  // never repeats a generation), so caches of per-source rule data rebuild
  // only the sources that changed. Read it after RulesGeneration() and
  // before the rules: the rules read are then at least as new as it says.
  // Persistent where the store is (RocksDB: meta "source_generation\0<s>").
  virtual absl::StatusOr<std::map<std::string, int64_t>> SourceGenerations()
      const = 0;

  // Test procedures, plans, experiments ------------------------------------

  // Replaces a library source and everything it held, atomically.
  virtual absl::Status PutLibrary(const LibraryUpdate& update) = 0;
  virtual absl::StatusOr<std::vector<cov::v1::Source>> ListLibrarySources()
      const = 0;
  // Every stored test, with the technique it tests (key order).
  virtual absl::Status ForEachTest(
      const std::function<bool(absl::string_view technique,
                               const cov::v1::TestProcedure&)>& fn) const = 0;
  virtual absl::Status ForEachPlan(
      const std::function<bool(const cov::v1::PlanResponse&)>& fn) const = 0;

  // A new experiment ID ("EXP-000001", ...), unique for the store's life.
  virtual absl::StatusOr<std::string> NextExperimentId() = 0;
  // Writes (creates or replaces) an experiment record, synced.
  virtual absl::Status PutExperiment(const cov::v1::Experiment& e) = 0;
  // kNotFound when absent.
  virtual absl::StatusOr<cov::v1::Experiment> GetExperiment(
      absl::string_view id) const = 0;
  virtual absl::Status ForEachExperiment(
      const std::function<bool(const cov::v1::Experiment&)>& fn) const = 0;
  // Increases with every experiment write (for evidence caches).
  virtual int64_t EvidenceGeneration() const = 0;
  // Increases with every PutLibrary (for test/plan caches).
  virtual int64_t LibraryGeneration() const = 0;

  // Lifecycle (release_deletion.h has the default rules) ------------------

  // Removes release `key` ("enterprise-attack@17.1") and every record of it
  // (tactics, techniques, actors, components, mitigations, its releases
  // record) in one atomic, synced write, moving the defaults as
  // PlanReleaseDeletion says (`new_default`: "" or another release key), and
  // bumps the rules generation (rule indexes resolve references against the
  // releases). Answers the release as it was (is_default as it was).
  // kNotFound naming the stored releases for an unknown `key` or
  // `new_default`; kFailedPrecondition (naming --new_default) when a default
  // would be left without a replacement. On error nothing changes.
  virtual absl::StatusOr<cov::v1::Release> DeleteRelease(
      absl::string_view key, absl::string_view new_default) = 0;

  // Removes an experiment and all its results, synced; bumps the evidence
  // generation. Answers the record as it was. kNotFound ("no experiment
  // 'X'") when absent.
  virtual absl::StatusOr<cov::v1::Experiment> DeleteExperiment(
      absl::string_view id) = 0;

  // Approximate on-disk size, in bytes.
  virtual int64_t ApproximateSizeBytes() const = 0;

  // Administration ---------------------------------------------------------

  // Takes a consistent backup of the whole store into `backup_dir` (created
  // when missing) while reads and writes go on: the backup holds every write
  // acknowledged before it started and possibly some later ones, never part
  // of one. Then deletes all but the newest `keep` backups (0: none). The
  // summary names what the store held when the backup started.
  // kUnavailable for I/O errors (nothing is left half-written: an
  // interrupted backup is not listed and is cleaned up by the next one).
  virtual absl::StatusOr<cov::v1::BackupInfo> CreateBackup(
      const std::string& backup_dir, uint32_t keep) = 0;
};

}  // namespace cov::server::store

#endif  // COV_SERVER_STORE_STORE_H_
