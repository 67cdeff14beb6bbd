#include "server/replay/replay.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <thread>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "ingest/base/diagnostics.h"
#include "ingest/base/file_walk.h"
#include "ingest/events/reader.h"
#include "server/engine/rule_index.h"
#include "server/engine/sigma_eval/logsource_map.h"

namespace cov::server::replay {
namespace {

namespace events = ::cov::ingest::events;
using engine::sigma_eval::RuleSet;

// One file to read: its path on disk and the name users see.
struct InputFile {
  std::string path;
  std::string name;
};

// What one worker found in one file.
struct FileResult {
  std::vector<RuleHits> hits;  // sparse: sized to the set, most empty
  std::vector<cov::v1::Diagnostic> diagnostics;
  events::ReadStats stats;
  std::unique_ptr<events::EventSink> tap;
};

cov::v1::EventRef RefOf(const events::Event& e) {
  cov::v1::EventRef ref;
  ref.set_where(absl::StrCat(e.file, ":", e.record));
  ref.set_time_us(e.time_us);
  ref.set_host(e.host);
  absl::string_view channel;
  int64_t id = 0;
  if (engine::sigma_eval::EventChannelAndId(e, &channel, &id)) {
    ref.set_channel(std::string(channel));
    ref.set_event_id(id);
  }
  return ref;
}

// Matches every event of one file against the set.
class MatchSink : public events::EventSink {
 public:
  MatchSink(const RuleSet& set, int max_examples, FileResult* out)
      : set_(set), max_examples_(max_examples), out_(out) {
    out_->hits.resize(set.size());
  }

  void OnEvent(const events::Event& event) override {
    matched_.clear();
    set_.Match(event, &scratch_, &matched_);
    for (int i : matched_) {
      RuleHits& h = out_->hits[i];
      ++h.matches;
      if (static_cast<int>(h.examples.size()) < max_examples_) {
        h.examples.push_back(RefOf(event));
      }
    }
    if (out_->tap) out_->tap->OnEvent(event);
  }
  void OnDiagnostic(const cov::v1::Diagnostic& d) override {
    out_->diagnostics.push_back(d);
  }

 private:
  const RuleSet& set_;
  const int max_examples_;
  FileResult* out_;
  engine::sigma_eval::MatchScratch scratch_;
  std::vector<int> matched_;
};

// Expands folders; a path that cannot be listed becomes a diagnostic.
std::vector<InputFile> ExpandPaths(const std::vector<std::string>& paths,
                                   std::vector<cov::v1::Diagnostic>* diags) {
  std::vector<InputFile> out;
  for (const std::string& p : paths) {
    absl::StatusOr<std::vector<ingest::WalkedFile>> files =
        ingest::WalkFiles(p, [](absl::string_view) { return true; });
    if (!files.ok()) {
      diags->push_back(
          ingest::Error(p, 0, 0, "events-not-found", files.status().message()));
      continue;
    }
    for (ingest::WalkedFile& f : *files) {
      // A file named by the user keeps its name; files of a folder are
      // shown below the folder as given.
      std::string name = f.full == p ? p : absl::StrCat(p, "/", f.rel);
      if (absl::EndsWith(p, "/") && f.full != p) name = absl::StrCat(p, f.rel);
      out.push_back({std::move(f.full), std::move(name)});
    }
  }
  return out;
}

// Writes blobs to private temporary files (removed by ~TempFiles).
class TempFiles {
 public:
  ~TempFiles() {
    for (const std::string& p : paths_) unlink(p.c_str());
  }
  absl::StatusOr<std::string> Write(const LogBlob& blob) {
    const char* dir = std::getenv("TMPDIR");
    std::string templ =
        absl::StrCat(dir && *dir ? dir : "/tmp", "/cov-replay-XXXXXX");
    int fd = mkstemp(templ.data());
    if (fd < 0) {
      return absl::UnavailableError(
          absl::StrCat(blob.name, ": cannot create a temporary file"));
    }
    paths_.push_back(templ);
    size_t done = 0;
    while (done < blob.bytes.size()) {
      ssize_t n = write(fd, blob.bytes.data() + done, blob.bytes.size() - done);
      if (n <= 0) {
        close(fd);
        return absl::UnavailableError(
            absl::StrCat(blob.name, ": cannot write a temporary file"));
      }
      done += static_cast<size_t>(n);
    }
    close(fd);
    return templ;
  }

 private:
  std::vector<std::string> paths_;
};

void Merge(FileResult& from, ReplayResult* into, int max_examples) {
  into->files += from.stats.files;
  into->events += from.stats.events;
  for (size_t i = 0; i < from.hits.size(); ++i) {
    RuleHits& src = from.hits[i];
    if (src.matches == 0) continue;
    RuleHits& dst = into->hits[i];
    dst.matches += src.matches;
    for (cov::v1::EventRef& e : src.examples) {
      if (static_cast<int>(dst.examples.size()) >= max_examples) break;
      dst.examples.push_back(std::move(e));
    }
  }
  for (cov::v1::Diagnostic& d : from.diagnostics) {
    into->diagnostics.push_back(std::move(d));
  }
  if (from.tap) into->taps.push_back(std::move(from.tap));
}

}  // namespace

ReplayResult RunReplay(const RuleSet& set,
                       const std::vector<std::string>& paths,
                       const std::vector<LogBlob>& blobs,
                       const ReplayConfig& config) {
  const auto start = std::chrono::steady_clock::now();
  const int max_examples = std::clamp(config.max_examples, 0, 100);
  ReplayResult result;
  result.hits.resize(set.size());
  std::vector<InputFile> inputs = ExpandPaths(paths, &result.diagnostics);
  TempFiles temps;
  for (const LogBlob& b : blobs) {
    absl::StatusOr<std::string> p = temps.Write(b);
    if (!p.ok()) {
      result.diagnostics.push_back(ingest::Error(
          b.name, 0, 0, "events-unreadable", p.status().message()));
      continue;
    }
    inputs.push_back({*p, b.name});
  }

  std::vector<FileResult> per_file(inputs.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < inputs.size(); i = next++) {
      FileResult& fr = per_file[i];
      if (config.make_tap) fr.tap = config.make_tap();
      MatchSink sink(set, max_examples, &fr);
      events::ReadEventFile(inputs[i].path, inputs[i].name, config.reader, sink,
                            fr.stats);
    }
  };
  const int threads = std::max(
      1, std::min<int>(config.threads, static_cast<int>(inputs.size())));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();

  for (FileResult& fr : per_file) Merge(fr, &result, max_examples);
  result.elapsed_ms = std::chrono::duration<double, std::milli>(
                          std::chrono::steady_clock::now() - start)
                          .count();
  return result;
}

std::vector<std::string> RuleTechniques(const engine::KnowledgeBase& kb,
                                        const engine::OtherDomains& others,
                                        const cov::v1::Rule& rule) {
  cov::v1::Rule resolved = rule;
  engine::ResolveRefs(kb, others, &resolved);
  return engine::RuleIndex::FactsOf(kb, resolved).techniques;
}

cov::v1::ReplayResponse ToResponse(const RuleSet& set,
                                   const ReplayResult& result,
                                   const engine::KnowledgeBase& kb,
                                   const engine::OtherDomains& others) {
  cov::v1::ReplayResponse out;
  out.set_files(result.files);
  out.set_events(result.events);
  out.set_rules_evaluated(set.size());
  out.set_elapsed_ms(result.elapsed_ms);

  struct Verdict {
    std::vector<std::string> fired;
    int evaluated = 0;
  };
  std::map<std::string, Verdict> verdicts;
  std::vector<int> order;
  for (int i = 0; i < set.size(); ++i) {
    const cov::v1::Rule& rule = set.rule(i);
    const RuleHits& h = result.hits[i];
    std::vector<std::string> techniques = RuleTechniques(kb, others, rule);
    for (const std::string& t : techniques) {
      Verdict& v = verdicts[t];
      ++v.evaluated;
      if (h.matches > 0) v.fired.push_back(rule.uid());
    }
    if (h.matches == 0) continue;
    cov::v1::RuleMatch* m = out.add_matches();
    m->mutable_rule()->set_uid(rule.uid());
    m->mutable_rule()->set_source(rule.source());
    m->mutable_rule()->set_title(rule.title());
    m->mutable_rule()->set_status(rule.status());
    m->set_matches(h.matches);
    for (const cov::v1::EventRef& e : h.examples) *m->add_examples() = e;
    for (std::string& t : techniques) m->add_technique_ids(std::move(t));
  }
  std::sort(out.mutable_matches()->begin(), out.mutable_matches()->end(),
            [](const cov::v1::RuleMatch& a, const cov::v1::RuleMatch& b) {
              if (a.matches() != b.matches()) return a.matches() > b.matches();
              return a.rule().uid() < b.rule().uid();
            });
  for (const engine::sigma_eval::NotEvaluable& n : set.not_evaluable()) {
    cov::v1::NotEvaluable* ne = out.add_not_evaluable();
    ne->mutable_rule()->set_uid(n.uid);
    ne->mutable_rule()->set_title(n.title);
    ne->set_reason(n.reason);
  }
  for (auto& [id, v] : verdicts) {
    cov::v1::TechniqueVerdict* tv = out.add_techniques();
    tv->set_technique_id(id);
    if (const cov::v1::Technique* t = kb.FindTechnique(id)) {
      tv->set_technique_name(t->name());
    }
    tv->set_detected(!v.fired.empty());
    std::sort(v.fired.begin(), v.fired.end());
    for (const std::string& uid : v.fired) tv->add_fired_rule_uids(uid);
    tv->set_evaluated_rules(v.evaluated);
  }
  for (const cov::v1::Diagnostic& d : result.diagnostics) {
    *out.add_diagnostics() = d;
  }
  return out;
}

}  // namespace cov::server::replay
