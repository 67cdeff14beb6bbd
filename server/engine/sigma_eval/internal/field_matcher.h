// Internal: one `field|modifiers: values` entry (cov.v1.SigmaFieldMatch)
// compiled once into a FieldMatcher, and the per-event view it reads.
//
// Semantics (Sigma specification 2.0 and its modifier appendix):
// - Values OR (AND with `all`); each value may expand into variants
//   (windash, base64offset), which OR.
// - contains / startswith / endswith add `*`; windash, wide/utf16le/
//   utf16be/utf16, base64, base64offset transform the value in the order
//   written; `cased` makes it case-sensitive (else ASCII case-insensitive);
//   re (flags i, m, s; case-sensitive unless i), cidr, lt/lte/gt/gte,
//   exists (true/false), fieldref (the value names another field; with
//   contains/startswith/endswith compares that way).
// - Field names compare ASCII case-insensitively; an event field whose name
//   has spaces ("Threat Name", Defender) also answers to the name without
//   them (ThreatName), as Sigma rules write it.
// - `null` matches a field that is absent, null or empty; every other test
//   fails on an absent field.
// - A keyword entry (no field) matches when any field value of the event
//   matches; a keyword without contains/startswith/endswith is a substring
//   search (`*value*`), as full-text search in SIEMs behaves.
// - `expand` (placeholders) is kUnimplemented: the rule is not evaluable.
//   Unknown modifiers, modifier combinations that make no sense, regexes
//   that do not compile and values beyond the size limits are
//   kInvalidArgument.
#ifndef COV_SERVER_ENGINE_SIGMA_EVAL_INTERNAL_FIELD_MATCHER_H_
#define COV_SERVER_ENGINE_SIGMA_EVAL_INTERNAL_FIELD_MATCHER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cov/v1/rules.pb.h"
#include "ingest/events/event.h"
#include "server/engine/sigma_eval/internal/pattern.h"

namespace cov::server::engine::sigma_eval::internal {

// Field names (ASCII-lowercased) -> dense ids, shared by all rules of a set.
class FieldTable {
 public:
  FieldTable();
  int Intern(absl::string_view name);
  // -1 when unknown. `lower_name` must be lowercase.
  int Find(absl::string_view lower_name) const;
  int size() const { return static_cast<int>(ids_.size()); }
  // Unique to this table in the process (EventView's name cache key).
  uint64_t serial() const { return serial_; }

 private:
  absl::flat_hash_map<std::string, int> ids_;
  uint64_t serial_;
};

// One event prepared for matching: field id -> position, lowercased values
// computed on first use. Reused across events (Reset) to avoid allocation.
class EventView {
 public:
  // Indexes `event` (which must outlive the view's use) against `table`.
  void Reset(const ingest::events::Event& event, const FieldTable& table);
  // Makes `rule_field_id` read the field `event_field_id` when the event has
  // no field of its own by that id (logsource renames).
  void Alias(int rule_field_id, int event_field_id);

  const ingest::events::Event& event() const { return *event_; }
  // Position in event().fields of field `id`, or -1.
  int Position(int id) const {
    return id >= 0 && id < static_cast<int>(slot_.size()) ? slot_[id] : -1;
  }
  absl::string_view Raw(int pos) const { return event_->fields[pos].value; }
  absl::string_view Lower(int pos);

 private:
  const ingest::events::Event* event_ = nullptr;
  std::vector<int32_t> slot_;
  std::vector<int> touched_;
  std::vector<std::string> lower_;
  std::vector<uint8_t> lowered_;
  std::string name_buf_;
  // Event field name as written -> id (or -1) in the table of serial
  // cache_serial_ at size cache_size_: event logs repeat a few hundred
  // names, so most fields skip the lowercase copy and the table lookup.
  // At most kMaxCachedNames entries (hostile logs of ever new names).
  static constexpr size_t kMaxCachedNames = 4096;
  absl::flat_hash_map<std::string, int> name_ids_;
  uint64_t cache_serial_ = 0;
  int cache_size_ = -1;
};

struct CompileLimits {
  size_t max_value_bytes = 4096;
  size_t max_variants = 1024;
  size_t max_regex_bytes = 4096;
};

class FieldMatcher {
 public:
  bool Match(EventView& view) const;
  // When true, Match can be true only if the ASCII-lowercased value of field
  // *field (read through EventView::Position; -1: of any field of the event,
  // a keyword search) contains one of *literals (non-empty, lowercased).
  // False when no such set exists (exists, fieldref, null, regex, cidr,
  // comparisons, empty values).
  bool RequiredLiterals(int* field, std::vector<std::string>* literals) const;

 private:
  friend absl::StatusOr<FieldMatcher> CompileFieldMatch(
      const cov::v1::SigmaFieldMatch& m, FieldTable* table,
      const CompileLimits& limits);

  enum class Mode : uint8_t { kValues, kExists, kFieldRef };
  enum class RefOp : uint8_t { kEquals, kPrefix, kSuffix, kContains };

  bool MatchValue(EventView& view, int pos) const;
  bool MatchAlternatives(const std::vector<ValuePattern>& alts,
                         absl::string_view raw, absl::string_view lower) const;

  int field_ = -1;  // -1: keyword search over every field
  Mode mode_ = Mode::kValues;
  bool all_ = false;
  bool null_ok_ = false;  // a `null` value is among the values
  bool exists_ = true;    // kExists: the wanted presence
  // Per value: its variants (OR). Values OR, or AND when all_.
  std::vector<std::vector<ValuePattern>> values_;
  // kFieldRef
  std::vector<int> refs_;
  RefOp ref_op_ = RefOp::kEquals;
  bool cased_ = false;
};

absl::StatusOr<FieldMatcher> CompileFieldMatch(
    const cov::v1::SigmaFieldMatch& m, FieldTable* table,
    const CompileLimits& limits);

}  // namespace cov::server::engine::sigma_eval::internal

#endif  // COV_SERVER_ENGINE_SIGMA_EVAL_INTERNAL_FIELD_MATCHER_H_
