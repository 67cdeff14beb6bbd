// File output of the export demo binaries (html_report_demo, xlsx_demo).
// Test-only.
//
//   if (!WriteDemoFile(dir + "/report.html", html)) return 1;
#ifndef COV_SERVER_EXPORT_DEMO_FILES_H_
#define COV_SERVER_EXPORT_DEMO_FILES_H_

#include <string>

#include "absl/strings/string_view.h"

namespace cov::server::exporter {

// Writes `content` to `path` (replacing it). False, after printing "cannot
// write <path>" to stderr, when the file cannot be written whole.
bool WriteDemoFile(const std::string& path, absl::string_view content);

}  // namespace cov::server::exporter

#endif  // COV_SERVER_EXPORT_DEMO_FILES_H_
