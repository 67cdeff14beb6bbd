// covd: the cov gRPC server.
//
//   covd --db /var/lib/cov --listen 127.0.0.1:8470
//   covd --db /var/lib/cov --listen 0.0.0.0:8470 --tls_cert server.pem
//        --tls_key server.key --tokens /etc/cov/tokens --ingest_root /srv/cov
//
// Listens on loopback unless told otherwise, serves cov.v1.CovService, the
// standard grpc.health.v1 health service and server reflection, and stops
// cleanly on SIGTERM or SIGINT (in-flight RPCs get a grace period).
//
// Security (server/auth): --tokens turns on bearer-token authentication with
// roles (health and reflection stay open); --tls_cert/--tls_key serve TLS,
// --tls_client_ca requires client certificates signed by that CA; a
// non-loopback --listen needs TLS and tokens unless --insecure is given;
// --ingest_root confines the server-side paths of ingest RPCs.
//
// Backups and replicas (server/service/live_store.h): `cov admin backup`
// writes RocksDB BackupEngine backups (--backup_root confines where);
// `cov admin restore` swaps one in live. With --snapshot_from DIR covd is a
// read-only replica: it serves the latest backup of DIR and loads a newer
// one on SIGHUP or `cov admin reload`, without failing a request.
//
// Observability (server/observability): one JSON log line per RPC
// (--rpc_log), Prometheus metrics and /healthz, /readyz on --metrics_listen,
// and health service "cov.v1.CovService" SERVING only while the store holds
// an ATT&CK release.
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "server/auth/path_policy.h"
#include "server/auth/server_security.h"
#include "server/auth/token_store.h"
#include "server/observability/log.h"
#include "server/observability/observability.h"
#include "server/service/cov_service.h"
#include "server/service/live_store.h"
#include "server/service/read_cache.h"
#include "server/store/rocksdb_store_factory.h"

ABSL_FLAG(std::string, db, "",
          "Store directory (created when missing). Required.");
ABSL_FLAG(std::string, listen, "127.0.0.1:8470",
          "Address to listen on, host:port. Port 0 picks a free port. "
          "Default: loopback only. A non-loopback address needs --tls_cert/"
          "--tls_key and --tokens, or --insecure.");
ABSL_FLAG(
    std::string, port_file, "",
    "Write the bound port to this file once serving (for scripts/tests).");
ABSL_FLAG(int, max_message_mb, 256,
          "Largest request/response in MiB (bundles are sent whole); a larger "
          "request is refused with RESOURCE_EXHAUSTED. Default 256.");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM certificate chain: serve TLS (with --tls_key).");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert.");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA bundle: require client certificates signed by it (mutual "
          "TLS). Needs --tls_cert/--tls_key.");
ABSL_FLAG(std::string, tokens, "",
          "Token file: lines `<role> <sha256 hex of the token> <name>` with "
          "role read, write or admin; # starts a comment. Clients send "
          "`authorization: Bearer <token>`. Unset: no authentication "
          "(loopback development mode).");
ABSL_FLAG(bool, hash_token, false,
          "Read a token from stdin (one trailing newline is dropped), print "
          "its SHA-256 for the --tokens file, and exit.");
ABSL_FLAG(bool, insecure, false,
          "Allow a non-loopback --listen without TLS and tokens.");
ABSL_FLAG(std::vector<std::string>, ingest_root, {},
          "Comma-separated folders: server-side paths of IngestAttack, "
          "IngestRules and IngestLibrary must resolve (symlinks and .. "
          "followed) inside one of them and name a regular file or folder, "
          "else PERMISSION_DENIED. Unset: any path the server can read.");
ABSL_FLAG(int, ingest_nice, 10,
          "CPU priority of ingest parsing (rules, ATT&CK bundles), as a nice "
          "value (0-19): the parse runs on threads of its own at this nice "
          "value so reads "
          "served meanwhile get the cores first (an ingest then takes longer "
          "under read load). 0: the parse runs at the requests' priority.");

ABSL_FLAG(std::string, snapshot_from, "",
          "Replica mode: a backup directory written by `cov admin backup`. "
          "covd restores its latest backup into a snapshot-* folder of --db "
          "(a work folder of this replica's own), serves it read-only (writes "
          "answer FAILED_PRECONDITION) and loads a newer backup on SIGHUP or "
          "`cov admin reload`. Unset: --db is the store itself (primary).");
ABSL_FLAG(std::vector<std::string>, backup_root, {},
          "Comma-separated folders: the backup directories of CreateBackup, "
          "ListBackups and RestoreBackup (cov admin) must resolve inside one "
          "of them, else PERMISSION_DENIED. Unset: any path (admin tokens "
          "only, when --tokens is set).");

// --- Observability flags (server/observability) ---------------------------
ABSL_FLAG(std::string, metrics_listen, "",
          "host:port of an HTTP endpoint serving /metrics (Prometheus), "
          "/healthz and /readyz; port 0 picks one. Unset: off. Must be "
          "loopback unless --metrics_public or --insecure.");
ABSL_FLAG(std::string, metrics_port_file, "",
          "Write the bound --metrics_listen port to this file.");
ABSL_FLAG(bool, metrics_public, false,
          "Allow a non-loopback --metrics_listen (metrics name sources and "
          "releases; there is no authentication on it).");
ABSL_FLAG(std::string, rpc_log, "stderr",
          "One JSON line per RPC (method, code, duration, caller role): "
          "stderr, off, or a file path (appended).");
// --- end observability flags ----------------------------------------------

namespace {

// covd --hash_token: the SHA-256 of stdin for a --tokens line.
int HashToken() {
  std::string token((std::istreambuf_iterator<char>(std::cin)),
                    std::istreambuf_iterator<char>());
  if (absl::EndsWith(token, "\n")) token.pop_back();
  if (absl::EndsWith(token, "\r")) token.pop_back();
  if (token.empty()) {
    cov::server::observability::Log("--hash_token: no token on stdin");
    return 2;
  }
  if (token.size() < 16) {
    cov::server::observability::Log(
        "warning: a %zu-character token is easy to guess; "
        "use e.g. `openssl rand -hex 32`",
        token.size());
  }
  std::printf("%s\n", cov::server::auth::Sha256Hex(token).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "cov gRPC server.\n\n  covd --db DIR [--listen 127.0.0.1:8470]\n\n"
      "Serves cov.v1.CovService, grpc.health.v1.Health and server "
      "reflection. Stops on SIGTERM/SIGINT.");
  absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_hash_token)) return HashToken();
  const std::string db = absl::GetFlag(FLAGS_db);
  if (db.empty()) {
    cov::server::observability::Log("--db DIR is required (see covd --help)");
    return 2;
  }
  // Block the stop signals in every thread; one thread waits for them. This
  // comes before any gRPC call: gRPC starts threads that would inherit an
  // unblocked mask (and SIGTERM would kill the process).
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGHUP);  // replica: reload the snapshot
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  const std::string listen = absl::GetFlag(FLAGS_listen);
  const int max_mb = absl::GetFlag(FLAGS_max_message_mb);
  if (max_mb < 1 || max_mb > 2047) {
    cov::server::observability::Log("--max_message_mb must be 1..2047");
    return 2;
  }

  // Security settings are all checked before the store is opened.
  namespace auth = cov::server::auth;
  auth::TlsFiles tls{absl::GetFlag(FLAGS_tls_cert),
                     absl::GetFlag(FLAGS_tls_key),
                     absl::GetFlag(FLAGS_tls_client_ca)};
  auto credentials = auth::MakeServerCredentials(tls);
  if (!credentials.ok()) {
    cov::server::observability::Log(
        "%s", std::string(credentials.status().message()).c_str());
    return 2;
  }
  const bool tls_on = !tls.cert.empty();
  std::optional<auth::TokenStore> tokens;
  if (!absl::GetFlag(FLAGS_tokens).empty()) {
    auto loaded = auth::TokenStore::Load(absl::GetFlag(FLAGS_tokens));
    if (!loaded.ok()) {
      cov::server::observability::Log(
          "--tokens: %s", std::string(loaded.status().message()).c_str());
      return 2;
    }
    tokens = *std::move(loaded);
  }
  if (absl::Status exposed = auth::CheckExposure(
          listen, tls_on, tokens.has_value(), absl::GetFlag(FLAGS_insecure));
      !exposed.ok()) {
    cov::server::observability::Log("%s",
                                    std::string(exposed.message()).c_str());
    return 2;
  }
  std::vector<std::string> roots;
  for (const std::string& r : absl::GetFlag(FLAGS_ingest_root)) {
    if (!r.empty()) roots.push_back(r);
  }
  auto path_policy = auth::PathPolicy::Create(roots);
  if (!path_policy.ok()) {
    cov::server::observability::Log(
        "--ingest_root: %s",
        std::string(path_policy.status().message()).c_str());
    return 2;
  }

  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::string> backup_roots;
  for (const std::string& r : absl::GetFlag(FLAGS_backup_root)) {
    if (!r.empty()) backup_roots.push_back(r);
  }
  auto backup_policy = auth::PathPolicy::Create(backup_roots, "backup roots");
  if (!backup_policy.ok()) {
    cov::server::observability::Log(
        "--backup_root: %s",
        std::string(backup_policy.status().message()).c_str());
    return 2;
  }
  cov::server::service::LiveStore::Options live_options;
  live_options.db_dir = db;
  live_options.snapshot_from = absl::GetFlag(FLAGS_snapshot_from);
  live_options.backup_policy = &*backup_policy;
  // path_policy lives until main returns, after the server stopped.
  live_options.ingest_path_check = path_policy->Checker();
  const int ingest_nice = absl::GetFlag(FLAGS_ingest_nice);
  if (ingest_nice < 0 || ingest_nice > 19) {
    cov::server::observability::Log("--ingest_nice %d: want 0 to 19",
                                    ingest_nice);
    return 2;
  }
  live_options.ingest_nice = ingest_nice;
  // The only place that knows the store is RocksDB.
  static const cov::server::store::RocksDbStoreFactory kStoreFactory;
  auto store =
      cov::server::service::LiveStore::Open(live_options, &kStoreFactory);
  if (!store.ok()) {
    cov::server::observability::Log("%s", store.status().ToString().c_str());
    return 1;
  }
  cov::server::service::LiveStore* live = store->get();
  cov::server::service::CovService service(live, tokens ? &*tokens : nullptr);

  // --- Observability: created before the server, which must not outlive it.
  cov::server::observability::ObservabilityOptions obs_options;
  obs_options.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  obs_options.metrics_port_file = absl::GetFlag(FLAGS_metrics_port_file);
  obs_options.metrics_public =
      absl::GetFlag(FLAGS_metrics_public) || absl::GetFlag(FLAGS_insecure);
  obs_options.rpc_log = absl::GetFlag(FLAGS_rpc_log);
  obs_options.tokens = tokens ? &*tokens : nullptr;
  // Asked at every scrape and readiness check, so a swapped store is seen.
  obs_options.with_store =
      [live](const std::function<void(const cov::server::store::Store*)>& fn) {
        live->WithStore([&](cov::server::store::Store* s) { fn(s); });
      };

  // The read cache of the store being served (counters restart when a
  // restore or replica reload swaps the store).
  obs_options.extra_gauges = [live](
                                 cov::server::observability::GaugeWriter* w) {
    std::shared_ptr<cov::server::service::LiveStore::Serving> s =
        live->Current();
    if (s == nullptr) return;
    const cov::server::service::ReadCache::Stats c =
        s->backend->read_cache.stats();
    w->AddCounter("cov_read_cache_hits_total",
                  "Read RPCs answered with stored answer bytes.", {},
                  static_cast<double>(c.hits));
    w->AddCounter("cov_read_cache_misses_total",
                  "Cacheable read RPCs that computed their answer.", {},
                  static_cast<double>(c.misses));
    w->AddCounter("cov_read_cache_writes_total",
                  "Write RPCs that ended (each drops the cached answers).", {},
                  static_cast<double>(c.epoch - 1));
    w->Add("cov_read_cache_entries", "Answers in the read cache.", {},
           static_cast<double>(c.entries));
    w->Add("cov_read_cache_bytes", "Bytes of the answers in the read cache.",
           {}, static_cast<double>(c.bytes));
  };
  auto obs = cov::server::observability::Observability::Create(obs_options);
  if (!obs.ok()) {
    cov::server::observability::Log(
        "%s", std::string(obs.status().message()).c_str());
    return 2;
  }
  // --- end observability ----------------------------------------------------

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(listen, *credentials, &port);
  const int max_bytes = max_mb * 1024 * 1024;
  builder.SetMaxReceiveMessageSize(max_bytes);
  builder.SetMaxSendMessageSize(max_bytes);
  builder.RegisterService(&service);
  (*obs)->Install(&builder);  // observability: per-RPC log and metrics
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    cov::server::observability::Log(
        "cannot listen on %s%s", listen.c_str(),
        tls_on ? " (or the TLS certificate/key are unusable)" : "");
    return 1;
  }
  server->GetHealthCheckService()->SetServingStatus(true);
  // Observability: health follows readiness, HTTP endpoint.
  if (absl::Status started = (*obs)->Start(server.get()); !started.ok()) {
    cov::server::observability::Log("%s",
                                    std::string(started.message()).c_str());
    server->Shutdown();
    return 1;
  }
  double ms = std::chrono::duration<double, std::milli>(
                  std::chrono::steady_clock::now() - t0)
                  .count();
  std::string host = listen.substr(0, listen.rfind(':'));
  const bool loopback = auth::IsLoopbackAddress(listen);
  cov::server::observability::Log(
      "serving %s on %s:%d (ready in %.0f ms)%s", db, host, port, ms,
      loopback || (tls_on && tokens) ? "" : " WARNING: --insecure exposure");
  std::string tls_text = !tls_on ? "off"
                         : tls.client_ca.empty()
                             ? "on"
                             : "on (client certificates required)";
  std::string auth_text =
      tokens ? absl::StrCat("on (", tokens->Count(auth::Role::kRead), " read, ",
                            tokens->Count(auth::Role::kWrite), " write, ",
                            tokens->Count(auth::Role::kAdmin), " admin tokens)")
             : "off (no --tokens)";
  std::string roots_text = roots.empty()
                               ? "unrestricted (no --ingest_root)"
                               : absl::StrJoin(path_policy->roots(), ",");
  cov::server::observability::Log("tls %s; auth %s; ingest roots %s",
                                  tls_text.c_str(), auth_text.c_str(),
                                  roots_text.c_str());
  if (live->replica()) {
    cov::v1::BackupInfo served = live->served_backup();
    cov::server::observability::Log(
        "read-only replica of %s, serving backup %u (%s); "
        "SIGHUP or `cov admin reload` loads a newer one",
        live_options.snapshot_from.c_str(), served.backup_id(),
        served.summary().c_str());
  }
  cov::server::observability::Log("%s", (*obs)->Describe().c_str());
  if (!absl::GetFlag(FLAGS_port_file).empty()) {
    std::string tmp = absl::GetFlag(FLAGS_port_file) + ".tmp";
    std::ofstream(tmp) << port << "\n";
    std::rename(tmp.c_str(), absl::GetFlag(FLAGS_port_file).c_str());
  }

  std::thread waiter([&] {
    int sig = 0;
    for (sigwait(&stop_signals, &sig); sig == SIGHUP;
         sigwait(&stop_signals, &sig)) {
      if (!live->replica()) {
        cov::server::observability::Log("SIGHUP ignored (no --snapshot_from)");
        continue;
      }
      cov::v1::RestoreBackupRequest reload;
      reload.set_only_if_newer(true);
      (void)live->Restore(reload);  // logs its outcome
    }
    cov::server::observability::Log("signal %d, shutting down", sig);
    (*obs)->BeginShutdown();  // observability: NOT_SERVING, /readyz 503
    server->GetHealthCheckService()->SetServingStatus(false);
    server->Shutdown(std::chrono::system_clock::now() +
                     std::chrono::seconds(5));
  });
  server->Wait();
  waiter.join();
  (*obs)->Stop();  // observability: before the store closes
  server.reset();
  store->reset();
  cov::server::observability::Log("stopped");
  return 0;
}
