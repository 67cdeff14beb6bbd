#include "server/store/memory_store.h"

#include <algorithm>
#include <iterator>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "server/store/release_deletion.h"
#include "server/store/schema.h"

namespace cov::server::store {
namespace {

template <typename M>
void AddAll(const std::vector<const M*>& list, std::map<std::string, M>* out,
            bool components = false) {
  for (const M* m : list) {
    std::string key = absl::AsciiStrToUpper(m->id());
    if (components && m->id().empty()) key = absl::StrCat("NAME:", m->name());
    (*out)[key] = *m;
  }
}

template <typename M>
std::vector<M> Values(const std::map<std::string, M>& m) {
  std::vector<M> out;
  out.reserve(m.size());
  for (const auto& [k, v] : m) out.push_back(v);
  return out;
}

}  // namespace

absl::StatusOr<const MemoryStore::Release*> MemoryStore::Find(
    absl::string_view key) const {
  auto it = releases_.find(std::string(key));
  if (it == releases_.end()) {
    return absl::NotFoundError(absl::StrCat("no ATT&CK release ", key));
  }
  return &it->second;
}

absl::Status MemoryStore::PutRelease(const ReleaseRecords& records,
                                     const cov::v1::Release& release,
                                     bool make_default) {
  if (release.domain().empty() || release.version().empty()) {
    return absl::InvalidArgumentError("release has no domain or version");
  }
  const std::string key = ReleaseKey(release.domain(), release.version());
  Release r;
  r.release = release;
  r.release.set_is_default(false);
  for (const cov::v1::Tactic* t : records.tactics) r.tactics.push_back(*t);
  std::sort(r.tactics.begin(), r.tactics.end(),
            [](const auto& a, const auto& b) { return a.order() < b.order(); });
  AddAll(records.techniques, &r.techniques);
  AddAll(records.actors, &r.actors);
  AddAll(records.data_components, &r.components, /*components=*/true);
  AddAll(records.mitigations, &r.mitigations);
  absl::MutexLock lock(&mu_);
  releases_[key] = std::move(r);
  if (make_default || default_.empty()) default_ = key;
  if (make_default || domain_defaults_.count(release.domain()) == 0) {
    domain_defaults_[release.domain()] = key;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<cov::v1::Release>> MemoryStore::ListReleases()
    const {
  absl::ReaderMutexLock lock(&mu_);
  std::vector<cov::v1::Release> out;
  for (const auto& [key, r] : releases_) {
    out.push_back(r.release);
    out.back().set_is_default(key == default_);
  }
  return out;
}

absl::StatusOr<StoredRelease> MemoryStore::ResolveLocked(
    const cov::v1::ReleaseRef& ref) const {
  if (default_.empty()) {
    return absl::FailedPreconditionError(
        "no ATT&CK release is loaded; run `cov ingest attack FILE` first");
  }
  std::string domain = ref.domain();
  if (domain.empty()) domain = default_.substr(0, default_.find('@'));
  std::string key;
  if (ref.version().empty()) {
    if (ref.domain().empty()) {
      key = default_;
    } else if (auto it = domain_defaults_.find(domain);
               it != domain_defaults_.end()) {
      key = it->second;
    }
  } else {
    key = ReleaseKey(domain, ref.version());
  }
  auto found = releases_.find(key);
  if (found == releases_.end() && ref.domain().empty() &&
      !ref.version().empty()) {
    // Version only: accept it from any domain.
    for (auto it = releases_.begin(); it != releases_.end(); ++it) {
      if (it->first.substr(it->first.find('@') + 1) == ref.version()) {
        found = it;
        break;
      }
    }
  }
  if (found == releases_.end()) {
    std::vector<std::string> keys;
    for (const auto& [k, r] : releases_) keys.push_back(k);
    return absl::NotFoundError(absl::StrCat(
        "no ATT&CK release ", ref.domain(),
        ref.domain().empty() || ref.version().empty() ? "" : "@", ref.version(),
        " in the store; stored: ", absl::StrJoin(keys, ", ")));
  }
  StoredRelease out;
  out.key = found->first;
  out.release = found->second.release;
  out.release.set_is_default(out.key == default_);
  return out;
}

absl::StatusOr<StoredRelease> MemoryStore::ResolveRelease(
    const cov::v1::ReleaseRef& ref) const {
  absl::ReaderMutexLock lock(&mu_);
  return ResolveLocked(ref);
}

absl::StatusOr<cov::v1::Release> MemoryStore::SetDefaultRelease(
    const cov::v1::ReleaseRef& ref) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<StoredRelease> r = ResolveLocked(ref);
  if (!r.ok()) return r.status();
  default_ = r->key;
  domain_defaults_[r->release.domain()] = r->key;
  r->release.set_is_default(true);
  return r->release;
}

absl::StatusOr<cov::v1::Technique> MemoryStore::GetTechnique(
    absl::string_view release_key, absl::string_view id) const {
  absl::ReaderMutexLock lock(&mu_);
  auto r = Find(release_key);
  if (r.ok()) {
    auto it = (*r)->techniques.find(absl::AsciiStrToUpper(id));
    if (it != (*r)->techniques.end()) return it->second;
  }
  return absl::NotFoundError(
      absl::StrCat("technique ", id, " is not in ATT&CK ", release_key));
}

absl::StatusOr<cov::v1::Actor> MemoryStore::GetActor(
    absl::string_view release_key, absl::string_view id) const {
  absl::ReaderMutexLock lock(&mu_);
  auto r = Find(release_key);
  if (r.ok()) {
    auto it = (*r)->actors.find(absl::AsciiStrToUpper(id));
    if (it != (*r)->actors.end()) return it->second;
  }
  return absl::NotFoundError(absl::StrCat("group, software or campaign ", id,
                                          " is not in ATT&CK ", release_key));
}

absl::Status MemoryStore::ForEachTechnique(
    absl::string_view release_key,
    const std::function<bool(const cov::v1::Technique&)>& fn) const {
  absl::ReaderMutexLock lock(&mu_);
  auto r = Find(release_key);
  if (!r.ok()) return absl::OkStatus();  // an unknown release has no keys
  for (const auto& [id, t] : (*r)->techniques) {
    if (!fn(t)) break;
  }
  return absl::OkStatus();
}

absl::Status MemoryStore::ForEachActor(
    absl::string_view release_key,
    const std::function<bool(const cov::v1::Actor&)>& fn) const {
  absl::ReaderMutexLock lock(&mu_);
  auto r = Find(release_key);
  if (!r.ok()) return absl::OkStatus();
  for (const auto& [id, a] : (*r)->actors) {
    if (!fn(a)) break;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<cov::v1::Tactic>> MemoryStore::ListTactics(
    absl::string_view release_key) const {
  absl::ReaderMutexLock lock(&mu_);
  auto r = Find(release_key);
  if (!r.ok()) return std::vector<cov::v1::Tactic>();
  return (*r)->tactics;
}

absl::StatusOr<std::vector<cov::v1::DataComponent>>
MemoryStore::ListDataComponents(absl::string_view release_key) const {
  absl::ReaderMutexLock lock(&mu_);
  auto r = Find(release_key);
  if (!r.ok()) return std::vector<cov::v1::DataComponent>();
  return Values((*r)->components);
}

absl::StatusOr<std::vector<cov::v1::MitigationRef>>
MemoryStore::ListMitigations(absl::string_view release_key) const {
  absl::ReaderMutexLock lock(&mu_);
  auto r = Find(release_key);
  if (!r.ok()) return std::vector<cov::v1::MitigationRef>();
  return Values((*r)->mitigations);
}

absl::Status MemoryStore::ApplySourceUpdate(const SourceUpdate& update) {
  const std::string& name = update.source.name();
  if (absl::Status s = CheckSourceName(name); !s.ok()) return s;
  absl::MutexLock lock(&mu_);
  for (const std::string& path : update.removed_files) {
    files_.erase({name, path});
  }
  for (const auto& changed : update.changed_files) {
    files_[{name, changed.file.path()}] = File{changed.file, changed.rules};
  }
  for (const auto& touched : update.touched_files) {
    files_[{name, touched.path()}].record = touched;
  }
  sources_[name] = update.source;
  ++rules_generation_;
  ++source_generations_[name];
  return absl::OkStatus();
}

absl::Status MemoryStore::DeleteSource(absl::string_view name) {
  absl::MutexLock lock(&mu_);
  if (sources_.erase(std::string(name)) == 0) {
    return absl::NotFoundError(absl::StrCat("no rule source '", name, "'"));
  }
  for (auto it = files_.begin(); it != files_.end();) {
    it = it->first.first == name ? files_.erase(it) : std::next(it);
  }
  ++rules_generation_;
  ++source_generations_[std::string(name)];
  return absl::OkStatus();
}

absl::StatusOr<std::vector<cov::v1::Source>> MemoryStore::ListSources() const {
  absl::ReaderMutexLock lock(&mu_);
  return Values(sources_);
}

absl::StatusOr<cov::v1::Source> MemoryStore::GetSource(
    absl::string_view name) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = sources_.find(std::string(name));
  if (it == sources_.end()) {
    return absl::NotFoundError(absl::StrCat("no rule source '", name, "'"));
  }
  return it->second;
}

absl::StatusOr<std::vector<cov::v1::IngestedFile>> MemoryStore::ListFiles(
    absl::string_view source) const {
  absl::ReaderMutexLock lock(&mu_);
  std::vector<cov::v1::IngestedFile> out;
  for (const auto& [key, f] : files_) {
    if (key.first == source) out.push_back(f.record);
  }
  return out;
}

absl::Status MemoryStore::ForEachRule(
    absl::string_view source,
    const std::function<bool(const cov::v1::Rule&)>& fn) const {
  absl::ReaderMutexLock lock(&mu_);
  for (const auto& [key, f] : files_) {
    if (!source.empty() && key.first != source) continue;
    for (const auto& r : f.rules) {
      if (!fn(r)) return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

int64_t MemoryStore::RulesGeneration() const {
  absl::ReaderMutexLock lock(&mu_);
  return rules_generation_;
}

absl::StatusOr<std::map<std::string, int64_t>> MemoryStore::SourceGenerations()
    const {
  absl::ReaderMutexLock lock(&mu_);
  return source_generations_;
}

absl::Status MemoryStore::PutLibrary(const LibraryUpdate& update) {
  if (!ValidSourceName(update.source.name())) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid source name '", update.source.name(), "'"));
  }
  absl::MutexLock lock(&mu_);
  libraries_[update.source.name()] =
      Library{update.source, update.tests, update.plans};
  ++library_generation_;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<cov::v1::Source>> MemoryStore::ListLibrarySources()
    const {
  absl::ReaderMutexLock lock(&mu_);
  std::vector<cov::v1::Source> out;
  for (const auto& [name, lib] : libraries_) out.push_back(lib.source);
  return out;
}

absl::Status MemoryStore::ForEachTest(
    const std::function<bool(absl::string_view technique,
                             const cov::v1::TestProcedure&)>& fn) const {
  absl::ReaderMutexLock lock(&mu_);
  for (const auto& [name, lib] : libraries_) {
    for (const auto& [technique, test] : lib.tests) {
      if (!fn(technique, test)) return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

absl::Status MemoryStore::ForEachPlan(
    const std::function<bool(const cov::v1::PlanResponse&)>& fn) const {
  absl::ReaderMutexLock lock(&mu_);
  for (const auto& [name, lib] : libraries_) {
    for (const auto& plan : lib.plans) {
      if (!fn(plan)) return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> MemoryStore::NextExperimentId() {
  absl::MutexLock lock(&mu_);
  return absl::StrFormat("EXP-%06d", ++experiment_seq_);
}

absl::Status MemoryStore::PutExperiment(const cov::v1::Experiment& e) {
  if (e.id().empty()) return absl::InvalidArgumentError("experiment has no id");
  absl::MutexLock lock(&mu_);
  experiments_[e.id()] = e;
  ++evidence_generation_;
  return absl::OkStatus();
}

absl::StatusOr<cov::v1::Experiment> MemoryStore::GetExperiment(
    absl::string_view id) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = experiments_.find(std::string(id));
  if (it == experiments_.end()) {
    return absl::NotFoundError(absl::StrCat("no experiment ", id));
  }
  return it->second;
}

absl::Status MemoryStore::ForEachExperiment(
    const std::function<bool(const cov::v1::Experiment&)>& fn) const {
  absl::ReaderMutexLock lock(&mu_);
  for (const auto& [id, e] : experiments_) {
    if (!fn(e)) break;
  }
  return absl::OkStatus();
}

int64_t MemoryStore::EvidenceGeneration() const {
  absl::ReaderMutexLock lock(&mu_);
  return evidence_generation_;
}

int64_t MemoryStore::LibraryGeneration() const {
  absl::ReaderMutexLock lock(&mu_);
  return library_generation_;
}

int64_t MemoryStore::ApproximateSizeBytes() const {
  absl::ReaderMutexLock lock(&mu_);
  int64_t bytes = 0;
  for (const auto& [k, r] : releases_) {
    for (const auto& [id, t] : r.techniques) bytes += t.ByteSizeLong();
    for (const auto& [id, a] : r.actors) bytes += a.ByteSizeLong();
  }
  for (const auto& [k, f] : files_) {
    for (const auto& rule : f.rules) bytes += rule.ByteSizeLong();
  }
  for (const auto& [id, e] : experiments_) bytes += e.ByteSizeLong();
  return bytes;
}

absl::StatusOr<cov::v1::Release> MemoryStore::DeleteRelease(
    absl::string_view key, absl::string_view new_default) {
  absl::MutexLock lock(&mu_);
  ReleaseDefaults defaults;
  defaults.store_default = default_;
  defaults.domain_defaults = domain_defaults_;
  for (const auto& [k, r] : releases_) defaults.keys.push_back(k);
  absl::StatusOr<ReleaseDeletionPlan> plan =
      PlanReleaseDeletion(defaults, key, new_default);
  if (!plan.ok()) return plan.status();
  auto it = releases_.find(std::string(key));
  cov::v1::Release out = it->second.release;
  out.set_is_default(it->first == default_);
  releases_.erase(it);
  if (!plan->store_default.empty()) default_ = plan->store_default;
  for (const auto& [domain, k] : plan->set_domain_defaults) {
    domain_defaults_[domain] = k;
  }
  for (const std::string& domain : plan->erase_domain_defaults) {
    domain_defaults_.erase(domain);
  }
  // As RocksDbStore: caches of rule data resolved against the releases
  // rebuild.
  ++rules_generation_;
  return out;
}

absl::StatusOr<cov::v1::Experiment> MemoryStore::DeleteExperiment(
    absl::string_view id) {
  absl::MutexLock lock(&mu_);
  auto it = experiments_.find(std::string(id));
  if (it == experiments_.end()) {
    return absl::NotFoundError(absl::StrCat("no experiment '", id, "'"));
  }
  cov::v1::Experiment out = std::move(it->second);
  experiments_.erase(it);
  ++evidence_generation_;
  return out;
}

absl::StatusOr<cov::v1::BackupInfo> MemoryStore::CreateBackup(
    const std::string&, uint32_t) {
  return absl::UnimplementedError("the in-memory store has no backups");
}

namespace {

absl::StatusOr<std::unique_ptr<Store>> OpenMemory(const std::string&) {
  return std::unique_ptr<Store>(std::make_unique<MemoryStore>());
}

absl::StatusOr<std::vector<cov::v1::BackupInfo>> NoBackups(
    const std::string& backup_dir) {
  return absl::NotFoundError(absl::StrCat("no backup in ", backup_dir));
}

absl::StatusOr<cov::v1::BackupInfo> NoBackup(const std::string& backup_dir,
                                             uint32_t) {
  return absl::NotFoundError(absl::StrCat("no backup in ", backup_dir));
}

absl::StatusOr<cov::v1::BackupInfo> NoRestore(const std::string&, uint32_t,
                                              const std::string&) {
  return absl::UnimplementedError("the in-memory store has no backups");
}

}  // namespace

MemoryStoreFactory::MemoryStoreFactory()
    : FunctionStoreFactory({&OpenMemory, &NoBackups, &NoBackup, &NoRestore}) {}

}  // namespace cov::server::store
