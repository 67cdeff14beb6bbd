// The load test's request generator (tests/load/load.py --driver cxx): the
// query mix as raw bytes over gRPC's generic async API, so the generator
// costs a few percent of a core where Python clients needed one and a half
// for 1,800 req/s. load.py builds the probes and checks the answers; this
// program only sends, times and records.
//
//   load_driver --address 127.0.0.1:PORT --probes probes.tsv --duration 60
//       --start_at NS --channels 4 --depth 4 --threads 1
//       --records records.tsv --answers answers.tsv
//
// Input (--probes), one probe per line: "METHOD\tWEIGHT\tHEX(request)",
// METHOD as "/cov.v1.CovService/GetCoverage".
// Output:
//   --records  one line per call finished before the deadline:
//              "START_NS\tEND_NS\tPROBE\tANSWER" (ANSWER: index into the
//              probe's distinct answers) or "START_NS\tEND_NS\tPROBE\tE\tCODE\t
//              MESSAGE" for a failed call; times are CLOCK_MONOTONIC (Python's
//              time.monotonic(), in ns).
//   --answers  every distinct answer once: "PROBE\tANSWER\tHEX(bytes)".
//   stdout     one JSON line: calls, errors, seconds, cpu_s (this process's
//              user+system CPU), distinct answers.
// Calls go out as soon as a slot frees (closed loop), or at --rate calls per
// second (open loop, latency from when each call was due; "late" counts
// calls started over 1 ms after they were due because every slot was busy):
// --threads threads, each with its own CompletionQueue and --depth calls in
// flight per channel it owns; channels are split between threads. Loopback
// only.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/hash/hash.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"

ABSL_FLAG(std::string, address, "", "covd's loopback address, HOST:PORT.");
ABSL_FLAG(std::string, probes, "", "Probe file (METHOD\\tWEIGHT\\tHEX).");
ABSL_FLAG(double, duration, 10, "Seconds of load after --start_at.");
ABSL_FLAG(int64_t, start_at, 0,
          "CLOCK_MONOTONIC ns to start at (0: now), so the caller's clock "
          "and ours agree on the phase.");
ABSL_FLAG(int, channels, 4, "gRPC channels (connections).");
ABSL_FLAG(int, depth, 4, "Calls in flight per channel.");
ABSL_FLAG(int, threads, 1, "Completion-queue threads.");
ABSL_FLAG(uint64_t, seed, 1, "Random seed of the probe draw.");
ABSL_FLAG(double, rate, 0,
          "Calls per second to start (open loop, at most channels x depth "
          "in flight; latency counts from when a call was due). 0: closed "
          "loop, each slot re-issues as soon as its call finishes.");
ABSL_FLAG(std::string, records, "", "Where to write one line per call.");
ABSL_FLAG(std::string, answers, "", "Where to write each distinct answer.");

namespace {

using Clock = std::chrono::steady_clock;

struct Probe {
  std::string method;
  double weight = 0;
  grpc::ByteBuffer request;
};

int64_t Ns(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             t.time_since_epoch())
      .count();
}

std::string Flatten(const grpc::ByteBuffer& b) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!b.Dump(&slices).ok()) return out;
  out.reserve(b.Length());
  for (const auto& s : slices) {
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return out;
}

bool ReadProbes(const std::string& path, std::vector<Probe>* out,
                std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = absl::StrCat(path, ": cannot open");
    return false;
  }
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    std::vector<std::string> f = absl::StrSplit(line, '\t');
    Probe p;
    if (f.size() != 3 || !absl::SimpleAtod(f[1], &p.weight) || p.weight < 0) {
      *error = absl::StrCat(path, ":", n, ": want METHOD\\tWEIGHT\\tHEX");
      return false;
    }
    p.method = f[0];
    std::string bytes = absl::HexStringToBytes(f[2]);
    grpc::Slice slice(bytes);
    p.request = grpc::ByteBuffer(&slice, 1);
    out->push_back(std::move(p));
  }
  if (out->empty()) {
    *error = absl::StrCat(path, ": no probes");
    return false;
  }
  return true;
}

// Distinct answers per probe; thread-safe.
class Answers {
 public:
  explicit Answers(size_t probes) : by_probe_(probes) {}
  int Id(int probe, std::string bytes) {
    const size_t h = absl::Hash<std::string>()(bytes);
    absl::MutexLock lock(&mu_);
    PerProbe& p = by_probe_[probe];
    auto [lo, hi] = p.by_hash.equal_range(h);
    for (auto it = lo; it != hi; ++it) {
      if (p.answers[it->second] == bytes) return it->second;
    }
    p.answers.push_back(std::move(bytes));
    const int id = static_cast<int>(p.answers.size() - 1);
    p.by_hash.emplace(h, id);
    return id;
  }
  size_t Write(std::FILE* f) {
    absl::MutexLock lock(&mu_);
    size_t n = 0;
    for (size_t probe = 0; probe < by_probe_.size(); ++probe) {
      for (size_t id = 0; id < by_probe_[probe].answers.size(); ++id, ++n) {
        std::fprintf(
            f, "%zu\t%zu\t%s\n", probe, id,
            absl::BytesToHexString(by_probe_[probe].answers[id]).c_str());
      }
    }
    return n;
  }

 private:
  struct PerProbe {
    std::unordered_multimap<size_t, int> by_hash;
    std::vector<std::string> answers;
  };
  absl::Mutex mu_;
  std::vector<PerProbe> by_probe_;
};

struct Record {
  int64_t start, end;
  int probe;
  int answer;  // -1: error
  int code;
  std::string message;
};

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Sends the load test's query mix to covd (see tests/load/load.py "
      "--driver cxx).");
  absl::ParseCommandLine(argc, argv);
  std::vector<Probe> probes;
  std::string error;
  if (!ReadProbes(absl::GetFlag(FLAGS_probes), &probes, &error)) {
    std::fprintf(stderr, "load_driver: %s\n", error.c_str());
    return 2;
  }
  const std::string address = absl::GetFlag(FLAGS_address);
  if (!(absl::StartsWith(address, "127.") ||
        absl::StartsWith(address, "localhost:") ||
        absl::StartsWith(address, "[::1]:"))) {
    std::fprintf(stderr, "load_driver: refusing non-loopback target %s\n",
                 address.c_str());
    return 2;
  }
  const int threads = std::max(1, absl::GetFlag(FLAGS_threads));
  const int channels = std::max(threads, absl::GetFlag(FLAGS_channels));
  const int depth = std::max(1, absl::GetFlag(FLAGS_depth));
  std::vector<std::shared_ptr<grpc::Channel>> chans;
  for (int c = 0; c < channels; ++c) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(512 << 20);
    args.SetInt("cov.load_channel", c);  // distinct args: own connection
    chans.push_back(grpc::CreateCustomChannel(
        address, grpc::InsecureChannelCredentials(), args));
  }
  std::vector<double> cumulative;
  double total = 0;
  for (const Probe& p : probes) cumulative.push_back(total += p.weight);

  Clock::time_point start = Clock::now();
  if (const int64_t at = absl::GetFlag(FLAGS_start_at); at > 0) {
    start = Clock::time_point(std::chrono::nanoseconds(at));
  }
  const Clock::time_point deadline =
      start + std::chrono::duration_cast<Clock::duration>(
                  std::chrono::duration<double>(absl::GetFlag(FLAGS_duration)));
  std::this_thread::sleep_until(start);

  Answers answers(probes.size());
  std::vector<std::vector<Record>> records(threads);
  std::vector<int64_t> late(threads, 0);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::mt19937_64 rng(absl::GetFlag(FLAGS_seed) * 7919 + t);
      std::uniform_real_distribution<double> draw(0, total);
      grpc::CompletionQueue cq;
      struct Slot {
        std::unique_ptr<grpc::ClientContext> ctx;
        std::unique_ptr<grpc::GenericClientAsyncResponseReader> call;
        grpc::ByteBuffer response;
        grpc::Status status;
        Clock::time_point started;
        int probe = 0;
        std::unique_ptr<grpc::GenericStub> stub;
      };
      std::vector<std::unique_ptr<Slot>> slots;
      for (int c = t; c < channels; c += threads) {
        for (int d = 0; d < depth; ++d) {
          auto s = std::make_unique<Slot>();
          s->stub = std::make_unique<grpc::GenericStub>(chans[c]);
          slots.push_back(std::move(s));
        }
      }
      // `due`: when the call was meant to start (paced mode), from which its
      // latency counts, so a generator falling behind does not hide it.
      auto issue = [&](Slot& s, Clock::time_point due) {
        const double x = draw(rng);
        s.probe = static_cast<int>(
            std::upper_bound(cumulative.begin(), cumulative.end(), x) -
            cumulative.begin());
        if (s.probe >= static_cast<int>(probes.size())) {
          s.probe = static_cast<int>(probes.size()) - 1;
        }
        s.ctx = std::make_unique<grpc::ClientContext>();
        s.ctx->set_deadline(std::chrono::system_clock::now() +
                            std::chrono::seconds(60));
        s.response.Clear();
        s.started = due;
        s.call = s.stub->PrepareUnaryCall(s.ctx.get(), probes[s.probe].method,
                                          probes[s.probe].request, &cq);
        s.call->StartCall();
        s.call->Finish(&s.response, &s.status, &s);
      };
      const double rate = absl::GetFlag(FLAGS_rate) / threads;
      const auto interval = std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(rate > 0 ? 1.0 / rate : 0));
      std::vector<Slot*> idle;
      size_t outstanding = 0;
      if (rate > 0) {
        for (auto& s : slots) idle.push_back(s.get());
      } else {
        for (auto& s : slots) issue(*s, Clock::now());
        outstanding = slots.size();
      }
      Clock::time_point due = start;
      int64_t issued = 0;
      void* tag;
      bool ok;
      std::vector<Record>& out = records[t];
      out.reserve(1 << 18);
      while (true) {
        if (rate > 0) {
          const Clock::time_point now = Clock::now();
          if (outstanding == 0 && now >= deadline) break;
          while (due <= now && due < deadline && now < deadline &&
                 !idle.empty()) {
            if (now - due > std::chrono::milliseconds(1)) late[t]++;
            issue(*idle.back(), due);
            idle.pop_back();
            ++outstanding;
            due = start + ++issued * interval;
          }
          if (outstanding == 0) {
            if (due >= deadline) break;  // (now < deadline: checked above)
            std::this_thread::sleep_until(due);
            continue;
          }
          // Wake for the next due call (or a completion).
          const Clock::time_point wake = std::min(due, deadline);
          const auto when = std::chrono::system_clock::now() +
                            std::max(Clock::duration::zero(), wake - now);
          grpc::CompletionQueue::NextStatus st =
              due < deadline && now < deadline && !idle.empty()
                  ? cq.AsyncNext(&tag, &ok, when)
                  : (cq.Next(&tag, &ok) ? grpc::CompletionQueue::GOT_EVENT
                                        : grpc::CompletionQueue::SHUTDOWN);
          if (st == grpc::CompletionQueue::TIMEOUT) continue;
          if (st == grpc::CompletionQueue::SHUTDOWN) break;
        } else {
          if (outstanding == 0 || !cq.Next(&tag, &ok)) break;
        }
        Slot& s = *static_cast<Slot*>(tag);
        const Clock::time_point now = Clock::now();
        --outstanding;
        if (now <= deadline) {
          Record r{Ns(s.started), Ns(now), s.probe, -1, 0, ""};
          if (ok && s.status.ok()) {
            r.answer = answers.Id(s.probe, Flatten(s.response));
          } else {
            r.code = ok ? s.status.error_code() : grpc::StatusCode::UNKNOWN;
            r.message = s.status.error_message().substr(0, 300);
          }
          out.push_back(std::move(r));
          if (rate > 0) {
            idle.push_back(&s);
          } else {
            issue(s, Clock::now());
            ++outstanding;
          }
        }
      }
      cq.Shutdown();
      while (cq.Next(&tag, &ok)) {
      }
    });
  }
  for (auto& w : workers) w.join();
  const double seconds =
      std::chrono::duration<double>(Clock::now() - start).count();

  int64_t calls = 0, errors = 0;
  if (std::FILE* f = std::fopen(absl::GetFlag(FLAGS_records).c_str(), "w")) {
    for (const auto& per : records) {
      for (const Record& r : per) {
        ++calls;
        if (r.answer >= 0) {
          std::fprintf(f, "%lld\t%lld\t%d\t%d\n",
                       static_cast<long long>(r.start),
                       static_cast<long long>(r.end), r.probe, r.answer);
        } else {
          ++errors;
          std::string msg = r.message;
          for (char& c : msg) {
            if (c == '\t' || c == '\n') c = ' ';
          }
          std::fprintf(
              f, "%lld\t%lld\t%d\tE\t%d\t%s\n", static_cast<long long>(r.start),
              static_cast<long long>(r.end), r.probe, r.code, msg.c_str());
        }
      }
    }
    std::fclose(f);
  } else {
    std::fprintf(stderr, "load_driver: cannot write %s\n",
                 absl::GetFlag(FLAGS_records).c_str());
    return 2;
  }
  size_t distinct = 0;
  if (std::FILE* f = std::fopen(absl::GetFlag(FLAGS_answers).c_str(), "w")) {
    distinct = answers.Write(f);
    std::fclose(f);
  } else {
    std::fprintf(stderr, "load_driver: cannot write %s\n",
                 absl::GetFlag(FLAGS_answers).c_str());
    return 2;
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
                     ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
  std::printf(
      "{\"calls\": %lld, \"errors\": %lld, \"seconds\": %.3f, \"cpu_s\": "
      "%.3f, \"answers\": %zu, \"threads\": %d, \"channels\": %d, \"depth\": "
      "%d, \"late\": %lld}\n",
      static_cast<long long>(calls), static_cast<long long>(errors), seconds,
      cpu, distinct, threads, channels, depth,
      static_cast<long long>(
          std::accumulate(late.begin(), late.end(), int64_t{0})));
  return 0;
}
