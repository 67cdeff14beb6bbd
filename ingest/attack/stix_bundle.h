// Parses an ATT&CK STIX bundle (2.0 from mitre/cti, 2.1 from attack-stix-data)
// into denormalised knowledge-base records.
//
// The parser is pure: it takes the bundle's bytes and returns records; the
// caller reads the file and stores the result. It understands the enterprise,
// mobile and ICS domains from ATT&CK v8 to v18.1, including both detection
// models: data component `detects` technique (before v18) and detection
// strategy `detects` technique -> analytics -> log-source references -> data
// components (v18 and later).
//
//   ParseOptions opts;
//   opts.file_name = "enterprise-attack-18.1.json";
//   absl::StatusOr<ParsedRelease> r = ParseBundle(bytes, opts);
//   if (!r.ok()) ...;  // kInvalidArgument: unusable bundle, message says why
//   r->techniques[0].id();  // "T1055.011"
#ifndef COV_INGEST_ATTACK_STIX_BUNDLE_H_
#define COV_INGEST_ATTACK_STIX_BUNDLE_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cov/v1/attack.pb.h"
#include "cov/v1/rules.pb.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace cov::ingest::attack {

struct ParseOptions {
  // File name of the bundle (base name or path); used for diagnostics and to
  // infer the version ("enterprise-attack-18.1.json") when the bundle has no
  // x-mitre-collection object.
  std::string file_name;
  // Version given by the user (--version). Used only when neither the
  // collection object nor the file name carries one; a conflicting flag is
  // reported as a warning. Default: empty.
  std::string version_flag;
  // True when at least 64 readable bytes follow `json` (e.g. a std::string
  // resized with spare room), which spares the parser a copy of the input.
  // Default: false.
  bool input_has_padding = false;
};

// A list of messages allocated on an arena: building and freeing tens of
// thousands of messages then costs a few large allocations instead of one
// per string (this halves ingest time). Reads like a std::vector.
template <typename T>
class ArenaList {
 public:
  explicit ArenaList(google::protobuf::Arena* arena)
      : field_(google::protobuf::Arena::Create<
               google::protobuf::RepeatedPtrField<T>>(arena)) {}
  ArenaList(ArenaList&& o) noexcept
      : field_(std::exchange(o.field_, nullptr)) {}
  ArenaList& operator=(ArenaList&& o) noexcept {
    field_ = std::exchange(o.field_, nullptr);
    return *this;
  }
  ArenaList(const ArenaList&) = delete;
  ArenaList& operator=(const ArenaList&) = delete;

  size_t size() const { return static_cast<size_t>(field_->size()); }
  bool empty() const { return field_->empty(); }
  const T& operator[](size_t i) const {
    return field_->Get(static_cast<int>(i));
  }
  T& operator[](size_t i) { return *field_->Mutable(static_cast<int>(i)); }
  const T& front() const { return (*this)[0]; }
  const T& back() const { return (*this)[size() - 1]; }
  auto begin() const { return field_->begin(); }
  auto end() const { return field_->end(); }
  auto begin() { return field_->begin(); }
  auto end() { return field_->end(); }
  // A new element on the arena.
  T* Add() { return field_->Add(); }
  void push_back(const T& v) { field_->Add()->CopyFrom(v); }
  google::protobuf::RepeatedPtrField<T>* field() { return field_; }

 private:
  google::protobuf::RepeatedPtrField<T>* field_;
};

// Everything a release holds, ready to store. Vectors are sorted by ID
// (tactics by kill-chain order) so equal bundles give equal records.
struct ParsedRelease {
  ParsedRelease();
  ParsedRelease(ParsedRelease&&) = default;
  ParsedRelease& operator=(ParsedRelease&&) = default;

  // Owns every message of the lists below; declared first, destroyed last.
  std::unique_ptr<google::protobuf::Arena> arena;
  // domain, version, version_source, stix_version and counts are set;
  // storage fields (sha256, source_file, ingested_at_unix) are left to the
  // caller.
  cov::v1::Release release;
  ArenaList<cov::v1::Tactic> tactics;
  // All techniques and sub-techniques, including revoked and deprecated ones.
  ArenaList<cov::v1::Technique> techniques;
  // Groups, software and campaigns (including revoked and deprecated ones).
  ArenaList<cov::v1::Actor> actors;
  ArenaList<cov::v1::DataComponent> data_components;
  ArenaList<cov::v1::MitigationRef> mitigations;
  // Warnings about objects that were skipped or repaired (never fatal).
  std::vector<cov::v1::Diagnostic> diagnostics;
};

// Parses `json`, a complete STIX bundle.
//
// Returns kInvalidArgument when the bundle cannot be used as a whole: invalid
// or truncated JSON, not a bundle, no x-mitre-matrix (kill-chain order
// unknown), no ATT&CK version from the collection, the file name or the flag.
// Problems with single objects (wrong field types, unknown object types,
// duplicate IDs, dangling references) are counted warnings in `diagnostics`;
// for duplicate STIX IDs the object with the newest `modified` wins.
// Thread-safe (no shared state).
absl::StatusOr<ParsedRelease> ParseBundle(absl::string_view json,
                                          const ParseOptions& options);

// Infers (domain, version) from a file name like "enterprise-attack-18.1.json"
// or "ics-attack-v17.0.json". Returns false when the name carries no version.
bool VersionFromFileName(absl::string_view file_name, std::string* domain,
                         std::string* version);

}  // namespace cov::ingest::attack

#endif  // COV_INGEST_ATTACK_STIX_BUNDLE_H_
