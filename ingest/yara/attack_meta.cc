#include "ingest/yara/attack_meta.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ingest/base/attack_tactics.h"

namespace cov::ingest::yara {
namespace {

bool IsWordChar(char c) { return absl::ascii_isalnum(c) || c == '_'; }

// True when `hay` contains `lower_needle` (lower case), ignoring case.
bool ContainsIgnoreCase(absl::string_view hay, absl::string_view lower_needle) {
  if (lower_needle.size() > hay.size()) return false;
  for (size_t i = 0; i + lower_needle.size() <= hay.size(); ++i) {
    size_t k = 0;
    while (k < lower_needle.size() &&
           absl::ascii_tolower(hay[i + k]) == lower_needle[k]) {
      ++k;
    }
    if (k == lower_needle.size()) return true;
  }
  return false;
}

bool Digits(absl::string_view s, size_t i, size_t count) {
  if (i + count > s.size()) return false;
  for (size_t k = i; k < i + count; ++k) {
    if (!absl::ascii_isdigit(s[k])) return false;
  }
  return true;
}

// True when `j` ends a word: end of input or a non-word character.
bool EndsWord(absl::string_view s, size_t j) {
  return j >= s.size() || !IsWordChar(s[j]);
}

struct IdMatch {
  size_t len = 0;
  std::string id;
  const char* kind = "";
};

// Matches an ATT&CK ID starting at s[i] (the caller checks the boundary
// before it). `kinds` limits what may match.
struct Kinds {
  bool software_group = true;
  bool campaign = false;
};

bool MatchId(absl::string_view s, size_t i, Kinds kinds, IdMatch* m) {
  char c = absl::ascii_toupper(s[i]);
  if (c == 'T') {
    if (i + 1 < s.size() && absl::ascii_toupper(s[i + 1]) == 'A' &&
        Digits(s, i + 2, 4) && EndsWord(s, i + 6)) {
      m->len = 6;
      m->id = absl::StrCat("TA", s.substr(i + 2, 4));
      m->kind = "tactic";
      return true;
    }
    if (!Digits(s, i + 1, 4)) return false;
    if (i + 5 < s.size() && (s[i + 5] == '.' || s[i + 5] == '_') &&
        Digits(s, i + 6, 3) && EndsWord(s, i + 9)) {
      m->len = 9;
      m->id = absl::StrCat("T", s.substr(i + 1, 4), ".", s.substr(i + 6, 3));
      m->kind = "technique";
      return true;
    }
    if (!EndsWord(s, i + 5)) return false;
    m->len = 5;
    m->id = absl::StrCat("T", s.substr(i + 1, 4));
    m->kind = "technique";
    return true;
  }
  const char* kind = nullptr;
  if (c == 'S' && kinds.software_group) kind = "software";
  if (c == 'G' && kinds.software_group) kind = "group";
  if (c == 'C' && kinds.campaign) kind = "campaign";
  if (kind == nullptr || !Digits(s, i + 1, 4) || !EndsWord(s, i + 5)) {
    return false;
  }
  m->len = 5;
  m->id = absl::StrCat(std::string(1, c), s.substr(i + 1, 4));
  m->kind = kind;
  return true;
}

cov::v1::AttackRef MakeRef(absl::string_view raw, std::string id,
                           absl::string_view kind, int line,
                           std::string origin) {
  cov::v1::AttackRef r;
  r.set_raw(std::string(raw));
  r.set_id(std::move(id));
  r.set_kind(std::string(kind));
  r.set_line(line);
  r.set_origin(std::move(origin));
  return r;
}

struct Found {
  size_t pos;
  cov::v1::AttackRef ref;
};

constexpr absl::string_view kHost = "attack.mitre.org/";

// attack.mitre.org/<section>/<ID>[/<NNN>] links, any case.
void ScanUrls(absl::string_view v, int line, const std::string& origin,
              std::vector<Found>* found,
              std::vector<std::pair<size_t, size_t>>* spans) {
  std::string lower = absl::AsciiStrToLower(v);
  size_t at = 0;
  while ((at = lower.find(kHost.data(), at, kHost.size())) !=
         std::string::npos) {
    size_t p = at + kHost.size();
    at = p;
    size_t slash = lower.find('/', p);
    if (slash == std::string::npos) continue;
    absl::string_view section = absl::string_view(lower).substr(p, slash - p);
    Kinds kinds;
    if (section == "techniques" || section == "tactics") {
      kinds.software_group = false;
    } else if (section == "software" || section == "groups") {
      kinds.software_group = true;
    } else if (section == "campaigns") {
      kinds.software_group = false;
      kinds.campaign = true;
    } else {
      continue;
    }
    size_t id_at = slash + 1;
    if (id_at >= v.size()) continue;
    IdMatch m;
    if (!MatchId(v, id_at, kinds, &m)) continue;
    size_t end = id_at + m.len;
    if (section == "techniques" && m.kind == absl::string_view("technique") &&
        m.len == 5 && end < v.size() && v[end] == '/' &&
        Digits(v, end + 1, 3) && EndsWord(v, end + 4)) {
      m.id = absl::StrCat(m.id, ".", v.substr(end + 1, 3));
      end += 4;
    }
    bool section_fits =
        (section == "techniques" && m.kind == absl::string_view("technique")) ||
        (section == "tactics" && m.kind == absl::string_view("tactic")) ||
        (section == "software" && m.kind == absl::string_view("software")) ||
        (section == "groups" && m.kind == absl::string_view("group")) ||
        (section == "campaigns" && m.kind == absl::string_view("campaign"));
    if (!section_fits) continue;
    size_t begin = at - kHost.size();
    found->push_back({begin, MakeRef(v.substr(begin, end - begin),
                                     std::move(m.id), m.kind, line, origin)});
    spans->push_back({begin, end});
    at = end;
  }
}

void ScanTacticNames(absl::string_view v, int line, const std::string& origin,
                     std::vector<Found>* found) {
  // Same length as `v`, so positions map back to the raw text.
  std::string norm(v);
  for (char& ch : norm) {
    ch = absl::ascii_tolower(ch);
    if (ch == '_' || ch == ' ') ch = '-';
  }
  // Enterprise shortnames (v18, plus the v19 split of Defense Evasion),
  // matched only in tactic-keyed meta.
  static const auto* kNames = [] {
    auto* names = new std::vector<absl::string_view>(
        std::begin(kEnterpriseTactics), std::end(kEnterpriseTactics));
    names->insert(names->end(), std::begin(kEnterpriseTacticsV19),
                  std::end(kEnterpriseTacticsV19));
    return names;
  }();
  for (absl::string_view name : *kNames) {
    size_t at = 0;
    while ((at = norm.find(name.data(), at, name.size())) !=
           std::string::npos) {
      size_t end = at + name.size();
      bool before_ok = at == 0 || !absl::ascii_isalnum(norm[at - 1]);
      bool after_ok = end == norm.size() || !absl::ascii_isalnum(norm[end]);
      if (before_ok && after_ok) {
        found->push_back(
            {at, MakeRef(v.substr(at, name.size()), std::string(name), "tactic",
                         line, origin)});
      }
      at = end;
    }
  }
}

}  // namespace

MetaKeyClass ClassifyMetaKey(absl::string_view key) {
  std::string k = absl::AsciiStrToLower(key);
  if (absl::StartsWith(k, "mitre")) return MetaKeyClass::kAttack;
  static constexpr absl::string_view kAttackKeys[] = {
      "attack",
      "attack_id",
      "attack_ids",
      "attack_technique",
      "attack_techniques",
      "attack_technique_id",
      "attack_tactic",
      "attack_tactics",
      "attack_tactic_id",
      "attck",
      "attck_id",
      "technique",
      "techniques",
      "technique_id",
      "technique_ids",
      "tactic",
      "tactics",
      "tactic_id",
      "ttp",
      "ttps",
  };
  for (absl::string_view a : kAttackKeys) {
    if (k == a) return MetaKeyClass::kAttack;
  }
  if (k == "tags") return MetaKeyClass::kTags;
  return MetaKeyClass::kOther;
}

void ExtractMetaRefs(absl::string_view key, absl::string_view value, int line,
                     std::vector<cov::v1::AttackRef>* out) {
  MetaKeyClass cls = ClassifyMetaKey(key);
  // Cheap exit for the common case: nothing ATT&CK-like can be there.
  if (cls == MetaKeyClass::kOther && !ContainsIgnoreCase(value, kHost)) {
    return;
  }
  std::string origin = absl::StrCat("meta:", key);
  std::vector<Found> found;
  std::vector<std::pair<size_t, size_t>> url_spans;
  ScanUrls(value, line, origin, &found, &url_spans);
  if (cls != MetaKeyClass::kOther) {
    Kinds kinds;
    kinds.campaign = cls == MetaKeyClass::kAttack;
    bool has_tactic_id = false;
    size_t span = 0;
    for (size_t i = 0; i < value.size(); ++i) {
      while (span < url_spans.size() && url_spans[span].second <= i) ++span;
      if (span < url_spans.size() && url_spans[span].first <= i) {
        i = url_spans[span].second - 1;
        continue;
      }
      if (i > 0 && IsWordChar(value[i - 1])) continue;
      IdMatch m;
      if (!MatchId(value, i, kinds, &m)) continue;
      if (m.kind == absl::string_view("tactic")) has_tactic_id = true;
      found.push_back({i, MakeRef(value.substr(i, m.len), std::move(m.id),
                                  m.kind, line, origin)});
      i += m.len - 1;
    }
    // Names only when no TA#### is given ("TA0002 - Execution" is one ref).
    if (cls == MetaKeyClass::kAttack && !has_tactic_id &&
        ContainsIgnoreCase(key, "tactic")) {
      ScanTacticNames(value, line, origin, &found);
    }
  }
  std::stable_sort(
      found.begin(), found.end(),
      [](const Found& a, const Found& b) { return a.pos < b.pos; });
  for (Found& f : found) out->push_back(std::move(f.ref));
}

void ExtractTagRef(absl::string_view tag, int line,
                   std::vector<cov::v1::AttackRef>* out) {
  IdMatch m;
  if (tag.empty() || !MatchId(tag, 0, Kinds{}, &m) || m.len != tag.size()) {
    return;
  }
  out->push_back(MakeRef(tag, std::move(m.id), m.kind, line, "tag"));
}

}  // namespace cov::ingest::yara
