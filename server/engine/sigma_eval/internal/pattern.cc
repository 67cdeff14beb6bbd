#include "server/engine/sigma_eval/internal/pattern.h"

#include <arpa/inet.h>

#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "re2/filtered_re2.h"

namespace cov::server::engine::sigma_eval::internal {
namespace {

// Literals one of which every match of `text` contains (see
// ValuePattern::RequiredLiterals); empty when there are none.
std::vector<std::string> RegexLiterals(const std::string& text,
                                       const RE2::Options& opt) {
  re2::FilteredRE2 filter(/*min_atom_len=*/3);
  int id = 0;
  if (filter.Add(text, opt, &id) != RE2::NoError) return {};
  std::vector<std::string> atoms;
  filter.Compile(&atoms);
  if (atoms.empty()) return {};
  for (const std::string& a : atoms) {
    for (const char c : a) {
      if (static_cast<unsigned char>(c) >= 0x80) return {};
    }
  }
  std::vector<int> present(atoms.size());
  for (size_t i = 0; i < atoms.size(); ++i) present[i] = static_cast<int>(i);
  std::vector<int> passed;
  // No atom present: the regex must be filtered out, else it needs none.
  filter.AllPotentials({}, &passed);
  if (!passed.empty()) return {};
  // The longest atom without which the regex cannot pass, if there is one.
  int best = -1;
  for (size_t i = 0; i < atoms.size(); ++i) {
    std::vector<int> others;
    for (size_t j = 0; j < atoms.size(); ++j) {
      if (j != i) others.push_back(static_cast<int>(j));
    }
    filter.AllPotentials(others, &passed);
    if (passed.empty() &&
        (best < 0 ||
         atoms[i].size() > atoms[static_cast<size_t>(best)].size())) {
      best = static_cast<int>(i);
    }
  }
  if (best >= 0) return {atoms[static_cast<size_t>(best)]};
  return atoms;
}

// N when `re` is `.{N}`, `.{N,}`, `.{N,M}` or the same with `(.)`, else 0.
int MinRunOf(absl::string_view re) {
  if (absl::ConsumePrefix(&re, "(.)") || absl::ConsumePrefix(&re, ".")) {
    if (!absl::ConsumePrefix(&re, "{") || !absl::ConsumeSuffix(&re, "}")) {
      return 0;
    }
    auto number = [](absl::string_view d, int* out) {
      if (d.empty() || d.size() > 6) return false;
      for (const char c : d) {
        if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
      }
      return absl::SimpleAtoi(d, out);
    };
    const absl::string_view n = re.substr(0, re.find(','));
    int min = 0;
    if (!number(n, &min)) return 0;
    if (n.size() < re.size()) {  // ",M" or ","
      const absl::string_view m = re.substr(n.size() + 1);
      int max = 0;
      if (!m.empty() && (!number(m, &max) || max < min)) return 0;
    }
    return min;
  }
  return 0;
}

// Whether `v` holds a run of `n` characters `.` matches (no newline unless
// `dot_all`). Sets *ascii = false, answering nothing, when `v` is not ASCII
// (a character is then not a byte: the caller asks RE2).
bool HasRun(absl::string_view v, int n, bool dot_all, bool* ascii) {
  *ascii = true;
  int run = 0;
  for (const char c : v) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      *ascii = false;
      return false;
    }
    run = (c == '\n' && !dot_all) ? 0 : run + 1;
    if (run >= n) return true;  // whatever follows
  }
  return false;
}

}  // namespace

SigmaString ParseSigmaString(absl::string_view text) {
  SigmaString out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size() &&
        (text[i + 1] == '*' || text[i + 1] == '?' || text[i + 1] == '\\')) {
      out.push_back(static_cast<uint8_t>(text[i + 1]));
      ++i;
    } else if (c == '*') {
      out.push_back(kAnyRun);
    } else if (c == '?') {
      out.push_back(kAnyOne);
    } else {
      out.push_back(static_cast<uint8_t>(c));
    }
  }
  return out;
}

SigmaString Literal(absl::string_view bytes) {
  SigmaString out;
  out.reserve(bytes.size());
  for (char c : bytes) out.push_back(static_cast<uint8_t>(c));
  return out;
}

bool HasWildcards(const SigmaString& s) {
  for (int16_t c : s) {
    if (c < 0) return true;
  }
  return false;
}

std::string PlainBytes(const SigmaString& s) {
  std::string out;
  out.reserve(s.size());
  for (int16_t c : s) {
    if (c >= 0) out.push_back(static_cast<char>(c));
  }
  return out;
}

namespace {

bool IsWordByte(int16_t c) {
  // Python's \w on str: letters, digits, underscore (and non-ASCII letters;
  // bytes >= 0x80 are parts of such characters here).
  return c >= 0x80 ||
         (c >= 0 && (absl::ascii_isalnum(static_cast<char>(c)) || c == '_'));
}

}  // namespace

absl::StatusOr<std::vector<SigmaString>> WindashVariants(const SigmaString& s,
                                                         size_t max_variants) {
  static const char* const kDashes[] = {"-", "/", "\xE2\x80\x93",
                                        "\xE2\x80\x94", "\xE2\x80\x95"};
  std::vector<size_t> spots;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '-' && s[i] != '/') continue;
    const bool word_before = i > 0 && IsWordByte(s[i - 1]);
    const bool word_after = i + 1 < s.size() && IsWordByte(s[i + 1]);
    if (!word_before && word_after) spots.push_back(i);
  }
  size_t total = 1;
  for (size_t k = 0; k < spots.size(); ++k) {
    total *= 5;
    if (total > max_variants) {
      return absl::InvalidArgumentError(absl::StrCat(
          "windash expands to more than ", max_variants, " variants"));
    }
  }
  std::vector<SigmaString> out;
  out.reserve(total);
  for (size_t n = 0; n < total; ++n) {
    SigmaString v;
    v.reserve(s.size() + 2 * spots.size());
    size_t code = n, next = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      if (next < spots.size() && spots[next] == i) {
        for (const char* p = kDashes[code % 5]; *p != 0; ++p) {
          v.push_back(static_cast<uint8_t>(*p));
        }
        code /= 5;
        ++next;
      } else {
        v.push_back(s[i]);
      }
    }
    out.push_back(std::move(v));
  }
  return out;
}

absl::StatusOr<SigmaString> ToUtf16(const SigmaString& s, bool big_endian) {
  SigmaString out;
  auto emit = [&](uint32_t unit) {
    const int16_t hi = static_cast<int16_t>((unit >> 8) & 0xFF);
    const int16_t lo = static_cast<int16_t>(unit & 0xFF);
    if (big_endian) {
      out.push_back(hi);
      out.push_back(lo);
    } else {
      out.push_back(lo);
      out.push_back(hi);
    }
  };
  for (size_t i = 0; i < s.size();) {
    const int16_t c = s[i];
    if (c < 0) {
      out.push_back(c);
      ++i;
      continue;
    }
    uint32_t cp = 0;
    int len = 0;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F;
      len = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F;
      len = 3;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07;
      len = 4;
    } else {
      return absl::InvalidArgumentError("value is not valid UTF-8");
    }
    if (i + len > s.size()) {
      return absl::InvalidArgumentError("value is not valid UTF-8");
    }
    for (int k = 1; k < len; ++k) {
      const int16_t cc = s[i + k];
      if (cc < 0 || (cc & 0xC0) != 0x80) {
        return absl::InvalidArgumentError("value is not valid UTF-8");
      }
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      emit(0xD800 + (cp >> 10));
      emit(0xDC00 + (cp & 0x3FF));
    } else {
      emit(cp);
    }
    i += len;
  }
  return out;
}

std::string Base64(absl::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t v = (static_cast<uint8_t>(in[i]) << 16) |
                       (static_cast<uint8_t>(in[i + 1]) << 8) |
                       static_cast<uint8_t>(in[i + 2]);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  if (i + 1 == in.size()) {
    const uint32_t v = static_cast<uint8_t>(in[i]) << 16;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.append("==");
  } else if (i + 2 == in.size()) {
    const uint32_t v = (static_cast<uint8_t>(in[i]) << 16) |
                       (static_cast<uint8_t>(in[i + 1]) << 8);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

std::vector<std::string> Base64OffsetVariants(absl::string_view bytes) {
  // pySigma: b64encode(i * b" " + value)[start[i] : end[(len + i) % 3]]
  // with start = (0, 2, 3) and end = (None, -3, -2).
  static constexpr size_t kStart[] = {0, 2, 3};
  static constexpr size_t kEndTrim[] = {0, 3, 2};
  std::vector<std::string> out;
  for (size_t i = 0; i < 3; ++i) {
    const std::string enc = Base64(absl::StrCat(std::string(i, ' '), bytes));
    const size_t trim = kEndTrim[(bytes.size() + i) % 3];
    if (enc.size() < kStart[i] + trim) {
      out.push_back("");
      continue;
    }
    out.push_back(enc.substr(kStart[i], enc.size() - kStart[i] - trim));
  }
  return out;
}

ValuePattern ValuePattern::FromSigmaString(const SigmaString& s, bool cased) {
  ValuePattern p;
  p.cased_ = cased;
  SigmaString v = s;
  if (!cased) {
    for (int16_t& c : v) {
      if (c >= 'A' && c <= 'Z') c = static_cast<int16_t>(c - 'A' + 'a');
    }
  }
  // Collapse runs of '*'.
  SigmaString norm;
  norm.reserve(v.size());
  for (int16_t c : v) {
    if (c == kAnyRun && !norm.empty() && norm.back() == kAnyRun) continue;
    norm.push_back(c);
  }
  bool inner_wild = false;
  for (size_t i = 0; i < norm.size(); ++i) {
    const bool edge = i == 0 || i + 1 == norm.size();
    if (norm[i] == kAnyOne || (norm[i] == kAnyRun && !edge)) inner_wild = true;
  }
  if (inner_wild) {
    p.kind_ = Kind::kGlob;
    p.glob_ = std::move(norm);
    return p;
  }
  const bool lead = !norm.empty() && norm.front() == kAnyRun;
  const bool trail = norm.size() > (lead ? 1u : 0u) && norm.back() == kAnyRun;
  p.literal_ = PlainBytes(norm);
  if (lead && trail) {
    p.kind_ = Kind::kContains;
  } else if (lead) {
    p.kind_ = Kind::kSuffix;
  } else if (trail) {
    p.kind_ = Kind::kPrefix;
  } else {
    p.kind_ = Kind::kExact;
  }
  if (lead && norm.size() == 1) p.kind_ = Kind::kContains;  // "*": anything
  return p;
}

absl::StatusOr<ValuePattern> ValuePattern::Regex(absl::string_view re, bool i,
                                                 bool m, bool s,
                                                 size_t max_bytes) {
  if (re.size() > max_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("regular expression is ", re.size(),
                     " bytes; the limit is ", max_bytes));
  }
  std::string flags;
  if (i) flags += 'i';
  if (m) flags += 'm';
  if (s) flags += 's';
  const std::string text =
      flags.empty() ? std::string(re) : absl::StrCat("(?", flags, ")", re);
  RE2::Options opt;
  opt.set_log_errors(false);
  opt.set_max_mem(8 << 20);
  auto compiled = std::make_shared<const re2::RE2>(text, opt);
  if (!compiled->ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("regular expression '", re,
                     "' does not compile (RE2 syntax): ", compiled->error()));
  }
  ValuePattern p;
  p.kind_ = Kind::kRegex;
  p.cased_ = true;
  p.re_ = std::move(compiled);
  p.re_literals_ = RegexLiterals(text, opt);
  p.min_run_ = MinRunOf(re);
  p.dot_all_ = s;
  return p;
}

bool ParseIp(absl::string_view text, uint8_t out[16], bool* v6) {
  char buf[64];
  if (text.size() >= sizeof(buf)) return false;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = 0;
  std::memset(out, 0, 16);
  if (inet_pton(AF_INET, buf, out) == 1) {
    *v6 = false;
    return true;
  }
  if (inet_pton(AF_INET6, buf, out) == 1) {
    *v6 = true;
    return true;
  }
  return false;
}

absl::StatusOr<ValuePattern> ValuePattern::Cidr(absl::string_view network) {
  absl::string_view addr = network;
  int bits = -1;
  if (size_t slash = network.find('/'); slash != absl::string_view::npos) {
    addr = network.substr(0, slash);
    if (!absl::SimpleAtoi(network.substr(slash + 1), &bits)) bits = -2;
  }
  ValuePattern p;
  p.kind_ = Kind::kCidr;
  if (!ParseIp(addr, p.net_, &p.net_v6_) || bits < -1 ||
      bits > (p.net_v6_ ? 128 : 32)) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", network, "' is not an IPv4 or IPv6 network"));
  }
  p.net_bits_ = bits == -1 ? (p.net_v6_ ? 128 : 32) : bits;
  return p;
}

absl::StatusOr<ValuePattern> ValuePattern::Compare(Kind op,
                                                   absl::string_view number) {
  ValuePattern p;
  p.kind_ = op;
  if (!absl::SimpleAtod(number, &p.number_)) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", number, "' is not a number"));
  }
  return p;
}

std::string ValuePattern::RequiredLiteral() const {
  std::string out;
  switch (kind_) {
    case Kind::kExact:
    case Kind::kPrefix:
    case Kind::kSuffix:
    case Kind::kContains:
      out = literal_;
      break;
    case Kind::kGlob: {
      size_t best_start = 0, best_len = 0;
      for (size_t i = 0; i < glob_.size();) {
        if (glob_[i] < 0) {
          ++i;
          continue;
        }
        size_t j = i;
        while (j < glob_.size() && glob_[j] >= 0) ++j;
        if (j - i > best_len) {
          best_start = i;
          best_len = j - i;
        }
        i = j;
      }
      for (size_t i = best_start; i < best_start + best_len; ++i) {
        out.push_back(static_cast<char>(glob_[i]));
      }
      break;
    }
    default:
      return out;
  }
  absl::AsciiStrToLower(&out);
  return out;
}

bool ValuePattern::RequiredLiterals(std::vector<std::string>* out) const {
  if (kind_ == Kind::kRegex) {
    out->insert(out->end(), re_literals_.begin(), re_literals_.end());
    return !re_literals_.empty();
  }
  std::string lit = RequiredLiteral();
  if (lit.empty()) return false;
  out->push_back(std::move(lit));
  return true;
}

bool ValuePattern::GlobMatch(absl::string_view v) const {
  // Iterative wildcard match with one backtrack point per '*': O(n*m) worst
  // case, patterns are capped in size.
  const SigmaString& g = glob_;
  size_t pi = 0, vi = 0, star = SIZE_MAX, mark = 0;
  while (vi < v.size()) {
    if (pi < g.size() &&
        (g[pi] == kAnyOne || (g[pi] >= 0 && static_cast<uint8_t>(v[vi]) ==
                                                static_cast<uint8_t>(g[pi])))) {
      ++pi;
      ++vi;
    } else if (pi < g.size() && g[pi] == kAnyRun) {
      star = pi++;
      mark = vi;
    } else if (star != SIZE_MAX) {
      pi = star + 1;
      vi = ++mark;
    } else {
      return false;
    }
  }
  while (pi < g.size() && g[pi] == kAnyRun) ++pi;
  return pi == g.size();
}

bool ValuePattern::Match(absl::string_view raw, absl::string_view lower) const {
  const absl::string_view v = cased_ ? raw : lower;
  switch (kind_) {
    case Kind::kExact:
      return v == literal_;
    case Kind::kPrefix:
      return absl::StartsWith(v, literal_);
    case Kind::kSuffix:
      return absl::EndsWith(v, literal_);
    case Kind::kContains:
      return absl::StrContains(v, literal_);
    case Kind::kGlob:
      return GlobMatch(v);
    case Kind::kRegex:
      if (min_run_ > 0) {
        bool ascii = true;
        const bool found = HasRun(raw, min_run_, dot_all_, &ascii);
        if (found || ascii) return found;
      }
      return RE2::PartialMatch(re2::StringPiece(raw.data(), raw.size()), *re_);
    case Kind::kCidr: {
      uint8_t ip[16];
      bool v6 = false;
      if (!ParseIp(raw, ip, &v6) || v6 != net_v6_) return false;
      const int full = net_bits_ / 8, rest = net_bits_ % 8;
      if (std::memcmp(ip, net_, full) != 0) return false;
      if (rest == 0) return true;
      const uint8_t mask = static_cast<uint8_t>(0xFF << (8 - rest));
      return (ip[full] & mask) == (net_[full] & mask);
    }
    case Kind::kLess:
    case Kind::kLessEqual:
    case Kind::kGreater:
    case Kind::kGreaterEqual: {
      double d = 0;
      if (!absl::SimpleAtod(raw, &d)) return false;
      if (kind_ == Kind::kLess) return d < number_;
      if (kind_ == Kind::kLessEqual) return d <= number_;
      if (kind_ == Kind::kGreater) return d > number_;
      return d >= number_;
    }
  }
  return false;
}

}  // namespace cov::server::engine::sigma_eval::internal
