#include "ingest/alerts/timestamp.h"

#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace cov::ingest::alerts {
namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
// 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z in Unix seconds.
constexpr int64_t kMinSeconds = -62167219200LL;
constexpr int64_t kMaxSeconds = 253402300800LL;

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30,
                                       31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at *pos.
bool Digits(absl::string_view s, size_t* pos, int n, int* out) {
  if (*pos + n > s.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    const char c = s[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

bool Expect(absl::string_view s, size_t* pos, char c) {
  if (*pos >= s.size() || s[*pos] != c) return false;
  ++*pos;
  return true;
}

absl::Status Bad(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid timestamp '", text.substr(0, 64), "': ", why));
}

}  // namespace

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  // Howard Hinnant's days_from_civil.
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

absl::StatusOr<int64_t> ParseTimestampMicros(absl::string_view s) {
  size_t pos = 0;
  int year, month, day, hour, minute, second;
  if (!Digits(s, &pos, 4, &year) || !Expect(s, &pos, '-') ||
      !Digits(s, &pos, 2, &month) || !Expect(s, &pos, '-') ||
      !Digits(s, &pos, 2, &day)) {
    return Bad(s, "expected YYYY-MM-DD");
  }
  if (pos >= s.size() || (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ')) {
    return Bad(s, "expected 'T' after the date");
  }
  ++pos;
  if (!Digits(s, &pos, 2, &hour) || !Expect(s, &pos, ':') ||
      !Digits(s, &pos, 2, &minute) || !Expect(s, &pos, ':') ||
      !Digits(s, &pos, 2, &second)) {
    return Bad(s, "expected hh:mm:ss");
  }
  if (month < 1 || month > 12) return Bad(s, "month out of range");
  if (day < 1 || day > static_cast<int>(DaysInMonth(year, month))) {
    return Bad(s, "day out of range");
  }
  if (hour > 23 || minute > 59 || second > 60) {
    return Bad(s, "time out of range");
  }
  int64_t micros = 0;
  if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
    ++pos;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 6) micros = micros * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0 || digits > 9)
      return Bad(s, "fraction must have 1-9 digits");
    for (int i = digits; i < 6; ++i) micros *= 10;
  }
  int64_t offset_seconds = 0;
  if (pos < s.size()) {
    const char c = s[pos++];
    if (c == 'Z' || c == 'z') {
      // UTC
    } else if (c == '+' || c == '-') {
      int oh = 0, om = 0;
      if (!Digits(s, &pos, 2, &oh)) return Bad(s, "bad UTC offset");
      if (pos < s.size()) {
        if (s[pos] == ':') ++pos;
        if (!Digits(s, &pos, 2, &om)) return Bad(s, "bad UTC offset");
      }
      if (oh > 23 || om > 59) return Bad(s, "UTC offset out of range");
      offset_seconds = (oh * 3600 + om * 60) * (c == '-' ? -1 : 1);
    } else {
      return Bad(s, "unexpected text after the time");
    }
  }
  if (pos != s.size()) return Bad(s, "unexpected text after the offset");
  const int64_t seconds = DaysFromCivil(year, month, day) * 86400 +
                          hour * 3600 + minute * 60 + second - offset_seconds;
  return seconds * kMicrosPerSecond + micros;
}

absl::StatusOr<int64_t> UnixSecondsToMicros(double seconds) {
  if (!std::isfinite(seconds) || seconds < static_cast<double>(kMinSeconds) ||
      seconds >= static_cast<double>(kMaxSeconds)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unix time ", seconds, " is out of range"));
  }
  return static_cast<int64_t>(std::llround(seconds * 1e6));
}

}  // namespace cov::ingest::alerts
