#include "server/engine/sigma_eval/internal/field_matcher.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace cov::server::engine::sigma_eval::internal {

FieldTable::FieldTable() {
  static std::atomic<uint64_t> next{1};
  serial_ = next.fetch_add(1, std::memory_order_relaxed);
}

int FieldTable::Intern(absl::string_view name) {
  std::string lower = absl::AsciiStrToLower(name);
  auto [it, inserted] = ids_.try_emplace(std::move(lower), size());
  return it->second;
}

int FieldTable::Find(absl::string_view lower_name) const {
  auto it = ids_.find(lower_name);
  return it == ids_.end() ? -1 : it->second;
}

void EventView::Reset(const ingest::events::Event& event,
                      const FieldTable& table) {
  for (int id : touched_) slot_[id] = -1;
  touched_.clear();
  if (slot_.size() < static_cast<size_t>(table.size())) {
    slot_.resize(table.size(), -1);
  }
  event_ = &event;
  const size_t n = event.fields.size();
  if (lower_.size() < n) lower_.resize(n);
  lowered_.assign(n, 0);
  if (cache_serial_ != table.serial() || cache_size_ != table.size()) {
    name_ids_.clear();
    cache_serial_ = table.serial();
    cache_size_ = table.size();
  }
  for (size_t i = 0; i < n; ++i) {
    const std::string& name = event.fields[i].name;
    int id;
    if (auto it = name_ids_.find(name); it != name_ids_.end()) {
      id = it->second;
    } else {
      name_buf_.assign(name);
      absl::AsciiStrToLower(&name_buf_);
      id = table.Find(name_buf_);
      if (id < 0 && name_buf_.find(' ') != std::string::npos) {
        // Defender writes "Threat Name"; Sigma rules say ThreatName.
        name_buf_.erase(std::remove(name_buf_.begin(), name_buf_.end(), ' '),
                        name_buf_.end());
        id = table.Find(name_buf_);
      }
      if (name_ids_.size() < kMaxCachedNames) name_ids_.emplace(name, id);
    }
    if (id >= 0 && slot_[id] == -1) {
      slot_[id] = static_cast<int32_t>(i);
      touched_.push_back(id);
    }
  }
}

void EventView::Alias(int rule_field_id, int event_field_id) {
  if (rule_field_id < 0 || event_field_id < 0) return;
  if (slot_[rule_field_id] != -1 || slot_[event_field_id] == -1) return;
  slot_[rule_field_id] = slot_[event_field_id];
  touched_.push_back(rule_field_id);
}

absl::string_view EventView::Lower(int pos) {
  if (!lowered_[pos]) {
    std::string& s = lower_[pos];
    s.assign(event_->fields[pos].value);
    absl::AsciiStrToLower(&s);
    lowered_[pos] = 1;
  }
  return lower_[pos];
}

namespace {

enum class Pos { kNone, kContains, kStartsWith, kEndsWith };

void AddWildcards(Pos pos, SigmaString* s) {
  if ((pos == Pos::kContains || pos == Pos::kEndsWith) &&
      (s->empty() || s->front() != kAnyRun)) {
    s->insert(s->begin(), kAnyRun);
  }
  if ((pos == Pos::kContains || pos == Pos::kStartsWith) &&
      (s->empty() || s->back() != kAnyRun)) {
    s->push_back(kAnyRun);
  }
}

}  // namespace

absl::StatusOr<FieldMatcher> CompileFieldMatch(
    const cov::v1::SigmaFieldMatch& m, FieldTable* table,
    const CompileLimits& limits) {
  FieldMatcher out;
  const std::string where = m.field().empty()
                                ? std::string("keyword search")
                                : absl::StrCat("field '", m.field(), "'");
  auto bad = [&](absl::string_view msg) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": ", msg));
  };
  Pos pos = Pos::kNone;
  bool re = false, re_i = false, re_m = false, re_s = false, cidr = false;
  bool exists = false, fieldref = false;
  bool has_cmp = false;
  ValuePattern::Kind cmp = ValuePattern::Kind::kLess;
  std::vector<std::string> transforms;
  for (const std::string& mod : m.modifiers()) {
    if (mod == "contains" || mod == "startswith" || mod == "endswith") {
      if (pos != Pos::kNone) {
        return bad("more than one of contains/startswith/endswith");
      }
      pos = mod == "contains"     ? Pos::kContains
            : mod == "startswith" ? Pos::kStartsWith
                                  : Pos::kEndsWith;
    } else if (mod == "all") {
      out.all_ = true;
    } else if (mod == "cased") {
      out.cased_ = true;
    } else if (mod == "re") {
      re = true;
    } else if (mod == "i") {
      re_i = true;
    } else if (mod == "m") {
      re_m = true;
    } else if (mod == "s") {
      re_s = true;
    } else if (mod == "cidr") {
      cidr = true;
    } else if (mod == "exists") {
      exists = true;
    } else if (mod == "fieldref") {
      fieldref = true;
    } else if (mod == "lt" || mod == "lte" || mod == "gt" || mod == "gte") {
      has_cmp = true;
      cmp = mod == "lt"    ? ValuePattern::Kind::kLess
            : mod == "lte" ? ValuePattern::Kind::kLessEqual
            : mod == "gt"  ? ValuePattern::Kind::kGreater
                           : ValuePattern::Kind::kGreaterEqual;
    } else if (mod == "windash" || mod == "base64" || mod == "base64offset" ||
               mod == "wide" || mod == "utf16le" || mod == "utf16be" ||
               mod == "utf16") {
      transforms.push_back(mod);
    } else if (mod == "expand") {
      return absl::UnimplementedError(absl::StrCat(
          where,
          ": the 'expand' modifier needs placeholder values (%name%) that "
          "only a deployment's configuration provides"));
    } else {
      return bad(absl::StrCat("unknown modifier '", mod, "'"));
    }
  }
  if ((re_i || re_m || re_s) && !re) {
    return bad("modifiers i, m and s apply to 're' only");
  }
  const int kinds = re + cidr + exists + fieldref + has_cmp;
  if (kinds > 1) {
    return bad(
        "re, cidr, exists, fieldref and lt/lte/gt/gte exclude each other");
  }
  if (kinds == 1 && !transforms.empty()) {
    return bad(absl::StrCat("'", transforms[0],
                            "' cannot be combined with re, cidr, exists, "
                            "fieldref or a comparison"));
  }
  if ((re || cidr || exists || has_cmp) && pos != Pos::kNone) {
    return bad(
        "contains/startswith/endswith cannot be combined with re, "
        "cidr, exists or a comparison");
  }
  if (m.field().empty() && (exists || fieldref)) {
    return bad("exists and fieldref need a field name");
  }
  out.field_ = m.field().empty() ? -1 : table->Intern(m.field());

  if (exists) {
    if (m.values_size() != 1 ||
        m.values(0).kind() != cov::v1::SigmaValue::KIND_BOOL) {
      return bad("'exists' takes one boolean value (true or false)");
    }
    out.mode_ = FieldMatcher::Mode::kExists;
    out.exists_ = m.values(0).text() == "true";
    return out;
  }
  if (fieldref) {
    out.mode_ = FieldMatcher::Mode::kFieldRef;
    out.ref_op_ = pos == Pos::kContains     ? FieldMatcher::RefOp::kContains
                  : pos == Pos::kStartsWith ? FieldMatcher::RefOp::kPrefix
                  : pos == Pos::kEndsWith   ? FieldMatcher::RefOp::kSuffix
                                            : FieldMatcher::RefOp::kEquals;
    for (const cov::v1::SigmaValue& v : m.values()) {
      if (v.text().empty()) return bad("'fieldref' value must name a field");
      out.refs_.push_back(table->Intern(v.text()));
    }
    return out;
  }
  for (const cov::v1::SigmaValue& v : m.values()) {
    if (v.kind() == cov::v1::SigmaValue::KIND_NULL) {
      out.null_ok_ = true;
      continue;
    }
    const std::string& text = v.text();
    if (text.size() > limits.max_value_bytes) {
      return bad(absl::StrCat("a value is ", text.size(),
                              " bytes; the limit is ", limits.max_value_bytes));
    }
    std::vector<ValuePattern> alts;
    if (re) {
      absl::StatusOr<ValuePattern> p =
          ValuePattern::Regex(text, re_i, re_m, re_s, limits.max_regex_bytes);
      if (!p.ok()) return bad(p.status().message());
      alts.push_back(*std::move(p));
    } else if (cidr) {
      absl::StatusOr<ValuePattern> p = ValuePattern::Cidr(text);
      if (!p.ok()) return bad(p.status().message());
      alts.push_back(*std::move(p));
    } else if (has_cmp) {
      absl::StatusOr<ValuePattern> p = ValuePattern::Compare(cmp, text);
      if (!p.ok()) return bad(p.status().message());
      alts.push_back(*std::move(p));
    } else {
      std::vector<SigmaString> variants;
      variants.push_back(v.kind() == cov::v1::SigmaValue::KIND_STRING
                             ? ParseSigmaString(text)
                             : Literal(text));
      for (const std::string& t : transforms) {
        std::vector<SigmaString> next;
        for (const SigmaString& s : variants) {
          if (t == "windash") {
            absl::StatusOr<std::vector<SigmaString>> w =
                WindashVariants(s, limits.max_variants);
            if (!w.ok()) return bad(w.status().message());
            for (SigmaString& x : *w) next.push_back(std::move(x));
          } else if (t == "wide" || t == "utf16le" || t == "utf16be" ||
                     t == "utf16") {
            absl::StatusOr<SigmaString> u = ToUtf16(s, t == "utf16be");
            if (!u.ok()) return bad(u.status().message());
            if (t == "utf16") u->insert(u->begin(), {0xFF, 0xFE});
            next.push_back(*std::move(u));
          } else {  // base64, base64offset
            if (HasWildcards(s)) {
              return bad(absl::StrCat("'", t,
                                      "' cannot encode a value with "
                                      "wildcards"));
            }
            const std::string bytes = PlainBytes(s);
            if (t == "base64") {
              next.push_back(Literal(Base64(bytes)));
            } else {
              for (const std::string& b : Base64OffsetVariants(bytes)) {
                next.push_back(Literal(b));
              }
            }
          }
        }
        if (next.size() > limits.max_variants) {
          return bad(absl::StrCat("modifiers expand a value into more than ",
                                  limits.max_variants, " variants"));
        }
        variants = std::move(next);
      }
      const Pos p =
          (pos == Pos::kNone && out.field_ < 0) ? Pos::kContains : pos;
      for (SigmaString& s : variants) {
        AddWildcards(p, &s);
        alts.push_back(ValuePattern::FromSigmaString(s, out.cased_));
      }
    }
    out.values_.push_back(std::move(alts));
  }
  return out;
}

bool FieldMatcher::RequiredLiterals(int* field,
                                    std::vector<std::string>* literals) const {
  literals->clear();
  if (mode_ != Mode::kValues || null_ok_ || values_.empty()) {
    return false;
  }
  // The literals of one value (its variants OR); false if one has none.
  auto of_value = [](const std::vector<ValuePattern>& alts,
                     std::vector<std::string>* out) {
    for (const ValuePattern& p : alts) {
      if (!p.RequiredLiterals(out)) return false;
    }
    return !alts.empty();
  };
  if (all_) {
    // Every value must match: any one value's literals are required; take
    // the one whose shortest literal is longest.
    size_t best_min = 0;
    std::vector<std::string> one;
    for (const auto& alts : values_) {
      one.clear();
      if (!of_value(alts, &one)) continue;
      size_t min_len = SIZE_MAX;
      for (const std::string& l : one) min_len = std::min(min_len, l.size());
      if (min_len > best_min) {
        best_min = min_len;
        *literals = one;
      }
    }
    if (literals->empty()) return false;
  } else {
    for (const auto& alts : values_) {
      if (!of_value(alts, literals)) {
        literals->clear();
        return false;
      }
    }
  }
  std::sort(literals->begin(), literals->end());
  literals->erase(std::unique(literals->begin(), literals->end()),
                  literals->end());
  *field = field_;
  return true;
}

bool FieldMatcher::MatchAlternatives(const std::vector<ValuePattern>& alts,
                                     absl::string_view raw,
                                     absl::string_view lower) const {
  for (const ValuePattern& p : alts) {
    if (p.Match(raw, lower)) return true;
  }
  return false;
}

bool FieldMatcher::MatchValue(EventView& view, int pos) const {
  const absl::string_view raw = view.Raw(pos);
  const absl::string_view lower = cased_ ? raw : view.Lower(pos);
  if (all_) {
    for (const auto& alts : values_) {
      if (!MatchAlternatives(alts, raw, lower)) return false;
    }
    return !values_.empty();
  }
  for (const auto& alts : values_) {
    if (MatchAlternatives(alts, raw, lower)) return true;
  }
  return false;
}

bool FieldMatcher::Match(EventView& view) const {
  const auto& fields = view.event().fields;
  if (field_ < 0) {  // keyword search
    if (all_) {
      for (const auto& alts : values_) {
        bool found = false;
        for (size_t i = 0; i < fields.size() && !found; ++i) {
          const int p = static_cast<int>(i);
          found = MatchAlternatives(alts, view.Raw(p),
                                    cased_ ? view.Raw(p) : view.Lower(p));
        }
        if (!found) return false;
      }
      return !values_.empty();
    }
    for (size_t i = 0; i < fields.size(); ++i) {
      if (MatchValue(view, static_cast<int>(i))) return true;
    }
    return false;
  }
  const int pos = view.Position(field_);
  const bool present = pos >= 0 && !fields[pos].is_null;
  switch (mode_) {
    case Mode::kExists:
      return present == exists_;
    case Mode::kFieldRef: {
      if (!present) return false;
      const absl::string_view a = cased_ ? view.Raw(pos) : view.Lower(pos);
      bool any = false;
      for (int ref : refs_) {
        const int rp = view.Position(ref);
        bool ok = false;
        if (rp >= 0 && !fields[rp].is_null) {
          const absl::string_view b = cased_ ? view.Raw(rp) : view.Lower(rp);
          switch (ref_op_) {
            case RefOp::kEquals:
              ok = a == b;
              break;
            case RefOp::kPrefix:
              ok = absl::StartsWith(a, b);
              break;
            case RefOp::kSuffix:
              ok = absl::EndsWith(a, b);
              break;
            case RefOp::kContains:
              ok = absl::StrContains(a, b);
              break;
          }
        }
        if (all_ && !ok) return false;
        any = any || ok;
      }
      return any;
    }
    case Mode::kValues:
      break;
  }
  if (!present || fields[pos].value.empty()) {
    if (null_ok_) return true;
    if (!present) return false;
  }
  return MatchValue(view, pos);
}

}  // namespace cov::server::engine::sigma_eval::internal
