#include "server/check/render.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/util/json_util.h"
#include "ingest/base/diagnostics.h"
#include "ingest/base/utf8.h"
#include "server/export/json_writer.h"

namespace cov::server::check {
namespace {

// JSON not produced by protobuf (SARIF) goes through the server's one writer.
using exporter::JsonWriter;

constexpr absl::string_view kRegressionCode = "coverage-regression";
constexpr absl::string_view kSarifSchema =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
    "sarif-schema-2.1.0.json";

// ---------------------------------------------------------------------------
// Shared pieces.

constexpr absl::string_view kReplacementChar = "\xEF\xBF\xBD";

std::string Plural(int n, absl::string_view word) {
  return absl::StrCat(n, " ", word, n == 1 ? "" : "s");
}

// Findings sorted by path, line and column (stable: equal positions keep the
// response's order).
std::vector<const cov::v1::Diagnostic*> SortedFindings(
    const cov::v1::CheckResponse& r) {
  std::vector<const cov::v1::Diagnostic*> out;
  out.reserve(r.findings_size());
  for (const auto& d : r.findings()) out.push_back(&d);
  std::stable_sort(out.begin(), out.end(), [](const auto* a, const auto* b) {
    if (a->file() != b->file()) return a->file() < b->file();
    if (a->line() != b->line()) return a->line() < b->line();
    return a->column() < b->column();
  });
  return out;
}

// Regressions in the response's order, without repeats.
std::vector<std::string> Regressions(const cov::v1::CheckResponse& r) {
  std::vector<std::string> out;
  absl::flat_hash_set<std::string> seen;
  for (const auto& t : r.delta().regressions()) {
    if (seen.insert(t).second) out.push_back(t);
  }
  return out;
}

std::string Verdict(const cov::v1::CheckResponse& r) {
  int errors = 0, warnings = 0;
  for (const auto& d : r.findings()) {
    if (d.severity() == cov::v1::SEVERITY_WARNING) {
      ++warnings;
    } else if (d.severity() != cov::v1::SEVERITY_INFO) {
      ++errors;  // ERROR, and UNSPECIFIED treated as the worst case
    }
  }
  const int regressions = static_cast<int>(Regressions(r).size());
  return absl::StrCat(r.failed() ? "FAILED: " : "OK: ", Plural(errors, "error"),
                      ", ", Plural(warnings, "warning"), ", ",
                      Plural(regressions, "regression"), " (",
                      Plural(r.rules_checked(), "rule"), " in ",
                      Plural(r.files_checked(), "file"), ")");
}

std::string RegressionMessage(absl::string_view technique) {
  return absl::StrCat("coverage regression: technique ", technique,
                      " is covered at base but not at head");
}

// Short description of a finding code for SARIF rules.
std::string DescribeCode(absl::string_view code) {
  static const auto* const kKnown =
      new absl::flat_hash_map<std::string, std::string>({
          {"attack-unknown", "ATT&CK reference not in the loaded release"},
          {"attack-wrong-domain", "ATT&CK reference from another domain"},
          {"attack-revoked", "Revoked ATT&CK ID that has a replacement"},
          {"attack-deprecated", "Deprecated ATT&CK object"},
          {"attack-tactic-mismatch",
           "Tactic that holds none of the rule's techniques"},
          {"attack-no-technique", "Rule names no ATT&CK technique"},
          {"attack-parent-and-subtechnique",
           "Parent technique tagged together with its sub-technique"},
          {"duplicate-id", "Rule ID defined in two files"},
          {"check-unknown-format", "File that no rule parser reads"},
          {std::string(kRegressionCode),
           "Technique covered at base but not at head"},
      });
  auto it = kKnown->find(code);
  if (it != kKnown->end()) return it->second;
  // Parser codes: "sigma-missing-field" -> "Sigma: missing field".
  std::string words = absl::StrReplaceAll(code, {{"-", " "}});
  for (absl::string_view prefix : {"sigma", "suricata", "yara"}) {
    if (absl::StartsWith(code, absl::StrCat(prefix, "-"))) {
      std::string name(prefix);
      name[0] = absl::ascii_toupper(name[0]);
      return absl::StrCat(name, ": ", words.substr(prefix.size() + 1));
    }
  }
  if (!words.empty()) words[0] = absl::ascii_toupper(words[0]);
  return words;
}

std::string CodeOf(const cov::v1::Diagnostic& d) {
  return d.code().empty() ? "finding" : d.code();
}

// ---------------------------------------------------------------------------
// text

std::string RenderText(const cov::v1::CheckResponse& r) {
  std::string out;
  const auto findings = SortedFindings(r);
  for (const auto* d : findings) {
    absl::StrAppend(&out, ingest::FormatDiagnostic(*d), "\n");
  }
  if (r.has_delta()) {
    const cov::v1::CoverageDelta& delta = r.delta();
    if (!out.empty()) out += "\n";
    absl::StrAppend(&out,
                    "Coverage: ", Plural(delta.covered_base(), "technique"),
                    " covered at base, ", delta.covered_head(), " at head\n");
    const std::vector<std::string> regressions = Regressions(r);
    const absl::flat_hash_set<std::string> regressed(regressions.begin(),
                                                     regressions.end());
    for (const auto& t : delta.techniques_gained()) {
      absl::StrAppend(&out, "  + technique ", t, " gained\n");
    }
    absl::flat_hash_set<std::string> lost;
    for (const auto& t : delta.techniques_lost()) {
      lost.insert(t);
      absl::StrAppend(&out, "  - technique ", t, " lost",
                      regressed.contains(t) ? "  REGRESSION" : " (allowed)",
                      "\n");
    }
    // A regression the lost list does not name (should not happen) still
    // shows.
    for (const auto& t : regressions) {
      if (!lost.contains(t)) {
        absl::StrAppend(&out, "  - technique ", t, " lost  REGRESSION\n");
      }
    }
    for (const auto& t : delta.tactics_gained()) {
      absl::StrAppend(&out, "  + tactic ", t, " gained\n");
    }
    for (const auto& t : delta.tactics_lost()) {
      absl::StrAppend(&out, "  - tactic ", t, " lost\n");
    }
    if (delta.techniques_gained().empty() && delta.techniques_lost().empty() &&
        regressions.empty() && delta.tactics_gained().empty() &&
        delta.tactics_lost().empty()) {
      out += "  no technique or tactic gained or lost\n";
    }
  }
  if (!out.empty()) out += "\n";
  absl::StrAppend(&out, Verdict(r), "\n");
  return out;
}

// ---------------------------------------------------------------------------
// json

std::string RenderJson(const cov::v1::CheckResponse& r) {
  cov::v1::CheckResponse copy = r;
  copy.clear_rendered();
  google::protobuf::util::JsonPrintOptions opts;
  opts.add_whitespace = true;
  opts.always_print_primitive_fields = true;
  opts.preserve_proto_field_names = false;
  std::string out;
  if (!google::protobuf::util::MessageToJsonString(copy, &out, opts).ok()) {
    // Only fails on invalid UTF-8 in a string field; say so in valid JSON.
    out.clear();
    JsonWriter w(&out, /*indent=*/2);
    w.BeginObject();
    w.KeyString("error", "the check response could not be converted to JSON");
    w.EndObject();
  }
  if (out.empty() || out.back() != '\n') out += "\n";
  return out;
}

// ---------------------------------------------------------------------------
// sarif

// A repository-relative path as a URI reference: forward slashes, no leading
// "./", bytes outside the URI character set percent-encoded.
std::string UriFromPath(absl::string_view path) {
  std::string p = absl::StrReplaceAll(path, {{"\\", "/"}});
  absl::string_view v = p;
  while (absl::StartsWith(v, "./")) v.remove_prefix(2);
  std::string out;
  // A ':' in the first segment would read as a URI scheme ("c:/x").
  const size_t slash = v.find('/');
  if (v.substr(0, slash).find(':') != absl::string_view::npos) out = "./";
  static const char kHex[] = "0123456789ABCDEF";
  for (char ch : v) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (absl::ascii_isalnum(c) ||
        absl::string_view("-._~/!$&'()*+,;=:@").find(static_cast<char>(c)) !=
            absl::string_view::npos) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out.empty() ? "." : out;
}

absl::string_view SarifLevel(cov::v1::Severity s) {
  switch (s) {
    case cov::v1::SEVERITY_WARNING:
      return "warning";
    case cov::v1::SEVERITY_INFO:
      return "note";
    default:
      return "error";
  }
}

void WriteSarifLocation(JsonWriter& w, absl::string_view path, int line,
                        int column) {
  w.Key("locations");
  w.BeginArray();
  w.BeginObject();
  w.Key("physicalLocation");
  w.BeginObject();
  w.Key("artifactLocation");
  w.BeginObject();
  w.KeyString("uri", UriFromPath(path));
  w.KeyString("uriBaseId", "%SRCROOT%");
  w.EndObject();
  if (line > 0) {
    w.Key("region");
    w.BeginObject();
    w.KeyInt("startLine", line);
    if (column > 0) w.KeyInt("startColumn", column);
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  w.EndArray();
}

std::string RenderSarif(const cov::v1::CheckResponse& r,
                        const RenderOptions& options) {
  const auto findings = SortedFindings(r);
  const std::vector<std::string> regressions = Regressions(r);
  // Rules in order of first use.
  std::vector<std::string> rule_ids;
  absl::flat_hash_map<std::string, int> rule_index;
  auto index_of = [&](const std::string& code) {
    auto [it, inserted] =
        rule_index.emplace(code, static_cast<int>(rule_ids.size()));
    if (inserted) rule_ids.push_back(code);
    return it->second;
  };
  for (const auto* d : findings) index_of(CodeOf(*d));
  if (!regressions.empty()) index_of(std::string(kRegressionCode));

  std::string out;
  JsonWriter w(&out, /*indent=*/2);
  w.BeginObject();
  w.KeyString("$schema", kSarifSchema);
  w.KeyString("version", "2.1.0");
  w.Key("runs");
  w.BeginArray();
  w.BeginObject();
  w.Key("tool");
  w.BeginObject();
  w.Key("driver");
  w.BeginObject();
  w.KeyString("name", "cov");
  w.KeyString("informationUri", options.information_uri);
  w.KeyString("version", options.tool_version);
  w.Key("rules");
  w.BeginArray();
  for (const std::string& id : rule_ids) {
    w.BeginObject();
    w.KeyString("id", id);
    w.Key("shortDescription");
    w.BeginObject();
    w.KeyString("text", DescribeCode(id));
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();  // driver
  w.EndObject();  // tool
  w.Key("results");
  w.BeginArray();
  for (const auto* d : findings) {
    const std::string code = CodeOf(*d);
    w.BeginObject();
    w.KeyString("ruleId", code);
    w.KeyInt("ruleIndex", rule_index.at(code));
    w.KeyString("level", SarifLevel(d->severity()));
    w.Key("message");
    w.BeginObject();
    w.KeyString("text", d->message().empty() ? code : d->message());
    w.EndObject();
    WriteSarifLocation(w, d->file(), d->line(), d->column());
    w.EndObject();
  }
  for (const std::string& t : regressions) {
    w.BeginObject();
    w.KeyString("ruleId", kRegressionCode);
    w.KeyInt("ruleIndex", rule_index.at(std::string(kRegressionCode)));
    w.KeyString("level", "error");
    w.Key("message");
    w.BeginObject();
    w.KeyString("text", RegressionMessage(t));
    w.EndObject();
    auto it = options.regression_locations.find(t);
    if (it != options.regression_locations.end() && !it->second.path.empty()) {
      WriteSarifLocation(w, it->second.path, it->second.line, 0);
    } else {
      WriteSarifLocation(w, "", 0, 0);
    }
    w.EndObject();
  }
  w.EndArray();   // results
  w.EndObject();  // run
  w.EndArray();   // runs
  w.EndObject();
  out += "\n";
  return out;
}

// ---------------------------------------------------------------------------
// junit

// XML-escapes `s` for text and attribute values. Characters XML 1.0 cannot
// carry (controls other than tab/LF/CR, invalid UTF-8) become U+FFFD; in
// attributes tab/LF/CR are written as character references so they survive
// attribute-value normalisation.
std::string XmlEscape(absl::string_view s, bool attribute) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const size_t n = ingest::Utf8SequenceLength(s, i);
      // U+FFFE and U+FFFF are not XML characters either.
      const bool bad = n == 0 || (n == 3 && c == 0xEF && s[i + 1] == '\xBF' &&
                                  (s[i + 2] == '\xBE' || s[i + 2] == '\xBF'));
      if (bad) {
        out.append(kReplacementChar.data(), kReplacementChar.size());
        i += n == 0 ? 1 : n;
      } else {
        out.append(s.data() + i, n);
        i += n;
      }
      continue;
    }
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        break;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        break;
      case '\r':
        out += "&#13;";  // a raw CR in text would be read as LF
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out.append(kReplacementChar.data(), kReplacementChar.size());
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  return out;
}

std::string RenderJunit(const cov::v1::CheckResponse& r,
                        const RenderOptions& options) {
  constexpr absl::string_view kNoFile = "<input>";
  // Files in path order: the checked files plus any a finding names.
  std::set<std::string> files(options.checked_files.begin(),
                              options.checked_files.end());
  absl::flat_hash_map<std::string, std::vector<const cov::v1::Diagnostic*>>
      by_file;
  for (const auto* d : SortedFindings(r)) {
    const std::string f = d->file().empty() ? std::string(kNoFile) : d->file();
    files.insert(f);
    by_file[f].push_back(d);
  }
  const std::vector<std::string> regressions = Regressions(r);

  std::string body;
  int tests = 0, failures = 0;
  for (const std::string& f : files) {
    ++tests;
    const std::string name = XmlEscape(f, true);
    std::vector<const cov::v1::Diagnostic*> failing, other;
    for (const auto* d : by_file[f]) {
      (d->severity() >= options.fail_on ||
               d->severity() == cov::v1::SEVERITY_UNSPECIFIED
           ? failing
           : other)
          .push_back(d);
    }
    absl::StrAppend(&body, "  <testcase classname=\"", name, "\" name=\"", name,
                    "\"");
    if (failing.empty() && other.empty()) {
      body += "/>\n";
      continue;
    }
    body += ">\n";
    if (!failing.empty()) ++failures;
    for (const auto* d : failing) {
      absl::StrAppend(
          &body, "    <failure message=\"", XmlEscape(d->message(), true),
          "\" type=\"", XmlEscape(CodeOf(*d), true), "\">",
          XmlEscape(ingest::FormatDiagnostic(*d), false), "</failure>\n");
    }
    if (!other.empty()) {
      std::vector<std::string> lines;
      for (const auto* d : other) {
        lines.push_back(ingest::FormatDiagnostic(*d));
      }
      absl::StrAppend(&body, "    <system-out>",
                      XmlEscape(absl::StrJoin(lines, "\n"), false),
                      "</system-out>\n");
    }
    body += "  </testcase>\n";
  }
  if (r.has_delta() || !regressions.empty()) {
    ++tests;
    body += "  <testcase classname=\"cov\" name=\"coverage\"";
    if (regressions.empty()) {
      body += "/>\n";
    } else {
      ++failures;
      body += ">\n";
      for (const std::string& t : regressions) {
        absl::StrAppend(&body, "    <failure message=\"",
                        XmlEscape(RegressionMessage(t), true), "\" type=\"",
                        kRegressionCode, "\">",
                        XmlEscape(RegressionMessage(t), false), "</failure>\n");
      }
      body += "  </testcase>\n";
    }
  }
  return absl::StrCat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
      "<testsuite name=\"cov check\" tests=\"", tests, "\" failures=\"",
      failures, "\" errors=\"0\" skipped=\"0\">\n", body, "</testsuite>\n");
}

// ---------------------------------------------------------------------------
// github

// Workflow-command escaping: data escapes %, CR and LF; property values also
// escape ':' and ','.
std::string GithubEscape(absl::string_view s, bool property) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '%':
        out += "%25";
        break;
      case '\r':
        out += "%0D";
        break;
      case '\n':
        out += "%0A";
        break;
      case ':':
        out += property ? "%3A" : ":";
        break;
      case ',':
        out += property ? "%2C" : ",";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string GithubCommand(absl::string_view level, absl::string_view file,
                          int line, int column, absl::string_view title,
                          absl::string_view message) {
  std::vector<std::string> props;
  if (!file.empty()) {
    props.push_back(absl::StrCat("file=", GithubEscape(file, true)));
    if (line > 0) {
      props.push_back(absl::StrCat("line=", line));
      if (column > 0) props.push_back(absl::StrCat("col=", column));
    }
  }
  props.push_back(absl::StrCat("title=", GithubEscape(title, true)));
  return absl::StrCat("::", level, " ", absl::StrJoin(props, ","),
                      "::", GithubEscape(message, false), "\n");
}

std::string RenderGithub(const cov::v1::CheckResponse& r,
                         const RenderOptions& options) {
  std::string out;
  for (const auto* d : SortedFindings(r)) {
    absl::string_view level = "error";
    if (d->severity() == cov::v1::SEVERITY_WARNING) level = "warning";
    if (d->severity() == cov::v1::SEVERITY_INFO) level = "notice";
    out += GithubCommand(level, d->file(), d->line(), d->column(), CodeOf(*d),
                         d->message());
  }
  for (const std::string& t : Regressions(r)) {
    SourceLocation at;
    auto it = options.regression_locations.find(t);
    if (it != options.regression_locations.end()) at = it->second;
    out += GithubCommand("error", at.path, at.line, 0, kRegressionCode,
                         RegressionMessage(t));
  }
  absl::StrAppend(&out, Verdict(r), "\n");
  return out;
}

}  // namespace

bool IsRenderFormat(absl::string_view format) {
  return format == "text" || format == "json" || format == "sarif" ||
         format == "junit" || format == "github";
}

std::string RenderCheck(const cov::v1::CheckResponse& response,
                        absl::string_view format,
                        const RenderOptions& options) {
  if (format == "text") return RenderText(response);
  if (format == "json") return RenderJson(response);
  if (format == "sarif") return RenderSarif(response, options);
  if (format == "junit") return RenderJunit(response, options);
  if (format == "github") return RenderGithub(response, options);
  return "";
}

}  // namespace cov::server::check
