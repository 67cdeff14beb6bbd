#include "ingest/yara/yara_parser.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "ingest/base/diagnostics.h"
#include "ingest/base/hash.h"
#include "ingest/base/rule_files.h"
#include "ingest/base/text_position.h"
#include "ingest/base/utf8.h"
#include "ingest/yara/attack_meta.h"
#include "ingest/yara/lexer.h"
#include "ingest/yara/yara_compiler.h"

namespace cov::ingest::yara {
namespace {

constexpr size_t kBinaryProbe = 8192;
// Past this many errors a file is garbage, not YARA with typos: stop.
constexpr int kMaxErrors = 100;

// Words that can only start a top-level construct: where the parser
// resynchronises, and what betrays a rule missing its closing brace.
bool IsTopLevelWord(absl::string_view w) {
  return w == "rule" || w == "private" || w == "global" || w == "import" ||
         w == "include";
}

bool HasHighBytes(absl::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

std::string Utf8Safe(absl::string_view s) {
  if (!HasHighBytes(s)) return std::string(s);
  return ToValidUtf8(s);
}

// How a token is named in messages: its text, shortened.
std::string Describe(const Lexer& lex, const Token& t) {
  if (t.kind == TokenKind::kEnd) return "end of file";
  absl::string_view s = lex.TextOf(t);
  if (s.size() > 40) return absl::StrCat("'", s.substr(0, 37), "...'");
  return absl::StrCat("'", s, "'");
}

bool IsPunct(const Lexer& lex, const Token& t, char c) {
  return t.kind == TokenKind::kPunct && lex.text()[t.begin] == c;
}

bool IsWord(const Lexer& lex, const Token& t, absl::string_view w) {
  return t.kind == TokenKind::kIdentifier && lex.TextOf(t) == w;
}

bool IsReferenceKey(absl::string_view key) {
  std::string k = absl::AsciiStrToLower(key);
  if (k == "reference" || k == "references" || k == "url" || k == "urls") {
    return true;
  }
  if (!absl::StartsWith(k, "reference")) return false;
  absl::string_view rest = absl::string_view(k).substr(9);
  if (rest.empty()) return false;
  if (rest[0] == '_') return rest.size() > 1;
  for (char c : rest) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  return true;
}

struct MetaEntry {
  absl::string_view key;
  std::string value;
  int line = 0;
};

// Parses one file. Owns the lexer and the position index.
class FileParser {
 public:
  FileParser(const SourceFile& file, YaraFile* out)
      : file_(file), lex_(file.content), pos_(file.content), out_(out) {}

  void Run();

 private:
  // Outcome of parsing a construct: the rule is fine, it is bad but the
  // cursor already sits where parsing should go on, or resynchronisation is
  // needed from the offending token.
  enum class Outcome { kOk, kBadResumed, kBadResync };

  void AddError(size_t offset, absl::string_view code, std::string message);
  void AddLexError();
  // Turns lexer soft errors into diagnostics; returns how many there were.
  int FlushSoftErrors();
  // Skips to the next line-starting top-level keyword, considering `from`
  // (the offending token) itself first. `from` must lie after the start of
  // the construct that failed, so that parsing always moves forward.
  void Resync(const Token& from);
  // Resync() from a bad token, or from the token after a lexical error.
  void ResyncAfter(const Token& bad);
  // Unexpected token: reports it and asks for resynchronisation.
  Outcome Unexpected(const Token& t, absl::string_view expected);

  void ParseDirective(const Token& keyword);
  void ParseRule(const Token& first);
  Outcome ParseMeta(std::vector<MetaEntry>* meta, Token* next);
  Outcome ParseStrings(Token* next);
  Outcome ParseStringModifiers(TokenKind value_kind, Token* next);
  Outcome ParseCondition(const Token& open_brace, Token* close);

  const SourceFile& file_;
  Lexer lex_;
  TextPosition pos_;
  YaraFile* out_;
  std::string path_;  // file_.path, valid UTF-8
  std::string uid_prefix_;
  std::string current_uid_;  // uid of the rule being parsed, for `object`
  absl::flat_hash_map<std::string, int> rule_lines_;
  std::vector<std::string> condition_ids_;  // of the rule being parsed
  int errors_ = 0;
  bool stop_ = false;  // kMaxErrors reached
};

void FileParser::AddError(size_t offset, absl::string_view code,
                          std::string message) {
  if (stop_) return;
  LineCol lc = pos_.At(offset);
  if (++errors_ > kMaxErrors) {
    stop_ = true;
    out_->parsed.diagnostics.push_back(
        Error(path_, lc.line, lc.column, "yara-too-many-errors",
              absl::StrCat("more than ", kMaxErrors,
                           " errors; the rest of the file is not parsed")));
    return;
  }
  cov::v1::Diagnostic d =
      Error(path_, lc.line, lc.column, code, Utf8Safe(message));
  if (!current_uid_.empty()) d.set_object(current_uid_);
  out_->parsed.diagnostics.push_back(std::move(d));
}

void FileParser::AddLexError() {
  const LexError& e = lex_.error();
  AddError(e.offset, e.code, e.message);
}

int FileParser::FlushSoftErrors() {
  std::vector<LexError>& soft = lex_.soft_errors();
  int n = static_cast<int>(soft.size());
  for (LexError& e : soft) AddError(e.offset, e.code, std::move(e.message));
  soft.clear();
  return n;
}

void FileParser::Resync(const Token& from) {
  size_t soft_before = lex_.soft_errors().size();
  Token t = from;
  bool first = true;
  for (;;) {
    if (!first) t = lex_.Next();
    first = false;
    if (t.kind == TokenKind::kEnd) break;
    if (t.kind == TokenKind::kIdentifier && IsTopLevelWord(lex_.TextOf(t)) &&
        lex_.AtLineStart(t.begin)) {
      lex_.Reset(t.begin);
      break;
    }
  }
  // Problems inside skipped text would only be echoes of the first one.
  lex_.soft_errors().resize(soft_before);
}

FileParser::Outcome FileParser::Unexpected(const Token& t,
                                           absl::string_view expected) {
  if (t.kind == TokenKind::kError) {
    AddLexError();
  } else {
    AddError(t.begin, "yara-unexpected-token",
             absl::StrCat("unexpected ", Describe(lex_, t), ", expected ",
                          expected));
  }
  return Outcome::kBadResync;
}

void FileParser::ResyncAfter(const Token& bad) {
  FlushSoftErrors();
  Resync(bad.kind == TokenKind::kError ? lex_.Next() : bad);
}

void FileParser::Run() {
  absl::string_view text = file_.content;
  path_ = Utf8Safe(file_.path);
  uid_prefix_ = absl::StrCat(Utf8Safe(file_.source), ":", path_, ":");
  if (const absl::string_view enc = Utf16Encoding(text); !enc.empty()) {
    AddError(0, "yara-utf16-file",
             absl::StrCat("file is ", enc,
                          ", not UTF-8: convert it to UTF-8 (e.g. iconv -f "
                          "UTF-16 -t UTF-8); not parsed"));
    return;
  }
  size_t nul = text.substr(0, kBinaryProbe).find('\0');
  if (nul != absl::string_view::npos) {
    AddError(nul, "yara-binary-file",
             "binary content (NUL byte in the first 8 KiB); not a YARA "
             "source file");
    return;
  }
  if (absl::StartsWith(text, "\xEF\xBB\xBF")) {
    out_->parsed.diagnostics.push_back(Warning(
        path_, 1, 1, "yara-utf8-bom",
        "UTF-8 byte-order mark at the start of the file; libyara rejects it "
        "as a non-ASCII character"));
    lex_.Reset(3);
  }
  size_t bad = FirstInvalidUtf8(text);
  if (bad != absl::string_view::npos) {
    LineCol lc = pos_.At(bad);
    out_->parsed.diagnostics.push_back(
        Warning(path_, lc.line, lc.column, "yara-non-utf8",
                absl::StrFormat("file is not valid UTF-8 (byte 0x%02X); text "
                                "values are stored with U+FFFD in its place",
                                static_cast<unsigned char>(text[bad]))));
  }

  while (!stop_) {
    current_uid_.clear();
    Token t = lex_.Next();
    if (t.kind == TokenKind::kEnd) break;
    absl::string_view w =
        t.kind == TokenKind::kIdentifier ? lex_.TextOf(t) : "";
    if (w == "rule" || w == "private" || w == "global") {
      ParseRule(t);
    } else if (w == "import" || w == "include") {
      ParseDirective(t);
    } else if (IsPunct(lex_, t, '}')) {
      AddError(t.begin, "yara-unbalanced-braces",
               "'}' outside any rule (unbalanced braces)");
    } else {
      Unexpected(t, "'rule', 'import' or 'include'");
      ResyncAfter(t);
    }
    FlushSoftErrors();
  }
  FlushSoftErrors();
}

void FileParser::ParseDirective(const Token& keyword) {
  const bool is_import = IsWord(lex_, keyword, "import");
  if (!is_import) {
    // libyara reads an include path raw, up to the next quote: no escapes,
    // so `include "C:\rules\x.yar"` names a Windows path.
    absl::string_view text = lex_.text();
    size_t i = keyword.end;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (i < text.size() && text[i] == '"') {
      size_t close = text.find('"', i + 1);
      size_t nl = text.find('\n', i + 1);
      if (close != absl::string_view::npos && close < nl) {
        out_->includes.push_back({Utf8Safe(text.substr(i + 1, close - i - 1)),
                                  pos_.At(keyword.begin).line});
        lex_.Reset(close + 1);
        return;
      }
    }
  }
  Token arg = lex_.Next();
  if (arg.kind != TokenKind::kText) {
    Unexpected(
        arg, absl::StrCat("a quoted ", is_import ? "module name" : "file name",
                          " after '", lex_.TextOf(keyword), "'"));
    ResyncAfter(arg);
    return;
  }
  YaraDirective d;
  d.argument = Utf8Safe(DecodeText(lex_.TextOf(arg)));
  d.line = pos_.At(keyword.begin).line;
  out_->imports.push_back(std::move(d));
  FlushSoftErrors();
}

void FileParser::ParseRule(const Token& first) {
  const size_t start = first.begin;
  const size_t diags_before = out_->parsed.diagnostics.size();
  YaraRuleInfo info;
  condition_ids_.clear();
  Token t = first;

  // Modifiers and `rule`.
  while (t.kind == TokenKind::kIdentifier &&
         (lex_.TextOf(t) == "private" || lex_.TextOf(t) == "global")) {
    (lex_.TextOf(t) == "private" ? info.is_private : info.is_global) = true;
    t = lex_.Next();
  }
  if (!IsWord(lex_, t, "rule")) {
    Unexpected(t, "'rule' after a rule modifier");
    ResyncAfter(t);
    return;
  }
  Token name_tok = lex_.Next();
  if (name_tok.kind != TokenKind::kIdentifier ||
      IsYaraKeyword(lex_.TextOf(name_tok))) {
    Unexpected(name_tok, "a rule name after 'rule'");
    // A keyword that starts a line (e.g. the next `rule`) is where to go on.
    ResyncAfter(name_tok);
    return;
  }
  const std::string name(lex_.TextOf(name_tok));
  current_uid_ = absl::StrCat(uid_prefix_, name);
  bool duplicate = false;
  {
    int line = pos_.At(name_tok.begin).line;
    auto [it, inserted] = rule_lines_.emplace(name, line);
    if (!inserted) {
      duplicate = true;
      AddError(name_tok.begin, "yara-duplicate-rule",
               absl::StrCat("duplicate rule name '", name,
                            "' (first defined at line ", it->second, ")"));
    }
  }

  // Tags.
  std::vector<Token> tags;
  t = lex_.Next();
  if (IsPunct(lex_, t, ':')) {
    absl::flat_hash_set<absl::string_view> seen;
    for (t = lex_.Next();
         t.kind == TokenKind::kIdentifier && !IsYaraKeyword(lex_.TextOf(t));
         t = lex_.Next()) {
      if (!seen.insert(lex_.TextOf(t)).second) {
        AddError(t.begin, "yara-duplicate-tag",
                 absl::StrCat("duplicate tag '", lex_.TextOf(t), "'"));
      }
      tags.push_back(t);
    }
    if (tags.empty()) {
      Unexpected(t, "at least one tag after ':'");
      ResyncAfter(t);
      return;
    }
  }
  if (!IsPunct(lex_, t, '{')) {
    Unexpected(t, absl::StrCat("'{' to open the body of rule '", name, "'"));
    ResyncAfter(t);
    return;
  }
  const Token open_brace = t;

  // Body: meta, strings, condition, in that order.
  std::vector<MetaEntry> meta;
  t = lex_.Next();
  if (IsWord(lex_, t, "meta")) {
    Outcome o = ParseMeta(&meta, &t);
    if (o == Outcome::kBadResync) {
      ResyncAfter(t);
      return;
    }
  }
  if (IsWord(lex_, t, "strings")) {
    Outcome o = ParseStrings(&t);
    if (o == Outcome::kBadResync) {
      ResyncAfter(t);
      return;
    }
  }
  Token close;
  if (IsWord(lex_, t, "condition")) {
    Token colon = lex_.Next();
    if (!IsPunct(lex_, colon, ':')) {
      Unexpected(colon, "':' after 'condition'");
      ResyncAfter(colon);
      return;
    }
    Outcome o = ParseCondition(open_brace, &close);
    if (o == Outcome::kBadResync) {
      ResyncAfter(close);
      return;
    }
    if (o == Outcome::kBadResumed) {
      FlushSoftErrors();
      return;
    }
  } else if (IsPunct(lex_, t, '}')) {
    AddError(start, "yara-missing-condition",
             absl::StrCat("rule '", name,
                          "' has no condition: section (YARA requires one)"));
    FlushSoftErrors();
    return;
  } else if (t.kind == TokenKind::kEnd ||
             (t.kind == TokenKind::kIdentifier &&
              IsTopLevelWord(lex_.TextOf(t)) && lex_.AtLineStart(t.begin))) {
    AddError(open_brace.begin, "yara-unbalanced-braces",
             absl::StrCat("rule '", name,
                          "' is missing its closing '}' and "
                          "its condition: section"));
    FlushSoftErrors();
    lex_.Reset(t.begin);
    return;
  } else {
    Unexpected(t, IsWord(lex_, t, "meta") || IsWord(lex_, t, "strings")
                      ? "sections in the order meta:, strings:, condition:"
                      : "'meta:', 'strings:' or 'condition:'");
    ResyncAfter(t);
    return;
  }

  // The rule is complete; keep it only if nothing went wrong inside it.
  FlushSoftErrors();
  if (duplicate || out_->parsed.diagnostics.size() != diags_before) return;

  const absl::string_view text = lex_.text();
  cov::v1::Rule rule;
  rule.set_uid(current_uid_);
  rule.set_format(cov::v1::RULE_FORMAT_YARA);
  rule.set_source(Utf8Safe(file_.source));
  rule.set_file(path_);
  rule.set_line(pos_.At(start).line);
  rule.set_title(name);
  rule.set_enabled(true);
  rule.set_content_hash(Fnv1a64Hex(text.substr(start, close.end - start)));
  // The rule's text and the file's imports so far: enough to compile it
  // alone (server/scan). Non-UTF-8 text is not stored (proto3 strings).
  if (const absl::string_view body = text.substr(start, close.end - start);
      IsValidUtf8(body)) {
    rule.set_body(std::string(body));
  }
  for (const YaraDirective& d : out_->imports) {
    rule.add_yara_imports(d.argument);
  }

  std::vector<cov::v1::AttackRef> refs;
  for (const Token& tag : tags) {
    absl::string_view s = lex_.TextOf(tag);
    rule.add_yara_tags(std::string(s));
    // Only ID-shaped tags can be references; skip the line lookup otherwise.
    char c0 = absl::ascii_toupper(s[0]);
    if ((c0 == 'T' || c0 == 'S' || c0 == 'G') && s.size() >= 5 &&
        s.size() <= 9) {
      ExtractTagRef(s, pos_.At(tag.begin).line, &refs);
    }
  }
  std::string creation_date;
  for (MetaEntry& m : meta) {
    std::string value = Utf8Safe(m.value);
    ExtractMetaRefs(m.key, value, m.line, &refs);
    std::string key_lower = absl::AsciiStrToLower(m.key);
    if (key_lower == "author" && rule.author().empty()) {
      rule.set_author(value);
    } else if (key_lower == "date" && rule.date().empty()) {
      rule.set_date(value);
    } else if (key_lower == "creation_date" && creation_date.empty()) {
      creation_date = value;
    } else if ((key_lower == "modified" || key_lower == "last_modified") &&
               rule.modified().empty()) {
      rule.set_modified(value);
    } else if (IsReferenceKey(key_lower) && !value.empty()) {
      rule.add_references(value);
    }
    rule.add_yara_meta(absl::StrCat(m.key, "=", value));
  }
  if (rule.date().empty()) rule.set_date(creation_date);
  absl::flat_hash_set<std::pair<std::string, std::string>> seen_refs;
  for (cov::v1::AttackRef& r : refs) {
    if (seen_refs.insert({r.id(), r.kind()}).second) {
      *rule.add_attack_refs() = std::move(r);
    }
  }
  std::sort(condition_ids_.begin(), condition_ids_.end());
  condition_ids_.erase(
      std::unique(condition_ids_.begin(), condition_ids_.end()),
      condition_ids_.end());
  info.condition_identifiers = std::move(condition_ids_);
  condition_ids_.clear();
  if (info.is_private) rule.set_yara_private(true);
  out_->parsed.rules.push_back(std::move(rule));
  out_->rule_info.push_back(std::move(info));
}

FileParser::Outcome FileParser::ParseMeta(std::vector<MetaEntry>* meta,
                                          Token* next) {
  Token t = lex_.Next();
  if (!IsPunct(lex_, t, ':')) {
    *next = t;
    return Unexpected(t, "':' after 'meta'");
  }
  for (t = lex_.Next();; t = lex_.Next()) {
    if (t.kind != TokenKind::kIdentifier || IsYaraKeyword(lex_.TextOf(t)))
      break;
    MetaEntry entry;
    entry.key = lex_.TextOf(t);
    entry.line = pos_.At(t.begin).line;
    Token eq = lex_.Next();
    if (!IsPunct(lex_, eq, '=')) {
      *next = eq;
      return Unexpected(eq,
                        absl::StrCat("'=' after meta key '", entry.key, "'"));
    }
    Token v = lex_.Next();
    absl::string_view vt = lex_.TextOf(v);
    if (v.kind == TokenKind::kText) {
      entry.value = DecodeText(vt);
    } else if (v.kind == TokenKind::kNumber && !absl::StrContains(vt, '.')) {
      entry.value = std::string(vt);
    } else if (IsPunct(lex_, v, '-')) {
      Token num = lex_.Next();
      absl::string_view nt = lex_.TextOf(num);
      if (num.kind != TokenKind::kNumber || absl::StrContains(nt, '.')) {
        *next = num;
        return Unexpected(num, "an integer after '-'");
      }
      entry.value = absl::StrCat("-", nt);
    } else if (IsWord(lex_, v, "true") || IsWord(lex_, v, "false")) {
      entry.value = std::string(vt);
    } else {
      *next = v;
      return Unexpected(
          v, absl::StrCat("a string, integer or boolean as the value of meta "
                          "key '",
                          entry.key, "'"));
    }
    meta->push_back(std::move(entry));
  }
  *next = t;
  if (meta->empty()) {
    return Unexpected(t, "at least one 'key = value' entry after 'meta:'");
  }
  return Outcome::kOk;
}

FileParser::Outcome FileParser::ParseStrings(Token* next) {
  Token t = lex_.Next();
  if (!IsPunct(lex_, t, ':')) {
    *next = t;
    return Unexpected(t, "':' after 'strings'");
  }
  absl::flat_hash_set<absl::string_view> ids;
  int count = 0;
  t = lex_.Next();
  while (t.kind == TokenKind::kStringId) {
    absl::string_view id = lex_.TextOf(t);
    if (id.back() == '*') {
      *next = t;
      return Unexpected(t, "a string identifier without '*'");
    }
    if (id.size() > 1 && !ids.insert(id).second) {
      AddError(t.begin, "yara-duplicate-string-id",
               absl::StrCat("duplicate string identifier '", id, "'"));
    }
    Token eq = lex_.Next();
    if (!IsPunct(lex_, eq, '=')) {
      *next = eq;
      return Unexpected(eq, absl::StrCat("'=' after '", id, "'"));
    }
    Token v = lex_.Next();
    TokenKind value_kind = v.kind;
    if (IsPunct(lex_, v, '{')) {
      v = lex_.ScanHexString(v);
      value_kind = v.kind;
      if (v.kind == TokenKind::kError) {
        *next = v;
        return Unexpected(v, "");
      }
    } else if (v.kind != TokenKind::kText && v.kind != TokenKind::kRegex) {
      *next = v;
      return Unexpected(v, "a text string, hex string or regular expression");
    }
    ++count;
    Outcome o = ParseStringModifiers(value_kind, &t);
    if (o != Outcome::kOk) {
      *next = t;
      return o;
    }
  }
  *next = t;
  if (count == 0) {
    return Unexpected(t, "at least one string after 'strings:'");
  }
  return Outcome::kOk;
}

FileParser::Outcome FileParser::ParseStringModifiers(TokenKind value_kind,
                                                     Token* next) {
  absl::flat_hash_set<absl::string_view> seen;
  Token t = lex_.Next();
  for (; t.kind == TokenKind::kIdentifier; t = lex_.Next()) {
    absl::string_view m = lex_.TextOf(t);
    bool with_args = m == "xor" || m == "base64" || m == "base64wide";
    bool known = with_args || m == "nocase" || m == "wide" || m == "ascii" ||
                 m == "fullword" || m == "private";
    if (!known) break;  // e.g. `condition`; the caller decides
    if (!seen.insert(m).second) {
      AddError(t.begin, "yara-duplicate-modifier",
               absl::StrCat("duplicate string modifier '", m, "'"));
    }
    bool allowed = value_kind == TokenKind::kText ||
                   (value_kind == TokenKind::kRegex && !with_args) ||
                   (value_kind == TokenKind::kHexString && m == "private");
    if (!allowed) {
      AddError(
          t.begin, "yara-invalid-modifier",
          absl::StrCat("modifier '", m, "' cannot be used with a ",
                       value_kind == TokenKind::kRegex ? "regular expression"
                                                       : "hex string"));
    }
    if (with_args && IsPunct(lex_, lex_.Peek(), '(')) {
      lex_.Next();
      // xor(1), xor(0x01-0xff), base64("...alphabet...")
      Token a = lex_.Next();
      int args = 0;
      while (!IsPunct(lex_, a, ')')) {
        bool ok = a.kind == TokenKind::kNumber || a.kind == TokenKind::kText ||
                  IsPunct(lex_, a, '-');
        if (!ok) {
          *next = a;
          return Unexpected(
              a, absl::StrCat("')' to close the arguments of '", m, "'"));
        }
        ++args;
        a = lex_.Next();
      }
      if (args == 0) {
        *next = a;
        return Unexpected(a, absl::StrCat("an argument to '", m, "'"));
      }
    }
  }
  *next = t;
  return Outcome::kOk;
}

FileParser::Outcome FileParser::ParseCondition(const Token& open_brace,
                                               Token* close) {
  int count = 0;
  std::vector<Token> open_parens;
  bool parens_ok = true;  // false once a mismatch has been reported
  for (;;) {
    Token t = lex_.Next();
    *close = t;
    if (t.kind == TokenKind::kError) return Unexpected(t, "");
    if (t.kind == TokenKind::kEnd ||
        (t.kind == TokenKind::kIdentifier && IsTopLevelWord(lex_.TextOf(t)))) {
      // A rule cannot mention these words: the closing brace is missing.
      AddError(open_brace.begin, "yara-unbalanced-braces",
               t.kind == TokenKind::kEnd
                   ? std::string("rule body is missing its closing '}' (end "
                                 "of file reached)")
                   : absl::StrCat("rule body is missing its closing '}' ('",
                                  lex_.TextOf(t), "' at line ",
                                  pos_.At(t.begin).line,
                                  " starts a new statement)"));
      lex_.Reset(t.begin);
      return Outcome::kBadResumed;
    }
    if (t.kind == TokenKind::kIdentifier) {
      condition_ids_.emplace_back(lex_.TextOf(t));
    }
    if (t.kind == TokenKind::kPunct) {
      char c = lex_.text()[t.begin];
      if (c == '}') {
        if (count == 0) {
          Unexpected(t, "an expression after 'condition:'");
          return Outcome::kBadResumed;
        }
        if (parens_ok && !open_parens.empty()) {
          AddError(open_parens.back().begin, "yara-unbalanced-parentheses",
                   absl::StrCat("'", lex_.TextOf(open_parens.back()),
                                "' is never closed in the condition"));
          return Outcome::kBadResumed;
        }
        return parens_ok ? Outcome::kOk : Outcome::kBadResumed;
      }
      if (c == '{' || c == ';' || c == '\'' || c == '`' || c == '"' ||
          c == '?') {
        return Unexpected(t, "a condition expression");
      }
      if (!parens_ok) {
        // Reported once; the rest is only tokenised to find the rule's end.
      } else if (c == '(' || c == '[') {
        open_parens.push_back(t);
      } else if (c == ')' || c == ']') {
        char want = c == ')' ? '(' : '[';
        if (open_parens.empty() ||
            lex_.text()[open_parens.back().begin] != want) {
          AddError(t.begin, "yara-unbalanced-parentheses",
                   absl::StrCat("'", std::string(1, c),
                                "' does not close anything in the "
                                "condition"));
          parens_ok = false;
        } else {
          open_parens.pop_back();
        }
      }
    }
    ++count;
  }
}

}  // namespace

bool IsYaraKeyword(absl::string_view w) {
  static const auto* const kKeywords =
      new absl::flat_hash_set<absl::string_view>{
          "all",      "and",        "any",       "ascii",     "at",
          "base64",   "base64wide", "condition", "contains",  "defined",
          "endswith", "entrypoint", "false",     "filesize",  "for",
          "fullword", "global",     "icontains", "iendswith", "iequals",
          "import",   "in",         "include",   "int16",     "int16be",
          "int32",    "int32be",    "int8",      "int8be",    "istartswith",
          "matches",  "meta",       "nocase",    "none",      "not",
          "of",       "or",         "private",   "rule",      "startswith",
          "strings",  "them",       "true",      "uint16",    "uint16be",
          "uint32",   "uint32be",   "uint8",     "uint8be",   "wide",
          "xor"};
  return kKeywords->contains(w);
}

ParsedFile YaraParser::Parse(const SourceFile& file) const {
  return ParseDetailed(file).parsed;
}

namespace {

// Private rules: how many public rules of the file name each one.
void CountPrivateUses(YaraFile* out) {
  std::vector<cov::v1::Rule>& rules = out->parsed.rules;
  for (size_t i = 0; i < rules.size(); ++i) {
    if (!out->rule_info[i].is_private) continue;
    const std::string& name = rules[i].title();
    int used_by = 0;
    for (size_t j = 0; j < rules.size(); ++j) {
      const YaraRuleInfo& info = out->rule_info[j];
      if (j == i || info.is_private) continue;
      used_by += std::binary_search(info.condition_identifiers.begin(),
                                    info.condition_identifiers.end(), name);
    }
    rules[i].set_yara_used_by(used_by);
  }
}

// libyara's verdict on the whole file (see YaraParserOptions).
void CompileCheck(const SourceFile& file, YaraFile* out) {
  if (!out->includes.empty() || out->parsed.rules.empty()) return;
  // One checker for the process: it keeps a couple of warm compilers.
  static YaraCompileChecker* const checker = new YaraCompileChecker();
  std::vector<YaraMessage> errors;
  const std::string name = ToValidUtf8(file.path);
  const absl::Status compiled = checker->Check(file.content, name, &errors);
  if (compiled.ok()) return;
  std::string why;
  int line = 0;
  if (!errors.empty()) {
    line = errors[0].line;
    why = ToValidUtf8(errors[0].message);
    if (line > 0) absl::StrAppend(&why, " at line ", line);
  } else {
    why = ToValidUtf8(compiled.message());
  }
  const std::string reason = absl::StrCat("file does not compile: ", why);
  for (cov::v1::Rule& r : out->parsed.rules) {
    r.set_enabled(false);
    r.set_disabled_reason(reason);
  }
  // The parser's own errors already name what libyara rejects.
  for (const cov::v1::Diagnostic& d : out->parsed.diagnostics) {
    if (d.severity() == cov::v1::SEVERITY_ERROR) return;
  }
  out->parsed.diagnostics.push_back(MakeDiagnostic(
      cov::v1::SEVERITY_ERROR, name, line, 1, "yara-does-not-compile",
      absl::StrCat("libyara rejects the file (", why, "); its ",
                   out->parsed.rules.size(),
                   " rules never run and are disabled")));
}

}  // namespace

YaraFile YaraParser::ParseDetailed(const SourceFile& file) const {
  YaraFile out;
  FileParser(file, &out).Run();
  CountPrivateUses(&out);
  if (options_.compile_check) CompileCheck(file, &out);
  return out;
}

bool YaraParser::Accepts(absl::string_view path) const {
  return FormatReads(format(), path);
}

}  // namespace cov::ingest::yara
