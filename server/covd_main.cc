// covd: the cov gRPC server.
//
//   covd --db /var/lib/cov --listen 127.0.0.1:8470
//
// Listens on loopback unless told otherwise, serves cov.v1.CovService, the
// standard grpc.health.v1 health service and server reflection, and stops
// cleanly on SIGTERM or SIGINT (in-flight RPCs get a grace period).
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "server/service/cov_service.h"
#include "server/store/rocksdb_store.h"

ABSL_FLAG(std::string, db, "", "Store directory (created when missing). Required.");
ABSL_FLAG(std::string, listen, "127.0.0.1:8470",
          "Address to listen on, host:port. Port 0 picks a free port. "
          "Default: loopback only.");
ABSL_FLAG(std::string, port_file, "",
          "Write the bound port to this file once serving (for scripts/tests).");
ABSL_FLAG(int, max_message_mb, 512,
          "Largest request/response in MiB (bundles are sent whole).");

namespace {

bool IsLoopback(const std::string& addr) {
  return absl::StartsWith(addr, "127.") || absl::StartsWith(addr, "localhost:") ||
         absl::StartsWith(addr, "[::1]:") || absl::StartsWith(addr, "unix:");
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "cov gRPC server.\n\n  covd --db DIR [--listen 127.0.0.1:8470]\n\n"
      "Serves cov.v1.CovService, grpc.health.v1.Health and server "
      "reflection. Stops on SIGTERM/SIGINT.");
  absl::ParseCommandLine(argc, argv);
  const std::string db = absl::GetFlag(FLAGS_db);
  if (db.empty()) {
    std::fprintf(stderr, "covd: --db DIR is required (see covd --help)\n");
    return 2;
  }
  const std::string listen = absl::GetFlag(FLAGS_listen);

  // Block the stop signals in every thread; one thread waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto t0 = std::chrono::steady_clock::now();
  auto store = cov::server::store::RocksDbStore::Open(db);
  if (!store.ok()) {
    std::fprintf(stderr, "covd: %s\n", store.status().ToString().c_str());
    return 1;
  }
  cov::server::service::CovServiceImpl service(store->get());

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  const int max_bytes = absl::GetFlag(FLAGS_max_message_mb) * 1024 * 1024;
  builder.SetMaxReceiveMessageSize(max_bytes);
  builder.SetMaxSendMessageSize(max_bytes);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::fprintf(stderr, "covd: cannot listen on %s\n", listen.c_str());
    return 1;
  }
  server->GetHealthCheckService()->SetServingStatus(true);
  double ms = std::chrono::duration<double, std::milli>(
                  std::chrono::steady_clock::now() - t0)
                  .count();
  std::string host = listen.substr(0, listen.rfind(':'));
  std::fprintf(stderr, "covd: serving %s on %s:%d (ready in %.0f ms)%s\n",
               db.c_str(), host.c_str(), port, ms,
               IsLoopback(listen) ? "" : " WARNING: not loopback");
  if (!absl::GetFlag(FLAGS_port_file).empty()) {
    std::string tmp = absl::GetFlag(FLAGS_port_file) + ".tmp";
    std::ofstream(tmp) << port << "\n";
    std::rename(tmp.c_str(), absl::GetFlag(FLAGS_port_file).c_str());
  }

  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    std::fprintf(stderr, "covd: signal %d, shutting down\n", sig);
    server->GetHealthCheckService()->SetServingStatus(false);
    server->Shutdown(std::chrono::system_clock::now() +
                     std::chrono::seconds(5));
  });
  server->Wait();
  waiter.join();
  server.reset();
  store->reset();
  std::fprintf(stderr, "covd: stopped\n");
  return 0;
}
