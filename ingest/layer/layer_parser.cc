#include "ingest/layer/layer_parser.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "ingest/base/attack_ids.h"
#include "ingest/base/attack_tactics.h"
#include "ingest/base/diagnostics.h"
#include "ingest/base/hash.h"
#include "ingest/base/input_check.h"
#include "ingest/base/rule_files.h"
#include "ingest/base/text_position.h"
#include "ingest/base/utf8.h"
#include "ingest/layer/csv_mapping.h"
#include "simdjson.h"

namespace cov::ingest::layer {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

std::string Str(const object& o, const char* key) {
  std::string_view s;
  if (o[key].get_string().get(s) != simdjson::SUCCESS) return "";
  return std::string(s);
}

// A JSON number (integer or float) or a numeric string, else false.
bool Number(const object& o, const char* key, double* out) {
  element e;
  if (o[key].get(e) != simdjson::SUCCESS) return false;
  double d;
  if (e.get_double().get(d) == simdjson::SUCCESS) {
    *out = d;
    return true;
  }
  int64_t i;
  if (e.get_int64().get(i) == simdjson::SUCCESS) {
    *out = static_cast<double>(i);
    return true;
  }
  uint64_t u;
  if (e.get_uint64().get(u) == simdjson::SUCCESS) {
    *out = static_cast<double>(u);
    return true;
  }
  return false;
}

// Offsets of each `"techniqueID"` key, in order (entries have no positions
// in simdjson's DOM; the k-th key belongs to the k-th entry).
std::vector<size_t> KeyOffsets(absl::string_view text) {
  std::vector<size_t> out;
  constexpr absl::string_view kKey = "\"techniqueID\"";
  for (size_t at = text.find(kKey); at != absl::string_view::npos;
       at = text.find(kKey, at + kKey.size())) {
    if (at > 0 && text[at - 1] == '\\') continue;
    out.push_back(at);
  }
  return out;
}

std::string Description(const object& entry) {
  std::vector<std::string> lines;
  if (std::string c = Str(entry, "comment"); !c.empty()) {
    lines.push_back(std::move(c));
  }
  simdjson::dom::array meta;
  if (entry["metadata"].get_array().get(meta) == simdjson::SUCCESS) {
    for (element m : meta) {
      object mo;
      if (m.get_object().get(mo) != simdjson::SUCCESS) continue;
      bool divider = false;
      if (mo["divider"].get_bool().get(divider) == simdjson::SUCCESS &&
          divider) {
        if (!lines.empty() && !lines.back().empty()) lines.emplace_back();
        continue;
      }
      const std::string name = Str(mo, "name");
      if (!name.empty())
        lines.push_back(absl::StrCat(name, ": ", Str(mo, "value")));
    }
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return absl::StrJoin(lines, "\n");
}

ParsedFile ParseLayerJson(const SourceFile& file, double min_score) {
  ParsedFile out;
  simdjson::dom::parser parser;
  element root;
  if (auto err =
          parser.parse(file.content.data(), file.content.size()).get(root);
      err != simdjson::SUCCESS) {
    out.diagnostics.push_back(
        Error(file.path, 0, 0, "layer-json-syntax",
              absl::StrCat("invalid JSON: ", simdjson::error_message(err))));
    return out;
  }
  object layer;
  simdjson::dom::array techniques;
  if (root.get_object().get(layer) != simdjson::SUCCESS ||
      layer["techniques"].get_array().get(techniques) != simdjson::SUCCESS) {
    out.diagnostics.push_back(Error(file.path, 1, 1, "layer-missing-field",
                                    "not a Navigator layer: no 'techniques' "
                                    "list"));
    return out;
  }
  object versions;
  if (layer["versions"].get_object().get(versions) == simdjson::SUCCESS) {
    const std::string v = Str(versions, "layer");
    if (!v.empty() && !absl::StartsWith(v, "4.")) {
      out.diagnostics.push_back(Warning(
          file.path, 1, 1, "layer-version",
          absl::StrCat("layer format ", v, " is not 4.x; read as 4.x")));
    }
  }
  const std::string name = Str(layer, "name");
  const TextPosition pos(file.content);
  const std::vector<size_t> keys = KeyOffsets(file.content);
  absl::flat_hash_set<std::string> seen;
  int index = 0, unscored = 0;
  for (element e : techniques) {
    const int i = index++;
    const LineCol lc = (techniques.size() == keys.size())
                           ? pos.At(keys[i])
                           : LineCol{1, 1};  // keys and entries disagree
    object entry;
    if (e.get_object().get(entry) != simdjson::SUCCESS) {
      out.diagnostics.push_back(Warning(file.path, lc.line, lc.column,
                                        "layer-invalid-field",
                                        "techniques[] entry is not an object"));
      continue;
    }
    const std::string raw = Str(entry, "techniqueID");
    const std::string id = NormalizeTechniqueId(raw);
    if (id.empty()) {
      out.diagnostics.push_back(Warning(
          file.path, lc.line, lc.column, "layer-invalid-id",
          absl::StrCat("techniqueID '", raw,
                       "' is not an ATT&CK technique ID (T#### or T####.###)"
                       "; entry skipped")));
      continue;
    }
    double score = 0;
    const bool scored =
        Number(entry, "score", &score) || Number(entry, "score_num", &score);
    if (!scored) {
      ++unscored;
      continue;
    }
    const std::string tactic = Str(entry, "tactic");
    std::string uid = absl::StrCat(file.source, ":", file.path, ":", id);
    if (!tactic.empty()) absl::StrAppend(&uid, ":", tactic);
    if (!seen.insert(uid).second) {
      out.diagnostics.push_back(Warning(
          file.path, lc.line, lc.column, "layer-duplicate-entry",
          absl::StrCat(id,
                       tactic.empty() ? "" : absl::StrCat(" (", tactic, ")"),
                       " is listed twice; the first entry is kept")));
      continue;
    }
    cov::v1::Rule r;
    r.set_uid(uid);
    r.set_format(cov::v1::RULE_FORMAT_LAYER);
    r.set_source(file.source);
    r.set_file(file.path);
    r.set_line(lc.line);
    r.set_title(absl::StrCat(name.empty() ? file.path : name, ": ", id));
    r.set_score(score);
    r.set_score_label(Str(entry, "score_display"));
    r.set_rule_type(Str(entry, "category"));
    r.set_description(Description(entry));
    *r.add_attack_refs() =
        MakeAttackRef(raw, id, "technique", lc.line, "techniqueID");
    if (!tactic.empty()) {
      *r.add_attack_refs() =
          MakeAttackRef(tactic, tactic, "tactic", lc.line, "tactic");
    }
    r.set_content_hash(Fnv1a64Hex(absl::StrCat(
        r.uid(), "\n", r.description(), "\n", absl::StrFormat("%g", score))));
    bool enabled = true;
    if (entry["enabled"].get_bool().get(enabled) == simdjson::SUCCESS &&
        !enabled) {
      r.set_disabled_reason("disabled in the layer (enabled: false)");
    }
    r.set_enabled(r.disabled_reason().empty());
    ApplyMinScore(min_score, &r);
    out.rules.push_back(std::move(r));
  }
  if (unscored > 0) {
    out.diagnostics.push_back(MakeDiagnostic(
        cov::v1::SEVERITY_INFO, file.path, 0, 0, "layer-unscored",
        absl::StrCat(unscored,
                     " technique entries have no score "
                     "(score or score_num); they are not rules")));
  }
  return out;
}

}  // namespace

void ApplyMinScore(double min_score, cov::v1::Rule* rule) {
  if (rule->format() != cov::v1::RULE_FORMAT_LAYER || !rule->enabled()) return;
  if (rule->rule_type() == kCsvRuleType) return;  // CSV rows carry no score
  const bool below =
      min_score > 0 ? rule->score() < min_score : rule->score() <= 0;
  if (!below) return;
  rule->set_enabled(false);
  rule->set_disabled_reason(
      min_score > 0
          ? absl::StrFormat("score %g below min_score %g", rule->score(),
                            min_score)
          : absl::StrFormat("score %g is not positive", rule->score()));
}

ParsedFile LayerParser::Parse(const SourceFile& file) const {
  ParsedFile out;
  if (auto bad = CheckInputDiagnostic(file.content, file.path, kMaxLayerBytes,
                                      "layer-input")) {
    out.diagnostics.push_back(*std::move(bad));
    return out;
  }
  out = absl::EndsWithIgnoreCase(file.path, ".csv")
            ? ParseCsvMapping(file)
            : ParseLayerJson(file, min_score_);
  SanitizeUtf8(&out);
  return out;
}

bool LayerParser::Accepts(absl::string_view path) const {
  return FormatReads(format(), path);
}

}  // namespace cov::ingest::layer
