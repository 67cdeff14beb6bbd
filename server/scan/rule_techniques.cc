#include "server/scan/rule_techniques.h"

#include <algorithm>
#include <string>
#include <vector>

namespace cov::server::scan {

std::vector<std::string> TechniquesOf(const cov::v1::Rule& rule) {
  std::vector<std::string> out;
  for (const cov::v1::AttackRef& ref : rule.attack_refs()) {
    if (ref.kind() != "technique") continue;
    switch (ref.status()) {
      case cov::v1::REF_STATUS_UNSPECIFIED:
        if (!ref.id().empty()) out.push_back(ref.id());
        break;
      case cov::v1::REF_STATUS_VALID:
        out.push_back(ref.resolved_id().empty() ? ref.id() : ref.resolved_id());
        break;
      case cov::v1::REF_STATUS_REVOKED:
        if (!ref.resolved_id().empty()) out.push_back(ref.resolved_id());
        break;
      default:
        break;
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace cov::server::scan
