#include "ingest/base/attack_ids.h"

#include "absl/strings/ascii.h"

namespace cov::ingest {
namespace {

bool Digits(absl::string_view s, size_t from, size_t n) {
  for (size_t i = from; i < from + n; ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

}  // namespace

bool IsTechniqueId(absl::string_view id) {
  if (id.size() == 5) return id[0] == 'T' && Digits(id, 1, 4);
  if (id.size() == 9) {
    return id[0] == 'T' && Digits(id, 1, 4) && id[5] == '.' && Digits(id, 6, 3);
  }
  return false;
}

bool IsTacticId(absl::string_view id) {
  return id.size() == 6 && id[0] == 'T' && id[1] == 'A' && Digits(id, 2, 4);
}

std::string NormalizeTechniqueId(absl::string_view raw) {
  std::string id = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(raw));
  return IsTechniqueId(id) ? id : "";
}

std::string NormalizeTacticId(absl::string_view raw) {
  std::string id = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(raw));
  return IsTacticId(id) ? id : "";
}

cov::v1::AttackRef MakeAttackRef(absl::string_view raw, absl::string_view id,
                                 absl::string_view kind, int line,
                                 absl::string_view origin) {
  cov::v1::AttackRef r;
  r.set_raw(std::string(raw));
  r.set_id(std::string(id));
  r.set_kind(std::string(kind));
  r.set_line(line);
  r.set_origin(std::string(origin));
  return r;
}

}  // namespace cov::ingest
