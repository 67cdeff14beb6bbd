#include "ingest/yara/lexer.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cov::ingest::yara {
namespace {

bool IsWordChar(char c) { return absl::ascii_isalnum(c) || c == '_'; }

bool IsHexBodyChar(char c) {
  switch (c) {
    case ' ':
    case '\t':
    case '\r':
    case '\n':
    case '?':
    case '~':  // "not" byte, YARA >= 4.3
    case '[':
    case ']':
    case '-':
    case '(':
    case ')':
    case '|':
      return true;
    default:
      return absl::ascii_isxdigit(c);
  }
}

// How a byte is shown in a message: printable ASCII as itself, else \xNN.
std::string Printable(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return std::string(1, c);
  return absl::StrFormat("\\x%02X", u);
}

}  // namespace

Lexer::Lexer(absl::string_view text) : text_(text) {}

void Lexer::Reset(size_t offset) {
  pos_ = offset < text_.size() ? offset : text_.size();
  has_peek_ = false;
}

bool Lexer::AtLineStart(size_t offset) const {
  while (offset > 0) {
    char c = text_[offset - 1];
    if (c == '\n') return true;
    if (c != ' ' && c != '\t') return false;
    --offset;
  }
  return true;
}

Token Lexer::Next() {
  if (has_peek_) {
    has_peek_ = false;
    error_ = peek_error_;
    return peek_;
  }
  return Lex();
}

Token Lexer::Peek() {
  if (!has_peek_) {
    LexError saved = error_;
    peek_ = Lex();
    peek_error_ = error_;
    error_ = std::move(saved);
    has_peek_ = true;
  }
  return peek_;
}

Token Lexer::Fail(size_t begin, size_t end, absl::string_view code,
                  std::string message) {
  error_.offset = begin;
  error_.code = std::string(code);
  error_.message = std::move(message);
  pos_ = end;
  Token t;
  t.kind = TokenKind::kError;
  t.begin = begin;
  t.end = end;
  return t;
}

bool Lexer::SkipSpace(Token* err) {
  const size_t n = text_.size();
  while (pos_ < n) {
    char c = text_[pos_];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++pos_;
    } else if (c == '/' && pos_ + 1 < n && text_[pos_ + 1] == '/') {
      size_t nl = text_.find('\n', pos_ + 2);
      pos_ = nl == absl::string_view::npos ? n : nl;
    } else if (c == '/' && pos_ + 1 < n && text_[pos_ + 1] == '*') {
      size_t close = text_.find("*/", pos_ + 2);
      if (close == absl::string_view::npos) {
        *err = Fail(pos_, n, "yara-unterminated-comment",
                    "unterminated /* comment");
        return false;
      }
      pos_ = close + 2;
    } else {
      break;
    }
  }
  return true;
}

Token Lexer::Lex() {
  Token err;
  if (!SkipSpace(&err)) return err;
  const size_t n = text_.size();
  Token t;
  t.begin = pos_;
  if (pos_ >= n) {
    t.kind = TokenKind::kEnd;
    t.end = n;
    return t;
  }
  const char c = text_[pos_];
  size_t i = pos_ + 1;
  if (absl::ascii_isalpha(c) || c == '_') {
    while (i < n && IsWordChar(text_[i])) ++i;
    t.kind = TokenKind::kIdentifier;
    if (i - pos_ > 128) {
      soft_errors_.push_back({pos_, "yara-identifier-too-long",
                              absl::StrCat("identifier is ", i - pos_,
                                           " characters long (YARA allows "
                                           "128)")});
    }
  } else if (absl::ascii_isdigit(c)) {
    t.kind = TokenKind::kNumber;
    if (c == '0' && i < n && (text_[i] == 'x' || text_[i] == 'X') &&
        i + 1 < n && absl::ascii_isxdigit(text_[i + 1])) {
      i += 1;
      while (i < n && absl::ascii_isxdigit(text_[i])) ++i;
    } else if (c == '0' && i < n && text_[i] == 'o' && i + 1 < n &&
               text_[i + 1] >= '0' && text_[i + 1] <= '7') {
      i += 1;
      while (i < n && text_[i] >= '0' && text_[i] <= '7') ++i;
    } else {
      while (i < n && absl::ascii_isdigit(text_[i])) ++i;
      // A fraction needs a digit after the dot: `1..2` is a range.
      if (i + 1 < n && text_[i] == '.' && absl::ascii_isdigit(text_[i + 1])) {
        i += 1;
        while (i < n && absl::ascii_isdigit(text_[i])) ++i;
      } else if (i + 1 < n && (text_[i] == 'K' || text_[i] == 'M') &&
                 text_[i + 1] == 'B') {
        i += 2;
      }
    }
  } else if (c == '"') {
    return LexText(pos_);
  } else if (c == '/') {
    return LexRegex(pos_);
  } else if (c == '$') {
    while (i < n && IsWordChar(text_[i])) ++i;
    if (i < n && text_[i] == '*') ++i;
    t.kind = TokenKind::kStringId;
  } else if (c == '#' || c == '@') {
    while (i < n && IsWordChar(text_[i])) ++i;
    t.kind = c == '#' ? TokenKind::kStringCount : TokenKind::kStringOffset;
  } else if (c == '!' && i < n && IsWordChar(text_[i])) {
    while (i < n && IsWordChar(text_[i])) ++i;
    t.kind = TokenKind::kStringLength;
  } else if (c > 0x20 && c < 0x7f) {
    t.kind = TokenKind::kPunct;
  } else {
    // Non-ASCII or control byte outside a string or comment: libyara stops
    // here. Skip a whole UTF-8 sequence so one character is one error.
    while (i < n && (static_cast<unsigned char>(text_[i]) & 0xC0) == 0x80) ++i;
    bool ascii = static_cast<unsigned char>(c) < 0x80;
    return Fail(pos_, i, "yara-unexpected-token",
                absl::StrCat("unexpected ",
                             ascii ? "control character '" : "non-ASCII byte '",
                             Printable(c),
                             "' outside a string, regular expression or "
                             "comment"));
  }
  t.end = i;
  pos_ = i;
  return t;
}

Token Lexer::LexText(size_t begin) {
  const size_t n = text_.size();
  size_t i = begin + 1;
  while (i < n) {
    char c = text_[i];
    if (c == '"') {
      pos_ = i + 1;
      return Token{TokenKind::kText, begin, i + 1};
    }
    if (c == '\n') break;
    if (c == '\\') {
      if (i + 1 >= n) break;
      char d = text_[i + 1];
      if (d == 't' || d == 'n' || d == 'r' || d == '"' || d == '\\') {
        i += 2;
      } else if (d == 'x' && i + 3 < n && absl::ascii_isxdigit(text_[i + 2]) &&
                 absl::ascii_isxdigit(text_[i + 3])) {
        i += 4;
      } else {
        if (d == '\n') break;  // a string cannot span lines
        soft_errors_.push_back(
            {i, "yara-invalid-escape",
             absl::StrCat("illegal escape sequence '\\", Printable(d),
                          "' in string (allowed: \\\" \\\\ \\n \\t \\r "
                          "\\xNN)")});
        i += 2;
      }
      continue;
    }
    ++i;
  }
  return Fail(begin, i, "yara-unterminated-string",
              "unterminated string (a string must close on the line it "
              "opens)");
}

Token Lexer::LexRegex(size_t begin) {
  const size_t n = text_.size();
  size_t i = begin + 1;
  while (i < n) {
    char c = text_[i];
    if (c == '\n') break;
    if (c == '\\') {
      if (i + 1 >= n || text_[i + 1] == '\n') break;
      i += 2;
      continue;
    }
    if (c == '/') {
      if (i == begin + 1) {
        // Unreachable in practice: `//` is a comment. Kept for safety.
        soft_errors_.push_back(
            {begin, "yara-empty-regex", "empty regular expression"});
      }
      ++i;
      // libyara accepts the flags `i`, `s` and `is`, in that order.
      if (i < n && text_[i] == 'i') ++i;
      if (i < n && text_[i] == 's') ++i;
      pos_ = i;
      return Token{TokenKind::kRegex, begin, i};
    }
    ++i;
  }
  return Fail(begin, i, "yara-unterminated-regex",
              "unterminated regular expression (a regular expression must "
              "close on the line it opens; escape a '/' inside it as '\\/')");
}

Token Lexer::ScanHexString(const Token& open) {
  has_peek_ = false;
  const size_t n = text_.size();
  size_t i = open.end;
  bool has_byte = false;
  while (i < n) {
    char c = text_[i];
    if (c == '}') {
      if (!has_byte) {
        return Fail(open.begin, i + 1, "yara-invalid-hex-string",
                    "empty hex string");
      }
      pos_ = i + 1;
      return Token{TokenKind::kHexString, open.begin, i + 1};
    }
    if (c == '/' && i + 1 < n && text_[i + 1] == '*') {
      size_t close = text_.find("*/", i + 2);
      if (close == absl::string_view::npos) break;
      i = close + 2;
      continue;
    }
    if (c == '/' && i + 1 < n && text_[i + 1] == '/') {
      size_t nl = text_.find('\n', i + 2);
      i = nl == absl::string_view::npos ? n : nl;
      continue;
    }
    if (!IsHexBodyChar(c)) {
      // A stray character that starts a later line means the string was
      // never closed (what follows is the next string, section or rule);
      // anywhere else it is a typo inside the hex string. Either way the
      // cursor stays on it, so a `rule` there is seen when resynchronising.
      // The character may sit inside a word that starts the line with hex
      // letters (`condition:` after `{ 4D 5A`): the string was never closed.
      size_t word = i;
      while (word > open.end &&
             (absl::ascii_isalnum(text_[word - 1]) || text_[word - 1] == '_')) {
        --word;
      }
      if (AtLineStart(word) && text_.find('\n', open.end) < word) {
        size_t word_end = i;
        while (word_end < n && (absl::ascii_isalnum(text_[word_end]) ||
                                text_[word_end] == '_')) {
          ++word_end;
        }
        const absl::string_view found =
            word_end > word ? text_.substr(word, word_end - word)
                            : absl::string_view(&text_[i], 1);
        Fail(open.begin, word, "yara-unterminated-hex-string",
             absl::StrCat("unterminated hex string (line ends without '}'; "
                          "found '",
                          word_end > word ? std::string(found) : Printable(c),
                          "' on a later line)"));
      } else {
        Fail(i, i, "yara-invalid-hex-string",
             absl::StrCat("character '", Printable(c),
                          "' cannot appear in a hex string"));
      }
      Token t;
      t.kind = TokenKind::kError;
      t.begin = open.begin;
      t.end = i;
      return t;
    }
    if (absl::ascii_isxdigit(c) || c == '?') has_byte = true;
    ++i;
  }
  return Fail(open.begin, n, "yara-unterminated-hex-string",
              "unterminated hex string (end of file before its closing '}')");
}

std::string DecodeText(absl::string_view quoted) {
  absl::string_view body = quoted;
  if (!body.empty() && body.front() == '"') body.remove_prefix(1);
  if (!body.empty() && body.back() == '"') body.remove_suffix(1);
  std::string out;
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c != '\\' || i + 1 >= body.size()) {
      out.push_back(c);
      continue;
    }
    char d = body[i + 1];
    switch (d) {
      case 't':
        out.push_back('\t');
        ++i;
        break;
      case 'n':
        out.push_back('\n');
        ++i;
        break;
      case 'r':
        out.push_back('\r');
        ++i;
        break;
      case '"':
      case '\\':
        out.push_back(d);
        ++i;
        break;
      case 'x':
        if (i + 3 < body.size() && absl::ascii_isxdigit(body[i + 2]) &&
            absl::ascii_isxdigit(body[i + 3])) {
          auto hex = [](char h) {
            return absl::ascii_isdigit(h) ? h - '0'
                                          : absl::ascii_tolower(h) - 'a' + 10;
          };
          out.push_back(
              static_cast<char>(hex(body[i + 2]) * 16 + hex(body[i + 3])));
          i += 3;
          break;
        }
        out.push_back(c);
        break;
      default:
        out.push_back(c);  // illegal escape: keep verbatim
        break;
    }
  }
  return out;
}

}  // namespace cov::ingest::yara
