// Internal: one compiled test of a Sigma value against one event value, and
// the Sigma string transformations (wildcards and escapes, windash, base64,
// base64offset, UTF-16) that build it. Used by field_matcher only.
//
// A SigmaString is a sequence of bytes and wildcards: `*` (any run) and `?`
// (one byte); in rule text `\*`, `\?` and `\\` escape them and a `\` before
// any other character is a literal backslash (Sigma specification 2.0,
// "Wildcards and escaping"). Case-insensitive patterns hold ASCII-lowercased
// bytes and are matched against the ASCII-lowercased event value.
#ifndef COV_SERVER_ENGINE_SIGMA_EVAL_INTERNAL_PATTERN_H_
#define COV_SERVER_ENGINE_SIGMA_EVAL_INTERNAL_PATTERN_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "re2/re2.h"

namespace cov::server::engine::sigma_eval::internal {

// One element of a SigmaString: a byte (0..255) or a wildcard.
constexpr int16_t kAnyRun = -1;  // '*'
constexpr int16_t kAnyOne = -2;  // '?'
using SigmaString = std::vector<int16_t>;

// Rule text -> SigmaString with escapes resolved.
SigmaString ParseSigmaString(absl::string_view text);
// Bytes -> SigmaString without wildcards.
SigmaString Literal(absl::string_view bytes);
bool HasWildcards(const SigmaString& s);
// The bytes of a SigmaString without wildcards.
std::string PlainBytes(const SigmaString& s);

// windash: every '-' or '/' that starts a word (not preceded by a word
// character, followed by one) becomes each of - / U+2013 U+2014 U+2015; all
// combinations, at most `max_variants` (kInvalidArgument beyond).
absl::StatusOr<std::vector<SigmaString>> WindashVariants(const SigmaString& s,
                                                         size_t max_variants);
// UTF-8 -> UTF-16LE / UTF-16BE bytes (wildcards kept in place, each becoming
// a wildcard). kInvalidArgument on invalid UTF-8.
absl::StatusOr<SigmaString> ToUtf16(const SigmaString& s, bool big_endian);
std::string Base64(absl::string_view bytes);
// The three base64offset variants of `bytes` (pySigma/sigmac semantics).
std::vector<std::string> Base64OffsetVariants(absl::string_view bytes);

// A compiled test of one event value.
class ValuePattern {
 public:
  enum class Kind : uint8_t {
    kExact,
    kPrefix,
    kSuffix,
    kContains,
    kGlob,
    kRegex,
    kCidr,
    kLess,
    kLessEqual,
    kGreater,
    kGreaterEqual,
  };

  // From a SigmaString; `cased` keeps case (else the bytes are lowercased).
  static ValuePattern FromSigmaString(const SigmaString& s, bool cased);
  // RE2 with Sigma flags i, m, s. kInvalidArgument when it does not compile
  // or is longer than `max_bytes`.
  static absl::StatusOr<ValuePattern> Regex(absl::string_view re, bool i,
                                            bool m, bool s, size_t max_bytes);
  // IPv4 or IPv6 network "a.b.c.d/n", "x::/n" (a bare address is /32,
  // /128). kInvalidArgument otherwise.
  static absl::StatusOr<ValuePattern> Cidr(absl::string_view network);
  // Numeric comparison `event_value <op> number`.
  static absl::StatusOr<ValuePattern> Compare(Kind op,
                                              absl::string_view number);

  // `raw` is the event value, `lower` its ASCII-lowercased form.
  bool Match(absl::string_view raw, absl::string_view lower) const;

  // A lowercased byte string that every value this pattern matches contains
  // (ASCII-lowercased), or "" when there is none (cidr, comparisons, an
  // empty literal, a regex). For a glob, its longest literal run.
  std::string RequiredLiteral() const;
  // Appends lowercased byte strings one of which every value this pattern
  // matches contains (ASCII-lowercased); false (nothing appended) when there
  // are none. One string for literals and globs (RequiredLiteral); for a
  // regex, the atoms RE2's FilteredRE2 derives from it (its longest atom
  // when that one alone is required, else all of them), or none when an
  // atom is not ASCII (the prefilter folds ASCII case only) or the regex
  // can match without any (e.g. `a|.*`, atoms shorter than 3 bytes).
  bool RequiredLiterals(std::vector<std::string>* out) const;

  Kind kind() const { return kind_; }
  bool cased() const { return cased_; }
  const std::string& literal() const { return literal_; }

 private:
  bool GlobMatch(absl::string_view v) const;

  Kind kind_ = Kind::kExact;
  bool cased_ = false;
  std::string literal_;                   // exact/prefix/suffix/contains
  SigmaString glob_;                      // kGlob
  std::shared_ptr<const re2::RE2> re_;    // kRegex
  std::vector<std::string> re_literals_;  // kRegex: RequiredLiterals
  // kRegex of the form `.{N}`, `.{N,}`, `.{N,M}` or `(.){N,...}`
  // (unanchored: "a run of N characters", Sigma's long-command-line test):
  // N, answered by counting on ASCII values, since RE2 runs such counted
  // repetitions as a slow NFA (its DFA outgrows the memory bound). 0: none.
  int min_run_ = 0;
  bool dot_all_ = false;  // the `s` flag: `.` also matches a newline
  uint8_t net_[16] = {};  // kCidr
  int net_bits_ = 0;
  bool net_v6_ = false;
  double number_ = 0;  // comparisons
};

// Parses an IPv4/IPv6 address into 16 bytes (IPv4 in the first 4).
bool ParseIp(absl::string_view text, uint8_t out[16], bool* v6);

}  // namespace cov::server::engine::sigma_eval::internal

#endif  // COV_SERVER_ENGINE_SIGMA_EVAL_INTERNAL_PATTERN_H_
