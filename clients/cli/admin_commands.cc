// Administration commands (admin token): admin backup|backups|restore|reload
// and releases rm.
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "clients/cli/flags.h"
#include "clients/cli/handlers.h"
#include "clients/cli/output.h"

namespace cov::clients::cli {

const char kAdminHelp[] =
    "  backup: takes a consistent backup of the live store into DIR on the\n"
    "  server (RocksDB BackupEngine: numbered, checksummed and incremental;\n"
    "  files shared with earlier backups are stored once). Ingests and\n"
    "  queries go on meanwhile. --keep N then deletes all but the newest N.\n"
    "  backups: lists the backups of DIR (default: the server's\n"
    "  --snapshot_from) with their time, size and what the store held.\n"
    "  restore: verifies backup N (default: the latest) and swaps it in while\n"
    "  covd keeps serving: requests in flight finish on the old store, new\n"
    "  ones wait for the swap. The previous store is kept beside --db as\n"
    "  DB.pre-restore-TIME. On a replica the old snapshot is discarded.\n"
    "  reload: a replica (covd --snapshot_from DIR) loads the newest backup\n"
    "  of DIR if it is newer than the one served (the same as SIGHUP).\n"
    "\n"
    "  Directories are paths on the server; covd --backup_root confines\n"
    "  them. All admin commands need an admin token when covd has --tokens.\n";

const char kReleasesRmHelp[] =
    "  Removes a stored ATT&CK release and everything loaded from it, in one\n"
    "  atomic write: `cov releases`, coverage, metrics and later backups stop\n"
    "  showing it at once. The release is DOMAIN@VERSION, or VERSION with\n"
    "  --domain (else the default domain's).\n"
    "  The default release of the store, or the default of a domain that\n"
    "  keeps other releases, is refused unless --new_default names another\n"
    "  stored release to take its place (one of the same domain when the\n"
    "  domain keeps releases). A domain's last release takes its domain\n"
    "  along. Needs an admin token when covd has --tokens.\n"
    "  Example: cov releases rm enterprise-attack@18.1 --new_default 17.1\n";

namespace {

// "enterprise-attack@17.1" or "17.1" (domain from --domain).
cov::v1::ReleaseRef ParseReleaseArg(const std::string& arg) {
  cov::v1::ReleaseRef ref;
  const size_t at = arg.find('@');
  if (at != std::string::npos) {
    ref.set_domain(arg.substr(0, at));
    ref.set_version(arg.substr(at + 1));
  } else {
    ref.set_domain(absl::GetFlag(FLAGS_domain));
    ref.set_version(arg);
  }
  return ref;
}

void PrintBackups(
    const google::protobuf::RepeatedPtrField<cov::v1::BackupInfo>& backups) {
  std::printf("%6s  %-20s  %11s  %11s  %s\n", "ID", "CREATED (UTC)", "SIZE",
              "FILES", "CONTENT");
  for (const auto& b : backups) {
    std::printf("%6u  %s  %8.1f MB  %5u files  %s\n", b.backup_id(),
                FormatTime(b.created_unix()).c_str(), b.size_bytes() / 1e6,
                b.file_count(), b.summary().c_str());
  }
}

int Backup(Client& client, grpc::ClientContext& ctx) {
  cov::v1::CreateBackupRequest req;
  req.set_backup_dir(absl::GetFlag(FLAGS_to));
  req.set_keep(absl::GetFlag(FLAGS_keep));
  if (req.backup_dir().empty()) return Usage("admin backup needs --to DIR");
  cov::v1::CreateBackupResponse resp;
  grpc::Status s = client.stub()->CreateBackup(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
    return 0;
  }
  std::printf("backup %u of %s taken into %s\n", resp.backup().backup_id(),
              resp.backup().summary().c_str(), req.backup_dir().c_str());
  PrintBackups(resp.backups());
  return 0;
}

int Backups(Client& client, grpc::ClientContext& ctx) {
  cov::v1::ListBackupsRequest req;
  req.set_backup_dir(absl::GetFlag(FLAGS_from));
  cov::v1::ListBackupsResponse resp;
  grpc::Status s = client.stub()->ListBackups(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
    return 0;
  }
  std::printf("%s: %d backups\n", resp.backup_dir().c_str(),
              resp.backups_size());
  PrintBackups(resp.backups());
  return 0;
}

int Restore(Client& client, grpc::ClientContext& ctx, bool reload) {
  cov::v1::RestoreBackupRequest req;
  if (reload) {
    req.set_only_if_newer(true);
  } else {
    req.set_backup_dir(absl::GetFlag(FLAGS_from));
    req.set_backup_id(absl::GetFlag(FLAGS_id));
    if (req.backup_dir().empty()) {
      return Usage(
          "admin restore needs --from DIR (a replica reloads with "
          "`cov admin reload`)");
    }
  }
  cov::v1::RestoreBackupResponse resp;
  grpc::Status s = client.stub()->RestoreBackup(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
    return 0;
  }
  if (!resp.changed()) {
    std::printf("already serving backup %u (%s); nothing newer\n",
                resp.backup().backup_id(), resp.backup().summary().c_str());
    return 0;
  }
  std::printf("now serving backup %u (%s); requests waited %.1f ms\n",
              resp.backup().backup_id(), resp.backup().summary().c_str(),
              resp.pause_ms());
  if (!resp.previous_store().empty()) {
    std::printf("previous store kept in %s\n", resp.previous_store().c_str());
  }
  return 0;
}

}  // namespace

int ReleasesRm(Client& client, const Args& args) {
  if (args.size() != 2 || args[0] != "rm") {
    return Usage(
        "usage: cov releases rm DOMAIN@VERSION [--new_default DOMAIN@VERSION]");
  }
  cov::v1::DeleteReleaseRequest req;
  *req.mutable_release() = ParseReleaseArg(args[1]);
  const std::string new_default = absl::GetFlag(FLAGS_new_default);
  if (!new_default.empty()) {
    *req.mutable_new_default() = ParseReleaseArg(new_default);
  }
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::DeleteReleaseResponse resp;
  grpc::Status s = client.stub()->DeleteRelease(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
    return 0;
  }
  std::printf("removed release %s@%s\n", resp.release().domain().c_str(),
              resp.release().version().c_str());
  if (resp.has_new_default()) {
    std::printf("default now %s@%s\n", resp.new_default().domain().c_str(),
                resp.new_default().version().c_str());
  }
  return 0;
}

int Admin(Client& client, const Args& args) {
  if (args.size() != 1) {
    return Usage(
        "usage: cov admin backup|backups|restore|reload (see cov admin "
        "--help)");
  }
  const std::string& sub = args[0];
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  if (sub == "backup") return Backup(client, ctx);
  if (sub == "backups") return Backups(client, ctx);
  if (sub == "restore") return Restore(client, ctx, /*reload=*/false);
  if (sub == "reload") return Restore(client, ctx, /*reload=*/true);
  return Usage(absl::StrCat("unknown admin command '", sub,
                            "' (backup, backups, restore or reload)"));
}

}  // namespace cov::clients::cli
