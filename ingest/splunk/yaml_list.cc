#include "ingest/splunk/yaml_list.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "ingest/base/diagnostics.h"
#include "ingest/base/utf8.h"

namespace cov::ingest::splunk {
namespace {

using atomics::ColumnOf;
using atomics::LineOf;

YamlString Entry(const YAML::Node& n) {
  return {n.Scalar(), LineOf(n), ColumnOf(n)};
}
YamlString Entry(const YamlLiteNode& n) { return {n.scalar, n.line, n.column}; }

template <typename Node>
std::vector<YamlString> StringList(const Node& n, absl::string_view key,
                                   RuleDiagnostics& diags) {
  std::vector<YamlString> out;
  if (IsAbsent(n)) return out;
  if (n.IsScalar()) {
    out.push_back(Entry(n));
    return out;
  }
  if (!n.IsSequence()) {
    diags.Warn(n, "invalid-field",
               absl::StrCat("'", key, "' must be a list, not a ", TypeName(n),
                            "; ignored"));
    return out;
  }
  ForEachEntry(n, [&](const Node& el) {
    if (IsAbsent(el)) return;
    if (!el.IsScalar()) {
      diags.Warn(el, "invalid-field",
                 absl::StrCat("'", key, "' holds a ", TypeName(el),
                              ", not a string; skipped"));
      return;
    }
    out.push_back(Entry(el));
  });
  return out;
}

// The yaml-cpp reading: the reference, and the fallback of the fast path.
void ReadFull(absl::string_view text, const SourceFile& file,
              absl::string_view prefix, const YamlRuleReader& reader,
              ParsedFile* out) {
  atomics::YamlDiagnostics yaml_diags(file.path, prefix, &out->diagnostics);
  RuleDiagnostics diags(&yaml_diags);
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    reader.full(root, file, diags, out);
  } catch (const YAML::Exception& e) {
    out->rules.clear();
    out->diagnostics.push_back(Error(file.path,
                                     e.mark.is_null() ? 0 : e.mark.line + 1,
                                     e.mark.is_null() ? 0 : e.mark.column + 1,
                                     absl::StrCat(prefix, "-yaml-syntax"),
                                     absl::StrCat("invalid YAML: ", e.msg)));
  }
}

// The libyaml reading; false (nothing added to *out) when yaml-cpp must
// read the file instead.
bool ReadLite(absl::string_view text, const SourceFile& file,
              absl::string_view prefix, const YamlRuleReader& reader,
              ParsedFile* out) {
  absl::StatusOr<YamlLiteNode> root = ParseYamlLite(text, *reader.keep);
  if (!root.ok()) return false;
  ParsedFile lite;
  atomics::YamlDiagnostics yaml_diags(file.path, prefix, &lite.diagnostics);
  RuleDiagnostics diags(&yaml_diags);
  reader.lite(*root, file, diags, &lite);
  if (diags.used_inexact_mark()) return false;
  for (auto& r : lite.rules) out->rules.push_back(std::move(r));
  for (auto& d : lite.diagnostics) out->diagnostics.push_back(std::move(d));
  return true;
}

}  // namespace

std::vector<YamlString> ReadStringList(const YAML::Node& n,
                                       absl::string_view key,
                                       RuleDiagnostics& diags) {
  return StringList(n, key, diags);
}

std::vector<YamlString> ReadStringList(const YamlLiteNode& n,
                                       absl::string_view key,
                                       RuleDiagnostics& diags) {
  return StringList(n, key, diags);
}

void ReadYamlRuleFile(absl::string_view text, const SourceFile& file,
                      absl::string_view prefix, const YamlRuleReader& reader,
                      ParsedFile* out, bool full_only) {
  if (full_only || !ReadLite(text, file, prefix, reader, out)) {
    ReadFull(text, file, prefix, reader, out);
  }
  SanitizeUtf8(out);
}

}  // namespace cov::ingest::splunk
