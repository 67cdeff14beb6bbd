#include "ingest/events/internal/evtx_xml.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ingest/events/internal/normalize.h"

namespace cov::ingest::events::internal {
namespace {

constexpr absl::string_view kReplacement = "\xEF\xBF\xBD";
constexpr int kMaxDepth = 64;

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Appends `raw` with XML entities decoded.
void Unescape(absl::string_view raw, std::string* out) {
  size_t i = 0;
  while (i < raw.size()) {
    const size_t amp = raw.find('&', i);
    if (amp == absl::string_view::npos) {
      out->append(raw.data() + i, raw.size() - i);
      return;
    }
    out->append(raw.data() + i, amp - i);
    const size_t semi = raw.find(';', amp);
    const absl::string_view ent =
        semi == absl::string_view::npos || semi - amp > 12
            ? absl::string_view()
            : raw.substr(amp + 1, semi - amp - 1);
    bool ok = true;
    if (ent == "amp") {
      out->push_back('&');
    } else if (ent == "lt") {
      out->push_back('<');
    } else if (ent == "gt") {
      out->push_back('>');
    } else if (ent == "quot") {
      out->push_back('"');
    } else if (ent == "apos") {
      out->push_back('\'');
    } else if (ent.size() > 1 && ent[0] == '#') {
      uint32_t cp = 0;
      const bool hex = ent[1] == 'x' || ent[1] == 'X';
      for (size_t k = hex ? 2 : 1; k < ent.size() && ok; ++k) {
        const char c = ent[k];
        int d = -1;
        if (c >= '0' && c <= '9') d = c - '0';
        if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
        if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
        if (d < 0 || cp > 0x10FFFF) ok = false;
        cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(d < 0 ? 0 : d);
      }
      if (ok && cp <= 0x10FFFF) {
        AppendUtf8(cp, out);
      } else {
        ok = false;
      }
    } else {
      ok = false;
    }
    if (!ok) {  // not an entity: kept as written
      out->push_back('&');
      i = amp + 1;
    } else {
      i = semi + 1;
    }
  }
}

struct Attr {
  absl::string_view name;
  std::string value;
};

// One element being read.
struct Open {
  std::string name;
  std::vector<Attr> attrs;
  std::string text;
  bool has_child = false;
};

enum class Section { kNone, kSystem, kEventData, kUserData, kOther };

class Walker {
 public:
  Walker(EventBuilder& b, std::vector<std::string>* replaced)
      : b_(b), replaced_(replaced) {}

  absl::Status Run(absl::string_view xml) {
    size_t i = 0;
    while (i < xml.size()) {
      const size_t lt = xml.find('<', i);
      if (lt == absl::string_view::npos) break;
      if (lt > i && !stack_.empty()) {
        Unescape(xml.substr(i, lt - i), &stack_.back().text);
      }
      if (xml.substr(lt, 4) == "<!--") {
        const size_t end = xml.find("-->", lt);
        if (end == absl::string_view::npos) return Bad("unclosed comment");
        i = end + 3;
        continue;
      }
      if (xml.substr(lt, 9) == "<![CDATA[") {
        const size_t end = xml.find("]]>", lt);
        if (end == absl::string_view::npos) return Bad("unclosed CDATA");
        if (!stack_.empty()) {
          stack_.back().text.append(xml.data() + lt + 9, end - lt - 9);
        }
        i = end + 3;
        continue;
      }
      if (xml.substr(lt, 2) == "<?" || xml.substr(lt, 2) == "<!") {
        const size_t end = xml.find('>', lt);
        if (end == absl::string_view::npos) return Bad("unclosed declaration");
        i = end + 1;
        continue;
      }
      const size_t gt = FindTagEnd(xml, lt);
      if (gt == absl::string_view::npos) return Bad("unclosed tag");
      absl::string_view tag = xml.substr(lt + 1, gt - lt - 1);
      i = gt + 1;
      if (!tag.empty() && tag[0] == '/') {
        if (stack_.empty()) return Bad("unbalanced closing tag");
        Close();
        continue;
      }
      const bool self_closing = !tag.empty() && tag.back() == '/';
      if (self_closing) tag.remove_suffix(1);
      if (stack_.size() >= kMaxDepth) return Bad("elements nested too deep");
      if (!stack_.empty()) stack_.back().has_child = true;
      stack_.emplace_back();
      if (absl::Status s = ParseTag(tag, &stack_.back()); !s.ok()) return s;
      if (stack_.size() == 2) section_ = SectionOf(stack_.back().name);
      if (self_closing) Close();
    }
    if (!stack_.empty()) return Bad("elements not closed at end of record");
    return absl::OkStatus();
  }

 private:
  static absl::Status Bad(absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat("malformed XML: ", what));
  }

  static size_t FindTagEnd(absl::string_view xml, size_t lt) {
    char quote = 0;
    for (size_t k = lt + 1; k < xml.size(); ++k) {
      const char c = xml[k];
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        return k;
      }
    }
    return absl::string_view::npos;
  }

  static Section SectionOf(absl::string_view name) {
    if (name == "System") return Section::kSystem;
    if (name == "EventData") return Section::kEventData;
    if (name == "UserData") return Section::kUserData;
    return Section::kOther;
  }

  static bool IsSpace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  absl::Status ParseTag(absl::string_view tag, Open* e) {
    size_t k = 0;
    while (k < tag.size() && !IsSpace(tag[k])) ++k;
    e->name.assign(tag.data(), k);
    if (e->name.empty()) return Bad("empty element name");
    while (k < tag.size()) {
      while (k < tag.size() && IsSpace(tag[k])) ++k;
      if (k == tag.size()) break;
      const size_t eq = tag.find('=', k);
      if (eq == absl::string_view::npos || eq + 1 >= tag.size()) {
        return Bad("attribute without value");
      }
      const char quote = tag[eq + 1];
      if (quote != '"' && quote != '\'') return Bad("unquoted attribute");
      const size_t end = tag.find(quote, eq + 2);
      if (end == absl::string_view::npos) return Bad("unclosed attribute");
      Attr a;
      a.name = tag.substr(k, eq - k);
      while (!a.name.empty() && IsSpace(a.name.back())) a.name.remove_suffix(1);
      Unescape(tag.substr(eq + 2, end - eq - 2), &a.value);
      e->attrs.push_back(std::move(a));
      k = end + 1;
    }
    return absl::OkStatus();
  }

  static bool Blank(absl::string_view s) {
    for (char c : s) {
      if (!IsSpace(c)) return false;
    }
    return true;
  }

  // Values as evtx_dump (and so SigmaHQ's regression tooling) renders them:
  // surrounding white space trimmed, hex numbers without zero padding
  // (libevtx writes LogonId as 0x00000000003b5cb2, Windows as 0x3b5cb2).
  static absl::string_view Canonical(absl::string_view v) {
    while (!v.empty() && IsSpace(v.front())) v.remove_prefix(1);
    while (!v.empty() && IsSpace(v.back())) v.remove_suffix(1);
    if (v.size() > 3 && v[0] == '0' && v[1] == 'x' && v[2] == '0') {
      size_t k = 2;
      bool hex = true;
      for (size_t j = 2; j < v.size() && hex; ++j)
        hex = absl::ascii_isxdigit(v[j]);
      if (hex) {
        while (k + 1 < v.size() && v[k] == '0') ++k;
        canonical_hex_.assign("0x");
        canonical_hex_.append(v.data() + k, v.size() - k);
        return canonical_hex_;
      }
    }
    return v;
  }

  void Add(absl::string_view name, absl::string_view raw, bool is_null) {
    const absl::string_view value = Canonical(raw);
    if (value.empty()) is_null = true;
    if (b_.Add(name, value, is_null) != nullptr &&
        absl::StrContains(value, kReplacement)) {
      replaced_->emplace_back(name);
    }
  }

  void Close() {
    Open e = std::move(stack_.back());
    stack_.pop_back();
    const size_t depth = stack_.size() + 1;  // of `e`; Event is 1
    if (depth < 3) {
      if (depth == 2) {
        if (section_ == Section::kEventData && have_unnamed_) {
          Add("Data", unnamed_, false);
        }
        section_ = Section::kNone;
      }
      return;
    }
    const bool leaf = !e.has_child;
    const bool empty = Blank(e.text);
    switch (section_) {
      case Section::kSystem:
        for (const Attr& a : e.attrs) {
          Add(absl::StrCat(e.name, "_", a.name), a.value, false);
          if (e.name == "TimeCreated" && a.name == "SystemTime") {
            Add("TimeCreated", a.value, false);
          }
        }
        if (leaf && (!empty || e.attrs.empty())) Add(e.name, e.text, empty);
        break;
      case Section::kEventData:
        if (depth != 3 || !leaf) break;
        if (e.name == "Data") {
          absl::string_view name;
          for (const Attr& a : e.attrs) {
            if (a.name == "Name") name = a.value;
          }
          if (!name.empty()) {
            Add(name, e.text, e.text.empty());
          } else if (!e.text.empty()) {
            if (have_unnamed_) unnamed_.push_back(' ');
            unnamed_ += e.text;
            have_unnamed_ = true;
          }
        } else {
          Add(e.name, e.text, e.text.empty());
        }
        break;
      case Section::kUserData:
        if (leaf) Add(e.name, e.text, e.text.empty());
        break;
      default:
        break;
    }
  }

  static thread_local std::string canonical_hex_;
  EventBuilder& b_;
  std::vector<std::string>* replaced_;
  std::vector<Open> stack_;
  Section section_ = Section::kNone;
  std::string unnamed_;
  bool have_unnamed_ = false;
};

thread_local std::string Walker::canonical_hex_;

}  // namespace

absl::Status EvtxXmlToEvent(absl::string_view xml, EventBuilder& b,
                            std::vector<std::string>* replaced) {
  Walker w(b, replaced);
  absl::Status s = w.Run(xml);
  FinishWindowsEvent(b);
  return s;
}

}  // namespace cov::ingest::events::internal
