// The store covd serves, replaceable while serving: backups, live restores
// and replica mode. No gRPC here; the service (cov_service.h) asks it for
// the current store on every call.
//
//   store::RocksDbStoreFactory factory;
//   LiveStore::Options o;
//   o.db_dir = "/var/lib/cov";
//   o.snapshot_from = "/snapshots";   // replica: serve the latest backup
//   absl::StatusOr<std::unique_ptr<LiveStore>> live =
//       LiveStore::Open(o, &factory);
//   std::shared_ptr<LiveStore::Serving> s = (*live)->Current();
//   kb::Coverage(s->backend->models, request);
//   (*live)->Restore(request);        // SIGHUP: reload the latest backup
//
// Every call holds the Serving it started on by shared_ptr (no lock is
// held while it runs, so the handler and the interceptors it triggers can
// take their own locks). A
// restore prepares the new store beside the old one and swaps the pointer; a
// request in flight always completes on the store it started on, and the old
// store is closed once its last request let go. A request arriving while a
// primary's folders are swapped waits for it (never fails).
//
// Two modes:
//  - primary (no snapshot_from): `db_dir` is the RocksDB store. A restore
//    closes it, moves it aside to "<db_dir>.pre-restore-<time>" (kept: a
//    restore never loses what was stored before) and moves the restored copy
//    into place; new requests wait for that close/open (pause_ms).
//  - replica (snapshot_from set): `db_dir` is a work folder holding one
//    "snapshot-<id>" store restored from the backup directory. Write RPCs
//    answer FAILED_PRECONDITION (ingest on the primary, then publish). A
//    reload restores the newer backup into a second folder, opens it and
//    swaps pointers, so the pause is only the pointer swap; the old folder
//    is deleted afterwards.
#ifndef COV_SERVER_SERVICE_LIVE_STORE_H_
#define COV_SERVER_SERVICE_LIVE_STORE_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "cov/v1/admin.pb.h"
#include "server/auth/path_policy.h"
#include "server/service/backend.h"
#include "server/store/store.h"
#include "server/store/store_factory.h"

namespace cov::server::service {

class LiveStore {
 public:
  struct Options {
    // covd --db: the store (primary) or the replica's work folder.
    std::string db_dir;
    // covd --snapshot_from: a backup directory; set = replica mode.
    std::string snapshot_from;
    // covd --backup_root: where CreateBackup/ListBackups/RestoreBackup may
    // point; null or rootless = anywhere. Must outlive the service.
    const auth::PathPolicy* backup_policy = nullptr;
    // covd --ingest_root: which server-side paths ingest, replay and scan
    // RPCs may read (auth::PathPolicy::Checker()); empty: any.
    auth::PathCheck ingest_path_check;
    // covd --ingest_nice: ingest parse threads run at this nice value
    // (0-19) so reads served meanwhile get the cores first.
    int ingest_nice = 0;
  };

  // What one call runs on: a store and its backend.
  struct Serving {
    std::unique_ptr<store::Store> store;
    std::unique_ptr<Backend> backend;
    std::string dir;             // where `store` lives
    std::string backup_dir;      // backup it came from ("" for own store)
    cov::v1::BackupInfo backup;  // backup_id 0 for own store
  };

  // Opens the store through `factory` (must outlive the LiveStore). Replica
  // mode: removes stale "snapshot-*" folders in db_dir, restores the latest
  // backup of snapshot_from and serves it; when snapshot_from holds no backup
  // yet, serves an empty store (not ready) until a reload finds one. Refuses a
  // db_dir that is itself a RocksDB store in replica mode (it would be a
  // primary's store).
  static absl::StatusOr<std::unique_ptr<LiveStore>> Open(
      const Options& options, const store::StoreFactory* factory);

  ~LiveStore();

  // The store to use for one call: waits while a primary's folders are
  // swapped; null when a failed restore left nothing to serve.
  std::shared_ptr<Serving> Current() const;

  // The CreateBackup RPC's work: a backup of the current store into
  // request.backup_dir (after --backup_root), then the directory's backups.
  // A replica refuses its own --snapshot_from directory.
  absl::StatusOr<cov::v1::CreateBackupResponse> CreateBackup(
      const cov::v1::CreateBackupRequest& request);

  // The ListBackups RPC's work (empty backup_dir: --snapshot_from).
  absl::StatusOr<cov::v1::ListBackupsResponse> ListBackups(
      const cov::v1::ListBackupsRequest& request) const;

  // The RestoreBackup RPC's work, also called on SIGHUP with
  // only_if_newer set. One restore runs at a time; on any error the served
  // store is unchanged. Logs one line with the outcome.
  absl::StatusOr<cov::v1::RestoreBackupResponse> Restore(
      const cov::v1::RestoreBackupRequest& request);

  // Runs `fn` on the current store (null only after a failed restore left
  // nothing to serve); the store stays open until `fn` returns. For metrics
  // and readiness; a primary's swap waits for `fn`.
  void WithStore(const std::function<void(store::Store*)>& fn) const;

  bool replica() const { return !options_.snapshot_from.empty(); }
  const std::string& snapshot_from() const { return options_.snapshot_from; }
  // The backup served (backup_id 0 when none: a primary's own store, or a
  // replica that found no backup yet).
  cov::v1::BackupInfo served_backup() const;

 private:
  LiveStore(const Options& options, const store::StoreFactory* factory);
  // Restore without the log line.
  absl::StatusOr<cov::v1::RestoreBackupResponse> DoRestore(
      const cov::v1::RestoreBackupRequest& request);
  // Takes the store out of service: new calls wait (Current) until Install.
  std::shared_ptr<Serving> Withdraw();
  void Install(std::shared_ptr<Serving> serving);
  absl::StatusOr<std::shared_ptr<Serving>> OpenServing(
      const std::string& dir) const;
  absl::StatusOr<std::shared_ptr<Serving>> RestoreReplicaSnapshot(
      const std::string& backup_dir, uint32_t backup_id);
  absl::Status SwapPrimary(const std::string& incoming,
                           const std::string& backup_dir,
                           const cov::v1::BackupInfo& backup,
                           std::string* previous, double* pause_ms);
  // The backup directory a request names, after --backup_root; empty
  // means --snapshot_from (kInvalidArgument on a primary).
  absl::StatusOr<std::string> ResolveBackupDir(
      const std::string& requested) const;

  const Options options_;
  const store::StoreFactory* factory_;
  // Serialises restores (a restore takes seconds; the swap is short).
  absl::Mutex restore_mu_;
  // Guards the pointer only; never held while a call runs.
  mutable absl::Mutex mu_;
  std::shared_ptr<Serving> serving_ ABSL_GUARDED_BY(mu_);
  // False from Withdraw to Install (a primary's folder swap).
  bool installed_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace cov::server::service

#endif  // COV_SERVER_SERVICE_LIVE_STORE_H_
