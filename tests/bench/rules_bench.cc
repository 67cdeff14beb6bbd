// Benchmark of rule ingestion (rules::IngestRules into RocksDB), one run:
//   1. cold ingest of every public rule corpus, each as its own source, into
//      a fresh store holding ATT&CK Enterprise 18.1 (references resolved);
//   2. re-ingest of all sources with nothing changed;
//   3. re-ingest of a copy of the Sigma r2026 tree after changing one file;
//   4. the naive alternative: Python (PyYAML's C loader over both Sigma
//      corpora, a regex over ET Open), spawned as subprocesses;
//   5. 100,000 generated Sigma rules and 100,000 generated Suricata rules,
//      derived from the real ones, each ingested as a source.
// Ends with one summary block: each target, its figure and PASS/MISS.
// Temp dirs live under /tmp and are removed on exit (also on Ctrl-C).
// --scaled_dir=DIR keeps the generated corpora in DIR and reuses them on the
// next run: creating 100,000 files right after deleting as many can take a
// minute on ext4 (inode allocation skips recently freed inodes).
//
// --cold_only stops after step 1 and --sources=a,b ingests only the named
// sources (for profiling one format: `perf record -g rules_bench
// --cold_only --sources=elastic`).
//
//   bazel run //tests/bench:rules_bench -- [--threads=N] [--scale=N]
//       [--reps=N] [--no_scaled] [--scaled_dir=DIR] [--cold_only]
//       [--sources=NAME,...]
#include <malloc.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "server/kb/attack_ingest.h"
#include "server/kb/kb_cache.h"
#include "server/rules/rule_ingest.h"
#include "server/store/rocksdb_store.h"
#include "tests/corpus.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using cov::server::rules::IngestContext;
using cov::v1::RuleFormat;

double Ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// Peak RSS (getrusage), MB. Since ResetPeakRss: the peak since that call.
long PeakRssMb() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024;
}

// A field of /proc/self/status in MB (VmRSS: now, VmHWM: peak since the
// last ResetPeakRss).
long StatusMb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (absl::StartsWith(line, field)) {
      long kb = 0;
      std::sscanf(line.c_str() + std::strlen(field), " %ld", &kb);
      return kb / 1024;
    }
  }
  return -1;
}

// Returns freed heap to the OS and restarts VmHWM from the current RSS, so
// a later phase's peak is its own. Linux folds this into getrusage's
// ru_maxrss too, so callers keep the process-wide maximum themselves.
void ResetPeakRss() {
  malloc_trim(0);
  std::ofstream("/proc/self/clear_refs") << "5";
}

// The temp dir, removed at exit and on SIGINT/SIGTERM.
char g_tmp[64] = "";

void RemoveTmp() {
  if (g_tmp[0] != '\0') {
    std::error_code ec;
    fs::remove_all(g_tmp, ec);
  }
}

void OnSignal(int sig) {
  // Only async-signal-safe calls here: rm runs in a child.
  pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/rm", "rm", "-rf", g_tmp, static_cast<char*>(nullptr));
    _exit(127);
  }
  if (pid > 0) waitpid(pid, nullptr, 0);
  _exit(128 + sig);
}

std::string FsType(const std::string& path) {
  struct statfs s;
  if (statfs(path.c_str(), &s) != 0) return "?";
  switch (static_cast<unsigned long>(s.f_type)) {
    case 0xEF53:
      return "ext4";
    case 0x01021994:
      return "tmpfs";
    case 0x794c7630:
      return "overlayfs";
    case 0x58465342:
      return "xfs";
    case 0x9123683E:
      return "btrfs";
    default:
      return absl::StrFormat("0x%lx", static_cast<unsigned long>(s.f_type));
  }
}

std::string Runfile(const char* argv0, const std::string& rel) {
  std::string base = std::string(argv0) + ".runfiles/cov_project/" + rel;
  if (access(base.c_str(), R_OK) == 0) return base;
  if (const char* dir = std::getenv("RUNFILES_DIR")) {
    return std::string(dir) + "/cov_project/" + rel;
  }
  return rel;
}

// Runs `cmd` through the shell; returns its stdout, or "" on failure.
std::string RunCapture(const std::string& cmd, double* wall_ms) {
  auto t0 = Clock::now();
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return "";
  std::string out;
  char buf[512];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  int rc = pclose(p);
  *wall_ms = Ms(t0, Clock::now());
  if (rc != 0) return "";
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

// The number after "key=" in a naive_rules.py line, or -1.
double Field(const std::string& line, absl::string_view key) {
  for (absl::string_view part : absl::StrSplit(line, ' ')) {
    if (absl::ConsumePrefix(&part, key) && absl::ConsumePrefix(&part, "=")) {
      double v;
      if (absl::SimpleAtod(part, &v)) return v;
    }
  }
  return -1;
}

struct Source {
  std::string name;
  std::string path;
  RuleFormat format;
};

// User + system CPU time of the whole process so far (all threads), ms.
double CpuMs() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

struct Ingested {
  double wall_ms = 0;
  double cpu_ms = 0;  // all threads: compare builds on a busy machine
  cov::v1::IngestRulesResponse response;
};

absl::StatusOr<Ingested> Ingest(const IngestContext& ctx, const Source& s) {
  cov::v1::IngestRulesRequest req;
  req.set_path(s.path);
  req.set_source(s.name);
  req.set_format(s.format);
  const double cpu0 = CpuMs();
  auto t0 = Clock::now();
  absl::StatusOr<cov::v1::IngestRulesResponse> r =
      cov::server::rules::IngestRules(ctx, req);
  double ms = Ms(t0, Clock::now());
  const double cpu = CpuMs() - cpu0;
  if (!r.ok()) {
    return absl::Status(r.status().code(),
                        absl::StrCat("ingest of ", s.name, " (", s.path,
                                     "): ", r.status().message()));
  }
  return Ingested{ms, cpu, *std::move(r)};
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  return cov::testing::ReadFileToString(path);
}

absl::Status WriteFile(const std::string& path, absl::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

// Files under `dir` ending in one of `suffixes`, sorted.
std::vector<std::string> ListFiles(const std::string& dir,
                                   std::vector<std::string> suffixes) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::string p = it->path().string();
    for (const std::string& s : suffixes) {
      if (absl::EndsWithIgnoreCase(p, s)) {
        out.push_back(p);
        break;
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A valid v4-shaped UUID unique per n.
std::string ScaledUuid(uint64_t n) {
  return absl::StrFormat("%08x-5ca1-4ed0-8%03x-%012x",
                         static_cast<uint32_t>(n * 2654435761u),
                         static_cast<unsigned>(n % 4096), n);
}

// Rewrites a single-document Sigma rule: top-level `id:` gets `uuid`
// (kept when `uuid` is empty), top-level `title:` gets `suffix`. Keeps CRLF
// line ends.
std::string DeriveSigma(absl::string_view text, const std::string& uuid,
                        const std::string& suffix) {
  std::string out;
  out.reserve(text.size() + 64);
  bool id_done = uuid.empty(), title_done = false;
  bool first = true;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!first) out.push_back('\n');
    first = false;
    bool cr = absl::EndsWith(line, "\r");
    absl::string_view body = cr ? line.substr(0, line.size() - 1) : line;
    if (!id_done && absl::StartsWith(body, "id:")) {
      absl::StrAppend(&out, "id: ", uuid, cr ? "\r" : "");
      id_done = true;
    } else if (!title_done && absl::StartsWith(body, "title:")) {
      absl::StrAppend(&out, body, suffix, cr ? "\r" : "");
      title_done = true;
    } else {
      absl::StrAppend(&out, line);
    }
  }
  return out;
}

// Generates `count` Sigma rules from the files of `corpus` (cycling),
// 1,000 per folder. Returns the number written.
absl::StatusOr<int> GenerateSigma(const std::string& corpus,
                                  const std::string& out_dir, int count) {
  std::vector<std::string> texts;
  for (const std::string& p : ListFiles(corpus, {".yml", ".yaml"})) {
    absl::StatusOr<std::string> t = ReadFile(p);
    if (!t.ok()) return t.status();
    // Multi-document files would need every document rewritten; skip them.
    if (absl::StrContains(*t, "\n---")) continue;
    texts.push_back(*std::move(t));
  }
  if (texts.empty()) return absl::NotFoundError("no Sigma rule to derive");
  for (int i = 0; i < count; ++i) {
    std::string dir = absl::StrFormat("%s/d%03d", out_dir, i / 1000);
    if (i % 1000 == 0) fs::create_directories(dir);
    absl::Status st =
        WriteFile(absl::StrFormat("%s/r%06d.yml", dir, i),
                  DeriveSigma(texts[i % texts.size()], ScaledUuid(i),
                              absl::StrCat(" (scaled ", i, ")")));
    if (!st.ok()) return st;
  }
  return count;
}

// Generates `count` Suricata rules from the rules of `corpus` (cycling),
// each with a new unique sid, 5,000 per file.
absl::StatusOr<int> GenerateSuricata(const std::string& corpus,
                                     const std::string& out_dir, int count) {
  std::vector<std::string> rules;
  for (const std::string& p : ListFiles(corpus, {".rules"})) {
    absl::StatusOr<std::string> t = ReadFile(p);
    if (!t.ok()) return t.status();
    for (absl::string_view line : absl::StrSplit(*t, '\n')) {
      absl::string_view s = absl::StripLeadingAsciiWhitespace(line);
      absl::ConsumePrefix(&s, "#");
      if (!absl::StartsWith(s, "alert ") && !absl::StartsWith(s, "drop ") &&
          !absl::StartsWith(s, "pass ") && !absl::StartsWith(s, "reject ")) {
        continue;
      }
      if (!absl::StrContains(line, "sid:")) continue;
      rules.emplace_back(absl::StripTrailingAsciiWhitespace(line));
    }
  }
  if (rules.empty()) return absl::NotFoundError("no Suricata rule to derive");
  fs::create_directories(out_dir);
  std::string file;
  for (int i = 0; i < count; ++i) {
    const std::string& r = rules[i % rules.size()];
    // The sid option: the last "sid:" preceded by ';', '(' or a space.
    size_t at = std::string::npos;
    for (size_t p = r.rfind("sid:"); p != std::string::npos && p > 0;
         p = r.rfind("sid:", p - 1)) {
      char c = r[p - 1];
      if (c == ';' || c == '(' || c == ' ') {
        at = p;
        break;
      }
    }
    if (at == std::string::npos) return absl::InternalError("rule without sid");
    size_t end = r.find(';', at);
    absl::StrAppend(&file, r.substr(0, at), "sid:", 60000000 + i, r.substr(end),
                    "\n");
    if ((i + 1) % 5000 == 0 || i + 1 == count) {
      absl::Status st = WriteFile(
          absl::StrFormat("%s/scaled-%03d.rules", out_dir, i / 5000), file);
      if (!st.ok()) return st;
      file.clear();
    }
  }
  return count;
}

struct Target {
  std::string what;
  double value;
  double limit;
  std::string unit;
};

int Fail(const absl::Status& st) {
  std::fprintf(stderr, "rules_bench: %s\n", st.ToString().c_str());
  RemoveTmp();
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 2, scale = 100000, reps = 5;
  bool scaled = true, cold_only = false;
  std::string scaled_dir;
  std::vector<std::string> only_sources;
  for (int i = 1; i < argc; ++i) {
    absl::string_view a = argv[i];
    bool ok = true;
    if (absl::ConsumePrefix(&a, "--threads=")) {
      ok = absl::SimpleAtoi(a, &threads) && threads > 0;
    } else if (absl::ConsumePrefix(&a, "--scale=")) {
      ok = absl::SimpleAtoi(a, &scale) && scale > 0;
    } else if (absl::ConsumePrefix(&a, "--reps=")) {
      ok = absl::SimpleAtoi(a, &reps) && reps > 0;
    } else if (absl::ConsumePrefix(&a, "--scaled_dir=")) {
      scaled_dir = std::string(a);
      ok = !scaled_dir.empty();
    } else if (a == "--no_scaled") {
      scaled = false;
    } else if (a == "--cold_only") {
      cold_only = true;
    } else if (absl::ConsumePrefix(&a, "--sources=")) {
      only_sources = absl::StrSplit(a, ',', absl::SkipEmpty());
      ok = !only_sources.empty();
    } else {
      ok = false;
    }
    if (!ok) {
      std::fprintf(stderr,
                   "usage: rules_bench [--threads=N] [--scale=N] [--reps=N] "
                   "[--no_scaled] [--scaled_dir=DIR] [--cold_only] "
                   "[--sources=NAME,...]\n");
      return 2;
    }
  }

  // The corpus: fail, never skip, when any part is missing.
  absl::StatusOr<std::string> root = cov::testing::CorpusDir();
  if (!root.ok()) return Fail(root.status());
  const std::string attack = *root + "/attack/enterprise-attack-18.1.json";
  std::vector<Source> sources = {
      {"sigmahq-r2026", *root + "/sigma/sigmahq-r2026-04-01",
       cov::v1::RULE_FORMAT_SIGMA},
      {"sigmahq-legacy", *root + "/sigma/sigmahq-legacy-0.20",
       cov::v1::RULE_FORMAT_SIGMA},
      {"et-open", *root + "/suricata/et-open-2024-04-21",
       cov::v1::RULE_FORMAT_SURICATA},
      {"signature-base", *root + "/yara/signature-base",
       cov::v1::RULE_FORMAT_YARA},
      {"attack-tagged", *root + "/yara/attack-tagged",
       cov::v1::RULE_FORMAT_YARA},
      // Issue 13: vendor rule repositories and coverage layers.
      {"elastic", *root + "/elastic/detection-rules-dev-v1.5.42",
       cov::v1::RULE_FORMAT_ELASTIC},
      {"splunk", *root + "/splunk/security_content-v4.30.0",
       cov::v1::RULE_FORMAT_SPLUNK},
      {"sentinel", *root + "/sentinel/azure-sentinel-2022-02-01",
       cov::v1::RULE_FORMAT_SENTINEL},
      {"ctid-layers", *root + "/layers", cov::v1::RULE_FORMAT_LAYER},
  };
  if (!only_sources.empty()) {
    // Steps 2-5 use the Sigma and ET sources by position.
    if (!cold_only) {
      return Fail(absl::InvalidArgumentError("--sources needs --cold_only"));
    }
    std::vector<Source> picked;
    for (const std::string& name : only_sources) {
      auto it = std::find_if(sources.begin(), sources.end(),
                             [&](const Source& s) { return s.name == name; });
      if (it == sources.end()) {
        return Fail(absl::InvalidArgumentError(
            absl::StrCat("--sources: no source named ", name)));
      }
      picked.push_back(*it);
    }
    sources = std::move(picked);
  }
  // The naive parse each issue-13 source is compared with.
  const absl::flat_hash_map<std::string, std::string> kNaiveFormat = {
      {"elastic", "elastic"},
      {"splunk", "splunk"},
      {"sentinel", "sentinel"},
      {"ctid-layers", "layer"}};
  absl::flat_hash_map<std::string, double> cold_by_source;
  std::vector<std::string> parts = {attack};
  for (const Source& src : sources) parts.push_back(src.path);
  for (const std::string& p : parts) {
    if (access(p.c_str(), R_OK) != 0) {
      return Fail(absl::NotFoundError(absl::StrCat(
          "corpus part missing: ", p, " (see ../shared/corpus/README.md)")));
    }
  }
  const std::string naive = Runfile(argv[0], "tests/bench/naive_rules.py");
  if (!cold_only && access(naive.c_str(), R_OK) != 0) {
    return Fail(absl::NotFoundError("naive_rules.py not in runfiles"));
  }

  std::snprintf(g_tmp, sizeof(g_tmp), "/tmp/cov-rules-bench-XXXXXX");
  if (mkdtemp(g_tmp) == nullptr) {
    return Fail(absl::UnavailableError("mkdtemp failed"));
  }
  signal(SIGINT, OnSignal);
  signal(SIGTERM, OnSignal);
  const std::string tmp = g_tmp;
  std::vector<Target> targets;

  std::printf("rules_bench: %d parser threads, %ld cores, store in %s (%s)\n",
              threads, sysconf(_SC_NPROCESSORS_ONLN), tmp.c_str(),
              FsType(tmp).c_str());
  {
    double unused;
    std::printf("load before: %s\n", RunCapture("uptime", &unused).c_str());
  }

  // 0. The store with ATT&CK Enterprise 18.1 and its model.
  auto store_or = cov::server::store::RocksDbStore::Open(tmp + "/db");
  if (!store_or.ok()) return Fail(store_or.status());
  std::unique_ptr<cov::server::store::RocksDbStore> store =
      *std::move(store_or);
  auto t0 = Clock::now();
  {
    cov::v1::IngestAttackRequest req;
    req.set_path(attack);
    auto r = cov::server::kb::IngestAttack(*store, req, {});
    if (!r.ok()) return Fail(r.status());
  }
  auto release = store->ResolveRelease(cov::v1::ReleaseRef());
  if (!release.ok()) return Fail(release.status());
  cov::server::kb::KbCache cache(store.get());
  auto kb = cache.Get(*release);
  if (!kb.ok()) return Fail(kb.status());
  IngestContext ctx;
  ctx.store = store.get();
  ctx.kb = *kb;
  ctx.threads = threads;
  std::printf(
      "\nATT&CK %s ingested and modelled: %.0f ms; RSS now %ld MB, "
      "peak %ld MB (before any rule ingest)\n",
      release->key.c_str(), Ms(t0, Clock::now()), StatusMb("VmRSS:"),
      PeakRssMb());

  // 1. Cold ingest.
  std::printf("\n1. cold ingest, each corpus as its own source\n");
  std::printf("   %-16s %9s %7s %7s %7s %9s %9s\n", "source", "wall ms",
              "files", "rules", "errors", "rules/s", "cpu ms");
  double cold_total = 0, cold_cpu = 0, cold_sigma = 0, cold_suricata = 0;
  int total_rules = 0, total_files = 0;
  for (const Source& s : sources) {
    absl::StatusOr<Ingested> r = Ingest(ctx, s);
    if (!r.ok()) return Fail(r.status());
    const cov::v1::Source& src = r->response.source();
    std::printf("   %-16s %9.1f %7d %7d %7d %9.0f %9.1f\n", s.name.c_str(),
                r->wall_ms, src.file_count(), src.rule_count(),
                src.error_count(), src.rule_count() / (r->wall_ms / 1000),
                r->cpu_ms);
    cold_total += r->wall_ms;
    cold_cpu += r->cpu_ms;
    total_rules += src.rule_count();
    total_files += src.file_count();
    cold_by_source[s.name] = r->wall_ms;
    if (kNaiveFormat.contains(s.name)) {
      targets.push_back(
          {absl::StrCat("cold ingest, ", s.name), r->wall_ms, 300, "ms"});
    }
    if (s.format == cov::v1::RULE_FORMAT_SIGMA) cold_sigma += r->wall_ms;
    if (s.format == cov::v1::RULE_FORMAT_SURICATA) cold_suricata += r->wall_ms;
  }
  const long cold_peak = PeakRssMb();
  std::printf("   %-16s %9.1f %7d %7d %7s %9s %9.1f\n", "total", cold_total,
              total_files, total_rules, "", "", cold_cpu);
  std::printf(
      "   peak RSS %ld MB (process, includes the ATT&CK load); "
      "RSS now %ld MB\n",
      cold_peak, StatusMb("VmRSS:"));
  targets.push_back({"cold ingest, all sources", cold_total, 2000, "ms"});
  targets.push_back(
      {"cold ingest peak RSS", static_cast<double>(cold_peak), 400, "MB"});
  if (cold_only) {
    for (const Target& t : targets) {
      std::printf("  %-30s %8.1f %-2s  target <= %6.0f %-2s  %s\n",
                  t.what.c_str(), t.value, t.unit.c_str(), t.limit,
                  t.unit.c_str(), t.value <= t.limit ? "PASS" : "MISS");
    }
    store.reset();
    RemoveTmp();
    return 0;
  }

  // 2. Re-ingest, nothing changed.
  std::vector<double> unchanged;
  std::vector<std::vector<double>> per_source(sources.size());
  for (int rep = 0; rep < reps; ++rep) {
    double total = 0;
    for (size_t i = 0; i < sources.size(); ++i) {
      absl::StatusOr<Ingested> r = Ingest(ctx, sources[i]);
      if (!r.ok()) return Fail(r.status());
      if (r->response.files_parsed() != 0) {
        return Fail(absl::InternalError(
            absl::StrCat(sources[i].name, ": unchanged re-ingest parsed ",
                         r->response.files_parsed(), " files")));
      }
      per_source[i].push_back(r->wall_ms);
      total += r->wall_ms;
    }
    unchanged.push_back(total);
  }
  std::printf(
      "\n2. re-ingest, nothing changed (median of %d): %.1f ms "
      "total (min %.1f, max %.1f)\n   ",
      reps, Median(unchanged),
      *std::min_element(unchanged.begin(), unchanged.end()),
      *std::max_element(unchanged.begin(), unchanged.end()));
  for (size_t i = 0; i < sources.size(); ++i) {
    std::printf("%s %.1f%s", sources[i].name.c_str(), Median(per_source[i]),
                i + 1 < sources.size() ? ", " : " ms\n");
  }
  targets.push_back(
      {"re-ingest, nothing changed", Median(unchanged), 150, "ms"});

  // Where an unchanged re-ingest spends its time, from public calls doing
  // the same steps as the driver: the git lookup, reading the stored file
  // records, walking and stat-ing the tree, and one synced store write.
  std::printf("   breakdown, median of %d (ms): %-16s %8s %9s %10s %11s\n",
              reps, "", "git", "list-rec", "walk+stat", "sync-write");
  for (const Source& s : sources) {
    std::vector<double> git, list, walk, write;
    for (int rep = 0; rep < reps; ++rep) {
      auto a = Clock::now();
      cov::server::rules::GitCommit(s.path);
      auto b = Clock::now();
      auto files = store->ListFiles(s.name);
      auto c = Clock::now();
      if (!files.ok()) return Fail(files.status());
      int64_t bytes = 0;
      std::error_code ec;
      for (fs::recursive_directory_iterator it(s.path, ec), end;
           !ec && it != end; it.increment(ec)) {
        struct stat st;
        if (it->is_regular_file(ec) && stat(it->path().c_str(), &st) == 0) {
          bytes += st.st_size;
        }
      }
      auto d = Clock::now();
      cov::server::store::SourceUpdate probe;
      probe.source.set_name("bench-probe");
      probe.source.set_format(s.format);
      absl::Status st = store->ApplySourceUpdate(probe);
      auto e = Clock::now();
      if (!st.ok()) return Fail(st);
      git.push_back(Ms(a, b));
      list.push_back(Ms(b, c));
      walk.push_back(Ms(c, d));
      write.push_back(Ms(d, e));
    }
    std::printf("   %30s %-16s %8.1f %9.1f %10.1f %11.1f\n", "", s.name.c_str(),
                Median(git), Median(list), Median(walk), Median(write));
  }
  {
    absl::Status st = store->DeleteSource("bench-probe");
    if (!st.ok()) return Fail(st);
  }

  // 3. One file changed, in a copy of the Sigma r2026 tree.
  const std::string copy = tmp + "/sigma-copy";
  {
    double ms;
    if (RunCapture(absl::StrCat("cp -r '", sources[0].path, "' '", copy,
                                "' && echo ok"),
                   &ms) != "ok") {
      return Fail(absl::UnavailableError("cp -r of the Sigma tree failed"));
    }
  }
  const Source copy_source = {"sigma-copy", copy, cov::v1::RULE_FORMAT_SIGMA};
  absl::StatusOr<Ingested> first = Ingest(ctx, copy_source);
  if (!first.ok()) return Fail(first.status());
  std::vector<std::string> copy_files = ListFiles(copy + "/rules", {".yml"});
  if (copy_files.empty()) return Fail(absl::NotFoundError("empty Sigma copy"));
  const std::string victim = copy_files[copy_files.size() / 2];
  absl::StatusOr<std::string> original = ReadFile(victim);
  if (!original.ok()) return Fail(original.status());
  std::vector<double> one_changed;
  for (int rep = 0; rep < reps; ++rep) {
    // A different title length each time, so size and bytes both change.
    std::string suffix =
        absl::StrCat(" (edit ", std::string(rep + 1, '!'), ")");
    absl::Status st = WriteFile(victim, DeriveSigma(*original, "", suffix));
    if (!st.ok()) return Fail(st);
    absl::StatusOr<Ingested> r = Ingest(ctx, copy_source);
    if (!r.ok()) return Fail(r.status());
    if (r->response.files_parsed() != 1) {
      return Fail(absl::InternalError(absl::StrCat(
          "one-file change parsed ", r->response.files_parsed(), " files")));
    }
    one_changed.push_back(r->wall_ms);
  }
  std::printf(
      "\n3. Sigma r2026 copy: first ingest %.1f ms; one file changed "
      "(%s), re-ingest median of %d: %.1f ms (min %.1f, max %.1f)\n",
      first->wall_ms, fs::path(victim).filename().c_str(), reps,
      Median(one_changed),
      *std::min_element(one_changed.begin(), one_changed.end()),
      *std::max_element(one_changed.begin(), one_changed.end()));
  targets.push_back(
      {"re-ingest, one file changed", Median(one_changed), 200, "ms"});

  // 4. The naive alternative.
  std::printf(
      "\n4. naive alternative (python3 subprocess; 'in-script' "
      "excludes interpreter start)\n");
  double sigma_wall = 0, suricata_wall = 0;
  std::string sigma_line =
      RunCapture(absl::StrCat("/usr/bin/python3 '", naive, "' sigma '",
                              sources[0].path, "' '", sources[1].path, "'"),
                 &sigma_wall);
  std::string suricata_line =
      RunCapture(absl::StrCat("/usr/bin/python3 '", naive, "' suricata '",
                              sources[2].path, "'"),
                 &suricata_wall);
  if (sigma_line.empty() || suricata_line.empty()) {
    return Fail(absl::UnavailableError(
        "python3 naive_rules.py failed (is python3-yaml installed?)"));
  }
  double sigma_script = Field(sigma_line, "ms");
  double suricata_script = Field(suricata_line, "ms");
  std::printf(
      "   PyYAML CLoader, both Sigma corpora: %.0f ms wall, %.0f ms "
      "in-script  [%s]\n",
      sigma_wall, sigma_script, sigma_line.c_str());
  std::printf(
      "   ours (cold, both Sigma sources, parse+resolve+store): "
      "%.0f ms -> ours/naive %.2f (wall) %.2f (in-script)\n",
      cold_sigma, cold_sigma / sigma_wall, cold_sigma / sigma_script);
  std::printf(
      "   regex mitre_technique_id, ET Open: %.0f ms wall, %.0f ms "
      "in-script  [%s]\n",
      suricata_wall, suricata_script, suricata_line.c_str());
  std::printf(
      "   ours (cold, ET Open, parse+resolve+store): %.0f ms -> "
      "ours/naive %.2f (wall) %.2f (in-script)\n",
      cold_suricata, cold_suricata / suricata_wall,
      cold_suricata / suricata_script);

  for (const Source& src : sources) {
    auto it = kNaiveFormat.find(src.name);
    if (it == kNaiveFormat.end()) continue;
    double wall = 0;
    const std::string line =
        RunCapture(absl::StrCat("/usr/bin/python3 '", naive, "' ", it->second,
                                " '", src.path, "'"),
                   &wall);
    if (line.empty()) {
      return Fail(absl::UnavailableError(
          absl::StrCat("python3 naive_rules.py ", it->second, " failed")));
    }
    const double script = Field(line, "ms");
    const double ours = cold_by_source[src.name];
    std::printf(
        "   naive %-9s %6.0f ms wall, %6.0f ms in-script [%s]; ours (cold) "
        "%.0f ms -> ours/naive %.2f (wall) %.2f (in-script)\n",
        it->second.c_str(), wall, script, line.c_str(), ours, ours / wall,
        ours / script);
  }

  // 5. Scaled corpora.
  struct ScaledRow {
    std::string name;
    double gen_ms, wall_ms, reingest_ms;
    int rules, errors;
    long rss_before, phase_peak;
  };
  std::vector<ScaledRow> rows;
  long process_peak = PeakRssMb();
  if (scaled) {
    std::printf(
        "\n5. scaled: %d generated rules per format, each as a "
        "source of the same store\n",
        scale);
    for (RuleFormat format :
         {cov::v1::RULE_FORMAT_SIGMA, cov::v1::RULE_FORMAT_SURICATA}) {
      const bool sigma = format == cov::v1::RULE_FORMAT_SIGMA;
      Source s = {sigma ? "scaled-sigma" : "scaled-suricata", "", format};
      s.path = absl::StrCat(scaled_dir.empty() ? tmp : scaled_dir, "/", s.name,
                            "-", scale);
      // Written last: a reusable tree is a complete one.
      const std::string marker = s.path + "/.complete";
      double gen_ms = -1;  // reused
      if (scaled_dir.empty() || access(marker.c_str(), R_OK) != 0) {
        std::error_code ec;
        fs::remove_all(s.path, ec);
        auto g0 = Clock::now();
        absl::StatusOr<int> n =
            sigma ? GenerateSigma(sources[0].path, s.path, scale)
                  : GenerateSuricata(sources[2].path, s.path, scale);
        if (!n.ok()) return Fail(n.status());
        absl::Status st = WriteFile(marker, "");
        if (!st.ok()) return Fail(st);
        gen_ms = Ms(g0, Clock::now());
      }
      process_peak = std::max(process_peak, PeakRssMb());
      ResetPeakRss();
      const long rss_before = StatusMb("VmRSS:");
      absl::StatusOr<Ingested> r = Ingest(ctx, s);
      if (!r.ok()) return Fail(r.status());
      const long phase_peak = StatusMb("VmHWM:");
      process_peak = std::max(process_peak, phase_peak);
      absl::StatusOr<Ingested> again = Ingest(ctx, s);
      if (!again.ok()) return Fail(again.status());
      const cov::v1::Source& src = r->response.source();
      rows.push_back({s.name, gen_ms, r->wall_ms, again->wall_ms,
                      src.rule_count(), src.error_count(), rss_before,
                      phase_peak});
      const ScaledRow& row = rows.back();
      std::printf(
          "   %-16s %s; ingest %.0f ms, %d rules "
          "(%d errors), %.0f rules/s; RSS %ld MB before, peak %ld MB during "
          "this ingest (+%ld MB); unchanged re-ingest %.0f ms\n",
          row.name.c_str(),
          row.gen_ms < 0
              ? absl::StrCat("reused ", s.path).c_str()
              : absl::StrFormat("generated in %.0f ms", row.gen_ms).c_str(),
          row.wall_ms, row.rules, row.errors, row.rules / (row.wall_ms / 1000),
          row.rss_before, row.phase_peak, row.phase_peak - row.rss_before,
          row.reingest_ms);
      if (scaled_dir.empty()) {
        std::error_code ec;
        fs::remove_all(s.path, ec);
      }
    }
  }

  // Summary.
  double unused;
  std::printf("\n== summary (rules_bench, %d threads) ==\n", threads);
  bool all = true;
  for (const Target& t : targets) {
    bool pass = t.value <= t.limit;
    all &= pass;
    std::printf("  %-30s %8.1f %-2s  target <= %6.0f %-2s  %s\n",
                t.what.c_str(), t.value, t.unit.c_str(), t.limit,
                t.unit.c_str(), pass ? "PASS" : "MISS");
  }
  std::printf("  %-30s %8.2f     (Sigma, PyYAML CLoader wall)\n", "ours/naive",
              cold_sigma / sigma_wall);
  std::printf("  %-30s %8.2f     (ET Open, regex wall)\n", "ours/naive",
              cold_suricata / suricata_wall);
  for (const ScaledRow& row : rows) {
    std::printf("  %-30s %8.0f ms  %.0f rules/s, peak %ld MB (+%ld MB)\n",
                (row.name + " ingest").c_str(), row.wall_ms,
                row.rules / (row.wall_ms / 1000), row.phase_peak,
                row.phase_peak - row.rss_before);
  }
  std::printf("  %-30s %8ld MB\n", "process peak RSS, whole run",
              std::max(process_peak, PeakRssMb()));
  std::printf("  load after: %s\n", RunCapture("uptime", &unused).c_str());
  std::printf("  overall: %s\n", all ? "PASS" : "MISS");
  store.reset();
  RemoveTmp();
  return 0;
}
