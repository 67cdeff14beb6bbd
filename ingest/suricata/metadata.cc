#include "ingest/suricata/metadata.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace cov::ingest::suricata {
namespace {

inline bool IsBlank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
         c == '\f';
}

bool AllDigits(absl::string_view s, size_t count) {
  if (s.size() != count) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  return true;
}

// Shows at most 60 bytes of a value in a message.
std::string Shown(absl::string_view raw) {
  if (raw.size() <= 60) return std::string(raw);
  return absl::StrCat(raw.substr(0, 60), "...");
}

}  // namespace

void SplitMetadata(absl::string_view text, std::vector<MetadataEntry>* out) {
  size_t pos = 0;
  const size_t n = text.size();
  while (pos <= n) {
    size_t end = text.find(',', pos);
    if (end == absl::string_view::npos) end = n;
    size_t b = pos, e = end;
    while (b < e && IsBlank(text[b])) ++b;
    while (e > b && IsBlank(text[e - 1])) --e;
    if (b < e) {
      size_t k = b;
      while (k < e && !IsBlank(text[k])) ++k;
      size_t v = k;
      while (v < e && IsBlank(text[v])) ++v;
      out->push_back({text.substr(b, k - b), text.substr(v, e - v), b});
    }
    pos = end + 1;
  }
}

std::string FormatMetadataEntry(const MetadataEntry& entry) {
  if (entry.value.empty()) return std::string(entry.key);
  return absl::StrCat(entry.key, " ", entry.value);
}

AttackKey ClassifyAttackKey(absl::string_view key) {
  if (key.size() < 6 || !absl::StartsWithIgnoreCase(key, "mitre_")) {
    return AttackKey::kNone;
  }
  if (absl::EqualsIgnoreCase(key, "mitre_technique_id")) {
    return AttackKey::kTechniqueId;
  }
  if (absl::EqualsIgnoreCase(key, "mitre_subtechnique_id")) {
    return AttackKey::kSubtechniqueId;
  }
  if (absl::EqualsIgnoreCase(key, "mitre_tactic_id")) {
    return AttackKey::kTacticId;
  }
  if (absl::EqualsIgnoreCase(key, "mitre_tactic_name")) {
    return AttackKey::kTacticName;
  }
  return AttackKey::kNone;
}

std::optional<std::string> NormalizeTechniqueId(absl::string_view raw) {
  raw = absl::StripAsciiWhitespace(raw);
  if (raw.size() < 5 || (raw[0] != 'T' && raw[0] != 't')) return std::nullopt;
  absl::string_view base = raw.substr(1, 4);
  if (!AllDigits(base, 4)) return std::nullopt;
  if (raw.size() == 5) return absl::StrCat("T", base);
  // ET and YARA authors write sub-techniques as T1059.001 or T1059_001.
  if (raw.size() == 9 && (raw[5] == '.' || raw[5] == '_') &&
      AllDigits(raw.substr(6), 3)) {
    return absl::StrCat("T", base, ".", raw.substr(6));
  }
  return std::nullopt;
}

std::optional<std::string> NormalizeSubtechniqueId(absl::string_view raw,
                                                   absl::string_view parent) {
  raw = absl::StripAsciiWhitespace(raw);
  if (auto full = NormalizeTechniqueId(raw)) return full;
  if (parent.size() < 5) return std::nullopt;
  absl::string_view number = raw;
  if (!number.empty() && (number[0] == '.' || number[0] == '_')) {
    number.remove_prefix(1);
  }
  if (!AllDigits(number, 3)) return std::nullopt;
  return absl::StrCat(parent.substr(0, 5), ".", number);
}

std::optional<std::string> NormalizeTacticId(absl::string_view raw) {
  raw = absl::StripAsciiWhitespace(raw);
  if (raw.size() != 6 || (raw[0] != 'T' && raw[0] != 't') ||
      (raw[1] != 'A' && raw[1] != 'a') || !AllDigits(raw.substr(2), 4)) {
    return std::nullopt;
  }
  return absl::StrCat("TA", raw.substr(2));
}

std::optional<std::string> NormalizeTacticName(absl::string_view raw) {
  raw = absl::StripAsciiWhitespace(raw);
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    if (absl::ascii_isalpha(c)) {
      out.push_back(absl::ascii_tolower(c));
    } else if (c == '_' || c == '-' || IsBlank(c)) {
      // Collapse separator runs into one hyphen.
      if (!out.empty() && out.back() != '-') out.push_back('-');
    } else {
      return std::nullopt;
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.empty()) return std::nullopt;
  return out;
}

void ExtractAttackRefs(absl::Span<const MetadataEntry> entries,
                       std::vector<ExtractedAttackRef>* refs,
                       std::vector<AttackRefProblem>* problems) {
  // The parent of bare sub-technique numbers: the first technique ID.
  std::string parent;
  for (const MetadataEntry& e : entries) {
    if (ClassifyAttackKey(e.key) == AttackKey::kTechniqueId) {
      if (auto t = NormalizeTechniqueId(e.value)) {
        parent = *t;
        break;
      }
    }
  }
  // (kind, id) pairs already emitted; a set keeps huge metadata linear.
  absl::flat_hash_set<std::string> seen;
  for (size_t i = 0; i < entries.size(); ++i) {
    const MetadataEntry& e = entries[i];
    const AttackKey key = ClassifyAttackKey(e.key);
    if (key == AttackKey::kNone) continue;
    std::optional<std::string> id;
    absl::string_view kind;
    absl::string_view expected;
    switch (key) {
      case AttackKey::kTechniqueId:
        id = NormalizeTechniqueId(e.value);
        kind = "technique";
        expected = "a technique ID such as T1059 or T1059.001";
        break;
      case AttackKey::kSubtechniqueId:
        id = NormalizeSubtechniqueId(e.value, parent);
        kind = "technique";
        expected = "a sub-technique ID such as T1059.001";
        break;
      case AttackKey::kTacticId:
        id = NormalizeTacticId(e.value);
        kind = "tactic";
        expected = "a tactic ID such as TA0011";
        break;
      case AttackKey::kTacticName:
        id = NormalizeTacticName(e.value);
        kind = "tactic";
        expected = "a tactic name such as Command_And_Control";
        break;
      case AttackKey::kNone:
        break;
    }
    if (!id) {
      problems->push_back(
          {i, absl::StrCat("metadata '", e.key, "' value '", Shown(e.value),
                           "' is not ", expected)});
      continue;
    }
    if (!seen.insert(absl::StrCat(kind, "|", *id)).second) continue;
    refs->push_back({std::move(*id), kind, e.value, e.key, i});
  }
}

}  // namespace cov::ingest::suricata
