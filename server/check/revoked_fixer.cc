#include "server/check/revoked_fixer.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "ingest/sigma/attack_tags.h"

namespace cov::server::check {
namespace {

using Span = std::pair<size_t, size_t>;  // [begin, end) offsets in the file

bool IsWordChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_';
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

bool IsUrlRef(absl::string_view raw) {
  constexpr absl::string_view kHost = "attack.mitre.org/";
  for (size_t i = 0; i + kHost.size() <= raw.size(); ++i) {
    if (absl::EqualsIgnoreCase(raw.substr(i, kHost.size()), kHost)) {
      return true;
    }
  }
  return false;
}

// Offsets of the start of every line, plus one past the end.
class Lines {
 public:
  explicit Lines(absl::string_view text) : text_(text) {
    starts_.push_back(0);
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') starts_.push_back(i + 1);
    }
    if (starts_.back() != text.size()) starts_.push_back(text.size());
  }
  int count() const { return static_cast<int>(starts_.size()) - 1; }
  // Line `n` (1-based) without its "\n" or "\r\n".
  Span Get(int n) const {
    size_t b = starts_[n - 1], e = starts_[n];
    if (e > b && text_[e - 1] == '\n') --e;
    if (e > b && text_[e - 1] == '\r') --e;
    return {b, e};
  }

 private:
  absl::string_view text_;
  std::vector<size_t> starts_;
};

// True when text[pos, pos + len) is a whole token: no word character (nor
// `.`, `-`, or `/` unless the token is a URL) right before it, and nothing
// after it that would continue an ID (a word character, or `.`/`-`/`/`
// followed by an alphanumeric, as in `T1086.001`).
bool IsWholeToken(absl::string_view text, size_t pos, size_t len, bool url) {
  if (pos > 0) {
    const char c = text[pos - 1];
    if (IsWordChar(c) || c == '.' || c == '-' || (!url && c == '/')) {
      return false;
    }
  }
  const size_t end = pos + len;
  if (end < text.size()) {
    const char c = text[end];
    if (IsWordChar(c)) return false;
    if ((c == '.' || c == '-' || c == '/') && end + 1 < text.size() &&
        absl::ascii_isalnum(static_cast<unsigned char>(text[end + 1]))) {
      return false;
    }
  }
  return true;
}

// Whole-token occurrences of `raw` inside `region` (offsets in `text`).
void FindTokens(absl::string_view text, Span region, absl::string_view raw,
                std::vector<size_t>* out) {
  if (raw.empty()) return;
  const bool url = IsUrlRef(raw);
  // Boundaries look at the whole text, so a token cut by the region's edge
  // is not taken for a whole one.
  absl::string_view hay = text.substr(0, region.second);
  size_t at = region.first;
  while ((at = hay.find(raw, at)) != absl::string_view::npos) {
    if (IsWholeToken(text, at, raw.size(), url)) out->push_back(at);
    at += raw.size();
  }
}

// Sigma: the line up to its YAML comment (`#` at the start or after a blank,
// outside a quoted scalar).
Span SigmaRegion(absl::string_view text, Span line) {
  char quote = 0;
  for (size_t i = line.first; i < line.second; ++i) {
    const char c = text[i];
    if (quote == '\'') {
      if (c == '\'') {
        if (i + 1 < line.second && text[i + 1] == '\'') {
          ++i;  // '' is an escaped quote
        } else {
          quote = 0;
        }
      }
      continue;
    }
    if (quote == '"') {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        quote = 0;
      }
      continue;
    }
    const bool at_token_start =
        i == line.first || absl::string_view(" \t[{,-").find(text[i - 1]) !=
                               absl::string_view::npos;
    if ((c == '\'' || c == '"') && at_token_start) {
      quote = c;
    } else if (c == '#' && (i == line.first || IsBlank(text[i - 1]))) {
      return {line.first, i};
    }
  }
  return {line.first, line.second};
}

// Suricata: the `metadata:` options of the line (up to their `;`), so text
// in `msg` or `content` is never touched. A line with none (the metadata of
// a rule continued with `\`) is searched whole.
std::vector<Span> SuricataMetadataRegions(absl::string_view text, Span line) {
  constexpr absl::string_view kKey = "metadata";
  std::vector<Span> out;
  char quote = 0;
  for (size_t i = line.first; i < line.second; ++i) {
    const char c = text[i];
    if (quote != 0) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        quote = 0;
      }
      continue;
    }
    if (c == '"') {
      quote = c;
      continue;
    }
    if (i + kKey.size() > line.second ||
        !absl::EqualsIgnoreCase(text.substr(i, kKey.size()), kKey)) {
      continue;
    }
    // An option name: after '(' or ';' (blanks between), then ':'.
    size_t b = i;
    while (b > line.first && IsBlank(text[b - 1])) --b;
    if (b > line.first && text[b - 1] != '(' && text[b - 1] != ';') continue;
    size_t p = i + kKey.size();
    while (p < line.second && IsBlank(text[p])) ++p;
    if (p >= line.second || text[p] != ':') continue;
    size_t e = p;
    while (e < line.second && text[e] != ';') ++e;
    out.push_back({p + 1, e});
    i = e;
  }
  if (out.empty()) out.push_back(line);
  return out;
}

// Suricata: occurrences of `raw` as the value right after metadata key `key`
// (any case): `key<blanks>raw` up to `,`, `;` or the end of the region.
void SuricataTokens(absl::string_view text, Span line, absl::string_view key,
                    absl::string_view raw, std::vector<size_t>* out) {
  if (key.empty() || raw.empty()) return;
  for (size_t i = line.first; i + key.size() <= line.second; ++i) {
    if (!absl::EqualsIgnoreCase(text.substr(i, key.size()), key)) continue;
    if (i > line.first && IsWordChar(text[i - 1])) continue;
    size_t v = i + key.size();
    if (v >= line.second || !IsBlank(text[v])) continue;
    while (v < line.second && IsBlank(text[v])) ++v;
    size_t e = v;
    while (e < line.second && text[e] != ',' && text[e] != ';') ++e;
    while (e > v && IsBlank(text[e - 1])) --e;
    if (text.substr(v, e - v) == raw) out->push_back(v);
  }
}

// YARA: the contents of the string after `key =` on the line (key as written,
// case-sensitive like YARA identifiers).
std::vector<Span> YaraMetaRegions(absl::string_view text, Span line,
                                  absl::string_view key) {
  std::vector<Span> out;
  if (key.empty()) return out;
  absl::string_view l = text.substr(0, line.second);
  size_t at = line.first;
  while ((at = l.find(key, at)) != absl::string_view::npos) {
    const size_t key_at = at;
    at += key.size();
    if ((key_at > line.first && IsWordChar(text[key_at - 1])) ||
        (at < line.second && IsWordChar(text[at]))) {
      continue;
    }
    size_t p = at;
    while (p < line.second && IsBlank(text[p])) ++p;
    if (p >= line.second || text[p] != '=') continue;
    ++p;
    while (p < line.second && IsBlank(text[p])) ++p;
    if (p >= line.second || text[p] != '"') continue;
    const size_t begin = ++p;
    while (p < line.second && text[p] != '"') p += text[p] == '\\' ? 2 : 1;
    out.push_back({begin, std::min(p, line.second)});
    at = p;
  }
  return out;
}

// YARA tags: the line after the rule's `:` (when the line has one) and
// before `{` or a comment.
Span YaraTagRegion(absl::string_view text, Span line) {
  size_t begin = line.first, end = line.second;
  for (size_t i = line.first; i < line.second; ++i) {
    const char c = text[i];
    if (c == '{' || c == '"' ||
        (c == '/' && i + 1 < line.second &&
         (text[i + 1] == '/' || text[i + 1] == '*'))) {
      end = i;
      break;
    }
  }
  for (size_t i = line.first; i < end; ++i) {
    if (text[i] == ':') {
      begin = i + 1;
      break;
    }
  }
  return {begin, end};
}

// An ID as written: `T1059.001` -> letters "T", number "1059", separator
// '.', sub "001".
struct WrittenId {
  std::string prefix;     // text before the ID ("attack.", a URL up to '/')
  bool lower = false;     // written in lower case
  char sep = 0;           // sub-technique separator written, 0 when none
  bool bare_sub = false;  // only a sub-technique number ("001", ".001")
  char bare_sep = 0;      // the separator before a bare number
};

WrittenId ParseWritten(absl::string_view raw) {
  WrittenId w;
  absl::string_view id = raw;
  if (IsUrlRef(raw)) {
    // ".../techniques/T1059/001": the ID starts after the section's slash.
    std::string lower = absl::AsciiStrToLower(raw);
    size_t host = lower.find("attack.mitre.org/");
    size_t slash = lower.find('/', host + 17);
    if (slash != std::string::npos) {
      w.prefix = std::string(raw.substr(0, slash + 1));
      id = raw.substr(slash + 1);
    }
  } else if (raw.size() > 7 && absl::StartsWithIgnoreCase(raw, "attack.")) {
    w.prefix = std::string(raw.substr(0, 7));
    id = raw.substr(7);
  }
  const auto digits = [](absl::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
      return absl::ascii_isdigit(static_cast<unsigned char>(c));
    });
  };
  if ((id.size() == 3 && digits(id)) ||
      (id.size() == 4 && (id[0] == '.' || id[0] == '_') &&
       digits(id.substr(1)))) {
    w.bare_sub = true;
    w.bare_sep = id.size() == 4 ? id[0] : 0;
    return w;
  }
  for (char c : id) {
    if (absl::ascii_isalpha(static_cast<unsigned char>(c))) {
      w.lower = absl::ascii_islower(static_cast<unsigned char>(c));
      break;
    }
  }
  // T####<sep>###
  if (id.size() == 9 && (id[5] == '.' || id[5] == '_' || id[5] == '/')) {
    w.sep = id[5];
  }
  return w;
}

// True when an ID of the rule is written with `_` before the sub-technique
// number (T1059_001): new IDs then follow that style.
bool UsesUnderscore(const cov::v1::Rule& rule) {
  for (const auto& r : rule.attack_refs()) {
    absl::string_view raw = r.raw();
    for (size_t i = 0; i + 9 <= raw.size(); ++i) {
      if ((raw[i] == 'T' || raw[i] == 't') && raw[i + 5] == '_' &&
          absl::ascii_isdigit(static_cast<unsigned char>(raw[i + 4])) &&
          absl::ascii_isdigit(static_cast<unsigned char>(raw[i + 6]))) {
        return true;
      }
    }
  }
  return false;
}

enum class Place {
  kSigmaTag,
  kSuricataMeta,
  kYaraMeta,
  kYaraTag,
  kYamlItem,  // Splunk mitre_attack_id / Sentinel relevantTechniques items
  kTomlId,    // Elastic `id = "T1086"` of a threat technique table
  kUnknown
};

Place PlaceOf(cov::v1::RuleFormat format, absl::string_view origin) {
  switch (format) {
    case cov::v1::RULE_FORMAT_SIGMA:
      return origin == "tags" ? Place::kSigmaTag : Place::kUnknown;
    case cov::v1::RULE_FORMAT_SURICATA:
      return absl::StartsWith(origin, "metadata:") ? Place::kSuricataMeta
                                                   : Place::kUnknown;
    case cov::v1::RULE_FORMAT_YARA:
      if (origin == "tag") return Place::kYaraTag;
      return absl::StartsWith(origin, "meta:") ? Place::kYaraMeta
                                               : Place::kUnknown;
    case cov::v1::RULE_FORMAT_SPLUNK:
      return origin == "tags.mitre_attack_id" ? Place::kYamlItem
                                              : Place::kUnknown;
    case cov::v1::RULE_FORMAT_SENTINEL:
      return origin == "relevantTechniques" || origin == "techniques"
                 ? Place::kYamlItem
                 : Place::kUnknown;
    case cov::v1::RULE_FORMAT_ELASTIC:
      return origin == "rule.threat.technique" ||
                     origin == "rule.threat.technique.subtechnique"
                 ? Place::kTomlId
                 : Place::kUnknown;
    default:
      return Place::kUnknown;
  }
}

// The replacement text for `raw` (see the file comment). `note` receives a
// remark when the spelling had to change shape.
std::string Replacement(absl::string_view raw, const cov::v1::AttackRef& ref,
                        Place place, bool underscore_style, std::string* note) {
  const WrittenId w = ParseWritten(raw);
  const std::string& to = ref.resolved_id();  // canonical, e.g. T1059.001
  const size_t dot = to.find('.');
  const std::string base = to.substr(0, dot);
  const std::string sub = dot == std::string::npos ? "" : to.substr(dot + 1);
  if (w.bare_sub) {
    // Suricata mitre_subtechnique_id written as a number of the parent.
    if (!sub.empty() && ref.id().size() >= 5 &&
        absl::EqualsIgnoreCase(base, ref.id().substr(0, 5))) {
      return w.bare_sep != 0 ? absl::StrCat(std::string(1, w.bare_sep), sub)
                             : sub;
    }
    *note = absl::StrCat("written in full: ", to, " is not a sub-technique of ",
                         ref.id().substr(0, 5));
    return to;
  }
  char sep = w.sep;
  if (sep == 0) {
    if (!w.prefix.empty() && IsUrlRef(w.prefix)) {
      sep = '/';
    } else if (place == Place::kYaraTag) {
      sep = '_';  // YARA identifiers cannot hold '.'
    } else if (place == Place::kYaraMeta && underscore_style) {
      sep = '_';
    } else {
      sep = '.';
    }
  }
  if (place == Place::kYaraTag) sep = '_';
  std::string id =
      sub.empty() ? base : absl::StrCat(base, std::string(1, sep), sub);
  if (w.lower) absl::AsciiStrToLower(&id);
  return absl::StrCat(w.prefix, id);
}

struct Edit {
  size_t offset;
  size_t length;
  std::string replacement;
  int line;
  std::string path;
  std::string before;
  std::string note;
};

// A remark when the rule already references the replacement elsewhere.
std::string DuplicateNote(const cov::v1::Rule& rule, int self) {
  const cov::v1::AttackRef& ref = rule.attack_refs(self);
  for (int i = 0; i < rule.attack_refs_size(); ++i) {
    if (i == self) continue;
    const cov::v1::AttackRef& o = rule.attack_refs(i);
    if (o.kind() != ref.kind()) continue;
    const bool same_id = absl::EqualsIgnoreCase(o.id(), ref.resolved_id());
    const bool same_target =
        o.status() == cov::v1::REF_STATUS_REVOKED &&
        absl::EqualsIgnoreCase(o.resolved_id(), ref.resolved_id());
    if (!same_id && !same_target) continue;
    return absl::StrCat(ref.resolved_id(), " is already referenced by rule ",
                        rule.uid(), " ('", o.raw(), "'",
                        o.line() > 0 ? absl::StrCat(", line ", o.line()) : "",
                        same_id ? "" : ", also revoked and replaced by it",
                        "); the rule now names it twice");
  }
  return "";
}

std::string Where(const cov::v1::Rule& rule, int line) {
  return absl::StrCat(rule.file().empty() ? "<input>" : rule.file(), ":", line);
}

}  // namespace

FixResult FixRevokedIds(absl::string_view content, cov::v1::RuleFormat format,
                        const std::vector<cov::v1::Rule>& parsed_rules) {
  FixResult result;
  const Lines lines(content);
  std::vector<Edit> edits;
  absl::flat_hash_map<size_t, size_t> edit_at;  // offset -> index in edits
  std::vector<size_t> found;
  for (const cov::v1::Rule& rule : parsed_rules) {
    const cov::v1::RuleFormat fmt =
        format == cov::v1::RULE_FORMAT_UNSPECIFIED ? rule.format() : format;
    bool underscore_known = false, underscore = false;
    for (int i = 0; i < rule.attack_refs_size(); ++i) {
      const cov::v1::AttackRef& ref = rule.attack_refs(i);
      if (ref.status() != cov::v1::REF_STATUS_REVOKED) continue;
      const std::string where = Where(rule, ref.line());
      if (ref.resolved_id().empty()) {
        result.skipped.push_back(absl::StrCat(
            where, ": '", ref.raw(), "' (", ref.id(),
            ") is revoked but the release names no replacement; left as is"));
        continue;
      }
      if (ref.line() < 1 || ref.line() > lines.count()) {
        result.skipped.push_back(absl::StrCat(
            where, ": '", ref.raw(), "' has no usable line (the file has ",
            lines.count(), " lines); left as is"));
        continue;
      }
      const Place place = PlaceOf(fmt, ref.origin());
      const Span line = lines.Get(ref.line());
      found.clear();
      switch (place) {
        case Place::kSigmaTag:
          FindTokens(content, SigmaRegion(content, line), ref.raw(), &found);
          break;
        case Place::kSuricataMeta:
          for (Span s : SuricataMetadataRegions(content, line)) {
            SuricataTokens(content, s,
                           absl::string_view(ref.origin()).substr(9), ref.raw(),
                           &found);
          }
          break;
        case Place::kYaraMeta:
          for (Span s : YaraMetaRegions(
                   content, line, absl::string_view(ref.origin()).substr(5))) {
            FindTokens(content, s, ref.raw(), &found);
          }
          break;
        case Place::kYaraTag:
          FindTokens(content, YaraTagRegion(content, line), ref.raw(), &found);
          break;
        case Place::kYamlItem:
          FindTokens(content, SigmaRegion(content, line), ref.raw(), &found);
          break;
        case Place::kTomlId: {
          // Elastic nests a sub-technique in its parent's table: a
          // replacement of the other shape changes the file's structure.
          const bool sub_table =
              ref.origin() == "rule.threat.technique.subtechnique";
          const bool sub_target =
              ref.resolved_id().find('.') != std::string::npos;
          if (sub_table != sub_target) {
            result.skipped.push_back(absl::StrCat(
                where, ": '", ref.raw(), "' is replaced by ",
                sub_target ? "sub-technique " : "technique ", ref.resolved_id(),
                ", which Elastic writes in ",
                sub_target ? "a [[rule.threat.technique.subtechnique]] table "
                             "under its parent"
                           : "a [[rule.threat.technique]] table",
                "; move it by hand; left as is"));
            continue;
          }
          for (Span s : YaraMetaRegions(content, line, "id")) {
            FindTokens(content, s, ref.raw(), &found);
          }
          break;
        }
        case Place::kUnknown:
          result.skipped.push_back(absl::StrCat(
              where, ": '", ref.raw(), "' comes from '", ref.origin(),
              "', which the fixer cannot rewrite; left as is"));
          continue;
      }
      if (found.empty()) {
        result.skipped.push_back(absl::StrCat(
            where, ": '", ref.raw(), "' not found on line ", ref.line(),
            " where the parser reported it; left as is"));
        continue;
      }
      if (place == Place::kYaraMeta && !underscore_known) {
        underscore = UsesUnderscore(rule);
        underscore_known = true;
      }
      std::string note;
      const std::string replacement =
          Replacement(ref.raw(), ref, place, underscore, &note);
      const std::string dup = DuplicateNote(rule, i);
      if (!dup.empty())
        note = note.empty() ? dup : absl::StrCat(note, "; ", dup);
      if (place == Place::kTomlId) {
        const std::string table =
            absl::StrCat("the table's name and reference still describe ",
                         ref.id(), ": update them to ", ref.resolved_id());
        note = note.empty() ? table : absl::StrCat(note, "; ", table);
      }
      for (size_t at : found) {
        if (edit_at.contains(at)) continue;  // shared by an earlier rule
        edit_at.emplace(at, edits.size());
        edits.push_back({at, ref.raw().size(), replacement, ref.line(),
                         rule.file(), ref.raw(), note});
      }
      // Sigma lists every tag: one naming the same ID in another spelling
      // (dropped by the parser as a repeat) is not fixed by this pass.
      if (place == Place::kSigmaTag) {
        int naming = 0;
        std::string other;
        for (const std::string& tag : rule.tags()) {
          ingest::sigma::AttackTag at;
          if (ingest::sigma::ClassifyTag(tag, &at) ==
                  ingest::sigma::TagClass::kReference &&
              at.kind == ref.kind() && at.id == ref.id()) {
            ++naming;
            if (tag != ref.raw()) other = tag;
          }
        }
        if (naming > static_cast<int>(found.size())) {
          result.skipped.push_back(absl::StrCat(
              where, ": rule ", rule.uid(), " also names revoked ", ref.id(),
              " as '", other.empty() ? ref.raw() : other,
              "' elsewhere (the parser reports one place per ID); run the "
              "fix again to rewrite it"));
        }
      }
    }
  }

  std::sort(edits.begin(), edits.end(),
            [](const Edit& a, const Edit& b) { return a.offset < b.offset; });
  result.content.reserve(content.size() + 16 * edits.size());
  size_t copied = 0;
  for (Edit& e : edits) {
    if (e.offset < copied) {
      result.skipped.push_back(
          absl::StrCat(e.path.empty() ? "<input>" : e.path, ":", e.line, ": '",
                       e.before, "' overlaps another rewrite; left as is"));
      continue;
    }
    result.content.append(content.data() + copied, e.offset - copied);
    result.content += e.replacement;
    copied = e.offset + e.length;
    cov::v1::FixChange change;
    change.set_path(e.path);
    change.set_line(e.line);
    change.set_before(e.before);
    change.set_after(e.replacement);
    result.changes.push_back(std::move(change));
    result.notes.push_back(std::move(e.note));
  }
  result.content.append(content.data() + copied, content.size() - copied);
  return result;
}

}  // namespace cov::server::check
