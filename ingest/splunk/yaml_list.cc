#include "ingest/splunk/yaml_list.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "ingest/base/diagnostics.h"
#include "ingest/base/utf8.h"

namespace cov::ingest::splunk {

using atomics::ColumnOf;
using atomics::IsAbsent;
using atomics::LineOf;
using atomics::TypeName;

std::vector<YamlString> ReadStringList(const YAML::Node& n,
                                       absl::string_view key,
                                       atomics::YamlDiagnostics& diags) {
  std::vector<YamlString> out;
  if (IsAbsent(n)) return out;
  if (n.IsScalar()) {
    out.push_back({n.Scalar(), LineOf(n), ColumnOf(n)});
    return out;
  }
  if (!n.IsSequence()) {
    diags.Warn(n, "invalid-field",
               absl::StrCat("'", key, "' must be a list, not a ", TypeName(n),
                            "; ignored"));
    return out;
  }
  for (const YAML::Node& el : n) {
    if (IsAbsent(el)) continue;
    if (!el.IsScalar()) {
      diags.Warn(el, "invalid-field",
                 absl::StrCat("'", key, "' holds a ", TypeName(el),
                              ", not a string; skipped"));
      continue;
    }
    out.push_back({el.Scalar(), LineOf(el), ColumnOf(el)});
  }
  return out;
}

void ReadYamlRuleFile(absl::string_view text, const SourceFile& file,
                      absl::string_view prefix, ReadYamlRuleFn read_rule,
                      ParsedFile* out) {
  atomics::YamlDiagnostics diags(file.path, prefix, &out->diagnostics);
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    read_rule(root, file, diags, out);
  } catch (const YAML::Exception& e) {
    out->rules.clear();
    out->diagnostics.push_back(Error(file.path,
                                     e.mark.is_null() ? 0 : e.mark.line + 1,
                                     e.mark.is_null() ? 0 : e.mark.column + 1,
                                     absl::StrCat(prefix, "-yaml-syntax"),
                                     absl::StrCat("invalid YAML: ", e.msg)));
  }
  SanitizeUtf8(out);
}

}  // namespace cov::ingest::splunk
