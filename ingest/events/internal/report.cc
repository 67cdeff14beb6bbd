#include "ingest/events/internal/report.h"

#include <climits>

#include "absl/strings/str_cat.h"
#include "ingest/base/diagnostics.h"
#include "ingest/base/utf8.h"

namespace cov::ingest::events::internal {

FileReport::~FileReport() {
  if (dropped_ > 0) {
    sink_.OnDiagnostic(MakeDiagnostic(
        cov::v1::SEVERITY_WARNING, file_, 0, 0, "events-more-problems",
        absl::StrCat(dropped_, " more problems in this file not shown")));
  }
}

void FileReport::BadRecord(int64_t line, absl::string_view code,
                           absl::string_view message) {
  ++stats_.bad_records;
  Report(cov::v1::SEVERITY_ERROR, line, code, message);
}

void FileReport::Report(cov::v1::Severity severity, int64_t line,
                        absl::string_view code, absl::string_view message) {
  ++stats_.diagnostics;
  if (static_cast<size_t>(reported_) >= options_.max_diagnostics_per_file) {
    ++dropped_;
    return;
  }
  ++reported_;
  const int l = line > INT_MAX ? INT_MAX : static_cast<int>(line);
  // Messages quote input (field names, bytes of a broken record): keep the
  // diagnostic valid UTF-8 so it survives protobuf and gRPC.
  sink_.OnDiagnostic(MakeDiagnostic(severity, ToValidUtf8(file_), l, 0, code,
                                    ToValidUtf8(message)));
}

}  // namespace cov::ingest::events::internal
