#include "ingest/sigma/condition.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace cov::ingest::sigma {
namespace {

// Deepest nesting of parentheses / `not` accepted; conditions are short, so
// anything deeper is hostile and must not recurse further.
constexpr int kMaxDepth = 128;

enum class Tok { kWord, kLParen, kRParen, kPipe, kCompare, kEnd };

struct Token {
  Tok type;
  absl::string_view text;
  int offset;
};

bool IsIdentChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' ||
         c == '-' || c == '*';
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

// Characters that end a word after the pipe (fields may hold dots etc.).
bool EndsAggWord(char c) {
  return IsSpace(c) || c == '(' || c == ')' || c == '|' || c == '<' ||
         c == '>' || c == '=' || c == '!' || c == ',';
}

absl::Status SyntaxError(int offset, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("column ", offset + 1, ": ", what));
}

std::string Describe(const Token& t) {
  if (t.type == Tok::kEnd) return "end of condition";
  return absl::StrCat("'", t.text, "'");
}

absl::Status Lex(absl::string_view s, std::vector<Token>* out) {
  bool agg = false;
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const char c = s[i];
    const int off = static_cast<int>(i);
    if (IsSpace(c)) {
      ++i;
    } else if (c == '(') {
      out->push_back({Tok::kLParen, s.substr(i, 1), off});
      ++i;
    } else if (c == ')') {
      out->push_back({Tok::kRParen, s.substr(i, 1), off});
      ++i;
    } else if (c == '|') {
      if (agg) return SyntaxError(off, "only one '|' aggregation is allowed");
      agg = true;
      out->push_back({Tok::kPipe, s.substr(i, 1), off});
      ++i;
    } else if (agg && (c == '<' || c == '>' || c == '=' || c == '!')) {
      size_t len = (i + 1 < n && s[i + 1] == '=') ? 2 : 1;
      absl::string_view op = s.substr(i, len);
      if (op == "=" || op == "!") {
        return SyntaxError(off, absl::StrCat("unknown operator '", op, "'"));
      }
      out->push_back({Tok::kCompare, op, off});
      i += len;
    } else if (!agg && IsIdentChar(c)) {
      size_t j = i;
      while (j < n && IsIdentChar(s[j])) ++j;
      out->push_back({Tok::kWord, s.substr(i, j - i), off});
      i = j;
    } else if (agg && !EndsAggWord(c)) {
      size_t j = i;
      while (j < n && !EndsAggWord(s[j])) ++j;
      out->push_back({Tok::kWord, s.substr(i, j - i), off});
      i = j;
    } else {
      return SyntaxError(off, absl::StrCat("unexpected character '",
                                           absl::string_view(&s[i], 1), "'"));
    }
  }
  out->push_back({Tok::kEnd, absl::string_view(), static_cast<int>(n)});
  return absl::OkStatus();
}

class Parser {
 public:
  Parser(const std::vector<Token>& tokens, ConditionAst* ast)
      : toks_(tokens), ast_(ast) {}

  absl::Status Parse() {
    if (Peek().type == Tok::kEnd) return SyntaxError(0, "empty condition");
    absl::Status st = Expr(&ast_->root, 0);
    if (!st.ok()) return st;
    if (Peek().type == Tok::kPipe) {
      st = Aggregate();
      if (!st.ok()) return st;
    }
    if (Peek().type != Tok::kEnd) {
      if (Peek().type == Tok::kRParen) {
        return SyntaxError(Peek().offset, "unbalanced ')'");
      }
      return SyntaxError(Peek().offset,
                         absl::StrCat("expected 'and', 'or' or end of "
                                      "condition, found ",
                                      Describe(Peek())));
    }
    return absl::OkStatus();
  }

 private:
  const Token& Peek(size_t ahead = 0) const {
    size_t i = pos_ + ahead;
    return i < toks_.size() ? toks_[i] : toks_.back();
  }
  const Token& Next() {
    const Token& t = Peek();
    if (pos_ < toks_.size() - 1) ++pos_;
    return t;
  }

  // True when the token is the keyword `kw` (any case); notes upper case.
  bool IsKeyword(const Token& t, absl::string_view kw) {
    if (t.type != Tok::kWord || !absl::EqualsIgnoreCase(t.text, kw)) {
      return false;
    }
    return true;
  }
  void NoteCase(const Token& t) {
    for (char c : t.text) {
      if (absl::ascii_isupper(static_cast<unsigned char>(c))) {
        ast_->uppercase_keyword = true;
      }
    }
  }
  bool IsReserved(const Token& t) {
    return IsKeyword(t, "and") || IsKeyword(t, "or") || IsKeyword(t, "not") ||
           IsKeyword(t, "of") || IsKeyword(t, "them");
  }

  absl::Status Expr(ConditionNode* out, int depth) {
    if (depth > kMaxDepth) {
      return SyntaxError(Peek().offset, "condition nested too deeply");
    }
    return Binary(out, depth, /*is_or=*/true);
  }

  // or-level when is_or, else and-level; operands are flattened.
  absl::Status Binary(ConditionNode* out, int depth, bool is_or) {
    const absl::string_view kw = is_or ? "or" : "and";
    ConditionNode first;
    absl::Status st =
        is_or ? Binary(&first, depth, false) : Unary(&first, depth);
    if (!st.ok()) return st;
    if (!IsKeyword(Peek(), kw)) {
      *out = std::move(first);
      return absl::OkStatus();
    }
    ConditionNode node;
    node.op = is_or ? ConditionOp::kOr : ConditionOp::kAnd;
    node.offset = first.offset;
    node.children.push_back(std::move(first));
    while (IsKeyword(Peek(), kw)) {
      NoteCase(Next());
      ConditionNode operand;
      st = is_or ? Binary(&operand, depth, false) : Unary(&operand, depth);
      if (!st.ok()) return st;
      node.children.push_back(std::move(operand));
    }
    *out = std::move(node);
    return absl::OkStatus();
  }

  absl::Status Unary(ConditionNode* out, int depth) {
    if (depth > kMaxDepth) {
      return SyntaxError(Peek().offset, "condition nested too deeply");
    }
    if (IsKeyword(Peek(), "not")) {
      const Token& t = Next();
      NoteCase(t);
      ConditionNode operand;
      absl::Status st = Unary(&operand, depth + 1);
      if (!st.ok()) return st;
      out->op = ConditionOp::kNot;
      out->offset = t.offset;
      out->children.push_back(std::move(operand));
      return absl::OkStatus();
    }
    return Primary(out, depth);
  }

  absl::Status Primary(ConditionNode* out, int depth) {
    const Token& t = Peek();
    if (t.type == Tok::kLParen) {
      Next();
      absl::Status st = Expr(out, depth + 1);
      if (!st.ok()) return st;
      if (Peek().type != Tok::kRParen) {
        return SyntaxError(
            Peek().offset,
            absl::StrCat("expected ')' to close the '(' at "
                         "column ",
                         t.offset + 1, ", found ", Describe(Peek())));
      }
      Next();
      return absl::OkStatus();
    }
    if (t.type != Tok::kWord) {
      return SyntaxError(t.offset, absl::StrCat("expected an identifier, "
                                                "'(' or 'not', found ",
                                                Describe(t)));
    }
    // Quantified pattern: `1 of x`, `all of x`, `any of x`.
    if (IsKeyword(Peek(1), "of") &&
        (t.text == "1" || IsKeyword(t, "all") || IsKeyword(t, "any"))) {
      Next();
      NoteCase(t);
      NoteCase(Next());  // of
      out->op = ConditionOp::kOf;
      out->offset = t.offset;
      if (t.text == "1") {
        out->quantifier = Quantifier::kOne;
      } else if (IsKeyword(t, "all")) {
        out->quantifier = Quantifier::kAll;
      } else {
        out->quantifier = Quantifier::kAny;
        ast_->any_quantifier = true;
      }
      const Token& p = Peek();
      if (p.type != Tok::kWord || IsKeyword(p, "and") || IsKeyword(p, "or") ||
          IsKeyword(p, "not") || IsKeyword(p, "of")) {
        return SyntaxError(p.offset,
                           absl::StrCat("expected a search-identifier pattern "
                                        "or 'them' after 'of', found ",
                                        Describe(p)));
      }
      Next();
      if (IsKeyword(p, "them")) {
        NoteCase(p);
        out->name = "them";
      } else {
        absl::Status st = CheckIdentifier(p);
        if (!st.ok()) return st;
        out->name = std::string(p.text);
      }
      return absl::OkStatus();
    }
    if (IsReserved(t)) {
      if (IsKeyword(t, "them")) {
        return SyntaxError(t.offset,
                           "'them' is only valid after '1 of' or 'all of'");
      }
      return SyntaxError(t.offset, absl::StrCat("expected an identifier, "
                                                "'(' or 'not', found ",
                                                Describe(t)));
    }
    absl::Status st = CheckIdentifier(t);
    if (!st.ok()) return st;
    if (absl::StrContains(t.text, '*')) {
      return SyntaxError(t.offset,
                         absl::StrCat("wildcard pattern '", t.text,
                                      "' needs '1 of' or 'all of' before it"));
    }
    Next();
    out->op = ConditionOp::kIdentifier;
    out->name = std::string(t.text);
    out->offset = t.offset;
    return absl::OkStatus();
  }

  // Words after the pipe are lexed loosely; identifiers must still be
  // identifiers.
  absl::Status CheckIdentifier(const Token& t) {
    for (size_t i = 0; i < t.text.size(); ++i) {
      if (!IsIdentChar(t.text[i])) {
        return SyntaxError(
            t.offset + static_cast<int>(i),
            absl::StrCat("unexpected character '", t.text.substr(i, 1),
                         "' in '", t.text, "'"));
      }
    }
    return absl::OkStatus();
  }

  absl::Status Aggregate() {
    Aggregation agg;
    agg.offset = Next().offset;  // '|'
    const Token& f = Next();
    if (f.type != Tok::kWord) {
      return SyntaxError(f.offset, absl::StrCat("expected an aggregation "
                                                "function after '|', found ",
                                                Describe(f)));
    }
    agg.function = absl::AsciiStrToLower(f.text);
    if (agg.function == "near") {
      ConditionNode near;
      absl::Status st = Expr(&near, 0);
      if (!st.ok()) return st;
      agg.near.push_back(std::move(near));
      ast_->aggregation = std::move(agg);
      return absl::OkStatus();
    }
    if (agg.function != "count" && agg.function != "min" &&
        agg.function != "max" && agg.function != "avg" &&
        agg.function != "sum") {
      return SyntaxError(f.offset,
                         absl::StrCat("unknown aggregation function '", f.text,
                                      "' (count, min, max, avg, sum, near)"));
    }
    if (Peek().type != Tok::kLParen) {
      return SyntaxError(Peek().offset,
                         absl::StrCat("expected '(' after '", f.text,
                                      "', found ", Describe(Peek())));
    }
    Next();
    if (Peek().type == Tok::kWord) agg.field = std::string(Next().text);
    if (Peek().type != Tok::kRParen) {
      return SyntaxError(Peek().offset, absl::StrCat("expected ')', found ",
                                                     Describe(Peek())));
    }
    Next();
    if (agg.function != "count" && agg.field.empty()) {
      return SyntaxError(f.offset,
                         absl::StrCat("'", f.text, "' needs a field argument"));
    }
    if (IsKeyword(Peek(), "by")) {
      Next();
      if (Peek().type != Tok::kWord) {
        return SyntaxError(Peek().offset,
                           absl::StrCat("expected a field after 'by', found ",
                                        Describe(Peek())));
      }
      agg.group_by = std::string(Next().text);
    }
    if (Peek().type != Tok::kCompare) {
      return SyntaxError(Peek().offset,
                         absl::StrCat("expected a comparison (==, !=, <, <=, "
                                      ">, >=) after the aggregation, found ",
                                      Describe(Peek())));
    }
    agg.op = std::string(Next().text);
    const Token& v = Peek();
    bool numeric = v.type == Tok::kWord && !v.text.empty();
    int dots = 0;
    for (char c : v.text) {
      if (c == '.') {
        ++dots;
      } else if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
        numeric = false;
      }
    }
    if (!numeric || dots > 1 || v.text.front() == '.' || v.text.back() == '.') {
      return SyntaxError(v.offset,
                         absl::StrCat("expected a number after '", agg.op,
                                      "', found ", Describe(v)));
    }
    agg.value = std::string(Next().text);
    ast_->aggregation = std::move(agg);
    return absl::OkStatus();
  }

  const std::vector<Token>& toks_;
  ConditionAst* ast_;
  size_t pos_ = 0;
};

void CollectRefs(const ConditionNode& n, std::vector<ConditionRef>* out) {
  switch (n.op) {
    case ConditionOp::kIdentifier:
      out->push_back({n.name, false, n.offset});
      return;
    case ConditionOp::kOf:
      out->push_back({n.name, true, n.offset});
      return;
    default:
      for (const ConditionNode& c : n.children) CollectRefs(c, out);
  }
}

// Glob match with '*' only; iterative with single backtrack point.
bool Glob(absl::string_view p, absl::string_view s) {
  size_t pi = 0, si = 0, star = absl::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = si;
    } else if (pi < p.size() && p[pi] == s[si]) {
      ++pi;
      ++si;
    } else if (star != absl::string_view::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

void ToString(const ConditionNode& n, std::string* out) {
  switch (n.op) {
    case ConditionOp::kIdentifier:
      out->append(n.name);
      return;
    case ConditionOp::kOf:
      absl::StrAppend(out, "(",
                      n.quantifier == Quantifier::kAll   ? "all"
                      : n.quantifier == Quantifier::kAny ? "any"
                                                         : "1",
                      " of ", n.name, ")");
      return;
    case ConditionOp::kAnd:
    case ConditionOp::kOr:
    case ConditionOp::kNot:
      out->append(n.op == ConditionOp::kAnd  ? "(and"
                  : n.op == ConditionOp::kOr ? "(or"
                                             : "(not");
      for (const ConditionNode& c : n.children) {
        out->push_back(' ');
        ToString(c, out);
      }
      out->push_back(')');
      return;
  }
}

}  // namespace

absl::StatusOr<ConditionAst> ParseCondition(absl::string_view text,
                                            int* error_offset) {
  std::vector<Token> tokens;
  absl::Status st = Lex(text, &tokens);
  ConditionAst ast;
  if (st.ok()) {
    Parser parser(tokens, &ast);
    st = parser.Parse();
  }
  if (!st.ok()) {
    if (error_offset != nullptr) {
      // Recover the offset from "column N: ...".
      int col = 0;
      absl::string_view msg = st.message();
      size_t i = sizeof("column ") - 1;
      while (i < msg.size() && absl::ascii_isdigit(msg[i])) {
        col = col * 10 + (msg[i] - '0');
        ++i;
      }
      *error_offset = col > 0 ? col - 1 : 0;
    }
    return st;
  }
  return ast;
}

std::vector<ConditionRef> ConditionReferences(const ConditionAst& ast) {
  std::vector<ConditionRef> out;
  CollectRefs(ast.root, &out);
  if (ast.aggregation.has_value()) {
    for (const ConditionNode& n : ast.aggregation->near) CollectRefs(n, &out);
  }
  return out;
}

bool MatchIdentifierPattern(absl::string_view pattern,
                            absl::string_view identifier) {
  return Glob(pattern, identifier);
}

std::vector<std::string> ResolveReference(
    const ConditionRef& ref, const std::vector<std::string>& defined) {
  std::vector<std::string> out;
  if (!ref.is_pattern) {
    for (const std::string& d : defined) {
      if (d == ref.name) {
        out.push_back(d);
        break;
      }
    }
    return out;
  }
  const bool them = ref.name == "them";
  const bool underscore_ok = !them && absl::StartsWith(ref.name, "_");
  for (const std::string& d : defined) {
    if (!underscore_ok && absl::StartsWith(d, "_")) continue;
    if (them || Glob(ref.name, d)) out.push_back(d);
  }
  return out;
}

std::string ConditionToString(const ConditionNode& node) {
  std::string out;
  ToString(node, &out);
  return out;
}

}  // namespace cov::ingest::sigma
