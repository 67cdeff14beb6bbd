#include "server/service/live_store.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/observability/log.h"

namespace cov::server::service {
namespace {

namespace fs = std::filesystem;
using observability::Log;

constexpr char kSnapshotPrefix[] = "snapshot-";

// "20261126T031500.123" (UTC): sortable, unique enough for folder names.
std::string TimeTag() {
  return absl::FormatTime("%Y%m%dT%H%M%E3S", absl::Now(), absl::UTCTimeZone());
}

double MsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now() - t0)
      .count();
}

bool IsRocksDbStore(const std::string& dir) {
  std::error_code ec;
  return fs::exists(fs::path(dir) / "CURRENT", ec);
}

// Blocks until no call holds `s` any more (calls are short; an ingest may
// take seconds).
template <typename T>
void WaitUnused(const std::shared_ptr<T>& s) {
  while (s.use_count() > 1) absl::SleepFor(absl::Milliseconds(1));
}

}  // namespace

LiveStore::LiveStore(const Options& options, const store::StoreFactory* factory)
    : options_(options), factory_(factory) {}

LiveStore::~LiveStore() = default;

absl::StatusOr<std::shared_ptr<LiveStore::Serving>> LiveStore::OpenServing(
    const std::string& dir) const {
  std::error_code ec;
  fs::create_directories(fs::path(dir).parent_path(), ec);
  auto opened = factory_->Open(dir);
  if (!opened.ok()) return opened.status();
  auto serving = std::make_shared<Serving>();
  serving->store = *std::move(opened);
  serving->backend = std::make_unique<Backend>(serving->store.get(),
                                               options_.ingest_path_check);
  serving->backend->ingest_nice = options_.ingest_nice;
  serving->dir = dir;
  return serving;
}

absl::StatusOr<std::unique_ptr<LiveStore>> LiveStore::Open(
    const Options& options, const store::StoreFactory* factory) {
  if (options.db_dir.empty()) {
    return absl::InvalidArgumentError("the store directory is empty");
  }
  std::unique_ptr<LiveStore> live(new LiveStore(options, factory));
  if (!live->replica()) {
    auto serving = live->OpenServing(options.db_dir);
    if (!serving.ok()) return serving.status();
    live->Install(*std::move(serving));
    return live;
  }

  // Replica: db_dir is our own work folder, never a store of its own.
  if (IsRocksDbStore(options.db_dir)) {
    return absl::FailedPreconditionError(absl::StrCat(
        options.db_dir,
        " holds a store; with --snapshot_from, --db must be a work folder of "
        "the replica's own (its snapshot-* folders are replaced)"));
  }
  std::error_code ec;
  fs::create_directories(options.db_dir, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot create ", options.db_dir, ": ", ec.message()));
  }
  for (const auto& entry : fs::directory_iterator(options.db_dir, ec)) {
    if (absl::StartsWith(entry.path().filename().string(), kSnapshotPrefix)) {
      fs::remove_all(entry.path(), ec);
    }
  }
  auto backups = factory->ListBackups(options.snapshot_from);
  std::shared_ptr<Serving> serving;
  if (absl::IsNotFound(backups.status())) {
    // Nothing published yet: serve an empty store (not ready) and wait for
    // a reload.
    Log("%s; serving an empty store until a reload",
        backups.status().message());
    auto empty = live->OpenServing(
        (fs::path(options.db_dir) / absl::StrCat(kSnapshotPrefix, "0-empty"))
            .string());
    if (!empty.ok()) return empty.status();
    serving = *std::move(empty);
  } else if (!backups.ok()) {
    return backups.status();
  } else {
    auto restored = live->RestoreReplicaSnapshot(options.snapshot_from,
                                                 backups->back().backup_id());
    if (!restored.ok()) return restored.status();
    serving = *std::move(restored);
  }
  live->Install(std::move(serving));
  return live;
}

std::shared_ptr<LiveStore::Serving> LiveStore::Current() const {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(&installed_));
  return serving_;
}

std::shared_ptr<LiveStore::Serving> LiveStore::Withdraw() {
  absl::MutexLock lock(&mu_);
  installed_ = false;
  return std::move(serving_);
}

void LiveStore::Install(std::shared_ptr<Serving> serving) {
  absl::MutexLock lock(&mu_);
  serving_ = std::move(serving);
  installed_ = true;
}

absl::StatusOr<std::shared_ptr<LiveStore::Serving>>
LiveStore::RestoreReplicaSnapshot(const std::string& backup_dir,
                                  uint32_t backup_id) {
  // The folder name is unique even when the same backup is restored twice.
  const std::string target =
      (fs::path(options_.db_dir) /
       absl::StrCat(kSnapshotPrefix, backup_id, "-", TimeTag()))
          .string();
  auto restored = factory_->RestoreBackup(backup_dir, backup_id, target);
  if (!restored.ok()) return restored.status();
  auto serving = OpenServing(target);
  if (!serving.ok()) {
    std::error_code ec;
    fs::remove_all(target, ec);
    return serving.status();
  }
  (*serving)->backup_dir = backup_dir;
  (*serving)->backup = *restored;
  // Warm before the swap: requests never pay for building the new models.
  if (absl::Status warm = (*serving)->backend->models.Warm(); !warm.ok()) {
    Log("warming snapshot %s: %s", target, warm.ToString());
  }
  return serving;
}

absl::StatusOr<std::string> LiveStore::ResolveBackupDir(
    const std::string& requested) const {
  if (requested.empty()) {
    if (options_.snapshot_from.empty()) {
      return absl::InvalidArgumentError(
          "backup_dir is required (this server has no --snapshot_from)");
    }
    return options_.snapshot_from;  // configured by the operator: trusted
  }
  if (options_.backup_policy != nullptr) {
    if (absl::Status ok = options_.backup_policy->Check(requested); !ok.ok()) {
      return ok;
    }
  }
  return requested;
}

absl::StatusOr<cov::v1::RestoreBackupResponse> LiveStore::Restore(
    const cov::v1::RestoreBackupRequest& request) {
  absl::StatusOr<cov::v1::RestoreBackupResponse> done = DoRestore(request);
  // The one log line of every restore and reload (RPC or SIGHUP).
  const char* verb = replica() ? "reload" : "restore";
  if (!done.ok()) {
    Log("%s failed, still serving backup %u: %s", verb,
        served_backup().backup_id(), done.status().ToString());
  } else if (!done->changed()) {
    Log("%s: already serving backup %u", verb, done->backup().backup_id());
  } else {
    Log("%sed backup %u (%s), pause %.2f ms%s%s", verb,
        done->backup().backup_id(), done->backup().summary(), done->pause_ms(),
        done->previous_store().empty() ? "" : "; previous store in ",
        done->previous_store());
  }
  return done;
}

absl::StatusOr<cov::v1::RestoreBackupResponse> LiveStore::DoRestore(
    const cov::v1::RestoreBackupRequest& request) {
  absl::MutexLock restore_lock(&restore_mu_);
  absl::StatusOr<std::string> dir = ResolveBackupDir(request.backup_dir());
  if (!dir.ok()) return dir.status();
  const std::string& backup_dir = *dir;
  absl::StatusOr<cov::v1::BackupInfo> chosen =
      factory_->FindBackup(backup_dir, request.backup_id());
  if (!chosen.ok()) return chosen.status();
  cov::v1::RestoreBackupResponse response;
  if (request.only_if_newer()) {
    std::shared_ptr<Serving> current = Current();
    if (current != nullptr && current->backup_dir == backup_dir &&
        current->backup.backup_id() >= chosen->backup_id()) {
      *response.mutable_backup() = current->backup;
      response.set_changed(false);
      return response;
    }
  }

  if (replica()) {
    auto next = RestoreReplicaSnapshot(backup_dir, chosen->backup_id());
    if (!next.ok()) return next.status();
    *response.mutable_backup() = (*next)->backup;
    std::shared_ptr<Serving> old;
    auto t0 = std::chrono::steady_clock::now();
    {
      absl::MutexLock lock(&mu_);
      old = std::move(serving_);
      serving_ = *std::move(next);
    }
    response.set_pause_ms(MsSince(t0));
    response.set_changed(true);
    // New calls get the new store; close the old one when its last call is
    // done, then delete it.
    if (old != nullptr) {
      WaitUnused(old);
      const std::string old_dir = old->dir;
      old.reset();
      std::error_code ec;
      fs::remove_all(old_dir, ec);
    }
    return response;
  }

  // Primary: restore beside the store, prove it opens, then swap folders.
  const std::string incoming =
      absl::StrCat(options_.db_dir, ".restore-", TimeTag());
  auto restored =
      factory_->RestoreBackup(backup_dir, chosen->backup_id(), incoming);
  if (!restored.ok()) return restored.status();
  {
    auto probe = factory_->Open(incoming);
    if (!probe.ok()) {
      std::error_code ec;
      fs::remove_all(incoming, ec);
      return probe.status();
    }
  }
  std::string previous;
  double pause_ms = 0;
  absl::Status swapped =
      SwapPrimary(incoming, backup_dir, *restored, &previous, &pause_ms);
  if (!swapped.ok()) return swapped;
  *response.mutable_backup() = *restored;
  response.set_changed(true);
  response.set_previous_store(previous);
  response.set_pause_ms(pause_ms);
  return response;
}

absl::Status LiveStore::SwapPrimary(const std::string& incoming,
                                    const std::string& backup_dir,
                                    const cov::v1::BackupInfo& backup,
                                    std::string* previous, double* pause_ms) {
  const std::string db = options_.db_dir;
  const std::string aside = absl::StrCat(db, ".pre-restore-", TimeTag());
  auto t0 = std::chrono::steady_clock::now();
  // New calls wait from here until Install; calls in flight finish first.
  std::shared_ptr<Serving> old = Withdraw();
  if (old != nullptr) WaitUnused(old);
  // Close the store: RocksDB holds absolute paths and a lock file, so the
  // folder can only move while it is closed.
  old.reset();
  std::error_code ec;
  fs::rename(db, aside, ec);
  if (ec) {
    absl::Status err = absl::UnavailableError(absl::StrCat(
        "cannot move ", db, " aside to ", aside, ": ", ec.message()));
    auto reopened = OpenServing(db);
    Install(reopened.ok() ? *std::move(reopened) : nullptr);
    fs::remove_all(incoming, ec);
    return err;
  }
  fs::rename(incoming, db, ec);
  absl::StatusOr<std::shared_ptr<Serving>> opened =
      ec ? absl::UnavailableError(absl::StrCat("cannot move ", incoming, " to ",
                                               db, ": ", ec.message()))
         : OpenServing(db);
  if (!opened.ok()) {
    // Put the previous store back exactly as it was.
    std::error_code ec2;
    if (!ec) fs::rename(db, incoming, ec2);
    fs::rename(aside, db, ec2);
    auto reopened = OpenServing(db);
    Install(reopened.ok() ? *std::move(reopened) : nullptr);
    return opened.status();
  }
  (*opened)->backup_dir = backup_dir;
  (*opened)->backup = backup;
  // Warm before new requests are let in: they already waited for the swap,
  // and the models would otherwise be built by the first of them.
  if (absl::Status warm = (*opened)->backend->models.Warm(); !warm.ok()) {
    Log("warming restored store: %s", warm.ToString());
  }
  Install(*std::move(opened));
  *previous = aside;
  *pause_ms = MsSince(t0);
  return absl::OkStatus();
}

void LiveStore::WithStore(const std::function<void(store::Store*)>& fn) const {
  std::shared_ptr<Serving> current = Current();
  fn(current ? current->store.get() : nullptr);
}

cov::v1::BackupInfo LiveStore::served_backup() const {
  std::shared_ptr<Serving> current = Current();
  return current ? current->backup : cov::v1::BackupInfo();
}

// Backups ---------------------------------------------------------------------

absl::StatusOr<cov::v1::CreateBackupResponse> LiveStore::CreateBackup(
    const cov::v1::CreateBackupRequest& request) {
  if (request.backup_dir().empty()) {
    return absl::InvalidArgumentError("backup_dir is required");
  }
  if (absl::StatusOr<std::string> dir = ResolveBackupDir(request.backup_dir());
      !dir.ok()) {
    return dir.status();
  }
  if (replica() && request.backup_dir() == options_.snapshot_from) {
    return absl::FailedPreconditionError(
        "a replica must not write into the backup directory it serves "
        "(--snapshot_from)");
  }
  absl::StatusOr<cov::v1::BackupInfo> backup;
  {
    std::shared_ptr<Serving> current = Current();
    if (current == nullptr) {
      return absl::UnavailableError("the store is unavailable");
    }
    backup = current->store->CreateBackup(request.backup_dir(), request.keep());
  }
  if (!backup.ok()) return backup.status();
  cov::v1::CreateBackupResponse response;
  *response.mutable_backup() = *backup;
  auto all = factory_->ListBackups(request.backup_dir());
  if (!all.ok()) return all.status();
  for (auto& b : *all) *response.add_backups() = std::move(b);
  Log("backup %u into %s (%s)", backup->backup_id(), request.backup_dir(),
      backup->summary());
  return response;
}

absl::StatusOr<cov::v1::ListBackupsResponse> LiveStore::ListBackups(
    const cov::v1::ListBackupsRequest& request) const {
  absl::StatusOr<std::string> dir = ResolveBackupDir(request.backup_dir());
  if (!dir.ok()) return dir.status();
  auto all = factory_->ListBackups(*dir);
  if (!all.ok()) return all.status();
  cov::v1::ListBackupsResponse response;
  for (auto& b : *all) *response.add_backups() = std::move(b);
  response.set_backup_dir(*dir);
  return response;
}

}  // namespace cov::server::service
