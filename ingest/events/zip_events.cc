#include "ingest/events/zip_events.h"

#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "ingest/events/evtx_events.h"
#include "ingest/events/internal/report.h"
#include "ingest/events/json_events.h"
#include "ingest/events/log_format.h"

namespace cov::ingest::events {
namespace {

constexpr size_t kBlock = size_t{1} << 16;   // libarchive read size
constexpr size_t kBuffer = size_t{1} << 18;  // one member read
constexpr uint64_t kRatioAfter = uint64_t{1} << 20;

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};

std::string ArchiveError(archive* a) {
  const char* e = archive_error_string(a);
  return e != nullptr ? e : "unknown libarchive error";
}

// A temporary file removed on destruction.
class TempFile {
 public:
  TempFile() {
    const char* dir = std::getenv("TMPDIR");
    path_ = absl::StrCat(dir != nullptr && *dir != '\0' ? dir : "/tmp",
                         "/cov-evtx-XXXXXX");
    fd_ = mkstemp(path_.data());
  }
  ~TempFile() {
    if (fd_ >= 0) {
      close(fd_);
      unlink(path_.c_str());
    }
  }
  bool ok() const { return fd_ >= 0; }
  bool Write(const char* data, size_t size) {
    while (size > 0) {
      const ssize_t n = write(fd_, data, size);
      if (n <= 0) return false;
      data += n;
      size -= static_cast<size_t>(n);
    }
    return true;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

class ZipReader {
 public:
  ZipReader(const std::string& path, absl::string_view file,
            const ReaderOptions& options, EventSink& sink, ReadStats& stats)
      : path_(path),
        file_(file),
        options_(options),
        sink_(sink),
        stats_(stats),
        report_(file, options, sink, stats),
        buffer_(new char[kBuffer]) {}

  void Run() {
    const int64_t diagnostics_before = stats_.diagnostics;
    std::unique_ptr<archive, ArchiveFree> a(archive_read_new());
    archive_read_support_format_zip_streamable(a.get());
    if (archive_read_open_filename(a.get(), path_.c_str(), kBlock) !=
        ARCHIVE_OK) {
      report_.BadRecord(
          0, "events-zip-open",
          absl::StrCat("cannot open the archive: ", ArchiveError(a.get())));
      return;
    }
    archive_entry* entry = nullptr;
    while (true) {
      const int r = archive_read_next_header(a.get(), &entry);
      if (r == ARCHIVE_EOF) break;
      if (r == ARCHIVE_FATAL) {
        report_.BadRecord(0, "events-zip-open",
                          absl::StrCat("archive damaged after ", members_,
                                       " members: ", ArchiveError(a.get())));
        break;
      }
      ++members_;
      if (archive_entry_filetype(entry) != AE_IFREG) continue;
      const char* name = archive_entry_pathname(entry);
      const std::string member =
          absl::StrCat(file_, "!", name != nullptr ? name : "");
      if (!Member(a.get(), entry, member)) break;
    }
    if (members_ == 0 && stats_.diagnostics == diagnostics_before) {
      ++stats_.skipped_files;
      report_.Report(cov::v1::SEVERITY_WARNING, 0, "events-zip-empty",
                     "the archive holds no files; skipped");
    }
  }

 private:
  // false when the whole archive must stop.
  bool Member(archive* a, archive_entry* entry, const std::string& member) {
    if (archive_entry_size_is_set(entry) &&
        static_cast<uint64_t>(archive_entry_size(entry)) >
            options_.max_member_bytes) {
      // Its size is in the header: libarchive skips it without inflating.
      return Bomb(member,
                  absl::StrCat("member declares ", archive_entry_size(entry),
                               " bytes uncompressed, more than the bound of ",
                               options_.max_member_bytes, "; skipped"),
                  entry);
    }
    const int64_t start = archive_filter_bytes(a, -1);
    uint64_t produced = 0;
    LogFormat format = LogFormat::kUnknown;
    std::string head;
    std::unique_ptr<JsonEventReader> json;
    std::unique_ptr<TempFile> temp;
    bool decided = false;
    while (true) {
      const la_ssize_t n = archive_read_data(a, buffer_.get(), kBuffer);
      if (n < 0) {
        internal::FileReport r(member, options_, sink_, stats_);
        r.BadRecord(0, "events-zip-member",
                    absl::StrCat("member cannot be read: ", ArchiveError(a)));
        return n != ARCHIVE_FATAL;
      }
      if (n == 0) break;
      const absl::string_view chunk(buffer_.get(), static_cast<size_t>(n));
      produced += static_cast<uint64_t>(n);
      total_ += static_cast<uint64_t>(n);
      if (!decided) {
        head.append(chunk.data(), std::min(chunk.size(), size_t{4096}));
        format = DetectLogFormat(head);
        decided = true;
        if (format == LogFormat::kJson) {
          ++stats_.files;
          json = std::make_unique<JsonEventReader>(member, options_, sink_,
                                                   stats_);
        } else if (format == LogFormat::kEvtx) {
          temp = std::make_unique<TempFile>();
          if (!temp->ok()) {
            internal::FileReport r(member, options_, sink_, stats_);
            r.BadRecord(0, "events-zip-member",
                        "cannot create a temporary file for the .evtx member");
            return true;
          }
        } else {
          ++stats_.skipped_files;
          internal::FileReport r(member, options_, sink_, stats_);
          r.Report(cov::v1::SEVERITY_WARNING, 0, "events-not-a-log",
                   format == LogFormat::kZip
                       ? "a nested archive; not read"
                       : absl::StrCat("not an event log (.evtx, JSON or "
                                      ".zip) but ",
                                      DescribeContent(head), "; skipped"));
          // Not returned here: libarchive skips a member whose length is
          // only at its end (a streamed member) by inflating it, so the
          // rest is drained under the same bounds as a log.
        }
      }
      if (json != nullptr) json->Feed(chunk);
      if (temp != nullptr && !temp->Write(chunk.data(), chunk.size())) {
        internal::FileReport r(member, options_, sink_, stats_);
        r.BadRecord(0, "events-zip-member",
                    "cannot write the .evtx member to a temporary file");
        return true;
      }
      if (produced > options_.max_member_bytes ||
          (temp != nullptr && produced > options_.max_evtx_member_bytes)) {
        return Bomb(
            member,
            absl::StrCat("member exceeds ",
                         temp != nullptr ? options_.max_evtx_member_bytes
                                         : options_.max_member_bytes,
                         " bytes uncompressed; rest not read"),
            entry);
      }
      if (total_ > options_.max_archive_bytes) {
        internal::FileReport r(member, options_, sink_, stats_);
        r.BadRecord(0, "events-zip-bomb",
                    absl::StrCat("archive exceeds ", options_.max_archive_bytes,
                                 " bytes uncompressed; rest not read"));
        return false;
      }
      if (produced > kRatioAfter) {
        const double compressed = static_cast<double>(
            archive_filter_bytes(a, -1) - start + static_cast<int64_t>(kBlock));
        const double ratio = static_cast<double>(produced) / compressed;
        if (ratio > options_.max_compression_ratio) {
          return Bomb(member,
                      absl::StrCat("member expands more than ",
                                   options_.max_compression_ratio, " times (",
                                   produced, " bytes from about ",
                                   static_cast<int64_t>(compressed) - kBlock,
                                   " compressed); rest not read"),
                      entry);
        }
      }
    }
    if (json != nullptr) json->Finish();
    if (temp != nullptr)
      ReadEvtxFile(temp->path(), member, options_, sink_, stats_);
    if (!decided) {
      ++stats_.files;  // an empty member: an empty log
    }
    return true;
  }

  // Reports a crossed bound. Returns whether the archive's later members
  // can still be read: not after a member whose length is only known at
  // its end (streamed, "data descriptor"), since libarchive could skip it
  // only by inflating all of it — the very work the bound refused.
  bool Bomb(const std::string& member, absl::string_view message,
            archive_entry* entry) {
    internal::FileReport r(member, options_, sink_, stats_);
    if (archive_entry_size_is_set(entry)) {
      r.BadRecord(0, "events-zip-bomb", message);
      return true;
    }
    r.BadRecord(0, "events-zip-bomb",
                absl::StrCat(message,
                             "; the archive's later members are not read "
                             "either (a streamed member can be skipped only "
                             "by inflating it)"));
    return false;
  }

  const std::string& path_;
  std::string file_;
  const ReaderOptions& options_;
  EventSink& sink_;
  ReadStats& stats_;
  internal::FileReport report_;
  std::unique_ptr<char[]> buffer_;
  int64_t members_ = 0;
  uint64_t total_ = 0;
};

}  // namespace

void ReadZipFile(const std::string& path, absl::string_view file,
                 const ReaderOptions& options, EventSink& sink,
                 ReadStats& stats) {
  ZipReader(path, file, options, sink, stats).Run();
}

}  // namespace cov::ingest::events
