#include "ingest/splunk/yaml_list.h"

#include "absl/strings/str_cat.h"

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

}  // namespace cov::ingest::splunk
