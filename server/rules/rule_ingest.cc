#include "server/rules/rule_ingest.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ingest/base/diagnostics.h"
#include "ingest/base/file_walk.h"
#include "ingest/base/hash.h"
#include "ingest/layer/layer_parser.h"
#include "ingest/registry/parsers.h"
#include "server/auth/path_policy.h"
#include "server/rules/ref_summary.h"
#include "server/util/niced.h"

namespace cov::server::rules {
namespace {

namespace fs = std::filesystem;

// Diagnostics returned inline by one ingest; `cov errors` lists them all.
constexpr int kMaxResponseDiagnostics = 2000;

struct FoundFile {
  std::string rel;   // relative to the root
  std::string full;  // absolute
  int64_t size = 0;
  int64_t mtime_ns = 0;
};

// The bytes of `path`, whose size the walk saw as `size_hint`: open, read
// and close, with no stream set-up per file (thousands of small rule files).
absl::StatusOr<std::string> ReadAll(const std::string& path,
                                    int64_t size_hint) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return absl::UnavailableError("cannot open file");
  // One byte more than expected: the read that returns 0 ends the loop
  // without a resize when the size is as the walk saw it.
  std::string out(static_cast<size_t>(std::max<int64_t>(size_hint, 0)) + 1,
                  '\0');
  size_t got = 0;
  for (;;) {
    if (got == out.size()) out.resize(out.size() * 2);
    const ssize_t n = read(fd, out.data() + got, out.size() - got);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      close(fd);
      return absl::UnavailableError("read error");
    }
    got += static_cast<size_t>(n);
  }
  close(fd);
  out.resize(got);
  return out;
}

bool StatFile(const std::string& path, int64_t* size, int64_t* mtime_ns) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return false;
  *size = st.st_size;
  *mtime_ns =
      static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return true;
}

// Lists the files the parser accepts under root (or root itself if a file),
// with their size and mtime.
absl::StatusOr<std::vector<FoundFile>> Walk(
    const fs::path& root, const ingest::RuleParser& parser,
    std::vector<std::string>* symlinks) {
  absl::StatusOr<std::vector<ingest::WalkedFile>> walked = ingest::WalkFiles(
      root.string(),
      [&parser](absl::string_view rel) { return parser.Accepts(rel); },
      symlinks);
  if (!walked.ok()) return walked.status();
  std::vector<FoundFile> out;
  out.reserve(walked->size());
  for (ingest::WalkedFile& w : *walked) {
    FoundFile f;
    f.full = std::move(w.full);
    f.rel = std::move(w.rel);
    if (StatFile(f.full, &f.size, &f.mtime_ns)) out.push_back(std::move(f));
  }
  return out;
}

// Cross-file duplicate IDs: which formats have source-wide unique IDs.
absl::string_view DuplicateCode(cov::v1::RuleFormat format) {
  switch (format) {
    case cov::v1::RULE_FORMAT_SIGMA:
      return "sigma-duplicate-id";
    case cov::v1::RULE_FORMAT_SURICATA:
      return "suricata-duplicate-sid";
    // Issue 13: the same id under Detections/ and Solutions/ (Sentinel) or
    // twice in a repository is one rule; the diagnostic names both files.
    case cov::v1::RULE_FORMAT_ELASTIC:
      return "elastic-duplicate-id";
    case cov::v1::RULE_FORMAT_SPLUNK:
      return "splunk-duplicate-id";
    case cov::v1::RULE_FORMAT_SENTINEL:
      return "sentinel-duplicate-id";
    default:
      return "";
  }
}

}  // namespace

namespace {
bool IsSha(absl::string_view s) {
  if (s.size() != 40) return false;
  for (char c : s) {
    if (!absl::ascii_isxdigit(c)) return false;
  }
  return true;
}
std::string FirstLine(const fs::path& p) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  return std::string(absl::StripAsciiWhitespace(line));
}
// HEAD's commit read from the files of the .git folder above `dir`;
// nullopt when the layout needs git itself (worktrees, odd refs); "" when
// there is no .git at all.
std::optional<std::string> ReadHead(fs::path dir) {
  std::error_code ec;
  for (;;) {
    fs::path git = dir / ".git";
    if (fs::is_directory(git, ec)) {
      std::string head = FirstLine(git / "HEAD");
      if (IsSha(head)) return head;
      if (!absl::StartsWith(head, "ref: ")) return std::nullopt;
      std::string ref = head.substr(5);
      std::string loose = FirstLine(git / ref);
      if (IsSha(loose)) return loose;
      std::ifstream packed(git / "packed-refs");
      std::string line;
      while (std::getline(packed, line)) {
        if (line.size() > 41 && line[40] == ' ' &&
            absl::StripAsciiWhitespace(line.substr(41)) == ref &&
            IsSha(line.substr(0, 40))) {
          return line.substr(0, 40);
        }
      }
      return std::nullopt;
    }
    if (fs::exists(git, ec)) return std::nullopt;  // a worktree's .git file
    if (!dir.has_parent_path() || dir.parent_path() == dir) return "";
    dir = dir.parent_path();
  }
}
}  // namespace

std::string GitCommit(const std::string& path) {
  std::error_code ec;
  fs::path dir = fs::is_directory(path, ec) ? fs::path(path)
                                            : fs::path(path).parent_path();
  if (std::optional<std::string> head = ReadHead(fs::absolute(dir, ec))) {
    return *head;
  }
  int fds[2];
  if (pipe(fds) != 0) return "";
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return "";
  }
  if (pid == 0) {
    dup2(fds[1], 1);
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, 2);
    close(fds[0]);
    execlp("git", "git", "-C", dir.c_str(), "rev-parse", "HEAD",
           static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char buf[256];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof(buf))) > 0) out.append(buf, n);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return "";
  out = std::string(absl::StripAsciiWhitespace(out));
  if (out.size() != 40) return "";
  return out;
}

absl::StatusOr<cov::v1::IngestRulesResponse> IngestRules(
    const IngestContext& context, const cov::v1::IngestRulesRequest& request) {
  auto t0 = std::chrono::steady_clock::now();
  const ingest::RuleParser* parser = ingest::ParserFor(request.format());
  if (parser == nullptr) {
    return absl::InvalidArgumentError(
        "IngestRules needs a format: sigma, suricata or yara");
  }
  if (request.path().empty()) {
    return absl::InvalidArgumentError("IngestRules needs a path");
  }
  // covd --ingest_root confines server-side paths.
  absl::StatusOr<fs::path> resolved =
      auth::ResolveIngestPath(context.check_path, request.path());
  if (!resolved.ok()) return resolved.status();
  const fs::path root = *std::move(resolved);
  std::string name = request.source();
  if (name.empty()) {
    name = (fs::is_directory(root) ? root : root.parent_path())
               .filename()
               .string();
  }
  store::Store& store = *context.store;

  // What is stored now.
  absl::flat_hash_map<std::string, cov::v1::IngestedFile> previous;
  absl::StatusOr<cov::v1::Source> existing = store.GetSource(name);
  if (existing.ok()) {
    if (existing->format() != request.format()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "source '", name, "' holds ", ingest::FormatName(existing->format()),
          " rules, not ", ingest::FormatName(request.format()),
          "; pick another --source name"));
    }
    absl::StatusOr<std::vector<cov::v1::IngestedFile>> files =
        store.ListFiles(name);
    if (!files.ok()) return files.status();
    for (auto& f : *files) previous[f.path()] = std::move(f);
  } else if (!absl::IsNotFound(existing.status())) {
    return existing.status();
  }

  std::vector<std::string> symlinks;
  absl::StatusOr<std::vector<FoundFile>> found = Walk(root, *parser, &symlinks);
  if (!found.ok()) return found.status();

  // Decide per file: unchanged, touched (same bytes) or changed.
  store::SourceUpdate update;
  std::vector<const FoundFile*> to_parse;
  std::vector<std::string> to_parse_bytes;
  int skipped = 0;
  // A layer's rules depend on the request's min_score as well as on its
  // bytes: a threshold other than the last ingest's re-reads every file.
  const bool is_layer = request.format() == cov::v1::RULE_FORMAT_LAYER;
  const bool rescore =
      is_layer && !(existing.ok() && existing->has_min_score() &&
                    existing->min_score() == request.min_score());
  for (const FoundFile& f : *found) {
    auto prev = previous.find(f.rel);
    if (!rescore && prev != previous.end() && prev->second.size() == f.size &&
        prev->second.mtime_ns() == f.mtime_ns) {
      ++skipped;
      continue;
    }
    to_parse.push_back(&f);
  }
  // Files to (re)parse: read, hash, parse and resolve on all cores.
  struct Result {
    bool touched_only = false;
    store::SourceUpdate::ChangedFile changed;
  };
  std::vector<Result> results(to_parse.size());
  // Largest files first, so no thread is left with a big file at the end
  // (ET Open's .rules files range from a few KB to MBs); results keep the
  // path order.
  std::vector<size_t> order(to_parse.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return to_parse[a]->size > to_parse[b]->size;
  });
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t n = next++; n < order.size(); n = next++) {
      const size_t i = order[n];
      const FoundFile& f = *to_parse[i];
      Result& r = results[i];
      cov::v1::IngestedFile& rec = r.changed.file;
      rec.set_path(f.rel);
      rec.set_size(f.size);
      rec.set_mtime_ns(f.mtime_ns);
      absl::StatusOr<std::string> bytes = ReadAll(f.full, f.size);
      if (!bytes.ok()) {
        *rec.add_diagnostics() =
            ingest::Error(f.rel, 0, 0, "io-error", bytes.status().message());
        continue;
      }
      rec.set_content_hash(ingest::Fnv1a64Hex(*bytes));
      auto prev = previous.find(f.rel);
      if (!rescore && prev != previous.end() &&
          prev->second.content_hash() == rec.content_hash()) {
        r.touched_only = true;
        cov::v1::IngestedFile kept = prev->second;
        kept.set_size(f.size);
        kept.set_mtime_ns(f.mtime_ns);
        rec = std::move(kept);
        continue;
      }
      ingest::SourceFile sf;
      sf.path = f.rel;
      sf.content = *bytes;
      sf.source = name;
      sf.content_hash = rec.content_hash();
      ingest::ParsedFile parsed = parser->Parse(sf);
      for (auto& rule : parsed.rules) {
        if (is_layer) ingest::layer::ApplyMinScore(request.min_score(), &rule);
        if (context.kb != nullptr) {
          engine::ResolveRefs(*context.kb, context.others, &rule);
        }
        rec.add_rule_uids(rule.uid());
      }
      rec.set_rule_count(static_cast<int>(parsed.rules.size()));
      for (auto& d : parsed.diagnostics) *rec.add_diagnostics() = std::move(d);
      r.changed.rules = std::move(parsed.rules);
    }
  };
  int threads = context.threads > 0
                    ? context.threads
                    : std::max(1u, std::thread::hardware_concurrency());
  threads = std::min<int>(threads, static_cast<int>(to_parse.size()));
  std::vector<std::thread> pool;
  if (context.nice > 0) {
    for (int i = 0; i < threads; ++i) {
      pool.emplace_back([&] {
        // Refused: the thread keeps the caller's priority.
        util::LowerThisThread(context.nice);
        work();
      });
    }
  } else {
    for (int i = 1; i < threads; ++i) pool.emplace_back(work);
    work();
  }
  for (auto& t : pool) t.join();

  int parsed_count = 0;
  for (Result& r : results) {
    if (r.touched_only) {
      ++skipped;
      update.touched_files.push_back(std::move(r.changed.file));
    } else {
      ++parsed_count;
      update.changed_files.push_back(std::move(r.changed));
    }
  }
  absl::flat_hash_map<std::string, bool> present;
  for (const FoundFile& f : *found) present[f.rel] = true;
  for (const auto& [path, rec] : previous) {
    if (!path.empty() && !present.contains(path)) {
      update.removed_files.push_back(path);
    }
  }
  std::sort(update.removed_files.begin(), update.removed_files.end());

  // The source's whole file set, as it will be after this update.
  std::map<std::string, const cov::v1::IngestedFile*> final_files;
  for (const FoundFile& f : *found) {
    auto prev = previous.find(f.rel);
    if (prev != previous.end()) final_files[f.rel] = &prev->second;
  }
  for (const auto& t : update.touched_files) final_files[t.path()] = &t;
  for (const auto& c : update.changed_files)
    final_files[c.file.path()] = &c.file;

  // Source-wide duplicate IDs (first file in path order keeps it).
  store::SourceUpdate::ChangedFile source_level;
  source_level.file.set_path("");
  for (const std::string& link : symlinks) {
    *source_level.file.add_diagnostics() = ingest::Warning(
        link, 0, 0, "source-symlink-skipped",
        "symbolic link not followed (it could lead out of the source); "
        "copy the file or ingest the link's target");
  }
  absl::string_view dup_code = DuplicateCode(request.format());
  absl::flat_hash_map<std::string, std::string> first_file;  // uid -> path
  if (!dup_code.empty()) {
    for (const auto& [path, rec] : final_files) {
      for (const std::string& uid : rec->rule_uids()) {
        auto [it, inserted] = first_file.emplace(uid, path);
        if (!inserted && it->second != path) {
          *source_level.file.add_diagnostics() =
              ingest::Error(path, 0, 0, dup_code,
                            absl::StrCat("rule ID ", uid,
                                         " is also defined in ", it->second));
        }
      }
    }
  }

  // How the whole source's references resolve against the release now
  // (unchanged files' rules re-resolved): grouped warnings for `cov errors`
  // and a one-line summary first in the reply.
  cov::v1::Diagnostic ref_summary;
  if (context.kb != nullptr) {
    RefSummary refs(context.kb->release_key());
    absl::flat_hash_set<std::string> changed_paths;
    for (const auto& c : update.changed_files) {
      changed_paths.insert(c.file.path());
      for (const cov::v1::Rule& rule : c.rules) refs.Add(rule);
    }
    absl::Status walked =
        store.ForEachRule(name, [&](const cov::v1::Rule& stored) {
          if (changed_paths.contains(stored.file()) ||
              final_files.count(stored.file()) == 0) {
            return true;
          }
          cov::v1::Rule rule = stored;
          engine::ResolveRefs(*context.kb, context.others, &rule);
          refs.Add(rule);
          return true;
        });
    if (!walked.ok()) return walked;
    ref_summary = refs.SummaryDiagnostic();
    if (!ref_summary.code().empty()) {
      *source_level.file.add_diagnostics() = ref_summary;
    }
    for (cov::v1::Diagnostic& d : refs.Diagnostics()) {
      *source_level.file.add_diagnostics() = std::move(d);
    }
  }

  int rule_count = 0, error_count = 0;
  for (const auto& [path, rec] : final_files) {
    rule_count += rec->rule_count();
    for (const auto& d : rec->diagnostics()) {
      error_count += d.severity() == cov::v1::SEVERITY_ERROR;
    }
  }
  for (const auto& d : source_level.file.diagnostics()) {
    error_count += d.severity() == cov::v1::SEVERITY_ERROR;
  }

  // Sentinel keeps the same analytic-rule template under Detections/ and
  // under a solution's Analytic Rules/: one rule, counted once (the copy in
  // the first file in path order; the other is a sentinel-duplicate-id).
  if (request.format() == cov::v1::RULE_FORMAT_SENTINEL) {
    rule_count = static_cast<int>(first_file.size());
  }

  cov::v1::Source& source = update.source;
  source.set_name(name);
  source.set_format(request.format());
  source.set_path(root.string());
  source.set_commit(GitCommit(root.string()));
  source.set_rule_count(rule_count);
  source.set_file_count(static_cast<int>(final_files.size()));
  source.set_error_count(error_count);
  source.set_ingested_at_unix(absl::ToUnixSeconds(absl::Now()));
  if (is_layer) source.set_min_score(request.min_score());

  cov::v1::IngestRulesResponse response;
  if (!ref_summary.code().empty()) *response.add_diagnostics() = ref_summary;
  for (const auto& c : update.changed_files) {
    for (const auto& d : c.file.diagnostics()) {
      if (response.diagnostics_size() >= kMaxResponseDiagnostics) break;
      *response.add_diagnostics() = d;
    }
  }
  for (const auto& d : source_level.file.diagnostics()) {
    if (response.diagnostics_size() >= kMaxResponseDiagnostics) break;
    *response.add_diagnostics() = d;
  }
  update.changed_files.push_back(std::move(source_level));

  absl::Status st = store.ApplySourceUpdate(update);
  if (!st.ok()) return st;
  *response.mutable_source() = source;
  response.set_files_parsed(parsed_count);
  response.set_files_skipped(skipped);
  response.set_files_removed(static_cast<int>(update.removed_files.size()));
  response.set_elapsed_ms(std::chrono::duration<double, std::milli>(
                              std::chrono::steady_clock::now() - t0)
                              .count());
  return response;
}

}  // namespace cov::server::rules
