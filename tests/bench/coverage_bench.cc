// Benchmark of the coverage path (issue targets):
//   1. covd on a fresh store (loopback, port 0, --port_file), loaded over
//      gRPC with ATT&CK Enterprise 18.1 and every public rule corpus
//      (SigmaHQ r2026-04-01 and 0.20, ET Open, both YARA sets), caches
//      warmed by one query;
//   2. latency of GetCoverage by tactic and GetGaps top 20, each without and
//      with the profile deploy/profiles/network-sensors.yaml (sent as
//      options.profile_yaml): the loopback round trip from one sequential
//      client (an upper bound), and, after covd stops, the same queries in
//      process on the same store: "handler" = what CovServiceImpl does
//      (PrepareQuery, compute, serialise), "engine" = ComputeCoverage /
//      ComputeGaps alone, both with wall and thread-CPU time. Target p50
//      <= 2 ms, p99 <= 5 ms at the server;
//   3. load: a generator in this process (gRPC async CompletionQueue API,
//      --load_threads threads x --depth calls in flight over
//      --load_channels TCP connections) drives GetCoverage by tactic for
//      --duration_s: requests/s, latency, errors, covd RSS (VmRSS) before
//      and after, CPU per request of covd and of the generator. Target
//      >= 5,000 req/s; covd and the generator share this machine's cores.
//      Then a short diagnostic load with rules_per_technique=1 (smaller
//      responses); --perf_data records `perf record -g -p <covd>` meanwhile;
//   4. `cov layer coverage --out FILE` (the real CLI from runfiles, process
//      start included) for the full matrix: median and max of 20 runs, with
//      the ExportLayer RPC and the bare CLI start beside it. Target < 200 ms.
// Ends with a summary: each target, its figure, PASS or MISS.
//
//   bazel run //tests/bench:coverage_bench -- [--duration_s=10] [--calls=1000]
//       [--load_threads=2] [--load_channels=4] [--depth=32]
//       [--perf_data=/tmp/covd.perf [--perf_call_graph=dwarf]]
//
// Exits 1 when the corpus or a binary is missing, covd fails or does not
// stop on SIGTERM, or any request errors; a MISSed target is reported, not
// an exit code (this is a measurement). Always stops covd and removes its
// temporary store (unless --keep).
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cov/v1/cov.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "ingest/profile/profile_parser.h"
#include "server/engine/coverage.h"
#include "server/kb/kb_cache.h"
#include "server/kb/rule_index_cache.h"
#include "server/store/rocksdb_store.h"
#include "tests/corpus.h"

ABSL_FLAG(int, calls, 1000,
          "Sequential calls per latency series (round trip and in process).");
ABSL_FLAG(double, duration_s, 10, "Load phase duration, seconds.");
ABSL_FLAG(double, warmup_s, 1,
          "Load warm-up before measuring (not counted), seconds.");
ABSL_FLAG(int, load_threads, 2,
          "Load generator threads, each polling its own CompletionQueue.");
ABSL_FLAG(int, load_channels, 4,
          "Channels (separate TCP connections), shared round-robin by the "
          "in-flight slots of all threads.");
ABSL_FLAG(int, depth, 32, "Requests in flight per generator thread.");
ABSL_FLAG(int, rules_per_technique, 0,
          "rules_per_technique of the load requests (0: the server default, "
          "20).");
ABSL_FLAG(double, trimmed_duration_s, 3,
          "After the main load, a load of this many seconds with "
          "rules_per_technique=1 shows the effect of response size (0: off).");
ABSL_FLAG(int, layer_runs, 20, "`cov layer coverage` runs.");
ABSL_FLAG(std::string, perf_data, "",
          "When set, `perf record -g -p <covd>` during the main load, written "
          "to this file (report it with `perf report -i FILE`).");
ABSL_FLAG(std::string, perf_call_graph, "fp",
          "perf --call-graph mode: fp (= perf record -g) or dwarf (exact "
          "stacks for code built without frame pointers, larger files).");
ABSL_FLAG(bool, keep, false, "Keep the temporary store directory.");

namespace {

using Clock = std::chrono::steady_clock;

constexpr double kLatencyP50Ms = 2;
constexpr double kLatencyP99Ms = 5;
constexpr double kLoadTargetRps = 5000;
constexpr double kLayerTargetMs = 200;
constexpr int kMaxMessageBytes = 512 * 1024 * 1024;

double Ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

struct Summary {
  size_t n = 0;
  double p50 = 0, p99 = 0, max = 0, mean = 0;
  // Median CPU time of the calling thread per call, when measured: on a
  // shared machine the work itself, without time spent waiting for a core.
  double cpu_p50 = -1;
};

double ThreadCpuMs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

Summary Summarize(std::vector<double> v) {
  Summary s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.n = v.size();
  s.p50 = v[v.size() / 2];
  s.p99 = v[std::min(v.size() - 1, v.size() * 99 / 100)];
  s.max = v.back();
  double sum = 0;
  for (double x : v) sum += x;
  s.mean = sum / v.size();
  return s;
}

std::string Fmt(const Summary& s) {
  std::string out = absl::StrFormat("p50 %7.3f  p99 %7.3f  max %7.3f ms", s.p50,
                                    s.p99, s.max);
  if (s.cpu_p50 >= 0)
    absl::StrAppendFormat(&out, "  (CPU p50 %.3f)", s.cpu_p50);
  return out;
}

const char* Verdict(bool pass) { return pass ? "PASS" : "MISS"; }

std::string Runfile(const char* argv0, const std::string& rel) {
  std::string base = std::string(argv0) + ".runfiles/cov_project/" + rel;
  if (access(base.c_str(), R_OK) == 0) return base;
  if (const char* dir = std::getenv("RUNFILES_DIR")) {
    return std::string(dir) + "/cov_project/" + rel;
  }
  return rel;
}

// "VmRSS:" of /proc/PID/status in MiB, -1 when unreadable.
double RssMb(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::strtod(line.c_str() + 6, nullptr) / 1024.0;
    }
  }
  return -1;
}

// utime + stime of PID in seconds.
double CpuSeconds(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  size_t p = stat.rfind(')');
  if (p == std::string::npos) return 0;
  std::istringstream fields(stat.substr(p + 2));
  std::string f;
  unsigned long long ut = 0, st = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i) {
    if (i == 14) ut = std::stoull(f);
    if (i == 15) st = std::stoull(f);
  }
  return double(ut + st) / sysconf(_SC_CLK_TCK);
}

double SelfCpuSeconds() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

std::string Uptime() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return absl::StrCat(a, " ", b, " ", c);
}

// Runs argv with stdout/stderr to /dev/null; returns its exit status (or
// -1 when it could not run).
int RunQuiet(const std::vector<std::string>& argv) {
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  if (pid < 0) return -1;
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The covd child: started on a fresh store, stopped with SIGTERM.
class Covd {
 public:
  absl::Status Start(const std::string& binary, const std::string& db,
                     const std::string& dir) {
    log_ = dir + "/covd.log";
    std::string port_file = dir + "/port";
    pid_ = fork();
    if (pid_ == 0) {
      int fd = open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fd, 1);
      dup2(fd, 2);
      execl(binary.c_str(), binary.c_str(), "--db", db.c_str(), "--listen",
            "127.0.0.1:0", "--port_file", port_file.c_str(), nullptr);
      _exit(127);
    }
    auto t0 = Clock::now();
    while (Ms(t0, Clock::now()) < 20000) {
      std::ifstream in(port_file);
      if (in >> port_) return absl::OkStatus();
      int status;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return absl::InternalError("covd exited at start: " + Log());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return absl::DeadlineExceededError("covd did not start: " + Log());
  }

  // SIGTERM and wait; the exit code (or -1).
  int Stop() {
    if (pid_ <= 0) return -1;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  ~Covd() { Stop(); }

  std::string Log() const {
    std::ifstream in(log_);
    return std::string((std::istreambuf_iterator<char>(in)),
                       std::istreambuf_iterator<char>());
  }
  pid_t pid() const { return pid_; }
  std::string address() const { return "127.0.0.1:" + port_; }
  const std::string& port() const { return port_; }

 private:
  pid_t pid_ = -1;
  std::string port_;
  std::string log_;
};

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address, int id) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  // Own subchannel pool: each channel gets its own TCP connection.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt("cov.bench.channel_id", id);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(),
                                   args);
}

// Times `calls` runs of `fn`; stops at the first error it returns.
// With `cpu`, also the thread CPU time per call (for in-process work).
// `untimed` runs before each call, outside the measurement (e.g. freeing the
// previous response, which a server does after sending it).
absl::StatusOr<Summary> TimeCalls(
    int calls, const std::function<absl::Status()>& fn, bool cpu = false,
    const std::function<void()>& untimed = nullptr) {
  std::vector<double> lat, cpu_ms;
  lat.reserve(calls);
  cpu_ms.reserve(calls);
  for (int i = 0; i < calls; ++i) {
    if (untimed) untimed();
    double c = cpu ? ThreadCpuMs() : 0;
    auto a = Clock::now();
    absl::Status s = fn();
    lat.push_back(Ms(a, Clock::now()));
    if (cpu) cpu_ms.push_back(ThreadCpuMs() - c);
    if (!s.ok()) return s;
  }
  Summary out = Summarize(std::move(lat));
  if (cpu) out.cpu_p50 = Summarize(std::move(cpu_ms)).p50;
  return out;
}

absl::Status FromGrpc(const grpc::Status& s, const char* what) {
  if (s.ok()) return absl::OkStatus();
  return absl::UnknownError(
      absl::StrCat(what, ": code ", s.error_code(), " ", s.error_message()));
}

// ---------------------------------------------------------------------------
// Load generator: T threads, each with its own CompletionQueue and `depth`
// calls in flight; slot k of thread t uses channel (t * depth + k) % C. A
// finished call is re-issued at once on the same slot until the deadline;
// only calls started after the warm-up and finished before the deadline
// count.

struct LoadResult {
  int threads = 0, channels = 0, depth = 0;
  double seconds = 0;
  int64_t completed = 0;
  int64_t errors = 0;
  std::string first_error;
  Summary latency;
  double rps = 0;
  size_t response_bytes = 0;
};

LoadResult RunLoad(const std::string& address,
                   const cov::v1::CoverageRequest& request, int threads,
                   int channels, int depth, double warmup_s,
                   double duration_s) {
  std::vector<std::unique_ptr<cov::v1::CovService::Stub>> stubs;
  for (int c = 0; c < channels; ++c) {
    stubs.push_back(cov::v1::CovService::NewStub(MakeChannel(address, c)));
  }
  struct Slot {
    std::unique_ptr<grpc::ClientContext> ctx;
    cov::v1::CoverageResponse response;
    grpc::Status status;
    std::unique_ptr<grpc::ClientAsyncResponseReader<cov::v1::CoverageResponse>>
        reader;
    Clock::time_point start;
    cov::v1::CovService::Stub* stub;
  };
  struct PerThread {
    std::vector<double> latency;
    int64_t completed = 0, errors = 0;
    std::string first_error;
    size_t response_bytes = 0;
  };
  std::vector<PerThread> results(threads);
  const auto t0 = Clock::now();
  const auto measure_from = t0 + std::chrono::duration_cast<Clock::duration>(
                                     std::chrono::duration<double>(warmup_s));
  const auto deadline =
      measure_from + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(duration_s));
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      PerThread& r = results[t];
      r.latency.reserve(200000);
      grpc::CompletionQueue cq;
      std::vector<Slot> slots(depth);
      auto issue = [&](Slot& s) {
        s.ctx = std::make_unique<grpc::ClientContext>();
        s.response.Clear();
        s.start = Clock::now();
        s.reader = s.stub->PrepareAsyncGetCoverage(s.ctx.get(), request, &cq);
        s.reader->StartCall();
        s.reader->Finish(&s.response, &s.status, &s);
      };
      for (int k = 0; k < depth; ++k) {
        slots[k].stub = stubs[(t * depth + k) % channels].get();
        issue(slots[k]);
      }
      int outstanding = depth;
      void* tag;
      bool ok;
      while (outstanding > 0 && cq.Next(&tag, &ok)) {
        Slot& s = *static_cast<Slot*>(tag);
        auto now = Clock::now();
        --outstanding;
        if (!ok || !s.status.ok()) {
          if (r.errors++ == 0) {
            r.first_error = absl::StrCat("code ", s.status.error_code(), " ",
                                         s.status.error_message());
          }
        } else if (s.start >= measure_from && now <= deadline) {
          r.latency.push_back(Ms(s.start, now));
          ++r.completed;
          if (r.response_bytes == 0) {
            r.response_bytes = s.response.ByteSizeLong();
          }
        }
        if (now < deadline) {
          issue(s);
          ++outstanding;
        }
      }
      cq.Shutdown();
      while (cq.Next(&tag, &ok)) {
      }
    });
  }
  for (auto& w : workers) w.join();
  LoadResult out;
  out.threads = threads;
  out.channels = channels;
  out.depth = depth;
  out.seconds = duration_s;
  std::vector<double> all;
  for (auto& r : results) {
    out.completed += r.completed;
    out.errors += r.errors;
    if (out.first_error.empty()) out.first_error = r.first_error;
    out.response_bytes = std::max(out.response_bytes, r.response_bytes);
    all.insert(all.end(), r.latency.begin(), r.latency.end());
  }
  out.latency = Summarize(std::move(all));
  out.rps = out.completed / duration_s;
  return out;
}

void PrintLoad(const char* title, const LoadResult& r, double covd_cpu,
               double self_cpu) {
  const double n = std::max<int64_t>(1, r.completed);
  std::printf(
      "%s: %.0f req/s sustained over %.1f s (%lld completed, %lld errors)\n"
      "  latency %s\n"
      "  response %zu bytes; CPU per request: covd %.3f ms, generator %.3f "
      "ms\n"
      "  covd CPU %.2f s (%.0f%% of one core), generator CPU %.2f s "
      "(%.0f%%)\n",
      title, r.rps, r.seconds, static_cast<long long>(r.completed),
      static_cast<long long>(r.errors), Fmt(r.latency).c_str(),
      r.response_bytes, 1000 * covd_cpu / n, 1000 * self_cpu / n, covd_cpu,
      100 * covd_cpu / r.seconds, self_cpu, 100 * self_cpu / r.seconds);
  if (r.errors > 0) std::printf("  first error: %s\n", r.first_error.c_str());
}

struct Row {
  std::string target;
  std::string figure;
  bool pass;
};

int Fail(const std::string& msg) {
  std::fprintf(stderr, "coverage_bench: FAILED: %s\n", msg.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Coverage/gaps latency, loopback load and layer export timing.\n\n"
      "  bazel run //tests/bench:coverage_bench -- [--duration_s=10]");
  absl::ParseCommandLine(argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress shows when piped
  const int calls = std::max(1, absl::GetFlag(FLAGS_calls));

  // Corpus: every input must be present; never skip.
  absl::StatusOr<std::string> corpus = cov::testing::CorpusDir();
  if (!corpus.ok()) return Fail(corpus.status().ToString());
  struct RuleSet {
    cov::v1::RuleFormat format;
    const char* rel;
    const char* source;
  };
  const std::vector<RuleSet> rule_sets = {
      {cov::v1::RULE_FORMAT_SIGMA, "sigma/sigmahq-r2026-04-01", "sigmahq"},
      {cov::v1::RULE_FORMAT_SIGMA, "sigma/sigmahq-legacy-0.20",
       "sigma-legacy-0.20"},
      {cov::v1::RULE_FORMAT_SURICATA, "suricata/et-open-2024-04-21", "et-open"},
      {cov::v1::RULE_FORMAT_YARA, "yara/signature-base", "signature-base"},
      {cov::v1::RULE_FORMAT_YARA, "yara/attack-tagged", "yara-attack-tagged"},
  };
  const std::string bundle = *corpus + "/attack/enterprise-attack-18.1.json";
  std::vector<std::string> needed = {bundle};
  for (const auto& rs : rule_sets) needed.push_back(*corpus + "/" + rs.rel);
  for (const auto& p : needed) {
    struct stat st;
    if (stat(p.c_str(), &st) != 0) {
      return Fail(absl::StrCat("corpus input missing: ", p,
                               " (set COV_CORPUS_DIR or provide "
                               "../shared/corpus)"));
    }
  }
  const std::string covd_bin = Runfile(argv[0], "server/covd");
  const std::string cov_bin = Runfile(argv[0], "clients/cov");
  for (const auto& b : {covd_bin, cov_bin}) {
    if (access(b.c_str(), X_OK) != 0) {
      return Fail("binary not found in runfiles: " + b);
    }
  }
  std::string profile_yaml;
  {
    const std::string path =
        Runfile(argv[0], "deploy/profiles/network-sensors.yaml");
    auto text = cov::testing::ReadFileToString(path);
    if (!text.ok()) return Fail(text.status().ToString());
    profile_yaml = *std::move(text);
  }

  char tmpl[] = "/tmp/cov-coverage-bench-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return Fail("mkdtemp failed");
  const std::string dir = tmpl;
  const std::string db = dir + "/db";
  struct Cleanup {
    std::string dir;
    bool keep;
    ~Cleanup() {
      if (keep) {
        std::fprintf(stderr, "kept %s\n", dir.c_str());
      } else {
        RunQuiet({"/bin/rm", "-rf", dir});
      }
    }
  } cleanup{dir, absl::GetFlag(FLAGS_keep)};

  std::printf("coverage_bench: %ld cores, load average at start %s\n",
              sysconf(_SC_NPROCESSORS_ONLN), Uptime().c_str());
  std::vector<Row> rows;

  // 1. covd on a fresh store, loaded over gRPC.
  Covd covd;
  if (absl::Status s = covd.Start(covd_bin, db, dir); !s.ok()) {
    return Fail(s.ToString());
  }
  // A failure while covd runs shows the end of its log.
  auto fail_with_log = [&covd](const std::string& msg) {
    std::string log = covd.Log();
    if (log.size() > 4000) log = "..." + log.substr(log.size() - 4000);
    return Fail(absl::StrCat(msg, "\ncovd log:\n", log));
  };
  auto channel = MakeChannel(covd.address(), 1000);
  auto stub = cov::v1::CovService::NewStub(channel);
  {
    auto t0 = Clock::now();
    cov::v1::IngestAttackRequest req;
    req.set_path(bundle);
    req.set_make_default(true);
    cov::v1::IngestAttackResponse resp;
    grpc::ClientContext ctx;
    grpc::Status s = stub->IngestAttack(&ctx, req, &resp);
    if (!s.ok()) return fail_with_log(FromGrpc(s, "IngestAttack").ToString());
    std::printf("load: ATT&CK %s@%s in %.0f ms\n",
                resp.release().domain().c_str(),
                resp.release().version().c_str(), Ms(t0, Clock::now()));
  }
  int64_t total_rules = 0;
  for (const auto& rs : rule_sets) {
    auto t0 = Clock::now();
    cov::v1::IngestRulesRequest req;
    req.set_format(rs.format);
    req.set_path(*corpus + "/" + rs.rel);
    req.set_source(rs.source);
    cov::v1::IngestRulesResponse resp;
    grpc::ClientContext ctx;
    grpc::Status s = stub->IngestRules(&ctx, req, &resp);
    if (!s.ok()) return fail_with_log(FromGrpc(s, "IngestRules").ToString());
    total_rules += resp.source().rule_count();
    std::printf("load: %-20s %6d rules from %5d files in %6.0f ms\n", rs.source,
                resp.source().rule_count(), resp.files_parsed(),
                Ms(t0, Clock::now()));
  }
  std::printf("load: %lld rules in 5 sources\n",
              static_cast<long long>(total_rules));

  // Requests.
  cov::v1::CoverageRequest cov_all;
  cov_all.set_by("tactic");
  // Coverage by tactic as `cov coverage` asks for it: totals per tactic,
  // no technique list (CoverageRequest.summary). The second load pass below
  // measures full responses.
  cov_all.set_summary(true);
  cov::v1::CoverageRequest cov_net = cov_all;
  cov_net.mutable_options()->set_profile_yaml(profile_yaml);
  cov_net.mutable_options()->set_profile_file_name("network-sensors.yaml");
  cov::v1::GapsRequest gaps_all;
  gaps_all.set_top(20);
  cov::v1::GapsRequest gaps_net = gaps_all;
  *gaps_net.mutable_options() = cov_net.options();

  auto coverage_rpc = [&](const cov::v1::CoverageRequest& req,
                          cov::v1::CoverageResponse* resp) {
    grpc::ClientContext ctx;
    return FromGrpc(stub->GetCoverage(&ctx, req, resp), "GetCoverage");
  };
  auto gaps_rpc = [&](const cov::v1::GapsRequest& req,
                      cov::v1::GapsResponse* resp) {
    grpc::ClientContext ctx;
    return FromGrpc(stub->GetGaps(&ctx, req, resp), "GetGaps");
  };

  // Warm the model and rule-index caches.
  cov::v1::CoverageResponse sample_all, sample_net;
  cov::v1::GapsResponse sample_gaps_all, sample_gaps_net;
  {
    auto t0 = Clock::now();
    if (auto s = coverage_rpc(cov_all, &sample_all); !s.ok()) {
      return fail_with_log(s.ToString());
    }
    std::printf("warm-up GetCoverage (loads model + rule index): %.0f ms\n",
                Ms(t0, Clock::now()));
    if (auto s = coverage_rpc(cov_net, &sample_net); !s.ok()) {
      return fail_with_log(s.ToString());
    }
    if (auto s = gaps_rpc(gaps_all, &sample_gaps_all); !s.ok()) {
      return fail_with_log(s.ToString());
    }
    if (auto s = gaps_rpc(gaps_net, &sample_gaps_net); !s.ok()) {
      return fail_with_log(s.ToString());
    }
  }
  auto describe = [](const cov::v1::CoverageResponse& r) {
    size_t refs = 0, used_by = 0;
    for (const auto& t : r.techniques()) {
      refs += t.rules_size();
      used_by += t.used_by_size();
    }
    return absl::StrFormat(
        "%d/%d covered, %d techniques, %zu RuleRefs, %zu used_by, %zu bytes",
        r.covered(), r.potential(), r.techniques_size(), refs, used_by,
        r.ByteSizeLong());
  };
  std::printf("coverage by tactic, all telemetry:   %s\n",
              describe(sample_all).c_str());
  std::printf("coverage by tactic, network profile: %s\n",
              describe(sample_net).c_str());
  std::printf(
      "gaps top 20: all %zu bytes (total %d), network %zu bytes "
      "(total %d)\n",
      sample_gaps_all.ByteSizeLong(), sample_gaps_all.total(),
      sample_gaps_net.ByteSizeLong(), sample_gaps_net.total());
  if (sample_all.covered() == 0 || sample_net.potential() == 0 ||
      sample_gaps_all.gaps_size() != 20) {
    return fail_with_log(
        "implausible coverage answers (nothing covered or no gaps)");
  }

  // 2a. Round-trip latency, one client, sequential.
  std::printf(
      "\n== latency, %d sequential calls each, one client, loopback "
      "round trip (upper bound of server time)\n",
      calls);
  struct Series {
    const char* name;
    Summary rtt;
    Summary handler;
    Summary engine;
  };
  std::vector<Series> series = {{"GetCoverage by tactic, all telemetry"},
                                {"GetCoverage by tactic, network profile"},
                                {"GetGaps top 20, all telemetry"},
                                {"GetGaps top 20, network profile"}};
  {
    cov::v1::CoverageResponse cr;
    cov::v1::GapsResponse gr;
    std::vector<std::function<absl::Status()>> fns = {
        [&] { return coverage_rpc(cov_all, &cr); },
        [&] { return coverage_rpc(cov_net, &cr); },
        [&] { return gaps_rpc(gaps_all, &gr); },
        [&] { return gaps_rpc(gaps_net, &gr); }};
    for (size_t i = 0; i < fns.size(); ++i) {
      auto s = TimeCalls(calls, fns[i]);
      if (!s.ok()) return Fail(s.status().ToString());
      series[i].rtt = *s;
      std::printf("  %-40s %s\n", series[i].name, Fmt(*s).c_str());
    }
  }

  // 3. Load.
  const int threads = std::max(1, absl::GetFlag(FLAGS_load_threads));
  const int channels = std::max(1, absl::GetFlag(FLAGS_load_channels));
  const int depth = std::max(1, absl::GetFlag(FLAGS_depth));
  const double duration = std::max(0.5, absl::GetFlag(FLAGS_duration_s));
  const double warmup = std::max(0.0, absl::GetFlag(FLAGS_warmup_s));
  std::printf(
      "\n== load: GetCoverage by tactic (all telemetry, rules_per_technique "
      "%d), %.1f s after %.1f s warm-up\n"
      "  generator: gRPC C++ async CompletionQueue client, %d threads x %d in "
      "flight = %d requests in flight, over %d channels (own TCP connection "
      "each), in this process.\n"
      "  covd and the generator share this machine's %ld cores.\n",
      absl::GetFlag(FLAGS_rules_per_technique), duration, warmup, threads,
      depth, threads * depth, channels, sysconf(_SC_NPROCESSORS_ONLN));
  LoadResult load;
  double rss_before = RssMb(covd.pid()), rss_after = 0;
  {
    cov::v1::CoverageRequest req = cov_all;
    req.set_rules_per_technique(absl::GetFlag(FLAGS_rules_per_technique));
    pid_t perf = -1;
    const std::string perf_data = absl::GetFlag(FLAGS_perf_data);
    if (!perf_data.empty()) {
      perf = fork();
      if (perf == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(devnull, 2);
        std::string pid = std::to_string(covd.pid());
        std::string graph = absl::GetFlag(FLAGS_perf_call_graph);
        execl("/usr/bin/perf", "perf", "record", "--call-graph", graph.c_str(),
              "-o", perf_data.c_str(), "-p", pid.c_str(), nullptr);
        _exit(127);
      }
    }
    double covd_cpu0 = CpuSeconds(covd.pid());
    double self_cpu0 = SelfCpuSeconds();
    load = RunLoad(covd.address(), req, threads, channels, depth, warmup,
                   duration);
    // CPU includes the warm-up; scale to the measured window.
    double scale = duration / (duration + warmup);
    double covd_cpu = (CpuSeconds(covd.pid()) - covd_cpu0) * scale;
    double self_cpu = (SelfCpuSeconds() - self_cpu0) * scale;
    if (perf > 0) {
      kill(perf, SIGINT);
      waitpid(perf, nullptr, 0);
      std::printf("  perf profile of covd written to %s\n", perf_data.c_str());
    }
    rss_after = RssMb(covd.pid());
    PrintLoad("  GetCoverage load", load, covd_cpu, self_cpu);
    std::printf("  covd RSS before %.0f MiB, after %.0f MiB\n", rss_before,
                rss_after);
  }
  const double trimmed_s = absl::GetFlag(FLAGS_trimmed_duration_s);
  LoadResult trimmed;
  if (trimmed_s > 0) {
    cov::v1::CoverageRequest req = cov_all;
    req.set_summary(false);  // full technique list, 1 rule per technique
    req.set_rules_per_technique(1);
    double covd_cpu0 = CpuSeconds(covd.pid());
    double self_cpu0 = SelfCpuSeconds();
    trimmed =
        RunLoad(covd.address(), req, threads, channels, depth, 0.5, trimmed_s);
    double scale = trimmed_s / (trimmed_s + 0.5);
    PrintLoad("  diagnostic, same load with rules_per_technique=1", trimmed,
              (CpuSeconds(covd.pid()) - covd_cpu0) * scale,
              (SelfCpuSeconds() - self_cpu0) * scale);
  }

  // 4. Layer export through the CLI, process start included.
  const int layer_runs = std::max(1, absl::GetFlag(FLAGS_layer_runs));
  std::printf(
      "\n== layer: `cov layer coverage --out FILE` (full matrix, all "
      "telemetry), %d runs, CLI process start included\n",
      layer_runs);
  Summary layer, layer_rpc, cli_start;
  size_t layer_bytes = 0;
  {
    const std::string out = dir + "/layer.json";
    std::vector<double> lat;
    for (int i = 0; i < layer_runs; ++i) {
      unlink(out.c_str());
      auto a = Clock::now();
      int rc = RunQuiet({cov_bin, "--server", covd.address(), "layer",
                         "coverage", "--out", out});
      lat.push_back(Ms(a, Clock::now()));
      if (rc != 0) {
        return Fail(absl::StrCat("cov layer coverage exited ", rc));
      }
    }
    struct stat st;
    if (stat(out.c_str(), &st) != 0 || st.st_size < 1000) {
      return Fail("cov layer coverage wrote no layer");
    }
    layer_bytes = st.st_size;
    layer = Summarize(lat);
    std::printf(
        "  cov layer coverage        %s  (median %.1f ms; layer %zu "
        "bytes)\n",
        Fmt(layer).c_str(), layer.p50, layer_bytes);
    // Breakdown: the RPC alone, and the CLI's start and exit alone.
    cov::v1::LayerRequest lreq;
    lreq.set_kind("coverage");
    auto s = TimeCalls(layer_runs, [&] {
      grpc::ClientContext ctx;
      cov::v1::LayerResponse lr;
      return FromGrpc(stub->ExportLayer(&ctx, lreq, &lr), "ExportLayer");
    });
    if (!s.ok()) return Fail(s.status().ToString());
    layer_rpc = *s;
    lat.clear();
    for (int i = 0; i < layer_runs; ++i) {
      auto a = Clock::now();
      RunQuiet({cov_bin, "--help"});
      lat.push_back(Ms(a, Clock::now()));
    }
    cli_start = Summarize(lat);
    std::printf("  breakdown: ExportLayer RPC %s; `cov --help` process %s\n",
                Fmt(layer_rpc).c_str(), Fmt(cli_start).c_str());
  }

  const int rc = covd.Stop();
  if (rc != 0) {
    std::printf("covd exit code %d; log:\n%s\n", rc, covd.Log().c_str());
    return Fail("covd did not stop cleanly on SIGTERM");
  }

  // 2b. The same queries in process (covd has released the store lock).
  std::printf(
      "\n== latency in process, same store, %d calls each: handler = "
      "PrepareQuery equivalent + compute + SerializeToString; engine "
      "= ComputeCoverage/ComputeGaps alone; freeing the previous response "
      "not timed (covd does it after sending)\n",
      calls);
  {
    auto store = cov::server::store::RocksDbStore::Open(db);
    if (!store.ok()) return Fail(store.status().ToString());
    cov::server::kb::KbCache kb_cache(store->get());
    cov::server::kb::RuleIndexCache rule_cache(store->get());
    namespace engine = cov::server::engine;
    struct Prepared {
      std::shared_ptr<const engine::KnowledgeBase> kb;
      std::shared_ptr<const engine::RuleIndex> rules;
      engine::CoverageQuery query;
    };
    // What CovServiceImpl::PrepareQuery does. Evidence is left null: this
    // store holds no experiments, so every covered technique is "claimed"
    // either way (the service's evidence index is cached by generation).
    auto prepare = [&](const cov::v1::CoverageOptions& options)
        -> absl::StatusOr<Prepared> {
      cov::v1::Profile profile = options.profile();
      if (!options.profile_yaml().empty()) {
        auto p = cov::ingest::profile::ParseProfile(
            options.profile_yaml(), options.profile_file_name());
        if (!p.ok()) return p.status();
        profile = *std::move(p);
      }
      auto rel = (*store)->ResolveRelease(profile.release());
      if (!rel.ok()) return rel.status();
      auto kb = kb_cache.Get(*rel);
      if (!kb.ok()) return kb.status();
      auto all = (*store)->ListReleases();  // other domains (none here)
      if (!all.ok()) return all.status();
      auto rules = rule_cache.Get(*kb, {});
      if (!rules.ok()) return rules.status();
      auto resolved = engine::ResolveProfile(**kb, profile);
      if (!resolved.ok()) return resolved.status();
      Prepared out{*kb, *rules, {}};
      out.query.profile = *std::move(resolved);
      out.query.rollup = options.rollup();
      out.query.tactic_context = options.tactic_context();
      out.query.include_disabled = options.include_disabled();
      return out;
    };
    auto t0 = Clock::now();
    auto warm = prepare(cov_all.options());
    if (!warm.ok()) return Fail(warm.status().ToString());
    std::printf("  model + rule index load: %.0f ms\n", Ms(t0, Clock::now()));
    std::string wire;
    auto handler_cov = [&](const cov::v1::CoverageRequest& req,
                           cov::v1::CoverageResponse* resp) -> absl::Status {
      auto p = prepare(req.options());
      if (!p.ok()) return p.status();
      p->query.by = req.by();
      p->query.rules_per_technique = req.rules_per_technique();
      *resp = engine::ComputeCoverage(*p->kb, *p->rules, p->query);
      resp->SerializeToString(&wire);
      return absl::OkStatus();
    };
    auto handler_gaps = [&](const cov::v1::GapsRequest& req,
                            cov::v1::GapsResponse* resp) -> absl::Status {
      auto p = prepare(req.options());
      if (!p.ok()) return p.status();
      engine::GapsQuery gq;
      gq.coverage = std::move(p->query);
      gq.top = req.top();
      auto g = engine::ComputeGaps(*p->kb, *p->rules, gq);
      if (!g.ok()) return g.status();
      *resp = *std::move(g);
      resp->SerializeToString(&wire);
      return absl::OkStatus();
    };
    auto ready_all = prepare(cov_all.options());
    auto ready_net = prepare(cov_net.options());
    if (!ready_all.ok() || !ready_net.ok()) return Fail("prepare failed");
    ready_all->query.by = "tactic";
    ready_net->query.by = "tactic";
    cov::v1::CoverageResponse cr;
    cov::v1::GapsResponse gr;
    // Leaves cr and gr empty, so the timed assignment destroys nothing.
    auto free_responses = [&] {
      cr = cov::v1::CoverageResponse();
      gr = cov::v1::GapsResponse();
    };
    struct Fns {
      std::function<absl::Status()> handler, engine;
    };
    std::vector<Fns> fns = {
        {[&] { return handler_cov(cov_all, &cr); },
         [&] {
           cr = engine::ComputeCoverage(*ready_all->kb, *ready_all->rules,
                                        ready_all->query);
           return absl::OkStatus();
         }},
        {[&] { return handler_cov(cov_net, &cr); },
         [&] {
           cr = engine::ComputeCoverage(*ready_net->kb, *ready_net->rules,
                                        ready_net->query);
           return absl::OkStatus();
         }},
        {[&] { return handler_gaps(gaps_all, &gr); },
         [&] {
           engine::GapsQuery gq{ready_all->query, {}, 20, 0};
           auto g = engine::ComputeGaps(*ready_all->kb, *ready_all->rules, gq);
           if (!g.ok()) return g.status();
           gr = *std::move(g);
           return absl::OkStatus();
         }},
        {[&] { return handler_gaps(gaps_net, &gr); },
         [&] {
           engine::GapsQuery gq{ready_net->query, {}, 20, 0};
           auto g = engine::ComputeGaps(*ready_net->kb, *ready_net->rules, gq);
           if (!g.ok()) return g.status();
           gr = *std::move(g);
           return absl::OkStatus();
         }}};
    for (size_t i = 0; i < fns.size(); ++i) {
      auto h = TimeCalls(calls, fns[i].handler, true, free_responses);
      auto e = TimeCalls(calls, fns[i].engine, true, free_responses);
      if (!h.ok()) return Fail(h.status().ToString());
      if (!e.ok()) return Fail(e.status().ToString());
      series[i].handler = *h;
      series[i].engine = *e;
      std::printf("  %-40s handler %s\n  %-40s engine  %s\n", series[i].name,
                  Fmt(*h).c_str(), "", Fmt(*e).c_str());
    }
    // Cross-check: in process equals what covd answered.
    cov::v1::CoverageResponse again;
    if (!handler_cov(cov_all, &again).ok() ||
        again.covered() != sample_all.covered() ||
        again.potential() != sample_all.potential()) {
      return Fail("in-process coverage differs from covd's answer");
    }
    // Serialisation alone, of the all-telemetry coverage response.
    auto ser = TimeCalls(
        calls,
        [&] {
          sample_all.SerializeToString(&wire);
          return absl::OkStatus();
        },
        true);
    std::printf(
        "  SerializeToString of the all-telemetry coverage response "
        "(%zu bytes): %s\n",
        wire.size(), Fmt(*ser).c_str());
    // What every client pays per full response.
    const std::string bytes = wire;
    auto parse = TimeCalls(
        calls,
        [&] {
          cov::v1::CoverageResponse r;
          if (!r.ParseFromString(bytes)) return absl::DataLossError("parse");
          return absl::OkStatus();
        },
        true);
    if (!parse.ok()) return Fail(parse.status().ToString());
    std::printf("  ParseFromString of it (the client's share): %s\n",
                Fmt(*parse).c_str());
    // PrepareQuery alone (store lookups, caches, profile YAML, resolution).
    auto prep_all = TimeCalls(
        calls, [&] { return prepare(cov_all.options()).status(); }, true);
    auto prep_net = TimeCalls(
        calls, [&] { return prepare(cov_net.options()).status(); }, true);
    if (!prep_all.ok() || !prep_net.ok()) return Fail("prepare failed");
    std::printf(
        "  PrepareQuery equivalent: all telemetry %s; network profile "
        "%s\n",
        Fmt(*prep_all).c_str(), Fmt(*prep_net).c_str());
  }

  // Summary: one row per target; latency is judged at the server (in
  // process), the loopback round trip shown beside it as an upper bound.
  for (const auto& s : series) {
    rows.push_back(
        {absl::StrCat(s.name, " (p50 <= 2, p99 <= 5 ms)"),
         absl::StrFormat("server p50 %.2f p99 %.2f ms; round trip p50 %.2f "
                         "p99 %.2f",
                         s.handler.p50, s.handler.p99, s.rtt.p50, s.rtt.p99),
         s.handler.p50 <= kLatencyP50Ms && s.handler.p99 <= kLatencyP99Ms});
  }
  rows.push_back(
      {absl::StrFormat("load: GetCoverage by tactic >= %.0f req/s, 0 errors",
                       kLoadTargetRps),
       absl::StrFormat("%.0f req/s, %lld errors, p50 %.1f p99 %.1f ms",
                       load.rps, static_cast<long long>(load.errors),
                       load.latency.p50, load.latency.p99),
       load.rps >= kLoadTargetRps && load.errors == 0});
  rows.push_back(
      {"layer: cov layer coverage --out FILE < 200 ms",
       absl::StrFormat("median %.1f ms, max %.1f ms", layer.p50, layer.max),
       layer.p50 < kLayerTargetMs});
  std::printf(
      "\n== summary (load average now %s; covd and the generator share %ld "
      "cores)\n",
      Uptime().c_str(), sysconf(_SC_NPROCESSORS_ONLN));
  for (const auto& r : rows) {
    std::printf("  %-4s  %-62s %s\n", Verdict(r.pass), r.target.c_str(),
                r.figure.c_str());
  }
  std::printf("  covd RSS before/after load: %.0f / %.0f MiB\n", rss_before,
              rss_after);
  if (load.errors > 0 || trimmed.errors > 0) {
    return Fail("the load saw errors");
  }
  return 0;
}
