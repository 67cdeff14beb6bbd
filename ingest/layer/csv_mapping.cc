#include "ingest/layer/csv_mapping.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "ingest/base/attack_ids.h"
#include "ingest/base/attack_tactics.h"
#include "ingest/base/diagnostics.h"
#include "ingest/base/hash.h"

namespace cov::ingest::layer {
namespace {

struct Field {
  std::string text;
  int column = 1;  // 1-based byte column where the field starts
};

// Splits one record starting at `*at` (RFC 4180: quoted fields may hold
// commas, doubled quotes and line breaks). Advances `*at` past the record
// and `*line` past its line breaks. False on an unterminated quote.
bool ReadRecord(absl::string_view text, size_t* at, int* line,
                std::vector<Field>* fields) {
  fields->clear();
  size_t i = *at;
  size_t line_start = i;
  Field f;
  f.column = 1;
  while (true) {
    if (i < text.size() && text[i] == '"') {
      ++i;
      while (true) {
        if (i >= text.size()) return false;
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            f.text.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if (text[i] == '\n') {
          ++*line;
          line_start = i + 1;
        }
        f.text.push_back(text[i++]);
      }
    }
    while (i < text.size() && text[i] != ',' && text[i] != '\n') {
      if (text[i] != '\r') f.text.push_back(text[i]);
      ++i;
    }
    fields->push_back(std::move(f));
    f = Field();
    if (i < text.size() && text[i] == ',') {
      ++i;
      f.column = static_cast<int>(i - line_start) + 1;
      continue;
    }
    break;
  }
  if (i < text.size()) ++i;  // the '\n'
  *at = i;
  return true;
}

// "TA0005", "defense-evasion", "Defense Evasion", "defense_evasion" -> the
// reference ID; "" when none.
std::string TacticId(absl::string_view raw) {
  if (std::string id = NormalizeTacticId(raw); !id.empty()) return id;
  std::string s = absl::AsciiStrToLower(absl::StripAsciiWhitespace(raw));
  absl::StrReplaceAll({{" ", "-"}, {"_", "-"}}, &s);
  for (absl::string_view t : kEnterpriseTactics) {
    if (s == t) return s;
  }
  for (absl::string_view t : kEnterpriseTacticsV19) {
    if (s == t) return s;
  }
  return "";
}

}  // namespace

ParsedFile ParseCsvMapping(const SourceFile& file) {
  ParsedFile out;
  const absl::string_view text = file.content;
  absl::flat_hash_map<std::string, size_t> by_id;  // rule_id -> index
  std::vector<Field> fields;
  size_t at = 0;
  int line = 1;
  bool first = true;
  while (at < text.size()) {
    const int start_line = line;
    if (!ReadRecord(text, &at, &line, &fields)) {
      out.diagnostics.push_back(Error(file.path, start_line, 1,
                                      "layer-csv-quote",
                                      "unterminated quoted field; the rest of "
                                      "the file is skipped"));
      break;
    }
    ++line;
    const bool header =
        first && !fields.empty() &&
        absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(fields[0].text),
                               "technique_id");
    first = false;
    if (header) continue;
    if (fields.size() == 1 &&
        (absl::StripAsciiWhitespace(fields[0].text).empty() ||
         absl::StartsWith(fields[0].text, "#"))) {
      continue;
    }
    if (fields.size() < 3 || fields.size() > 4) {
      out.diagnostics.push_back(Error(
          file.path, start_line, 1, "layer-csv-columns",
          absl::StrCat("want technique_id,rule_id,rule_name[,tactic]; got ",
                       fields.size(), " fields; row skipped")));
      continue;
    }
    const std::string raw(absl::StripAsciiWhitespace(fields[0].text));
    const std::string id = NormalizeTechniqueId(raw);
    if (id.empty()) {
      out.diagnostics.push_back(Warning(
          file.path, start_line, fields[0].column, "layer-invalid-id",
          absl::StrCat("technique_id '", raw,
                       "' is not an ATT&CK technique ID (T#### or T####.###)"
                       "; row skipped")));
      continue;
    }
    const std::string rule_id(absl::StripAsciiWhitespace(fields[1].text));
    if (rule_id.empty()) {
      out.diagnostics.push_back(Error(file.path, start_line, fields[1].column,
                                      "layer-csv-columns",
                                      "empty rule_id; row skipped"));
      continue;
    }
    auto [it, inserted] = by_id.emplace(rule_id, out.rules.size());
    if (inserted) {
      cov::v1::Rule r;
      r.set_uid(absl::StrCat(file.source, ":", rule_id));
      r.set_format(cov::v1::RULE_FORMAT_LAYER);
      r.set_source(file.source);
      r.set_file(file.path);
      r.set_line(start_line);
      r.set_title(std::string(absl::StripAsciiWhitespace(fields[2].text)));
      r.set_rule_type(std::string(kCsvRuleType));
      r.set_enabled(true);
      out.rules.push_back(std::move(r));
    }
    cov::v1::Rule& r = out.rules[it->second];
    *r.add_attack_refs() =
        MakeAttackRef(raw, id, "technique", start_line, "technique_id");
    if (fields.size() == 4) {
      const std::string traw(absl::StripAsciiWhitespace(fields[3].text));
      if (!traw.empty()) {
        const std::string tactic = TacticId(traw);
        if (tactic.empty()) {
          out.diagnostics.push_back(Warning(
              file.path, start_line, fields[3].column, "layer-unknown-tactic",
              absl::StrCat("tactic '", traw,
                           "' is no Enterprise ATT&CK tactic; dropped")));
        } else {
          *r.add_attack_refs() =
              MakeAttackRef(traw, tactic, "tactic", start_line, "tactic");
        }
      }
    }
  }
  for (cov::v1::Rule& r : out.rules) {
    std::string all;
    for (const auto& ref : r.attack_refs())
      absl::StrAppend(&all, ref.id(), ",");
    r.set_content_hash(
        Fnv1a64Hex(absl::StrCat(r.uid(), "\n", r.title(), "\n", all)));
  }
  return out;
}

}  // namespace cov::ingest::layer
