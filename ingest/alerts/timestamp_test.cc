#include "ingest/alerts/timestamp.h"

#include <cmath>
#include <limits>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace cov::ingest::alerts {
namespace {

// Expected values from Python's datetime(...).timestamp().
TEST(ParseTimestampMicrosTest, Variants) {
  struct Case {
    const char* text;
    int64_t micros;
  } cases[] = {
      {"2024-04-21T10:00:00.123456+0000", 1713693600123456},  // Suricata
      {"2024-04-21T10:00:00.123456Z", 1713693600123456},
      {"2024-04-21T10:00:00.123456+00:00", 1713693600123456},
      {"2024-04-21t10:00:00.123456z", 1713693600123456},
      {"2024-04-21 10:00:00.123456", 1713693600123456},      // no offset: UTC
      {"2024-04-21T10:00:00.123456789Z", 1713693600123456},  // truncated
      {"2024-04-21T10:00:00.1Z", 1713693600100000},
      {"2024-04-21T12:00:00+02:00", 1713693600000000},
      {"2024-04-21T12:00:00+0200", 1713693600000000},
      {"2024-04-21T12:00:00+02", 1713693600000000},
      {"2024-02-29T23:59:59-05:30", 1709270999000000},  // leap day
      {"1969-12-31T23:59:59.5Z", -500000},
      {"2000-03-01T00:00:00Z", 951868800000000},
      {"9999-12-31T23:59:59Z", 253402300799000000},
      {"1970-01-01T00:00:00,25Z", 250000},  // comma fraction (ISO 8601)
  };
  for (const Case& c : cases) {
    absl::StatusOr<int64_t> t = ParseTimestampMicros(c.text);
    ASSERT_TRUE(t.ok()) << c.text << ": " << t.status();
    EXPECT_EQ(*t, c.micros) << c.text;
  }
}

TEST(ParseTimestampMicrosTest, Rejects) {
  for (const char* text : {
           "",
           "2024-04-21",
           "2024-4-21T10:00:00Z",
           "2024-04-21X10:00:00Z",
           "2024-13-01T00:00:00Z",
           "2024-00-01T00:00:00Z",
           "2023-02-29T00:00:00Z",  // not a leap year
           "2024-04-31T00:00:00Z",
           "2024-04-21T24:00:00Z",
           "2024-04-21T10:60:00Z",
           "2024-04-21T10:00:61Z",
           "2024-04-21T10:00:00.Z",
           "2024-04-21T10:00:00.1234567890Z",
           "2024-04-21T10:00:00+2400",
           "2024-04-21T10:00:00+02:6",
           "2024-04-21T10:00:00Zjunk",
           "2024-04-21T10:00:00 UTC",
           "1713693600",
       }) {
    absl::StatusOr<int64_t> t = ParseTimestampMicros(text);
    EXPECT_FALSE(t.ok()) << text << " -> " << (t.ok() ? *t : 0);
    if (!t.ok()) {
      EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
    }
  }
}

TEST(UnixSecondsToMicrosTest, Values) {
  EXPECT_EQ(*UnixSecondsToMicros(1713693600), 1713693600000000);
  EXPECT_EQ(*UnixSecondsToMicros(1713693600.123456), 1713693600123456);
  EXPECT_EQ(*UnixSecondsToMicros(-1.5), -1500000);
  EXPECT_FALSE(UnixSecondsToMicros(std::nan("")).ok());
  EXPECT_FALSE(
      UnixSecondsToMicros(std::numeric_limits<double>::infinity()).ok());
  EXPECT_FALSE(UnixSecondsToMicros(1e12).ok());  // year > 9999
}

TEST(DaysFromCivilTest, KnownDays) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  EXPECT_EQ(DaysFromCivil(2024, 4, 21), 19834);
}

}  // namespace
}  // namespace cov::ingest::alerts
