// Benchmark of the knowledge-base path (issue 2 targets):
//   - ingest of a bundle (parse + atomic RocksDB write) into a fresh store:
//     wall time and peak RSS of this process, which does nothing before it;
//   - covd start with the filled store, until its first GetTechnique answer;
//   - GetTechnique latency over loopback (p50/p99, an upper bound of the
//     server-side time);
//   - the naive alternative in the same run: python3 json.load of the file.
//
//   bazel run //tests/bench:kb_bench -- [BUNDLE] [CALLS]
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "cov/v1/cov.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "server/kb/attack_ingest.h"
#include "server/store/rocksdb_store.h"
#include "tests/corpus.h"

namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

long PeakRssMb() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024;
}

std::string Runfile(const char* argv0, const std::string& rel) {
  std::string base = std::string(argv0) + ".runfiles/cov_project/" + rel;
  if (access(base.c_str(), X_OK) == 0) return base;
  if (const char* dir = std::getenv("RUNFILES_DIR")) {
    return std::string(dir) + "/cov_project/" + rel;
  }
  return rel;
}

}  // namespace

int main(int argc, char** argv) {
  std::string bundle;
  if (argc > 1) {
    bundle = argv[1];
  } else {
    auto p = cov::testing::CorpusPath("attack/enterprise-attack-18.1.json");
    if (!p.ok()) {
      std::fprintf(stderr, "%s\n", p.status().ToString().c_str());
      return 1;
    }
    bundle = *p;
  }
  const int calls = argc > 2 ? std::atoi(argv[2]) : 20000;
  char tmpl[] = "/tmp/cov-kb-bench-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  std::string db = dir + "/db";

  // 1. Ingest, in a process that has done nothing else yet.
  {
    auto store = cov::server::store::RocksDbStore::Open(db);
    if (!store.ok()) {
      std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
      return 1;
    }
    cov::v1::IngestAttackRequest req;
    req.set_path(bundle);
    auto t0 = Clock::now();
    auto r = cov::server::kb::IngestAttack(**store, req, {});
    auto t1 = Clock::now();
    if (!r.ok()) {
      std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
      return 1;
    }
    std::printf(
        "ingest %s: %.0f ms wall (read+parse %.0f ms, store %.0f ms), "
        "peak RSS %ld MB  [target <= 400 ms, <= 300 MB]\n",
        bundle.substr(bundle.find_last_of('/') + 1).c_str(), Ms(t0, t1),
        r->parse_ms(), r->store_ms(), PeakRssMb());
  }

  // 2. covd start to first answer.
  std::string port_file = dir + "/port";
  std::string covd = Runfile(argv[0], "server/covd");
  auto t0 = Clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 2);
    execl(covd.c_str(), covd.c_str(), "--db", db.c_str(), "--listen",
          "127.0.0.1:0", "--port_file", port_file.c_str(), nullptr);
    _exit(127);
  }
  std::string port;
  while (Ms(t0, Clock::now()) < 10000) {
    std::ifstream in(port_file);
    if (in >> port) break;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  auto channel = grpc::CreateChannel("127.0.0.1:" + port,
                                     grpc::InsecureChannelCredentials());
  auto stub = cov::v1::CovService::NewStub(channel);
  cov::v1::GetTechniqueRequest req;
  req.set_id("T1197");
  cov::v1::Technique t;
  bool answered = false;
  while (Ms(t0, Clock::now()) < 10000) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::milliseconds(500));
    if (stub->GetTechnique(&ctx, req, &t).ok()) {
      answered = true;
      break;
    }
  }
  auto t1 = Clock::now();
  if (!answered) {
    std::fprintf(stderr, "covd did not answer\n");
    kill(pid, SIGTERM);
    return 1;
  }
  std::printf(
      "covd start -> first GetTechnique answer: %.0f ms  "
      "[target <= 150 ms]\n",
      Ms(t0, t1));

  // 3. GetTechnique latency, sequential, one client on loopback.
  const char* ids[] = {"T1197", "T1059.001", "T1086", "T1566", "T1071.001"};
  std::vector<double> lat;
  lat.reserve(calls);
  for (int i = 0; i < calls; ++i) {
    grpc::ClientContext ctx;
    req.set_id(ids[i % 5]);
    auto a = Clock::now();
    grpc::Status s = stub->GetTechnique(&ctx, req, &t);
    lat.push_back(Ms(a, Clock::now()));
    if (!s.ok()) {
      std::fprintf(stderr, "GetTechnique: %s\n", s.error_message().c_str());
      return 1;
    }
  }
  std::sort(lat.begin(), lat.end());
  std::printf(
      "GetTechnique x%d over loopback: p50 %.3f ms, p99 %.3f ms, "
      "max %.3f ms  [target p99 <= 1 ms]\n",
      calls, lat[lat.size() / 2], lat[lat.size() * 99 / 100], lat.back());
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);

  // 4. The naive alternative: only json.load, no model, no store.
  std::string cmd =
      "/usr/bin/python3 -c \"import json,time,resource; "
      "t=time.perf_counter(); json.load(open('" +
      bundle +
      "')); print('%.0f ms, peak RSS %d MB' % ((time.perf_counter()"
      "-t)*1000, resource.getrusage(resource.RUSAGE_SELF)."
      "ru_maxrss//1024))\"";
  std::printf("naive: python3 json.load of the same file: ");
  std::fflush(stdout);
  if (std::system(cmd.c_str()) != 0) std::printf("(python3 failed)\n");
  std::system(("rm -rf '" + dir + "'").c_str());
  return 0;
}
