// Internal: per-file diagnostics with the cap of ReaderOptions, and the
// counters of ReadStats.
#ifndef COV_INGEST_EVENTS_INTERNAL_REPORT_H_
#define COV_INGEST_EVENTS_INTERNAL_REPORT_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "cov/v1/rules.pb.h"
#include "ingest/events/reader_options.h"

namespace cov::ingest::events::internal {

class FileReport {
 public:
  FileReport(absl::string_view file, const ReaderOptions& options,
             EventSink& sink, ReadStats& stats)
      : file_(file), options_(options), sink_(sink), stats_(stats) {}
  FileReport(const FileReport&) = delete;
  FileReport& operator=(const FileReport&) = delete;
  // Emits the events-more-problems summary when diagnostics were dropped.
  ~FileReport();

  // A record or line that was skipped (counted in bad_records).
  void BadRecord(int64_t line, absl::string_view code,
                 absl::string_view message);
  // Any other problem.
  void Report(cov::v1::Severity severity, int64_t line, absl::string_view code,
              absl::string_view message);

  void Event(const cov::ingest::events::Event& e) {
    ++stats_.events;
    sink_.OnEvent(e);
  }

  const std::string& file() const { return file_; }
  const ReaderOptions& options() const { return options_; }
  EventSink& sink() { return sink_; }
  ReadStats& stats() { return stats_; }

 private:
  std::string file_;
  const ReaderOptions& options_;
  EventSink& sink_;
  ReadStats& stats_;
  int64_t reported_ = 0;
  int64_t dropped_ = 0;
};

}  // namespace cov::ingest::events::internal

#endif  // COV_INGEST_EVENTS_INTERNAL_REPORT_H_
