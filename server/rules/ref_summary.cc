#include "server/rules/ref_summary.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace cov::server::rules {
namespace {

// "1,501".
std::string Thousands(int64_t n) {
  const std::string digits = absl::StrCat(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? absl::StrCat("-", out) : out;
}

// The problem code of a reference, or "" when it counts.
std::string CodeOf(const cov::v1::AttackRef& ref) {
  switch (ref.status()) {
    case cov::v1::REF_STATUS_UNKNOWN:
      if (ref.kind() == "technique") return "ref-unknown-technique";
      if (ref.kind() == "tactic") return "ref-unknown-tactic";
      return "ref-unknown-actor";
    case cov::v1::REF_STATUS_WRONG_DOMAIN:
      return "ref-wrong-domain";
    case cov::v1::REF_STATUS_DEPRECATED:
      return "ref-deprecated";
    case cov::v1::REF_STATUS_REVOKED:
      return "ref-revoked";
    case cov::v1::REF_STATUS_TACTIC_MISMATCH:
      return "ref-tactic-mismatch";
    default:
      return "";
  }
}

// What a code's references are, in the plural.
absl::string_view Noun(absl::string_view code) {
  if (code == "ref-unknown-technique") return "technique IDs unknown to";
  if (code == "ref-unknown-tactic") return "tactic names unknown to";
  if (code == "ref-unknown-actor")
    return "group/software/campaign IDs unknown to";
  if (code == "ref-wrong-domain") return "IDs of another ATT&CK domain than";
  if (code == "ref-deprecated") return "deprecated IDs (never counted) in";
  if (code == "ref-revoked")
    return "revoked IDs (counted through their replacement; cov fix --revoked) "
           "in";
  return "tactics none of the rule's techniques sits under in";
}

}  // namespace

void RefSummary::Add(const cov::v1::Rule& rule) {
  if (rule.attack_refs_size() == 0) return;
  bool any_valid = false;
  std::set<std::string> codes;
  for (const cov::v1::AttackRef& ref : rule.attack_refs()) {
    if (ref.status() == cov::v1::REF_STATUS_VALID ||
        (ref.status() == cov::v1::REF_STATUS_REVOKED &&
         !ref.resolved_id().empty())) {
      any_valid = true;
    }
    const std::string code = CodeOf(ref);
    if (code.empty()) continue;
    Count& c = by_code_[code];
    ++c.refs;
    ++c.ids[ref.id()];
    codes.insert(code);
  }
  for (const std::string& code : codes) ++by_code_[code].rules;
  if (!any_valid) ++rules_nothing_valid_;
}

std::vector<cov::v1::Diagnostic> RefSummary::Diagnostics() const {
  std::vector<cov::v1::Diagnostic> out;
  for (const auto& [code, c] : by_code_) {
    std::vector<std::pair<int, std::string>> top;
    for (const auto& [id, n] : c.ids) top.push_back({-n, id});
    std::sort(top.begin(), top.end());
    std::vector<std::string> shown;
    for (size_t i = 0; i < top.size() && i < 5; ++i) {
      shown.push_back(absl::StrCat(top[i].second, " x", -top[i].first));
    }
    if (top.size() > 5) shown.push_back("...");
    const bool unknown = code.rfind("ref-unknown-", 0) == 0;
    cov::v1::Diagnostic d;
    d.set_severity(cov::v1::SEVERITY_WARNING);
    d.set_code(code);
    d.set_message(absl::StrCat(
        Thousands(c.refs), c.refs == 1 ? " reference" : " references", " to ",
        Thousands(static_cast<int64_t>(c.ids.size())), " ", Noun(code), " ",
        release_key_, " in ", Thousands(c.rules),
        c.rules == 1 ? " rule (" : " rules (", absl::StrJoin(shown, ", "), ")",
        unknown ? ": newer ATT&CK?" : ""));
    out.push_back(std::move(d));
  }
  return out;
}

std::string RefSummary::Summary() const {
  if (rules_nothing_valid_ == 0) return "";
  std::vector<std::string> parts;
  const auto refs = [&](absl::string_view code) {
    auto it = by_code_.find(std::string(code));
    return it == by_code_.end() ? 0 : it->second.refs;
  };
  const int tech = refs("ref-unknown-technique");
  const int tac = refs("ref-unknown-tactic");
  const int actor = refs("ref-unknown-actor");
  const auto part = [&](int n, absl::string_view one, absl::string_view many) {
    if (n > 0) parts.push_back(absl::StrCat(Thousands(n), n == 1 ? one : many));
  };
  part(tech, " unknown technique ID", " unknown technique IDs");
  part(tac, " unknown tactic name", " unknown tactic names");
  part(actor, " unknown actor ID", " unknown actor IDs");
  part(refs("ref-wrong-domain"), " ID of another domain",
       " IDs of another domain");
  part(refs("ref-deprecated"), " deprecated ID", " deprecated IDs");
  std::string line = absl::StrCat(
      Thousands(rules_nothing_valid_),
      rules_nothing_valid_ == 1 ? " rule references" : " rules reference",
      " nothing valid in ", release_key_);
  if (!parts.empty()) {
    absl::StrAppend(&line, " (", absl::StrJoin(parts, ", "),
                    tech + tac + actor > 0 ? " \xE2\x80\x94 newer ATT&CK?" : "",
                    ")");
  }
  return line;
}

cov::v1::Diagnostic RefSummary::SummaryDiagnostic() const {
  cov::v1::Diagnostic d;
  const std::string s = Summary();
  if (s.empty()) return d;
  d.set_severity(cov::v1::SEVERITY_WARNING);
  d.set_code("ref-summary");
  d.set_message(s);
  return d;
}

}  // namespace cov::server::rules
