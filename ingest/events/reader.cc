#include "ingest/events/reader.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ingest/base/file_walk.h"
#include "ingest/events/evtx_events.h"
#include "ingest/events/internal/report.h"
#include "ingest/events/json_events.h"
#include "ingest/events/log_format.h"
#include "ingest/events/zip_events.h"

namespace cov::ingest::events {
namespace {

namespace fs = std::filesystem;

constexpr size_t kChunk = size_t{1} << 20;

struct FileClose {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

}  // namespace

void ReadEventFile(const std::string& path, absl::string_view file,
                   const ReaderOptions& options, EventSink& sink,
                   ReadStats& stats) {
  std::unique_ptr<std::FILE, FileClose> in(std::fopen(path.c_str(), "rb"));
  if (in == nullptr) {
    internal::FileReport r(file, options, sink, stats);
    r.BadRecord(0, "events-open",
                absl::StrCat("cannot open the file: ", std::strerror(errno)));
    return;
  }
  std::string head(4096, '\0');
  head.resize(std::fread(head.data(), 1, head.size(), in.get()));
  switch (DetectLogFormat(head)) {
    case LogFormat::kEvtx:
      in.reset();
      ReadEvtxFile(path, file, options, sink, stats);
      return;
    case LogFormat::kZip:
      in.reset();
      ReadZipFile(path, file, options, sink, stats);
      return;
    case LogFormat::kUnknown: {
      ++stats.skipped_files;
      internal::FileReport r(file, options, sink, stats);
      r.Report(cov::v1::SEVERITY_WARNING, 0, "events-not-a-log",
               absl::StrCat("not an event log (.evtx, JSON or .zip) but ",
                            DescribeContent(head), "; skipped"));
      return;
    }
    case LogFormat::kJson:
      break;
  }
  ++stats.files;
  JsonEventReader reader(file, options, sink, stats);
  reader.Feed(head);
  std::unique_ptr<char[]> buffer(new char[kChunk]);
  while (true) {
    const size_t n = std::fread(buffer.get(), 1, kChunk, in.get());
    if (n > 0) reader.Feed(absl::string_view(buffer.get(), n));
    if (n < kChunk) break;
  }
  if (std::ferror(in.get())) {
    internal::FileReport r(file, options, sink, stats);
    r.BadRecord(0, "events-open",
                absl::StrCat("read error: ", std::strerror(errno)));
  }
  reader.Finish();
}

absl::Status ReadEvents(const std::string& path, const ReaderOptions& options,
                        EventSink& sink, ReadStats* stats) {
  ReadStats local;
  ReadStats& s = stats != nullptr ? *stats : local;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) {
    if (ec && ec != std::errc::no_such_file_or_directory) {
      return absl::UnavailableError(
          absl::StrCat("cannot read ", path, ": ", ec.message()));
    }
    return absl::NotFoundError(absl::StrCat("no such file or folder: ", path));
  }
  if (!fs::is_directory(st)) {
    ReadEventFile(path, path, options, sink, s);
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<WalkedFile>> files =
      WalkFiles(path, [](absl::string_view) { return true; });
  if (!files.ok()) return files.status();
  for (const WalkedFile& f : *files) {
    ReadEventFile(f.full, f.full, options, sink, s);
  }
  return absl::OkStatus();
}

}  // namespace cov::ingest::events
