#include "tests/fuzz/fuzz_checks.h"

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "absl/strings/str_cat.h"

namespace cov::tests::fuzz {

void Fail(absl::string_view what) {
  std::fprintf(stderr, "fuzz invariant broken: %.*s\n",
               static_cast<int>(what.size()), what.data());
  std::abort();
}

void Require(bool ok, absl::string_view what) {
  if (!ok) Fail(what);
}

int MaxLine(absl::string_view text) {
  int breaks = 0;
  for (char c : text) breaks += (c == '\n' || c == '\r');
  return breaks + 1;
}

void RequireRoundTrip(const google::protobuf::Message& m,
                      absl::string_view what) {
  std::string wire;
  COV_FUZZ_REQUIRE(m.SerializeToString(&wire),
                   absl::StrCat(what, " serialises"));
  std::unique_ptr<google::protobuf::Message> copy(m.New());
  COV_FUZZ_REQUIRE(
      copy->ParseFromString(wire),
      absl::StrCat(what, " parses back (proto3 strings must be UTF-8): ",
                   m.ShortDebugString()));
}

void RequireDiagnostic(const cov::v1::Diagnostic& d, int max_line) {
  const auto what = [&d] {
    return absl::StrCat("diagnostic ", d.code(), " line ", d.line(), " col ",
                        d.column());
  };
  COV_FUZZ_REQUIRE(!d.code().empty(), absl::StrCat(what(), ": has a code"));
  COV_FUZZ_REQUIRE(d.line() >= 0 && d.line() <= max_line,
                   absl::StrCat(what(), ": line in [0, ", max_line, "]"));
  COV_FUZZ_REQUIRE(d.column() >= 0, absl::StrCat(what(), ": column >= 0"));
  COV_FUZZ_REQUIRE(d.severity() != cov::v1::SEVERITY_UNSPECIFIED &&
                       cov::v1::Severity_IsValid(d.severity()),
                   absl::StrCat(what(), ": has a severity"));
  RequireRoundTrip(d, what());
}

void RequireRule(const cov::v1::Rule& r, int max_line,
                 cov::v1::RuleFormat format) {
  const auto what = [&r] {
    return absl::StrCat("rule '", r.uid(), "' line ", r.line());
  };
  COV_FUZZ_REQUIRE(!r.uid().empty(), absl::StrCat(what(), ": has a uid"));
  COV_FUZZ_REQUIRE(r.format() == format, absl::StrCat(what(), ": format"));
  COV_FUZZ_REQUIRE(r.line() >= 1 && r.line() <= max_line,
                   absl::StrCat(what(), ": line in [1, ", max_line, "]"));
  COV_FUZZ_REQUIRE(!r.content_hash().empty(),
                   absl::StrCat(what(), ": content_hash"));
  for (const cov::v1::AttackRef& a : r.attack_refs()) {
    // 0 means "unknown" (rules.proto).
    COV_FUZZ_REQUIRE(a.line() >= 0 && a.line() <= max_line,
                     absl::StrCat(what(), ": attack ref '", a.raw(), "' line ",
                                  a.line(), " in [0, ", max_line, "]"));
  }
  RequireRoundTrip(r, what());
}

}  // namespace cov::tests::fuzz
