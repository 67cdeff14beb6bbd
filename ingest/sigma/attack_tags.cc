#include "ingest/sigma/attack_tags.h"

#include <algorithm>
#include <iterator>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "ingest/base/attack_tactics.h"

namespace cov::ingest::sigma {
namespace {

// Words seen after `attack.` that name no tactic (domains, object types).
constexpr absl::string_view kNotTactics[] = {
    "attack", "campaign", "enterprise", "group",    "ics",    "matrix",
    "mitre",  "mobile",   "pre",        "software", "tactic", "technique",
};

bool AllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c));
  });
}

// `prefix` followed by exactly four digits.
bool IsPrefixedId(absl::string_view s, absl::string_view prefix) {
  return s.size() == prefix.size() + 4 && absl::StartsWith(s, prefix) &&
         AllDigits(s.substr(prefix.size()));
}

}  // namespace

bool IsEnterpriseTacticShortname(absl::string_view shortname) {
  return std::find(std::begin(kEnterpriseTactics), std::end(kEnterpriseTactics),
                   shortname) != std::end(kEnterpriseTactics);
}

TagClass ClassifyTag(absl::string_view tag, AttackTag* out) {
  tag = absl::StripAsciiWhitespace(tag);
  constexpr absl::string_view kNs = "attack.";
  if (tag.size() < kNs.size() ||
      !absl::EqualsIgnoreCase(tag.substr(0, kNs.size()), kNs)) {
    return TagClass::kNotAttack;
  }
  const std::string rest = absl::AsciiStrToLower(tag.substr(kNs.size()));
  const absl::string_view r = rest;
  // Technique T#### or sub-technique T####.###.
  if (r.size() >= 5 && r[0] == 't' && AllDigits(r.substr(1, 4))) {
    if (r.size() == 5 ||
        (r.size() == 9 && r[5] == '.' && AllDigits(r.substr(6)))) {
      out->id = absl::AsciiStrToUpper(r);
      out->kind = "technique";
      return TagClass::kReference;
    }
    return TagClass::kMalformed;
  }
  if (IsPrefixedId(r, "ta")) {
    out->id = absl::AsciiStrToUpper(r);
    out->kind = "tactic";
    return TagClass::kReference;
  }
  static constexpr struct {
    absl::string_view prefix;
    absl::string_view kind;
  } kActors[] = {{"g", "group"}, {"s", "software"}, {"c", "campaign"}};
  for (const auto& a : kActors) {
    if (IsPrefixedId(r, a.prefix)) {
      out->id = absl::AsciiStrToUpper(r);
      out->kind = std::string(a.kind);
      return TagClass::kReference;
    }
  }
  for (absl::string_view p : {"m", "ds", "dc", "an", "det"}) {
    if (IsPrefixedId(r, p)) return TagClass::kIgnored;
  }
  // Tactic shortname: letters separated by single '-' or '_'.
  bool ok = !r.empty() &&
            absl::ascii_isalpha(static_cast<unsigned char>(r[0])) &&
            absl::ascii_isalpha(static_cast<unsigned char>(r.back()));
  for (size_t i = 0; ok && i < r.size(); ++i) {
    const char c = r[i];
    if (c == '-' || c == '_') {
      ok = r[i - 1] != '-' && r[i - 1] != '_';
    } else {
      ok = absl::ascii_isalpha(static_cast<unsigned char>(c));
    }
  }
  if (!ok) return TagClass::kMalformed;
  std::string name = rest;
  std::replace(name.begin(), name.end(), '_', '-');
  if (std::find(std::begin(kNotTactics), std::end(kNotTactics), name) !=
      std::end(kNotTactics)) {
    return TagClass::kIgnored;
  }
  out->id = std::move(name);
  out->kind = "tactic";
  return TagClass::kReference;
}

}  // namespace cov::ingest::sigma
