#include "server/service/live_service.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/service/status_util.h"
#include "server/store/backup.h"
#include "server/store/rocksdb_store.h"

namespace cov::server::service {
namespace {

namespace fs = std::filesystem;

constexpr char kSnapshotPrefix[] = "snapshot-";

grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* ctx,
                                 const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

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

LiveCovService::LiveCovService(const Options& options) : options_(options) {}

LiveCovService::~LiveCovService() = default;

absl::StatusOr<std::shared_ptr<LiveCovService::Serving>>
LiveCovService::OpenServing(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(fs::path(dir).parent_path(), ec);
  auto opened = store::RocksDbStore::Open(dir);
  if (!opened.ok()) return opened.status();
  auto serving = std::make_shared<Serving>();
  serving->store = *std::move(opened);
  serving->impl = std::make_unique<CovServiceImpl>(serving->store.get());
  serving->dir = dir;
  return serving;
}

absl::StatusOr<std::unique_ptr<LiveCovService>> LiveCovService::Open(
    const Options& options) {
  if (options.db_dir.empty()) {
    return absl::InvalidArgumentError("the store directory is empty");
  }
  std::unique_ptr<LiveCovService> live(new LiveCovService(options));
  if (!live->replica()) {
    auto serving = OpenServing(options.db_dir);
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
  auto backups = store::ListBackups(options.snapshot_from);
  std::shared_ptr<Serving> serving;
  if (absl::IsNotFound(backups.status())) {
    // Nothing published yet: serve an empty store (not ready) and wait for
    // a reload.
    std::fprintf(stderr, "covd: %s; serving an empty store until a reload\n",
                 std::string(backups.status().message()).c_str());
    auto empty = OpenServing(
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

std::shared_ptr<LiveCovService::Serving> LiveCovService::Current() const {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(&installed_));
  return serving_;
}

std::shared_ptr<LiveCovService::Serving> LiveCovService::Withdraw() {
  absl::MutexLock lock(&mu_);
  installed_ = false;
  return std::move(serving_);
}

void LiveCovService::Install(std::shared_ptr<Serving> serving) {
  absl::MutexLock lock(&mu_);
  serving_ = std::move(serving);
  installed_ = true;
}

absl::StatusOr<std::shared_ptr<LiveCovService::Serving>>
LiveCovService::RestoreReplicaSnapshot(const std::string& backup_dir,
                                       uint32_t backup_id) {
  // The folder name is unique even when the same backup is restored twice.
  const std::string target =
      (fs::path(options_.db_dir) /
       absl::StrCat(kSnapshotPrefix, backup_id, "-", TimeTag()))
          .string();
  auto restored = store::RestoreBackup(backup_dir, backup_id, target);
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
  if (absl::Status warm = (*serving)->impl->Warm(); !warm.ok()) {
    std::fprintf(stderr, "covd: warming snapshot %s: %s\n", target.c_str(),
                 warm.ToString().c_str());
  }
  return serving;
}

absl::StatusOr<std::string> LiveCovService::ResolveBackupDir(
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

absl::StatusOr<cov::v1::RestoreBackupResponse> LiveCovService::Restore(
    const cov::v1::RestoreBackupRequest& request) {
  absl::StatusOr<cov::v1::RestoreBackupResponse> done = DoRestore(request);
  // The one log line of every restore and reload (RPC or SIGHUP).
  const char* verb = replica() ? "reload" : "restore";
  if (!done.ok()) {
    std::fprintf(stderr, "covd: %s failed, still serving backup %u: %s\n", verb,
                 served_backup().backup_id(), done.status().ToString().c_str());
  } else if (!done->changed()) {
    std::fprintf(stderr, "covd: %s: already serving backup %u\n", verb,
                 done->backup().backup_id());
  } else {
    std::fprintf(stderr, "covd: %sed backup %u (%s), pause %.2f ms%s%s\n", verb,
                 done->backup().backup_id(), done->backup().summary().c_str(),
                 done->pause_ms(),
                 done->previous_store().empty() ? "" : "; previous store in ",
                 done->previous_store().c_str());
  }
  return done;
}

absl::StatusOr<cov::v1::RestoreBackupResponse> LiveCovService::DoRestore(
    const cov::v1::RestoreBackupRequest& request) {
  absl::MutexLock restore_lock(&restore_mu_);
  absl::StatusOr<std::string> dir = ResolveBackupDir(request.backup_dir());
  if (!dir.ok()) return dir.status();
  const std::string& backup_dir = *dir;
  absl::StatusOr<cov::v1::BackupInfo> chosen =
      store::FindBackup(backup_dir, request.backup_id());
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
      store::RestoreBackup(backup_dir, chosen->backup_id(), incoming);
  if (!restored.ok()) return restored.status();
  {
    auto probe = store::RocksDbStore::Open(incoming);
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

absl::Status LiveCovService::SwapPrimary(const std::string& incoming,
                                         const std::string& backup_dir,
                                         const cov::v1::BackupInfo& backup,
                                         std::string* previous,
                                         double* pause_ms) {
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
  if (absl::Status warm = (*opened)->impl->Warm(); !warm.ok()) {
    std::fprintf(stderr, "covd: warming restored store: %s\n",
                 warm.ToString().c_str());
  }
  Install(*std::move(opened));
  *previous = aside;
  *pause_ms = MsSince(t0);
  return absl::OkStatus();
}

void LiveCovService::WithStore(
    const std::function<void(store::Store*)>& fn) const {
  std::shared_ptr<Serving> current = Current();
  fn(current ? current->store.get() : nullptr);
}

cov::v1::BackupInfo LiveCovService::served_backup() const {
  std::shared_ptr<Serving> current = Current();
  return current ? current->backup : cov::v1::BackupInfo();
}

// Store RPCs -----------------------------------------------------------------

#define COV_LIVE_FORWARD(method, request, response, role)                 \
  grpc::ServerUnaryReactor* LiveCovService::method(                       \
      grpc::CallbackServerContext* ctx, const cov::v1::request* req,      \
      cov::v1::response* resp) {                                          \
    if (replica() && auth::Role::role == auth::Role::kWrite) {            \
      return Finish(ctx, absl::FailedPreconditionError(absl::StrCat(      \
                             "this covd is a read-only replica of ",      \
                             options_.snapshot_from,                      \
                             " (--snapshot_from); send " #method          \
                             " to the primary, then publish a backup"))); \
    }                                                                     \
    std::shared_ptr<Serving> current = Current();                         \
    if (current == nullptr) {                                             \
      return Finish(ctx, absl::UnavailableError(                          \
                             "the store is unavailable after a failed "   \
                             "restore; see the server log"));             \
    }                                                                     \
    return current->impl->method(ctx, req, resp);                         \
  }
COV_AUTH_STORE_METHODS(COV_LIVE_FORWARD)
#undef COV_LIVE_FORWARD

// Admin RPCs -----------------------------------------------------------------

grpc::ServerUnaryReactor* LiveCovService::CreateBackup(
    grpc::CallbackServerContext* ctx, const cov::v1::CreateBackupRequest* req,
    cov::v1::CreateBackupResponse* resp) {
  if (req->backup_dir().empty()) {
    return Finish(ctx, absl::InvalidArgumentError("backup_dir is required"));
  }
  if (absl::StatusOr<std::string> dir = ResolveBackupDir(req->backup_dir());
      !dir.ok()) {
    return Finish(ctx, dir.status());
  }
  if (replica() && req->backup_dir() == options_.snapshot_from) {
    return Finish(ctx, absl::FailedPreconditionError(
                           "a replica must not write into the backup "
                           "directory it serves (--snapshot_from)"));
  }
  absl::StatusOr<cov::v1::BackupInfo> backup;
  {
    std::shared_ptr<Serving> current = Current();
    if (current == nullptr) {
      return Finish(ctx, absl::UnavailableError("the store is unavailable"));
    }
    backup = current->store->CreateBackup(req->backup_dir(), req->keep());
  }
  if (!backup.ok()) return Finish(ctx, backup.status());
  *resp->mutable_backup() = *backup;
  auto all = store::ListBackups(req->backup_dir());
  if (!all.ok()) return Finish(ctx, all.status());
  for (auto& b : *all) *resp->add_backups() = std::move(b);
  std::fprintf(stderr, "covd: backup %u into %s (%s)\n", backup->backup_id(),
               req->backup_dir().c_str(), backup->summary().c_str());
  return Finish(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* LiveCovService::ListBackups(
    grpc::CallbackServerContext* ctx, const cov::v1::ListBackupsRequest* req,
    cov::v1::ListBackupsResponse* resp) {
  absl::StatusOr<std::string> dir = ResolveBackupDir(req->backup_dir());
  if (!dir.ok()) return Finish(ctx, dir.status());
  auto all = store::ListBackups(*dir);
  if (!all.ok()) return Finish(ctx, all.status());
  for (auto& b : *all) *resp->add_backups() = std::move(b);
  resp->set_backup_dir(*dir);
  return Finish(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* LiveCovService::RestoreBackup(
    grpc::CallbackServerContext* ctx, const cov::v1::RestoreBackupRequest* req,
    cov::v1::RestoreBackupResponse* resp) {
  absl::StatusOr<cov::v1::RestoreBackupResponse> done = Restore(*req);
  if (!done.ok()) return Finish(ctx, done.status());
  *resp = *std::move(done);
  return Finish(ctx, absl::OkStatus());
}

}  // namespace cov::server::service
