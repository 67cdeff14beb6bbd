#include "ingest/base/rule_files.h"

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "cov/v1/rule_formats.h"

namespace cov::ingest {

bool FormatReads(cov::v1::RuleFormat format, absl::string_view path) {
  const size_t slash = path.find_last_of('/');
  const absl::string_view base =
      slash == absl::string_view::npos ? path : path.substr(slash + 1);
  const size_t dot = base.find_last_of('.');
  if (dot == absl::string_view::npos || dot == 0) return false;
  const absl::string_view ext = base.substr(dot);  // with the dot
  for (const cov::v1::RuleFormatEntry& e : cov::v1::kRuleFormats) {
    if (e.format != format) continue;
    for (absl::string_view want :
         absl::StrSplit(e.reads, ',', absl::SkipEmpty())) {
      if (absl::EqualsIgnoreCase(ext, want)) return true;
    }
    return false;
  }
  return false;
}

}  // namespace cov::ingest
