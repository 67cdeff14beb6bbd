// Structure-aware libFuzzer target for the ATT&CK reference extractors of
// the Sigma, YARA and Suricata parsers (Sigma `tags`, YARA tags and meta,
// Suricata `metadata: mitre_*`).
//
// Plain byte mutation of whole rule files rarely keeps a file valid long
// enough to reach these: one stray byte and the rule is rejected before its
// tags are read. Here the input is a list of up to 8 short values (split on
// '\n', each cut to 64 bytes); each value is placed into a fixed, valid rule
// of each format, in the slot where that format carries ATT&CK IDs:
//
//   Sigma:     tags: [- <v>]                                    (YAML quoted)
//   YARA:      rule r : <v as tag if it is an identifier> { meta: mitre_att =
//   "<v>" ... } Suricata:  metadata: mitre_technique_id <v>, mitre_tactic_name
//   <v>;
//
// Checks: the rule always parses (exactly one rule per format), every
// reference has a non-empty id, a kind from the fixed set, a line inside
// the file, and it round-trips (fuzz_checks.h).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "ingest/sigma/sigma_parser.h"
#include "ingest/suricata/suricata_parser.h"
#include "ingest/yara/yara_parser.h"
#include "tests/fuzz/fuzz_checks.h"

namespace fz = ::cov::tests::fuzz;

namespace {

constexpr size_t kMaxValues = 8;
constexpr size_t kMaxValueBytes = 64;

// Keeps bytes that cannot break out of the slot of any of the formats:
// printable ASCII without quotes, backslashes, ';', ',', '{', '}', '#'.
std::string Clean(absl::string_view v) {
  std::string out;
  for (char c : v.substr(0, kMaxValueBytes)) {
    if (c < 0x21 || c > 0x7e || c == '"' || c == '\'' || c == '\\' ||
        c == ';' || c == ',' || c == '{' || c == '}' || c == '#' || c == ':' ||
        c == '(' || c == ')' || c == '[' || c == ']' || c == '&' || c == '*' ||
        c == '!' || c == '|' || c == '>' || c == '%' || c == '@' || c == '`') {
      continue;
    }
    out += c;
  }
  return out;
}

bool IsIdentifier(absl::string_view v) {
  if (v.empty() || v.size() > 60 || (v[0] >= '0' && v[0] <= '9')) return false;
  if (cov::ingest::yara::IsYaraKeyword(v)) return false;
  for (char c : v) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  return true;
}

void CheckRefs(const cov::ingest::ParsedFile& parsed, absl::string_view text,
               cov::v1::RuleFormat format, absl::string_view what) {
  const int max_line = fz::MaxLine(text);
  COV_FUZZ_REQUIRE(parsed.rules.size() == 1,
                   absl::StrCat(what, ": the template rule parses (",
                                parsed.rules.size(), " rules)\n", text));
  for (const cov::v1::Rule& r : parsed.rules) {
    fz::RequireRule(r, max_line, format);
    for (const cov::v1::AttackRef& a : r.attack_refs()) {
      COV_FUZZ_REQUIRE(!a.id().empty(),
                       absl::StrCat(what, ": empty reference id"));
      COV_FUZZ_REQUIRE(a.kind() == "technique" || a.kind() == "tactic" ||
                           a.kind() == "group" || a.kind() == "software" ||
                           a.kind() == "campaign",
                       absl::StrCat(what, ": reference kind '", a.kind(), "'"));
    }
  }
  for (const cov::v1::Diagnostic& d : parsed.diagnostics) {
    fz::RequireDiagnostic(d, max_line);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto* const kSigma = new cov::ingest::sigma::SigmaParser();
  static const auto* const kYara = [] {
    cov::ingest::yara::YaraParserOptions o;
    o.compile_check = false;  // libyara is not what is fuzzed here
    return new cov::ingest::yara::YaraParser(o);
  }();
  static const auto* const kSuricata =
      new cov::ingest::suricata::SuricataParser();
  std::vector<std::string> values;
  for (absl::string_view v : absl::StrSplit(
           absl::string_view(reinterpret_cast<const char*>(data), size),
           '\n')) {
    if (values.size() == kMaxValues) break;
    std::string c = Clean(v);
    if (!c.empty()) values.push_back(std::move(c));
  }
  if (values.empty()) return 0;

  std::string sigma =
      "title: T\nid: 929a690e-bef0-4204-a928-ef5e620d6fcc\n"
      "logsource: {product: windows}\n"
      "detection: {sel: {a: 1}, condition: sel}\ntags:\n";
  std::string yara_tags, yara_meta, suricata_meta;
  absl::flat_hash_set<std::string> tags;
  for (const std::string& v : values) {
    absl::StrAppend(&sigma, "  - '", v, "'\n");
    if (IsIdentifier(v) && tags.insert(v).second) {
      absl::StrAppend(&yara_tags, " ", v);
    }
    absl::StrAppend(&yara_meta, "    mitre_att = \"", v, "\"\n");
    absl::StrAppend(&suricata_meta, suricata_meta.empty() ? "" : ", ",
                    "mitre_technique_id ", v, ", mitre_tactic_name ", v);
  }
  const std::string yara =
      absl::StrCat("rule r", yara_tags.empty() ? "" : " :", yara_tags,
                   " {\n  meta:\n", yara_meta, "  condition: true\n}\n");
  const std::string suricata = absl::StrCat(
      "alert tcp any any -> any any (msg:\"m\"; metadata: ", suricata_meta,
      "; sid:1; rev:1;)\n");

  CheckRefs(kSigma->Parse({"r.yml", sigma, "fz"}), sigma,
            cov::v1::RULE_FORMAT_SIGMA, "sigma");
  CheckRefs(kYara->Parse({"r.yar", yara, "fz"}), yara,
            cov::v1::RULE_FORMAT_YARA, "yara");
  CheckRefs(kSuricata->Parse({"r.rules", suricata, "fz"}), suricata,
            cov::v1::RULE_FORMAT_SURICATA, "suricata");
  return 0;
}
