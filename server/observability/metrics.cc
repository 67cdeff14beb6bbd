#include "server/observability/metrics.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace cov::server::observability {
namespace {

// Prometheus sample values: integers exactly, others in the shortest form
// that reads back to the same double.
std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 9007199254740992.0) {
    return absl::StrCat(static_cast<int64_t>(v));
  }
  char buf[32];
  for (int precision = 15; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

void AppendLabels(const Labels& labels, std::string* out) {
  if (labels.empty()) return;
  out->push_back('{');
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out->push_back(',');
    absl::StrAppend(out, labels[i].first, "=\"",
                    EscapeLabelValue(labels[i].second), "\"");
  }
  out->push_back('}');
}

// Text of a /proc file, or "" when unreadable.
std::string ReadProcFile(const char* path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

absl::string_view StatusCodeName(grpc::StatusCode code) {
  static constexpr absl::string_view kNames[] = {
      "OK",
      "CANCELLED",
      "UNKNOWN",
      "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED",
      "NOT_FOUND",
      "ALREADY_EXISTS",
      "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED",
      "FAILED_PRECONDITION",
      "ABORTED",
      "OUT_OF_RANGE",
      "UNIMPLEMENTED",
      "INTERNAL",
      "UNAVAILABLE",
      "DATA_LOSS",
      "UNAUTHENTICATED",
  };
  const int c = static_cast<int>(code);
  if (c < 0 || c > 16) return "UNKNOWN_CODE";
  return kNames[c];
}

std::string EscapeLabelValue(absl::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

// GaugeWriter ---------------------------------------------------------------

void GaugeWriter::Add(absl::string_view name, absl::string_view help,
                      const Labels& labels, double value) {
  AddTyped("gauge", name, help, labels, value);
}

void GaugeWriter::AddCounter(absl::string_view name, absl::string_view help,
                             const Labels& labels, double value) {
  AddTyped("counter", name, help, labels, value);
}

void GaugeWriter::AddTyped(const char* type, absl::string_view name,
                           absl::string_view help, const Labels& labels,
                           double value) {
  auto [it, inserted] = index_.try_emplace(std::string(name), families_.size());
  if (inserted) {
    families_.push_back(Family{std::string(name), std::string(help), type, {}});
  }
  std::string line(name);
  AppendLabels(labels, &line);
  absl::StrAppend(&line, " ", FormatValue(value));
  families_[it->second].samples.push_back(std::move(line));
}

void GaugeWriter::Render(std::string* out) const {
  for (const Family& f : families_) {
    // HELP text escapes only \ and newline (not quotes).
    std::string help;
    for (char c : f.help) {
      if (c == '\\') {
        help += "\\\\";
      } else if (c == '\n') {
        help += "\\n";
      } else {
        help.push_back(c);
      }
    }
    absl::StrAppend(out, "# HELP ", f.name, " ", help, "\n# TYPE ", f.name, " ",
                    f.type, "\n");
    for (const std::string& s : f.samples) absl::StrAppend(out, s, "\n");
  }
}

void AddProcessMetrics(GaugeWriter* w) {
  const long page = sysconf(_SC_PAGESIZE);
  const long ticks = sysconf(_SC_CLK_TCK);
  // statm: size resident shared ... (pages).
  std::vector<std::string> statm =
      absl::StrSplit(ReadProcFile("/proc/self/statm"), ' ');
  int64_t resident = 0;
  if (statm.size() >= 2 && absl::SimpleAtoi(statm[1], &resident)) {
    w->Add("process_resident_memory_bytes", "Resident memory size in bytes.",
           {}, static_cast<double>(resident) * page);
  }
  // stat: the fields after the parenthesised command (which may hold spaces);
  // utime/stime are fields 14/15 and starttime field 22 (1-based).
  std::string stat = ReadProcFile("/proc/self/stat");
  size_t paren = stat.rfind(')');
  if (paren != std::string::npos && ticks > 0) {
    std::vector<absl::string_view> f = absl::StrSplit(
        absl::string_view(stat).substr(paren + 1), ' ', absl::SkipEmpty());
    // f[0] is field 3 (state).
    int64_t utime = 0, stime = 0, start = 0;
    if (f.size() > 19 && absl::SimpleAtoi(f[11], &utime) &&
        absl::SimpleAtoi(f[12], &stime) && absl::SimpleAtoi(f[19], &start)) {
      w->AddCounter("process_cpu_seconds_total",
                    "Total user and system CPU time spent in seconds.", {},
                    static_cast<double>(utime + stime) / ticks);
      // Boot time from /proc/stat "btime <unix seconds>".
      for (absl::string_view line :
           absl::StrSplit(ReadProcFile("/proc/stat"), '\n')) {
        int64_t btime = 0;
        if (absl::ConsumePrefix(&line, "btime ") &&
            absl::SimpleAtoi(line, &btime)) {
          w->Add(
              "process_start_time_seconds",
              "Start time of the process since unix epoch in seconds.", {},
              static_cast<double>(btime) + static_cast<double>(start) / ticks);
          break;
        }
      }
    }
  }
  if (DIR* d = opendir("/proc/self/fd")) {
    int n = 0;
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] != '.') ++n;
    }
    closedir(d);
    w->Add("process_open_fds", "Number of open file descriptors.", {},
           n - 1);  // minus the descriptor of this opendir
  }
}

// RpcMetrics ----------------------------------------------------------------

RpcMetrics::RpcMetrics() = default;

RpcMetrics::MethodStats* RpcMetrics::Find(absl::string_view path) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = methods_.find(path);
  return it == methods_.end() ? nullptr : it->second.get();
}

RpcMetrics::MethodStats* RpcMetrics::FindOrAdd(absl::string_view path) {
  if (MethodStats* s = Find(path)) return s;
  absl::MutexLock lock(&mu_);
  if (methods_.size() >= kMaxMethods && !methods_.contains(path)) {
    path = "other";
  }
  auto& slot = methods_[std::string(path)];
  if (slot == nullptr) {
    slot = std::make_unique<MethodStats>();
    absl::string_view p = path;
    // "/pkg.Service/Method" -> service, method.
    if (absl::ConsumePrefix(&p, "/") &&
        p.find('/') != absl::string_view::npos && p.find('/') == p.rfind('/')) {
      size_t slash = p.find('/');
      slot->service = std::string(p.substr(0, slash));
      slot->method = std::string(p.substr(slash + 1));
    } else {
      slot->method = std::string(path);
    }
  }
  return slot.get();
}

void RpcMetrics::Observe(absl::string_view method, grpc::StatusCode code,
                         double seconds) {
  MethodStats* s = FindOrAdd(method);
  int c = static_cast<int>(code);
  if (c < 0 || c >= kCodes) c = kCodes;
  s->codes[c].fetch_add(1, std::memory_order_relaxed);
  size_t b = 0;
  while (b < kLatencyBuckets.size() && seconds > kLatencyBuckets[b]) ++b;
  s->buckets[b].fetch_add(1, std::memory_order_relaxed);
  const double ns = seconds > 0 ? seconds * 1e9 : 0;
  s->sum_ns.fetch_add(static_cast<uint64_t>(ns), std::memory_order_relaxed);
}

uint64_t RpcMetrics::Count(absl::string_view method,
                           grpc::StatusCode code) const {
  const MethodStats* s = Find(method);
  int c = static_cast<int>(code);
  if (s == nullptr || c < 0 || c > kCodes) return 0;
  return s->codes[c].load(std::memory_order_relaxed);
}

void RpcMetrics::AddGauges(GaugeFn fn) {
  absl::MutexLock lock(&gauges_mu_);
  gauges_.push_back(std::move(fn));
}

void RpcMetrics::RenderPrometheus(std::string* out) {
  absl::MutexLock scrape(&gauges_mu_);
  std::vector<std::pair<std::string, const MethodStats*>> sorted;
  {
    absl::ReaderMutexLock lock(&mu_);
    for (const auto& [path, stats] : methods_) {
      sorted.emplace_back(path, stats.get());
    }
  }
  // MethodStats are never freed while the registry lives, so reading them
  // outside mu_ is safe.
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });

  absl::StrAppend(out,
                  "# HELP cov_rpc_requests_total RPCs finished, by gRPC "
                  "method and status code.\n"
                  "# TYPE cov_rpc_requests_total counter\n");
  for (const auto& [path, s] : sorted) {
    for (int c = 0; c <= kCodes; ++c) {
      const uint64_t n = s->codes[c].load(std::memory_order_relaxed);
      if (n == 0) continue;
      absl::string_view code = StatusCodeName(static_cast<grpc::StatusCode>(c));
      absl::StrAppend(out, "cov_rpc_requests_total{service=\"",
                      EscapeLabelValue(s->service), "\",method=\"",
                      EscapeLabelValue(s->method), "\",code=\"", code, "\"} ",
                      n, "\n");
    }
  }
  absl::StrAppend(out,
                  "# HELP cov_rpc_duration_seconds RPC latency from the call "
                  "reaching the server to its status being sent.\n"
                  "# TYPE cov_rpc_duration_seconds histogram\n");
  for (const auto& [path, s] : sorted) {
    const std::string labels =
        absl::StrCat("service=\"", EscapeLabelValue(s->service), "\",method=\"",
                     EscapeLabelValue(s->method), "\"");
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= kLatencyBuckets.size(); ++b) {
      cumulative += s->buckets[b].load(std::memory_order_relaxed);
      const std::string le = b < kLatencyBuckets.size()
                                 ? FormatValue(kLatencyBuckets[b])
                                 : std::string("+Inf");
      absl::StrAppend(out, "cov_rpc_duration_seconds_bucket{", labels, ",le=\"",
                      le, "\"} ", cumulative, "\n");
    }
    const double sum = s->sum_ns.load(std::memory_order_relaxed) / 1e9;
    absl::StrAppend(out, "cov_rpc_duration_seconds_sum{", labels, "} ",
                    FormatValue(sum), "\n");
    absl::StrAppend(out, "cov_rpc_duration_seconds_count{", labels, "} ",
                    cumulative, "\n");
  }

  GaugeWriter w;
  for (const GaugeFn& fn : gauges_) fn(&w);
  AddProcessMetrics(&w);
  w.Render(out);
}

}  // namespace cov::server::observability
