// Reads recorded event logs into an EventSink: one entry point for a file
// or a folder of Windows .evtx files, evtx_dump JSON, flat JSON lines
// (Security-Datasets, Winlogbeat, NXLog) and .zip archives of them.
//
// The format of each file is told by its content (log_format.h), never by
// its name. A folder is walked recursively (ingest/base/file_walk.h:
// regular files, hidden folders skipped, symlinks not followed, sorted by
// path); every file in it is tried, and one that is not an event log is
// reported (events-not-a-log, naming what it looks like) and skipped.
// Field names and normalisation: json_events.h and evtx_events.h; archives
// and their bounds: zip_events.h; streaming and memory: reader_options.h.
//
//   class Counter : public EventSink { ... };
//   Counter sink;
//   ReadStats stats;
//   absl::Status s = ReadEvents("logs/", ReaderOptions(), sink, &stats);
//
// Returns kNotFound when `path` does not exist and kUnavailable when it
// cannot be listed or opened; every problem inside (a broken record, a
// file that is not a log, a zip bomb) is a diagnostic and the read goes on,
// so the status is OK even when diagnostics were reported. Calls into the
// sink come from the calling thread. Thread-compatible.
#ifndef COV_INGEST_EVENTS_READER_H_
#define COV_INGEST_EVENTS_READER_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "ingest/events/event.h"
#include "ingest/events/reader_options.h"

namespace cov::ingest::events {

absl::Status ReadEvents(const std::string& path, const ReaderOptions& options,
                        EventSink& sink, ReadStats* stats = nullptr);

// One regular file, named `file` in diagnostics (ReadEvents does this for
// each file of a folder).
void ReadEventFile(const std::string& path, absl::string_view file,
                   const ReaderOptions& options, EventSink& sink,
                   ReadStats& stats);

}  // namespace cov::ingest::events

#endif  // COV_INGEST_EVENTS_READER_H_
