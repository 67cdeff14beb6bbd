#include "ingest/base/diagnostics.h"

#include "gtest/gtest.h"

namespace cov::ingest {
namespace {

TEST(DiagnosticsTest, FormatsFileLineColumnAndCode) {
  EXPECT_EQ(FormatDiagnostic(Error("rules/a.yml", 12, 3, "sigma-missing-field",
                                   "missing required field 'title'")),
            "rules/a.yml:12:3: error: missing required field 'title' "
            "[sigma-missing-field]");
}

TEST(DiagnosticsTest, OmitsUnknownPositionAndNamesObject) {
  cov::v1::Diagnostic d = Warning("bundle.json", 0, 0, "stix-duplicate",
                                  "duplicate object, newest kept");
  d.set_object("attack-pattern--1");
  EXPECT_EQ(FormatDiagnostic(d),
            "bundle.json: warning: duplicate object, newest kept "
            "(attack-pattern--1) [stix-duplicate]");
}

}  // namespace
}  // namespace cov::ingest
