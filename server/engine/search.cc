#include "server/engine/search.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"

namespace cov::server::engine {
namespace {

struct Candidate {
  const std::string* id;
  const std::string* name;
  const std::string* description;
  std::vector<const std::string*> aliases;
  const char* kind;
  bool revoked = false;
  bool deprecated = false;
};

std::string Snippet(const std::string& text, const std::string& lower_text,
                    const std::string& term) {
  constexpr size_t kWidth = 160;
  if (text.empty()) return "";
  size_t pos = term.empty() ? 0 : lower_text.find(term);
  if (pos == std::string::npos) pos = 0;
  size_t start = pos > kWidth / 3 ? pos - kWidth / 3 : 0;
  // Do not cut a UTF-8 sequence in half.
  while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80)
    --start;
  size_t end = std::min(text.size(), start + kWidth);
  while (end < text.size() &&
         (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
    ++end;
  std::string out = text.substr(start, end - start);
  std::replace(out.begin(), out.end(), '\n', ' ');
  if (start > 0) out = "..." + out;
  if (end < text.size()) out += "...";
  return out;
}

}  // namespace

cov::v1::SearchResponse Search(const KnowledgeBase& kb,
                               const cov::v1::SearchRequest& request) {
  cov::v1::SearchResponse response;
  std::string query =
      absl::AsciiStrToLower(absl::StripAsciiWhitespace(request.query()));
  std::vector<std::string> terms =
      absl::StrSplit(query, ' ', absl::SkipWhitespace());
  if (terms.empty()) return response;
  absl::flat_hash_set<std::string> kinds(request.kinds().begin(),
                                         request.kinds().end());
  auto wanted = [&](const char* kind) {
    return kinds.empty() || kinds.contains(kind);
  };

  std::vector<Candidate> candidates;
  static const std::string kEmpty;
  if (wanted("technique")) {
    for (const auto& t : kb.techniques()) {
      candidates.push_back({&t.id(),
                            &t.name(),
                            &t.description(),
                            {},
                            "technique",
                            t.revoked(),
                            t.deprecated()});
    }
  }
  if (wanted("tactic")) {
    for (const auto& t : kb.tactics()) {
      candidates.push_back(
          {&t.id(), &t.name(), &t.description(), {&t.shortname()}, "tactic"});
    }
  }
  for (const auto& a : kb.actors()) {
    const char* kind = a.kind() == "group"      ? "group"
                       : a.kind() == "campaign" ? "campaign"
                                                : "software";
    if (!wanted(kind)) continue;
    Candidate c{&a.id(), &a.name(),   &a.description(), {},
                kind,    a.revoked(), a.deprecated()};
    for (const auto& al : a.aliases()) c.aliases.push_back(&al);
    candidates.push_back(std::move(c));
  }
  if (wanted("mitigation")) {
    for (const auto& m : kb.mitigations()) {
      candidates.push_back(
          {&m.id(), &m.name(), &m.description(), {}, "mitigation"});
    }
  }
  if (wanted("data-component")) {
    for (const auto& c : kb.components()) {
      candidates.push_back({&c.id(),
                            &c.name(),
                            &c.description(),
                            {},
                            "data-component",
                            false,
                            c.deprecated()});
    }
  }

  std::vector<cov::v1::SearchHit> hits;
  for (const Candidate& c : candidates) {
    if (!request.include_inactive() && (c.revoked || c.deprecated)) continue;
    std::string id = absl::AsciiStrToLower(*c.id);
    std::string name = absl::AsciiStrToLower(*c.name);
    std::string aliases;
    for (const std::string* a : c.aliases) {
      aliases += absl::AsciiStrToLower(*a);
      aliases += '\n';
    }
    std::string desc;  // lowered lazily: most candidates fail on the name
    bool all_in_name = true;
    bool all_match = true;
    for (const std::string& term : terms) {
      bool in_name = absl::StrContains(name, term) ||
                     absl::StrContains(id, term) ||
                     absl::StrContains(aliases, term);
      if (in_name) continue;
      all_in_name = false;
      if (desc.empty()) desc = absl::AsciiStrToLower(*c.description);
      if (!absl::StrContains(desc, term)) {
        all_match = false;
        break;
      }
    }
    if (!all_match) continue;
    double score = 1;
    if (id == query) {
      score = 100;
    } else if (name == query ||
               absl::StrContains("\n" + aliases, "\n" + query + "\n")) {
      score = 50;
    } else if (all_in_name) {
      score = 20 + (absl::StartsWith(name, terms[0]) ? 5 : 0);
    }
    cov::v1::SearchHit hit;
    hit.set_kind(c.kind);
    hit.set_id(*c.id);
    hit.set_name(*c.name);
    hit.set_score(score);
    hit.set_revoked(c.revoked);
    hit.set_deprecated(c.deprecated);
    if (desc.empty()) desc = absl::AsciiStrToLower(*c.description);
    hit.set_snippet(Snippet(*c.description, desc, terms[0]));
    hits.push_back(std::move(hit));
  }
  std::sort(hits.begin(), hits.end(), [](const auto& a, const auto& b) {
    if (a.score() != b.score()) return a.score() > b.score();
    return a.id() < b.id();
  });
  response.set_total(static_cast<int>(hits.size()));
  int limit = request.limit() <= 0 ? 20 : std::min(request.limit(), 500);
  for (int i = 0; i < static_cast<int>(hits.size()) && i < limit; ++i) {
    *response.add_hits() = std::move(hits[i]);
  }
  return response;
}

}  // namespace cov::server::engine
