#include "server/store/rocksdb_store.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/slice.h"
#include "rocksdb/write_batch.h"
#include "server/store/rocksdb_status.h"
#include "server/store/schema.h"

namespace cov::server::store {
namespace {

absl::Status ToAbsl(const rocksdb::Status& s, absl::string_view what) {
  return RocksToAbsl(s, what);
}

rocksdb::Slice ToSlice(absl::string_view s) { return {s.data(), s.size()}; }

absl::string_view ToView(const rocksdb::Slice& s) {
  return {s.data(), s.size()};
}

// Holds a snapshot for the duration of a multi-key read.
class ScopedSnapshot {
 public:
  explicit ScopedSnapshot(rocksdb::DB* db) : db_(db) {
    options_.snapshot = db_->GetSnapshot();
  }
  ~ScopedSnapshot() { db_->ReleaseSnapshot(options_.snapshot); }
  const rocksdb::ReadOptions& options() const { return options_; }

 private:
  rocksdb::DB* db_;
  rocksdb::ReadOptions options_;
};

template <typename Message>
absl::Status Decode(const rocksdb::Slice& bytes, absl::string_view key,
                    Message* out) {
  if (!out->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(
        absl::StrCat("store record '", absl::CHexEscape(key),
                     "' is not a valid ", out->GetTypeName()));
  }
  return absl::OkStatus();
}

// Reads one record; kNotFound with `missing` when absent.
template <typename Message>
absl::StatusOr<Message> GetRecord(rocksdb::DB* db,
                                  rocksdb::ColumnFamilyHandle* cf,
                                  absl::string_view key,
                                  absl::string_view missing) {
  rocksdb::PinnableSlice bytes;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), cf, ToSlice(key), &bytes);
  if (s.IsNotFound()) return absl::NotFoundError(missing);
  if (!s.ok()) return ToAbsl(s, absl::StrCat("reading ", missing));
  Message m;
  absl::Status st = Decode(bytes, key, &m);
  if (!st.ok()) return st;
  return m;
}

// Visits the records of `cf` in key order: all of them when `owner` is
// empty, else those keyed "<owner>\0...". fn(key, message) returns false to
// stop. Reads from `read` (a snapshot) when given, else from a new one.
template <typename Message, typename Fn>
absl::Status Scan(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                  absl::string_view owner, Fn&& fn,
                  const rocksdb::ReadOptions* read = nullptr) {
  std::optional<ScopedSnapshot> snap;
  if (read == nullptr) read = &snap.emplace(db).options();
  rocksdb::ReadOptions ro = *read;
  const std::string begin = owner.empty() ? "" : ReleasePrefix(owner);
  const std::string end = owner.empty() ? "" : ReleaseEnd(owner);
  rocksdb::Slice upper(end);
  if (!owner.empty()) ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, cf));
  Message m;
  for (it->Seek(begin); it->Valid(); it->Next()) {
    absl::Status st = Decode(it->value(), ToView(it->key()), &m);
    if (!st.ok()) return st;
    if (!fn(ToView(it->key()), m)) break;
  }
  return ToAbsl(it->status(), "iterating store");
}

template <typename Message>
absl::StatusOr<std::vector<Message>> ListAll(rocksdb::DB* db,
                                             rocksdb::ColumnFamilyHandle* cf,
                                             absl::string_view owner) {
  std::vector<Message> out;
  absl::Status st =
      Scan<Message>(db, cf, owner, [&](absl::string_view, const Message& m) {
        out.push_back(m);
        return true;
      });
  if (!st.ok()) return st;
  return out;
}

template <typename Message>
absl::Status ForEach(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                     absl::string_view owner,
                     const std::function<bool(const Message&)>& fn) {
  return Scan<Message>(db, cf, owner, [&](absl::string_view, const Message& m) {
    return fn(m);
  });
}

// Adds `m`, encoded into *buf, to `batch` at `key` of `family`; an
// encoding failure is "cannot encode <what>".
absl::Status PutEncoded(rocksdb::WriteBatch* batch,
                        rocksdb::ColumnFamilyHandle* family,
                        const std::string& key, absl::string_view what,
                        const google::protobuf::MessageLite& m,
                        std::string* buf) {
  buf->clear();
  if (!m.SerializeToString(buf)) {
    return absl::InternalError(absl::StrCat("cannot encode ", what));
  }
  return ToAbsl(batch->Put(family, key, *buf), "preparing batch");
}

// Bytes `update`'s batch will take, rounded up: the records' encoded sizes
// plus their keys and per-entry framing (tag, column family, two varint
// lengths). An estimate: a larger batch still grows as before.
size_t EstimateBatchBytes(const SourceUpdate& update) {
  constexpr size_t kEntryOverhead = 32;  // framing and a rule key's suffix
  const size_t name = update.source.name().size();
  size_t total = 4096 + update.source.ByteSizeLong();
  for (const std::string& path : update.removed_files) {
    total += 3 * (name + path.size() + kEntryOverhead);
  }
  for (const auto& changed : update.changed_files) {
    const size_t key = name + changed.file.path().size() + kEntryOverhead;
    total += 3 * key + changed.file.ByteSizeLong();
    for (const cov::v1::Rule& rule : changed.rules) {
      total += key + rule.ByteSizeLong();
    }
  }
  for (const auto& file : update.touched_files) {
    total += name + file.path().size() + kEntryOverhead + file.ByteSizeLong();
  }
  return total;
}

const char* const kAllColumnFamilies[] = {
    kCfReleases,   kCfMeta,        kCfTactics, kCfTechniques, kCfActors,
    kCfComponents, kCfMitigations, kCfSources, kCfFiles,      kCfRules,
    kCfLibrary,    kCfTests,       kCfPlans,   kCfExperiments};

}  // namespace

absl::StatusOr<std::unique_ptr<RocksDbStore>> RocksDbStore::Open(
    const std::string& dir) {
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  // Small service: keep the thread pool and open files modest.
  db_options.IncreaseParallelism(2);
  db_options.max_open_files = 512;
  db_options.keep_log_file_num = 3;

  rocksdb::ColumnFamilyOptions cf_options;
  cf_options.OptimizeForPointLookup(64);

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, cf_options);
  for (const char* name : kAllColumnFamilies) {
    descriptors.emplace_back(name, cf_options);
  }
  // A store may hold column families of a newer build; open them too so
  // RocksDB does not refuse the directory.
  std::vector<std::string> existing;
  if (rocksdb::DB::ListColumnFamilies(db_options, dir, &existing).ok()) {
    for (const std::string& name : existing) {
      bool known = name == rocksdb::kDefaultColumnFamilyName;
      for (const char* n : kAllColumnFamilies) known |= name == n;
      if (!known) descriptors.emplace_back(name, cf_options);
    }
  }

  std::unique_ptr<RocksDbStore> store(new RocksDbStore());
  store->dir_ = dir;
  rocksdb::Status s = rocksdb::DB::Open(db_options, dir, descriptors,
                                        &store->handles_, &store->db_);
  if (!s.ok()) return ToAbsl(s, absl::StrCat("opening store ", dir));
  for (const auto& d : descriptors) store->cf_names_.push_back(d.name);

  std::string version;
  s = store->db_->Get(rocksdb::ReadOptions(), kSchemaVersionKey, &version);
  if (s.IsNotFound()) {
    rocksdb::WriteOptions wo;
    wo.sync = true;
    s = store->db_->Put(wo, kSchemaVersionKey, std::to_string(kSchemaVersion));
    if (!s.ok()) return ToAbsl(s, "writing schema version");
  } else if (!s.ok()) {
    return ToAbsl(s, "reading schema version");
  } else if (version != std::to_string(kSchemaVersion)) {
    return absl::FailedPreconditionError(
        absl::StrCat("store ", dir, " has schema version ", version,
                     "; this covd reads version ", kSchemaVersion));
  }
  return store;
}

RocksDbStore::~RocksDbStore() {
  if (db_ == nullptr) return;
  // Persist memtables so the next Open need not replay the WAL (a bundle is
  // tens of MB of WAL; replaying it would dominate covd's start time).
  rocksdb::FlushOptions fo;
  fo.wait = true;
  db_->Flush(fo, handles_).PermitUncheckedError();
  for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
  db_->Close();
  delete db_;
}

rocksdb::ColumnFamilyHandle* RocksDbStore::cf(const char* name) const {
  for (size_t i = 0; i < cf_names_.size(); ++i) {
    if (cf_names_[i] == name) return handles_[i];
  }
  return nullptr;  // unreachable: every schema family is opened
}

absl::Status RocksDbStore::PutRelease(const ReleaseRecords& records,
                                      const cov::v1::Release& release,
                                      bool make_default) {
  if (release.domain().empty() || release.version().empty()) {
    return absl::InvalidArgumentError("release has no domain or version");
  }
  const std::string key = ReleaseKey(release.domain(), release.version());
  const std::string begin = ReleasePrefix(key);
  const std::string end = ReleaseEnd(key);

  rocksdb::WriteBatch batch;
  // Old contents of this release go first; the puts below have later
  // sequence numbers, so they survive the range deletes.
  for (const char* name :
       {kCfTactics, kCfTechniques, kCfActors, kCfComponents, kCfMitigations}) {
    rocksdb::Status s = batch.DeleteRange(cf(name), begin, end);
    if (!s.ok()) return ToAbsl(s, "preparing batch");
  }
  std::string buf;
  auto put = [&](const char* family, absl::string_view id,
                 const google::protobuf::MessageLite& m) -> absl::Status {
    return PutEncoded(&batch, cf(family), ObjectKey(key, id), id, m, &buf);
  };
  absl::Status st;
  for (const cov::v1::Tactic* t : records.tactics) {
    st = put(kCfTactics, absl::StrFormat("%04d", t->order()), *t);
    if (!st.ok()) return st;
  }
  for (const cov::v1::Technique* t : records.techniques) {
    st = put(kCfTechniques, absl::AsciiStrToUpper(t->id()), *t);
    if (!st.ok()) return st;
  }
  for (const cov::v1::Actor* a : records.actors) {
    st = put(kCfActors, absl::AsciiStrToUpper(a->id()), *a);
    if (!st.ok()) return st;
  }
  for (const cov::v1::DataComponent* c : records.data_components) {
    // Before v18 components have no DC#### ID; their name is the key.
    st = put(kCfComponents,
             c->id().empty() ? absl::StrCat("NAME:", c->name())
                             : absl::AsciiStrToUpper(c->id()),
             *c);
    if (!st.ok()) return st;
  }
  for (const cov::v1::MitigationRef* m : records.mitigations) {
    st = put(kCfMitigations, absl::AsciiStrToUpper(m->id()), *m);
    if (!st.ok()) return st;
  }

  cov::v1::Release stored = release;
  stored.set_is_default(false);  // derived from meta on read
  if (!stored.SerializeToString(&buf)) {
    return absl::InternalError("cannot encode release");
  }
  rocksdb::Status s = batch.Put(cf(kCfReleases), key, buf);
  if (!s.ok()) return ToAbsl(s, "preparing batch");

  std::string current_default;
  bool has_default = db_->Get(rocksdb::ReadOptions(), cf(kCfMeta), kMetaDefault,
                              &current_default)
                         .ok();
  if (make_default || !has_default) {
    s = batch.Put(cf(kCfMeta), kMetaDefault, key);
    if (!s.ok()) return ToAbsl(s, "preparing batch");
  }
  std::string domain_default;
  bool has_domain_default =
      db_->Get(rocksdb::ReadOptions(), cf(kCfMeta),
               DomainDefaultKey(release.domain()), &domain_default)
          .ok();
  if (make_default || !has_domain_default) {
    s = batch.Put(cf(kCfMeta), DomainDefaultKey(release.domain()), key);
    if (!s.ok()) return ToAbsl(s, "preparing batch");
  }

  return WriteSynced(&batch, absl::StrCat("storing release ", key));
}

absl::StatusOr<std::vector<cov::v1::Release>> RocksDbStore::ListReleases()
    const {
  ScopedSnapshot snap(db_);
  std::string def;
  rocksdb::Status s = db_->Get(snap.options(), cf(kCfMeta), kMetaDefault, &def);
  if (!s.ok() && !s.IsNotFound()) return ToAbsl(s, "reading default");
  std::vector<cov::v1::Release> out;
  absl::Status st = Scan<cov::v1::Release>(
      db_, cf(kCfReleases), "",
      [&](absl::string_view key, const cov::v1::Release& r) {
        out.push_back(r);
        out.back().set_is_default(key == def);
        return true;
      },
      &snap.options());
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<StoredRelease> RocksDbStore::ResolveRelease(
    const cov::v1::ReleaseRef& ref) const {
  ScopedSnapshot snap(db_);
  auto get_release =
      [&](const std::string& key) -> absl::StatusOr<StoredRelease> {
    std::string bytes;
    rocksdb::Status s = db_->Get(snap.options(), cf(kCfReleases), key, &bytes);
    if (!s.ok()) return ToAbsl(s, absl::StrCat("release ", key));
    StoredRelease out;
    out.key = key;
    absl::Status st = Decode(bytes, key, &out.release);
    if (!st.ok()) return st;
    return out;
  };
  std::string def;
  rocksdb::Status s = db_->Get(snap.options(), cf(kCfMeta), kMetaDefault, &def);
  if (s.IsNotFound()) {
    return absl::FailedPreconditionError(
        "no ATT&CK release is loaded; run `cov ingest attack FILE` first");
  }
  if (!s.ok()) return ToAbsl(s, "reading default release");

  std::string domain = ref.domain();
  if (domain.empty()) domain = def.substr(0, def.find('@'));
  std::string key;
  if (ref.version().empty()) {
    if (ref.domain().empty()) {
      key = def;
    } else {
      s = db_->Get(snap.options(), cf(kCfMeta), DomainDefaultKey(domain), &key);
      if (!s.ok() && !s.IsNotFound()) return ToAbsl(s, "reading default");
    }
  } else {
    key = ReleaseKey(domain, ref.version());
  }
  absl::StatusOr<StoredRelease> found =
      key.empty() ? absl::NotFoundError("") : get_release(key);
  if (found.ok()) {
    found->release.set_is_default(found->key == def);
    return found;
  }
  if (!absl::IsNotFound(found.status())) return found.status();

  // Version only: accept it from any domain when the default domain lacks it.
  std::vector<std::string> keys;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(snap.options(), cf(kCfReleases)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string k(ToView(it->key()));
    keys.push_back(k);
    if (ref.domain().empty() && !ref.version().empty() &&
        k.substr(k.find('@') + 1) == ref.version()) {
      return get_release(k);
    }
  }
  return absl::NotFoundError(absl::StrCat(
      "no ATT&CK release ", ref.domain().empty() ? "" : ref.domain(),
      ref.domain().empty() || ref.version().empty() ? "" : "@", ref.version(),
      " in the store; stored: ",
      keys.empty() ? "none" : absl::StrJoin(keys, ", ")));
}

absl::StatusOr<cov::v1::Release> RocksDbStore::SetDefaultRelease(
    const cov::v1::ReleaseRef& ref) {
  absl::StatusOr<StoredRelease> r = ResolveRelease(ref);
  if (!r.ok()) return r.status();
  rocksdb::WriteBatch batch;
  batch.Put(cf(kCfMeta), kMetaDefault, r->key);
  batch.Put(cf(kCfMeta), DomainDefaultKey(r->release.domain()), r->key);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  absl::Status st = ToAbsl(db_->Write(wo, &batch), "setting default");
  if (!st.ok()) return st;
  r->release.set_is_default(true);
  return r->release;
}

absl::StatusOr<cov::v1::Technique> RocksDbStore::GetTechnique(
    absl::string_view release_key, absl::string_view id) const {
  return GetRecord<cov::v1::Technique>(
      db_, cf(kCfTechniques), ObjectKey(release_key, absl::AsciiStrToUpper(id)),
      absl::StrCat("technique ", id, " is not in ATT&CK ", release_key));
}

absl::StatusOr<cov::v1::Actor> RocksDbStore::GetActor(
    absl::string_view release_key, absl::string_view id) const {
  return GetRecord<cov::v1::Actor>(
      db_, cf(kCfActors), ObjectKey(release_key, absl::AsciiStrToUpper(id)),
      absl::StrCat("group, software or campaign ", id, " is not in ATT&CK ",
                   release_key));
}

absl::Status RocksDbStore::ForEachTechnique(
    absl::string_view release_key,
    const std::function<bool(const cov::v1::Technique&)>& fn) const {
  return ForEach<cov::v1::Technique>(db_, cf(kCfTechniques), release_key, fn);
}

absl::Status RocksDbStore::ForEachActor(
    absl::string_view release_key,
    const std::function<bool(const cov::v1::Actor&)>& fn) const {
  return ForEach<cov::v1::Actor>(db_, cf(kCfActors), release_key, fn);
}

absl::StatusOr<std::vector<cov::v1::Tactic>> RocksDbStore::ListTactics(
    absl::string_view release_key) const {
  return ListAll<cov::v1::Tactic>(db_, cf(kCfTactics), release_key);
}

absl::StatusOr<std::vector<cov::v1::DataComponent>>
RocksDbStore::ListDataComponents(absl::string_view release_key) const {
  return ListAll<cov::v1::DataComponent>(db_, cf(kCfComponents), release_key);
}

absl::StatusOr<std::vector<cov::v1::MitigationRef>>
RocksDbStore::ListMitigations(absl::string_view release_key) const {
  return ListAll<cov::v1::MitigationRef>(db_, cf(kCfMitigations), release_key);
}

// Start writing the batch to SST files in the background after the synced
// write, so a restart (even after a kill) replays little or no WAL.
// Durability does not depend on it: the synced WAL already holds the batch.
absl::Status RocksDbStore::WriteSynced(rocksdb::WriteBatch* batch,
                                       absl::string_view what) {
  rocksdb::WriteOptions wo;
  wo.sync = true;
  absl::Status st = ToAbsl(db_->Write(wo, batch), what);
  if (!st.ok()) return st;
  rocksdb::FlushOptions fo;
  fo.wait = false;
  fo.allow_write_stall = true;
  db_->Flush(fo, handles_).PermitUncheckedError();
  return absl::OkStatus();
}

absl::Status RocksDbStore::BumpGeneration(rocksdb::WriteBatch* batch,
                                          absl::string_view source) {
  int64_t next = RulesGeneration() + 1;
  absl::Status st = ToAbsl(
      batch->Put(cf(kCfMeta), kMetaRulesGeneration, std::to_string(next)),
      "preparing batch");
  if (!st.ok() || source.empty()) return st;
  const std::string key = SourceGenerationKey(source);
  std::string v;
  int64_t source_next = 0;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf(kCfMeta), key, &v);
  if (s.ok()) {
    if (!absl::SimpleAtoi(v, &source_next)) {
      return absl::DataLossError(absl::StrCat(
          "store record '", absl::CHexEscape(key), "' is not a number"));
    }
  } else if (!s.IsNotFound()) {
    return ToAbsl(s, "reading source generation");
  }
  ++source_next;
  return ToAbsl(batch->Put(cf(kCfMeta), key, std::to_string(source_next)),
                "preparing batch");
}

absl::Status RocksDbStore::ApplySourceUpdate(const SourceUpdate& update) {
  const std::string& name = update.source.name();
  if (absl::Status s = CheckSourceName(name); !s.ok()) return s;
  absl::MutexLock lock(&write_mu_);
  // Reserved up front: a batch grown entry by entry reallocates and copies
  // its whole buffer at each doubling (tens of MB for ET Open's 34,850
  // rules, each copy also faulting in fresh pages).
  rocksdb::WriteBatch batch(EstimateBatchBytes(update));
  std::string buf;
  auto put = [&](const char* family, const std::string& key,
                 const google::protobuf::MessageLite& m) -> absl::Status {
    return PutEncoded(&batch, cf(family), key, key, m, &buf);
  };
  absl::Status st;
  for (const std::string& path : update.removed_files) {
    st = ToAbsl(batch.Delete(cf(kCfFiles), FileKey(name, path)), "batch");
    if (!st.ok()) return st;
    st = ToAbsl(batch.DeleteRange(cf(kCfRules), FileRulesPrefix(name, path),
                                  FileRulesEnd(name, path)),
                "batch");
    if (!st.ok()) return st;
  }
  for (const auto& changed : update.changed_files) {
    const std::string& path = changed.file.path();
    st = ToAbsl(batch.DeleteRange(cf(kCfRules), FileRulesPrefix(name, path),
                                  FileRulesEnd(name, path)),
                "batch");
    if (!st.ok()) return st;
    st = put(kCfFiles, FileKey(name, path), changed.file);
    if (!st.ok()) return st;
    for (size_t i = 0; i < changed.rules.size(); ++i) {
      st = put(kCfRules, RuleKey(name, path, static_cast<int>(i)),
               changed.rules[i]);
      if (!st.ok()) return st;
    }
  }
  for (const auto& file : update.touched_files) {
    st = put(kCfFiles, FileKey(name, file.path()), file);
    if (!st.ok()) return st;
  }
  st = put(kCfSources, name, update.source);
  if (!st.ok()) return st;
  st = BumpGeneration(&batch, name);
  if (!st.ok()) return st;
  return WriteSynced(&batch, absl::StrCat("storing source ", name));
}

absl::Status RocksDbStore::DeleteSource(absl::string_view name) {
  absl::StatusOr<cov::v1::Source> existing = GetSource(name);
  if (!existing.ok()) return existing.status();
  absl::MutexLock lock(&write_mu_);
  rocksdb::WriteBatch batch;
  std::string begin = absl::StrCat(name, absl::string_view("\0", 1));
  std::string end = absl::StrCat(name, absl::string_view("\1", 1));
  absl::Status st =
      ToAbsl(batch.Delete(cf(kCfSources), ToSlice(name)), "batch");
  if (!st.ok()) return st;
  for (const char* family : {kCfFiles, kCfRules}) {
    st = ToAbsl(batch.DeleteRange(cf(family), begin, end), "batch");
    if (!st.ok()) return st;
  }
  st = BumpGeneration(&batch, name);
  if (!st.ok()) return st;
  return WriteSynced(&batch, absl::StrCat("deleting source ", name));
}

absl::StatusOr<std::vector<cov::v1::Source>> RocksDbStore::ListSources() const {
  return ListAll<cov::v1::Source>(db_, cf(kCfSources), "");
}

absl::StatusOr<cov::v1::Source> RocksDbStore::GetSource(
    absl::string_view name) const {
  return GetRecord<cov::v1::Source>(
      db_, cf(kCfSources), name, absl::StrCat("no rule source '", name, "'"));
}

absl::StatusOr<std::vector<cov::v1::IngestedFile>> RocksDbStore::ListFiles(
    absl::string_view source) const {
  return ListAll<cov::v1::IngestedFile>(db_, cf(kCfFiles), source);
}

absl::Status RocksDbStore::ForEachRule(
    absl::string_view source,
    const std::function<bool(const cov::v1::Rule&)>& fn) const {
  return ForEach<cov::v1::Rule>(db_, cf(kCfRules), source, fn);
}

int64_t RocksDbStore::RulesGeneration() const {
  std::string v;
  int64_t n = 0;
  if (db_->Get(rocksdb::ReadOptions(), cf(kCfMeta), kMetaRulesGeneration, &v)
          .ok()) {
    (void)absl::SimpleAtoi(v, &n);
  }
  return n;
}

absl::StatusOr<std::map<std::string, int64_t>> RocksDbStore::SourceGenerations()
    const {
  const std::string begin = SourceGenerationKey("");
  const std::string end =
      absl::StrCat(kMetaSourceGeneration, absl::string_view("\1", 1));
  rocksdb::ReadOptions ro;
  rocksdb::Slice upper(end);
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf(kCfMeta)));
  std::map<std::string, int64_t> out;
  for (it->Seek(begin); it->Valid(); it->Next()) {
    const absl::string_view key = ToView(it->key());
    int64_t n = 0;
    if (!absl::SimpleAtoi(ToView(it->value()), &n)) {
      return absl::DataLossError(absl::StrCat(
          "store record '", absl::CHexEscape(key), "' is not a number"));
    }
    out.emplace(std::string(key.substr(begin.size())), n);
  }
  absl::Status st = ToAbsl(it->status(), "iterating store");
  if (!st.ok()) return st;
  return out;
}

absl::Status RocksDbStore::PutLibrary(const LibraryUpdate& update) {
  const std::string& name = update.source.name();
  if (absl::Status s = CheckSourceName(name); !s.ok()) return s;
  absl::MutexLock lock(&write_mu_);
  rocksdb::WriteBatch batch;
  std::string begin = absl::StrCat(name, absl::string_view("\0", 1));
  std::string end = absl::StrCat(name, absl::string_view("\1", 1));
  absl::Status st;
  for (const char* family : {kCfTests, kCfPlans}) {
    st = ToAbsl(batch.DeleteRange(cf(family), begin, end), "batch");
    if (!st.ok()) return st;
  }
  std::string buf;
  auto put = [&](const char* family, const std::string& key,
                 const google::protobuf::MessageLite& m) -> absl::Status {
    return PutEncoded(&batch, cf(family), key, key, m, &buf);
  };
  for (const auto& [technique, test] : update.tests) {
    st = put(
        kCfTests,
        absl::StrCat(begin, technique, absl::string_view("\0", 1), test.guid()),
        test);
    if (!st.ok()) return st;
  }
  for (const auto& plan : update.plans) {
    st = put(kCfPlans, absl::StrCat(begin, plan.subject()), plan);
    if (!st.ok()) return st;
  }
  st = put(kCfLibrary, name, update.source);
  if (!st.ok()) return st;
  st = WriteSynced(&batch, absl::StrCat("storing library ", name));
  if (st.ok()) ++library_generation_;
  return st;
}

absl::StatusOr<std::string> RocksDbStore::NextExperimentId() {
  absl::MutexLock lock(&write_mu_);
  std::string v;
  int64_t n = 0;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), cf(kCfMeta), kMetaExperimentSeq, &v);
  if (s.ok()) {
    (void)absl::SimpleAtoi(v, &n);
  } else if (!s.IsNotFound()) {
    return ToAbsl(s, "reading experiment sequence");
  }
  ++n;
  rocksdb::WriteOptions wo;
  wo.sync = true;
  s = db_->Put(wo, cf(kCfMeta), kMetaExperimentSeq, std::to_string(n));
  if (!s.ok()) return ToAbsl(s, "writing experiment sequence");
  return absl::StrFormat("EXP-%06d", n);
}

absl::Status RocksDbStore::PutExperiment(const cov::v1::Experiment& e) {
  if (e.id().empty()) return absl::InvalidArgumentError("experiment has no id");
  std::string buf;
  if (!e.SerializeToString(&buf)) {
    return absl::InternalError("cannot encode experiment");
  }
  rocksdb::WriteOptions wo;
  wo.sync = true;  // validation history must survive a crash
  absl::Status st = ToAbsl(db_->Put(wo, cf(kCfExperiments), e.id(), buf),
                           "storing experiment");
  if (st.ok()) ++evidence_generation_;
  return st;
}

absl::StatusOr<std::vector<cov::v1::Source>> RocksDbStore::ListLibrarySources()
    const {
  return ListAll<cov::v1::Source>(db_, cf(kCfLibrary), "");
}

absl::Status RocksDbStore::ForEachTest(
    const std::function<bool(absl::string_view, const cov::v1::TestProcedure&)>&
        fn) const {
  return Scan<cov::v1::TestProcedure>(
      db_, cf(kCfTests), "",
      [&](absl::string_view key, const cov::v1::TestProcedure& t) {
        // <source>\0<technique>\0<guid>
        size_t a = key.find('\0');
        size_t b = a == absl::string_view::npos ? a : key.find('\0', a + 1);
        if (b == absl::string_view::npos) return true;
        return fn(key.substr(a + 1, b - a - 1), t);
      });
}

absl::Status RocksDbStore::ForEachPlan(
    const std::function<bool(const cov::v1::PlanResponse&)>& fn) const {
  return ForEach<cov::v1::PlanResponse>(db_, cf(kCfPlans), "", fn);
}

absl::StatusOr<cov::v1::Experiment> RocksDbStore::GetExperiment(
    absl::string_view id) const {
  return GetRecord<cov::v1::Experiment>(
      db_, cf(kCfExperiments), id, absl::StrCat("no experiment '", id, "'"));
}

absl::Status RocksDbStore::ForEachExperiment(
    const std::function<bool(const cov::v1::Experiment&)>& fn) const {
  return ForEach<cov::v1::Experiment>(db_, cf(kCfExperiments), "", fn);
}

int64_t RocksDbStore::LibraryGeneration() const {
  return library_generation_.load();
}

int64_t RocksDbStore::EvidenceGeneration() const {
  return evidence_generation_.load();
}

int64_t RocksDbStore::ApproximateSizeBytes() const {
  uint64_t total = 0;
  for (auto* h : handles_) {
    uint64_t v = 0;
    if (db_->GetIntProperty(h, rocksdb::DB::Properties::kTotalSstFilesSize,
                            &v)) {
      total += v;
    }
    if (db_->GetIntProperty(h, rocksdb::DB::Properties::kSizeAllMemTables,
                            &v)) {
      total += v;
    }
  }
  return static_cast<int64_t>(total);
}

}  // namespace cov::server::store
