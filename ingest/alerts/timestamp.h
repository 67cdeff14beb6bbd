// Timestamps of alert files as microseconds since the Unix epoch (UTC).
//
// ParseTimestampMicros accepts RFC 3339 date-times and the variants alert
// producers write:
//   2024-04-21T10:00:00Z               RFC 3339
//   2024-04-21T10:00:00.123456+00:00   fraction of 1-9 digits (truncated to
//                                      microseconds), offset with a colon
//   2024-04-21T10:00:00.123456+0000    Suricata EVE: offset without a colon
//   2024-04-21 10:00:00+02             space for 'T', hour-only offset
//   2024-04-21T10:00:00                no offset: read as UTC
// Fields are range-checked (month 1-12, day within the month, leap years,
// hour 0-23, minute 0-59, second 0-60, offset up to 23:59); anything else,
// including trailing text, is kInvalidArgument.
//
//   absl::StatusOr<int64_t> t =
//       ParseTimestampMicros("2024-04-21T10:00:00.123456+0000");
//   // *t == 1713693600123456
//
// Pure and thread-safe.
#ifndef COV_INGEST_ALERTS_TIMESTAMP_H_
#define COV_INGEST_ALERTS_TIMESTAMP_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cov::ingest::alerts {

absl::StatusOr<int64_t> ParseTimestampMicros(absl::string_view text);

// Unix seconds (may have a fraction) to microseconds, rounded to nearest.
// kInvalidArgument for NaN, infinities and values outside years 0-9999.
absl::StatusOr<int64_t> UnixSecondsToMicros(double seconds);

// Days since 1970-01-01 of a proleptic Gregorian date (no range checks).
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);

}  // namespace cov::ingest::alerts

#endif  // COV_INGEST_ALERTS_TIMESTAMP_H_
