// libFuzzer target for the Suricata EVE reader (ingest/alerts/eve.h).
//
// The input is an eve.json file. It is read twice: whole by ParseEve, and by
// an EveReader fed chunks of a size taken from the input, with a small
// max_line_bytes and diagnostics cap so the long-line and cap paths run.
// Besides crashes and sanitizer reports it checks the headers' promises:
// every line is counted once as blank, alert, skipped or malformed; the line
// count matches the input; alerts come in line order; diagnostics are well
// formed and capped; and chunking never changes the result.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "ingest/alerts/alert_file.h"
#include "ingest/alerts/eve.h"
#include "tests/fuzz/fuzz_checks.h"

namespace fz = ::cov::tests::fuzz;
using cov::ingest::alerts::AlertReaderOptions;
using cov::ingest::alerts::AlertStats;
using cov::ingest::alerts::EveAlert;

namespace {

void RequireStats(const AlertStats& s, const std::vector<EveAlert>& alerts,
                  absl::string_view text, const AlertReaderOptions& options) {
  int64_t lines = 0;
  for (char c : text) lines += c == '\n';
  if (!text.empty() && text.back() != '\n') ++lines;
  COV_FUZZ_REQUIRE(s.lines == lines,
                   absl::StrCat("lines ", s.lines, " == ", lines));
  COV_FUZZ_REQUIRE(s.blank + s.alerts + s.skipped + s.malformed == s.lines,
                   absl::StrCat("blank ", s.blank, " + alerts ", s.alerts,
                                " + skipped ", s.skipped, " + malformed ",
                                s.malformed, " == lines ", s.lines));
  COV_FUZZ_REQUIRE(s.alerts == static_cast<int64_t>(alerts.size()),
                   "alerts counted == alerts returned");
  COV_FUZZ_REQUIRE(s.without_timestamp <= s.alerts,
                   "without_timestamp <= alerts");
  COV_FUZZ_REQUIRE(s.diagnostics.size() <= options.max_diagnostics,
                   "diagnostics capped");
  int64_t skipped_by_type = 0;
  for (const auto& [type, n] : s.skipped_event_types) skipped_by_type += n;
  COV_FUZZ_REQUIRE(s.skipped_event_types.size() <= 65,
                   "at most 64 types + other");
  COV_FUZZ_REQUIRE(skipped_by_type == s.skipped, "skipped per type sum");
  int64_t last = 0;
  for (const EveAlert& a : alerts) {
    COV_FUZZ_REQUIRE(a.line > last && a.line <= s.lines,
                     absl::StrCat("alert line ", a.line, " after ", last));
    last = a.line;
  }
  const int max_line = static_cast<int>(std::min<int64_t>(s.lines, 1 << 30));
  for (const cov::v1::Diagnostic& d : s.diagnostics) {
    fz::RequireDiagnostic(d, max_line);
  }
}

bool SameAlert(const EveAlert& a, const EveAlert& b) {
  return a.line == b.line && a.has_timestamp == b.has_timestamp &&
         a.timestamp_micros == b.timestamp_micros &&
         a.signature_id == b.signature_id && a.gid == b.gid && a.rev == b.rev &&
         a.signature == b.signature && a.src_ip == b.src_ip &&
         a.src_port == b.src_port && a.dest_ip == b.dest_ip &&
         a.dest_port == b.dest_port && a.proto == b.proto &&
         a.http_user_agent == b.http_user_agent &&
         a.http_hostname == b.http_hostname && a.http_url == b.http_url;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  // Whole, default options.
  const AlertReaderOptions defaults;
  const cov::ingest::alerts::EveFile whole =
      cov::ingest::alerts::ParseEve(text, "eve.json");
  RequireStats(whole.stats, whole.alerts, text, defaults);

  // Small limits, whole and chunked: results must agree.
  AlertReaderOptions small;
  small.max_line_bytes = 200;
  small.max_diagnostics = 3;
  const cov::ingest::alerts::EveFile ref =
      cov::ingest::alerts::ParseEve(text, "eve.json", small);
  RequireStats(ref.stats, ref.alerts, text, small);
  const size_t chunk = size == 0 ? 1 : 1 + data[0] % 97;
  std::vector<EveAlert> alerts;
  cov::ingest::alerts::EveReader reader(
      "eve.json", [&](EveAlert&& a) { alerts.push_back(std::move(a)); }, small);
  for (size_t pos = 0; pos < size; pos += chunk) {
    reader.Feed(text.substr(pos, chunk));
  }
  reader.Finish();
  const AlertStats& s = reader.stats();
  RequireStats(s, alerts, text, small);
  COV_FUZZ_REQUIRE(s.lines == ref.stats.lines && s.blank == ref.stats.blank &&
                       s.alerts == ref.stats.alerts &&
                       s.skipped == ref.stats.skipped &&
                       s.malformed == ref.stats.malformed &&
                       s.without_timestamp == ref.stats.without_timestamp &&
                       s.diagnostics_dropped == ref.stats.diagnostics_dropped &&
                       s.diagnostics.size() == ref.stats.diagnostics.size(),
                   absl::StrCat("chunks of ", chunk, " change the counts"));
  for (size_t i = 0; i < alerts.size(); ++i) {
    COV_FUZZ_REQUIRE(SameAlert(alerts[i], ref.alerts[i]),
                     absl::StrCat("chunks of ", chunk, " change alert ", i));
  }
  for (size_t i = 0; i < s.diagnostics.size(); ++i) {
    COV_FUZZ_REQUIRE(
        s.diagnostics[i].SerializeAsString() ==
            ref.stats.diagnostics[i].SerializeAsString(),
        absl::StrCat("chunks of ", chunk, " change diagnostic ", i));
  }
  return 0;
}
