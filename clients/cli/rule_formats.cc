#include "clients/cli/rule_formats.h"

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "cov/v1/rule_formats.h"

namespace cov::clients::cli {

cov::v1::RuleFormat FormatByName(absl::string_view name) {
  for (const cov::v1::RuleFormatEntry& e : cov::v1::kRuleFormats) {
    if (absl::EqualsIgnoreCase(name, e.name)) return e.format;
    for (absl::string_view alias :
         absl::StrSplit(e.aliases, ',', absl::SkipEmpty())) {
      if (absl::EqualsIgnoreCase(name, alias)) return e.format;
    }
  }
  return cov::v1::RULE_FORMAT_UNSPECIFIED;
}

std::vector<std::string> RuleFormatNames() {
  std::vector<std::string> out;
  for (const cov::v1::RuleFormatEntry& e : cov::v1::kRuleFormats) {
    out.emplace_back(e.name);
    for (absl::string_view alias :
         absl::StrSplit(e.aliases, ',', absl::SkipEmpty())) {
      out.emplace_back(alias);
    }
  }
  return out;
}

absl::string_view FormatLabel(cov::v1::RuleFormat format) {
  for (const cov::v1::RuleFormatEntry& e : cov::v1::kRuleFormats) {
    if (e.format == format) return e.name;
  }
  return "?";
}

bool IsRuleFileName(absl::string_view name) {
  for (const cov::v1::RuleFormatEntry& e : cov::v1::kRuleFormats) {
    for (absl::string_view ext :
         absl::StrSplit(e.extensions, ',', absl::SkipEmpty())) {
      if (absl::EndsWithIgnoreCase(name, ext)) return true;
    }
  }
  return false;
}

}  // namespace cov::clients::cli
