// Reader of .zip archives of event logs (libarchive, streamed member by
// member): each regular member is told apart by content (log_format.h) and
// read as JSON (json_events.h, fed block by block, never held whole) or as
// .evtx (evtx_events.h, copied to a temporary file first since libevtx
// reads only paths, bounded by max_evtx_member_bytes). Events and
// diagnostics name a member "<archive>!<member path>".
//
// Zip bomb bounds (ReaderOptions): a member stops at max_member_bytes
// uncompressed or at max_compression_ratio; the archive stops at
// max_archive_bytes; events read before a bound are kept. After a bound
// crossed in a streamed member (sizes only in its trailing data
// descriptor) the later members are not read either: libarchive could skip
// it only by inflating it whole. A member that is not a log is drained
// under the same bounds. Members in archive order; folders and links inside
// are ignored.
//
// Diagnostics:
//   events-zip-open (E)      libarchive cannot open or read the archive
//   events-zip-member (E)    a member cannot be read (encrypted, damaged)
//   events-zip-bomb (E)      a bound was crossed
//   events-not-a-log (W)     a member that is not an event log (named:
//                            packet capture, AppleDouble metadata, ...), or
//                            a nested archive; skipped
//
// Thread-compatible: independent calls may run in parallel.
#ifndef COV_INGEST_EVENTS_ZIP_EVENTS_H_
#define COV_INGEST_EVENTS_ZIP_EVENTS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "ingest/events/reader_options.h"

namespace cov::ingest::events {

// Reads the archive at `path`, named `file` in diagnostics.
void ReadZipFile(const std::string& path, absl::string_view file,
                 const ReaderOptions& options, EventSink& sink,
                 ReadStats& stats);

}  // namespace cov::ingest::events

#endif  // COV_INGEST_EVENTS_ZIP_EVENTS_H_
