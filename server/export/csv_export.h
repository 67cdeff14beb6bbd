// CSV exports of coverage and gaps (RFC 4180).
//
// Records end with CRLF; the first record is the header. A field is quoted
// when it contains a comma, a double quote, CR or LF, with inner quotes
// doubled. List-valued fields are joined with ";". Booleans are "true" or
// "false". Values are written as given (no spreadsheet-formula escaping).
//
// Pure functions; thread-safe.
#ifndef COV_SERVER_EXPORT_CSV_EXPORT_H_
#define COV_SERVER_EXPORT_CSV_EXPORT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "cov/v1/coverage.pb.h"

namespace cov::server::exporter {

// Header of CoverageCsv().
inline constexpr absl::string_view kCoverageCsvHeader =
    "technique_id,name,tactic,potential,covered,covered_by_rollup,rule_count,"
    "rules,data_components,evidence";

// Header of GapsCsv().
inline constexpr absl::string_view kGapsCsvHeader =
    "rank,technique_id,name,score,tactics,data_components";

// One record per technique x tactic, in the response's technique order and
// each technique's tactic order (one record with an empty tactic for a
// technique without tactics). Every technique is listed, in reach or not.
// covered = rule_count > 0; rules = the rule uids.
std::string CoverageCsv(const cov::v1::CoverageResponse& coverage);

// One record per gap, in rank order (rank is 1-based); score as the shortest
// decimal that reads back as the same double ("12", "30.5"; empty when not
// finite).
std::string GapsCsv(const cov::v1::GapsResponse& gaps);

// Appends `field` to `*out`, quoted when RFC 4180 requires it.
void AppendCsvField(absl::string_view field, std::string* out);

}  // namespace cov::server::exporter

#endif  // COV_SERVER_EXPORT_CSV_EXPORT_H_
