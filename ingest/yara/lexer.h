// A hand-written tokeniser for the YARA rule language (libyara 4.x lexicon).
//
// It knows the lexical shape of every YARA construct so that strings,
// regular expressions, hex strings and comments are skipped exactly, whatever
// braces, quotes or slashes they contain; it knows nothing of the grammar.
// Three things follow libyara's lexer.l:
//   * `/` always opens a regular expression (YARA's division is `\`), which
//     ends at the first unescaped `/` (character classes are not special) and
//     may be followed by the flags `i`, `s` or `is`;
//   * text strings end at the first unescaped `"`, allow the escapes
//     \" \\ \n \t \r \xNN and may not span lines;
//   * `//` and `/* */` comments may appear anywhere between tokens.
// Hex strings are context dependent (`{` also opens a rule body), so the
// parser asks for one explicitly with ScanHexString() after `=`.
//
//   Lexer lex(text);
//   for (Token t = lex.Next(); t.kind != TokenKind::kEnd; t = lex.Next()) {
//     if (t.kind == TokenKind::kError) { ...lex.error()... }
//   }
//
// Single pass, O(n) over the input. Not thread-safe (holds a cursor); create
// one per parse.
#ifndef COV_INGEST_YARA_LEXER_H_
#define COV_INGEST_YARA_LEXER_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace cov::ingest::yara {

enum class TokenKind {
  kEnd,           // end of input
  kIdentifier,    // foo, rule, condition, uint32be (keywords included)
  kNumber,        // 12, 0x1F, 0o17, 10KB, 1.5
  kText,          // "..." (quotes included in the token text)
  kRegex,         // /.../is (slashes and flags included)
  kHexString,     // { ... } (only from ScanHexString)
  kStringId,      // $a, $, $a* (wildcards only valid in conditions)
  kStringCount,   // #a, #
  kStringOffset,  // @a, @
  kStringLength,  // !a (a lone `!` is a kPunct)
  kPunct,         // one printable ASCII character: { } ( ) [ ] = : , . - ...
  kError,         // a lexical error; see Lexer::error()
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  size_t begin = 0;  // offset of the first byte
  size_t end = 0;    // offset one past the last byte
};

// A lexical problem. `code` is a stable diagnostic code ("yara-...").
struct LexError {
  size_t offset = 0;
  std::string code;
  std::string message;
};

class Lexer {
 public:
  // `text` must outlive the lexer.
  explicit Lexer(absl::string_view text);

  // Returns the next token, skipping whitespace and comments. A fatal
  // lexical error (unterminated string/regex/comment, stray byte) returns a
  // kError token and sets error(); the cursor then sits past the bad input
  // (at the end of the line for strings and regexes, at the end of the file
  // for comments), so lexing can resume. Non-fatal problems (illegal escape
  // sequences) are appended to soft_errors() and the token is returned.
  Token Next();

  // Returns the token Next() will return, without consuming it.
  Token Peek();

  // Called right after Next() returned the `{` token at `open`: scans the
  // rest of a hex string, up to and including its `}`. Comments inside are
  // skipped. Returns a kHexString token spanning `{`..`}`, or kError:
  // yara-unterminated-hex-string (end of file, or a stray character that
  // starts a later line) or yara-invalid-hex-string (a stray character
  // elsewhere, or `{ }`). On a stray character the cursor stays on it.
  Token ScanHexString(const Token& open);

  // Text of a token.
  absl::string_view TextOf(const Token& t) const {
    return text_.substr(t.begin, t.end - t.begin);
  }

  // Moves the cursor to `offset` and drops any peeked token.
  void Reset(size_t offset);

  size_t pos() const { return has_peek_ ? peek_.begin : pos_; }
  absl::string_view text() const { return text_; }
  const LexError& error() const { return error_; }
  std::vector<LexError>& soft_errors() { return soft_errors_; }

  // True when only spaces/tabs precede `offset` on its line.
  bool AtLineStart(size_t offset) const;

 private:
  Token Lex();
  Token Fail(size_t begin, size_t end, absl::string_view code,
             std::string message);
  // Skips whitespace and comments; returns false (with an error token in
  // *err) on an unterminated block comment or a stray byte.
  bool SkipSpace(Token* err);
  Token LexText(size_t begin);
  Token LexRegex(size_t begin);

  absl::string_view text_;
  size_t pos_ = 0;
  bool has_peek_ = false;
  Token peek_;
  LexError error_;
  LexError peek_error_;
  std::vector<LexError> soft_errors_;
};

// Decodes the body of a kText token (quotes included) into the bytes it
// stands for. Illegal escapes are kept verbatim.
std::string DecodeText(absl::string_view quoted);

}  // namespace cov::ingest::yara

#endif  // COV_INGEST_YARA_LEXER_H_
