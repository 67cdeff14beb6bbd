#include "server/engine/sigma_eval/internal/compiled_rule.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "ingest/sigma/condition.h"

namespace cov::server::engine::sigma_eval::internal {
namespace {

using ingest::sigma::ConditionNode;
using ingest::sigma::ConditionOp;

absl::StatusOr<CondNode> Convert(const ConditionNode& n,
                                 const std::vector<std::string>& names) {
  CondNode out;
  switch (n.op) {
    case ConditionOp::kIdentifier: {
      for (size_t i = 0; i < names.size(); ++i) {
        if (names[i] == n.name) out.search = static_cast<int>(i);
      }
      if (out.search < 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "condition uses '", n.name, "', which detection does not define"));
      }
      return out;
    }
    case ConditionOp::kOf: {
      ingest::sigma::ConditionRef ref{n.name, true, n.offset};
      const std::vector<std::string> picked =
          ingest::sigma::ResolveReference(ref, names);
      if (picked.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("'of ", n.name, "' matches no search identifier"));
      }
      out.op = n.quantifier == ingest::sigma::Quantifier::kAll
                   ? CondNode::Op::kAnd
                   : CondNode::Op::kOr;
      for (const std::string& p : picked) {
        CondNode leaf;
        for (size_t i = 0; i < names.size(); ++i) {
          if (names[i] == p) leaf.search = static_cast<int>(i);
        }
        out.kids.push_back(std::move(leaf));
      }
      return out;
    }
    case ConditionOp::kAnd:
    case ConditionOp::kOr:
    case ConditionOp::kNot:
      out.op = n.op == ConditionOp::kAnd  ? CondNode::Op::kAnd
               : n.op == ConditionOp::kOr ? CondNode::Op::kOr
                                          : CondNode::Op::kNot;
      for (const ConditionNode& c : n.children) {
        absl::StatusOr<CondNode> k = Convert(c, names);
        if (!k.ok()) return k.status();
        out.kids.push_back(*std::move(k));
      }
      return out;
  }
  return absl::InternalError("unknown condition node");
}

// Preference among alternative required sets (AND): longest shortest
// literal, then fewest literals.
bool Better(const CompiledRule::Literals& a, const CompiledRule::Literals& b) {
  if (b.empty()) return !a.empty();
  auto min_len = [](const CompiledRule::Literals& l) {
    size_t m = SIZE_MAX;
    for (const auto& [f, s] : l) m = std::min(m, s.size());
    return m;
  };
  const size_t ma = min_len(a), mb = min_len(b);
  if (ma != mb) return ma > mb;
  return a.size() < b.size();
}

}  // namespace

absl::StatusOr<CompiledRule> CompiledRule::Compile(
    const cov::v1::SigmaDetection& detection, FieldTable* table,
    const CompileLimits& limits) {
  CompiledRule rule;
  std::vector<std::string> names;
  for (const cov::v1::SigmaSearch& s : detection.searches()) {
    names.push_back(s.name());
    CompiledSearch cs;
    for (const cov::v1::SigmaMatchGroup& g : s.groups()) {
      std::vector<FieldMatcher> group;
      for (const cov::v1::SigmaFieldMatch& m : g.matches()) {
        absl::StatusOr<FieldMatcher> fm = CompileFieldMatch(m, table, limits);
        if (!fm.ok()) {
          return absl::Status(
              fm.status().code(),
              absl::StrCat("search '", s.name(), "', ", fm.status().message()));
        }
        group.push_back(*std::move(fm));
      }
      cs.groups.push_back(std::move(group));
    }
    rule.searches_.push_back(std::move(cs));
  }
  if (detection.conditions().empty()) {
    return absl::InvalidArgumentError("detection has no condition");
  }
  CondNode any;
  any.op = CondNode::Op::kOr;
  for (const std::string& text : detection.conditions()) {
    absl::StatusOr<ingest::sigma::ConditionAst> ast =
        ingest::sigma::ParseCondition(text);
    if (!ast.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "condition '", text, "' does not parse: ", ast.status().message()));
    }
    if (ast->aggregation.has_value()) {
      return absl::UnimplementedError(absl::StrCat(
          "legacy aggregation '| ", ast->aggregation->function,
          "' in the condition is not evaluated (Sigma 2 uses correlation "
          "rules)"));
    }
    absl::StatusOr<CondNode> root = Convert(ast->root, names);
    if (!root.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("condition '", text, "': ", root.status().message()));
    }
    any.kids.push_back(*std::move(root));
  }
  rule.root_ = any.kids.size() == 1 ? std::move(any.kids[0]) : std::move(any);
  return rule;
}

bool CompiledRule::Eval(const CondNode& n, EventView& view,
                        int8_t* memo) const {
  switch (n.op) {
    case CondNode::Op::kSearch: {
      int8_t& m = memo[n.search];
      if (m < 0) {
        bool any = false;
        for (const std::vector<FieldMatcher>& g : searches_[n.search].groups) {
          bool all = true;
          for (const FieldMatcher& f : g) {
            if (!f.Match(view)) {
              all = false;
              break;
            }
          }
          if (all) {
            any = true;
            break;
          }
        }
        m = any ? 1 : 0;
      }
      return m == 1;
    }
    case CondNode::Op::kAnd:
      for (const CondNode& k : n.kids) {
        if (!Eval(k, view, memo)) return false;
      }
      return true;
    case CondNode::Op::kOr:
      for (const CondNode& k : n.kids) {
        if (Eval(k, view, memo)) return true;
      }
      return false;
    case CondNode::Op::kNot:
      return !Eval(n.kids[0], view, memo);
  }
  return false;
}

bool CompiledRule::Evaluate(EventView& view, int8_t* memo) const {
  return Eval(root_, view, memo);
}

bool CompiledRule::RequiredOfSearch(int search, Literals* out) const {
  // OR over groups: each group must contribute a set (AND inside a group:
  // any one matcher's set is required; take the best).
  out->clear();
  std::vector<std::string> lits;
  Literals best, one;
  for (const std::vector<FieldMatcher>& g : searches_[search].groups) {
    best.clear();
    for (const FieldMatcher& f : g) {
      int field = -1;
      if (!f.RequiredLiterals(&field, &lits)) continue;
      one.clear();
      for (std::string& l : lits) one.emplace_back(field, std::move(l));
      if (Better(one, best)) best.swap(one);
    }
    if (best.empty()) {
      out->clear();
      return false;
    }
    out->insert(out->end(), best.begin(), best.end());
  }
  return !out->empty();
}

bool CompiledRule::Required(const CondNode& n, Literals* out) const {
  out->clear();
  switch (n.op) {
    case CondNode::Op::kSearch:
      return RequiredOfSearch(n.search, out);
    case CondNode::Op::kAnd: {
      Literals k;
      for (const CondNode& c : n.kids) {
        if (Required(c, &k) && Better(k, *out)) out->swap(k);
      }
      return !out->empty();
    }
    case CondNode::Op::kOr: {
      Literals k;
      for (const CondNode& c : n.kids) {
        if (!Required(c, &k)) {
          out->clear();
          return false;
        }
        out->insert(out->end(), k.begin(), k.end());
      }
      return !out->empty();
    }
    case CondNode::Op::kNot:
      return false;
  }
  return false;
}

bool CompiledRule::RequiredLiterals(Literals* out) const {
  if (!Required(root_, out)) {
    out->clear();
    return false;
  }
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
  return true;
}

}  // namespace cov::server::engine::sigma_eval::internal
