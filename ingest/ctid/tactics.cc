#include "ingest/ctid/tactics.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "ingest/base/attack_tactics.h"

namespace cov::ingest::ctid {
namespace {

struct Tactic {
  absl::string_view shortname;
  absl::string_view id;
};

// ATT&CK Enterprise v18 tactics (kill-chain order) and their IDs.
constexpr Tactic kTactics[] = {
    {"reconnaissance", "TA0043"},  {"resource-development", "TA0042"},
    {"initial-access", "TA0001"},  {"execution", "TA0002"},
    {"persistence", "TA0003"},     {"privilege-escalation", "TA0004"},
    {"defense-evasion", "TA0005"}, {"credential-access", "TA0006"},
    {"discovery", "TA0007"},       {"lateral-movement", "TA0008"},
    {"collection", "TA0009"},      {"command-and-control", "TA0011"},
    {"exfiltration", "TA0010"},    {"impact", "TA0040"},
};

// Lower case; runs of blanks, '_' and '-' become one '-'; trimmed.
std::string Canonical(absl::string_view raw) {
  std::string out;
  bool sep = false;
  for (char c : absl::StripAsciiWhitespace(raw)) {
    if (c == ' ' || c == '\t' || c == '_' || c == '-') {
      sep = true;
      continue;
    }
    if (sep && !out.empty()) out.push_back('-');
    sep = false;
    out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

TacticMatch MatchOne(absl::string_view raw) {
  TacticMatch m;
  const absl::string_view trimmed = absl::StripAsciiWhitespace(raw);
  for (const Tactic& t : kTactics) {
    if (trimmed == t.shortname)
      return {std::string(t.shortname), TacticMatch::kExact};
  }
  for (const Tactic& t : kTactics) {
    if (absl::EqualsIgnoreCase(trimmed, t.id)) {
      return {std::string(t.shortname), TacticMatch::kId};
    }
  }
  const std::string canon = Canonical(trimmed);
  if (canon.empty()) return m;
  for (const Tactic& t : kTactics) {
    if (canon == t.shortname)
      return {std::string(t.shortname), TacticMatch::kName};
  }
  int best = -1;
  int best_count = 0;
  absl::string_view best_name;
  for (const Tactic& t : kTactics) {
    const int limit =
        std::min<int>(2, static_cast<int>(t.shortname.size()) / 5);
    const int d = EditDistance(canon, t.shortname);
    if (d > limit) continue;
    if (best < 0 || d < best) {
      best = d;
      best_count = 1;
      best_name = t.shortname;
    } else if (d == best) {
      ++best_count;
    }
  }
  if (best >= 0 && best_count == 1) {
    return {std::string(best_name), TacticMatch::kFuzzy};
  }
  return m;
}

}  // namespace

absl::Span<const absl::string_view> EnterpriseTactics() {
  return kEnterpriseTactics;
}

int EditDistance(absl::string_view a, absl::string_view b) {
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] =
          std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

TacticMatch NormalizeTactic(absl::string_view raw) {
  // Cap the work on hostile input: no tactic name is this long.
  if (raw.size() > 200) return {};
  TacticMatch one = MatchOne(raw);
  if (one.kind != TacticMatch::kNone) return one;
  std::vector<absl::string_view> parts =
      absl::StrSplit(raw, absl::ByAnyChar("/,;"), absl::SkipWhitespace());
  if (parts.size() < 2) return {};
  TacticMatch first;
  for (absl::string_view p : parts) {
    TacticMatch m = MatchOne(p);
    if (m.kind == TacticMatch::kNone) return {};
    if (first.kind == TacticMatch::kNone) first = m;
  }
  first.kind = TacticMatch::kFirstOfSeveral;
  return first;
}

}  // namespace cov::ingest::ctid
