#include "server/kb/attack_ingest.h"

#include <openssl/evp.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ingest/attack/stix_bundle.h"
#include "server/auth/path_policy.h"
#include "server/kb/parsed_records.h"
#include "server/util/niced.h"

namespace cov::server::kb {
namespace {

double MsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now() - t0)
      .count();
}

// Reads a whole file into a string with kPadding spare bytes after its end,
// so the JSON parser can work in place (see ParseOptions::input_has_padding).
constexpr size_t kPadding = 64;

absl::StatusOr<std::string> ReadFilePadded(const std::string& path,
                                           size_t* size) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::streamoff n = in.tellg();
  if (n < 0) return absl::UnavailableError(absl::StrCat("cannot size ", path));
  std::string out(static_cast<size_t>(n) + kPadding, '\0');
  in.seekg(0);
  if (!in.read(out.data(), n)) {
    return absl::UnavailableError(absl::StrCat("error reading ", path));
  }
  *size = static_cast<size_t>(n);
  return out;
}

// FAILED_PRECONDITION unless `path` has the size and modification time the
// client saw (fields left 0 are not checked): a client that sent the path of
// its own file then uploads the bytes instead.
absl::Status CheckSameFile(const cov::v1::IngestAttackRequest& request) {
  if (request.expected_size() == 0 && request.expected_mtime_unix_ns() == 0) {
    return absl::OkStatus();
  }
  struct stat st;
  if (stat(request.path().c_str(), &st) != 0) {
    return absl::NotFoundError(absl::StrCat("cannot read ", request.path()));
  }
  const int64_t mtime_ns =
      int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
  if ((request.expected_size() != 0 && st.st_size != request.expected_size()) ||
      (request.expected_mtime_unix_ns() != 0 &&
       mtime_ns != request.expected_mtime_unix_ns())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the server's ", request.path(), " (", st.st_size, " bytes, mtime ",
        mtime_ns, " ns) is not the client's (", request.expected_size(),
        " bytes, mtime ", request.expected_mtime_unix_ns(), " ns)"));
  }
  return absl::OkStatus();
}

// ATT&CK objects a release holds, summed over its counts.
int64_t ObjectCount(const cov::v1::ReleaseCounts& c) {
  return int64_t{c.techniques()} + c.subtechniques() + c.revoked_techniques() +
         c.deprecated_techniques() + c.tactics() + c.groups() + c.software() +
         c.campaigns() + c.mitigations() + c.data_sources() +
         c.data_components() + c.detection_strategies() + c.analytics() +
         c.relationships();
}

// "replaced ics-attack@18.1 (was STIX 2.0, 1,234 objects; now STIX 2.1,
// 1,240 objects)", or "re-loaded ... (same bundle ...)" for equal bytes.
std::string ReplacedMessage(const cov::v1::Release& was,
                            const cov::v1::Release& now) {
  const std::string key = absl::StrCat(was.domain(), "@", was.version());
  if (was.sha256() == now.sha256()) {
    return absl::StrCat("re-loaded ", key, " from the same bundle (STIX ",
                        was.stix_version(), ", ",
                        WithThousands(ObjectCount(was.counts())), " objects)");
  }
  return absl::StrCat("replaced ", key, " (was STIX ", was.stix_version(), ", ",
                      WithThousands(ObjectCount(was.counts())),
                      " objects, from ", was.source_file(), "; now STIX ",
                      now.stix_version(), ", ",
                      WithThousands(ObjectCount(now.counts())), " objects)");
}

}  // namespace

std::string WithThousands(int64_t n) {
  std::string digits = absl::StrCat(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? absl::StrCat("-", out) : out;
}

std::string Sha256Hex(absl::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

absl::StatusOr<cov::v1::IngestAttackResponse> IngestAttack(
    store::Store& store, const cov::v1::IngestAttackRequest& request,
    const auth::PathCheck& check_path, int nice) {
  auto t0 = std::chrono::steady_clock::now();
  std::string owned;
  absl::string_view bytes;
  std::string file_name = request.file_name();
  if (request.has_path()) {
    // covd --ingest_root confines server-side paths.
    if (absl::Status s = auth::CheckPath(check_path, request.path()); !s.ok()) {
      return s;
    }
    if (absl::Status s = CheckSameFile(request); !s.ok()) return s;
    size_t size = 0;
    absl::StatusOr<std::string> read = ReadFilePadded(request.path(), &size);
    if (!read.ok()) return read.status();
    owned = *std::move(read);
    bytes = absl::string_view(owned.data(), size);
    if (file_name.empty()) file_name = request.path();
  } else if (request.has_content()) {
    bytes = request.content();
  } else {
    return absl::InvalidArgumentError(
        "IngestAttack needs a bundle: set path or content");
  }

  ingest::attack::ParseOptions opts;
  opts.file_name = file_name;
  opts.version_flag = request.version();
  opts.input_has_padding = !owned.empty();
  // Parse and hash hold no lock a reader waits for: they may run lowered.
  std::string sha256;
  absl::StatusOr<ingest::attack::ParsedRelease> parsed = util::RunNiced(
      nice, [&]() -> absl::StatusOr<ingest::attack::ParsedRelease> {
        auto p = ingest::attack::ParseBundle(bytes, opts);
        if (p.ok()) sha256 = Sha256Hex(bytes);
        return p;
      });
  if (!parsed.ok()) return parsed.status();
  double parse_ms = MsSince(t0);

  cov::v1::Release release = parsed->release;
  release.set_source_file(file_name);
  release.set_sha256(sha256);
  release.set_ingested_at_unix(absl::ToUnixSeconds(absl::Now()));
  // A release of the same domain and version is replaced: say so.
  cov::v1::ReleaseRef same;
  same.set_domain(release.domain());
  same.set_version(release.version());
  std::optional<cov::v1::Release> replaced;
  if (absl::StatusOr<store::StoredRelease> old = store.ResolveRelease(same);
      old.ok() && old->release.domain() == release.domain() &&
      old->release.version() == release.version()) {
    replaced = old->release;
  }
  auto t1 = std::chrono::steady_clock::now();
  absl::Status st =
      store.PutRelease(RecordsOf(*parsed), release, request.make_default());
  if (!st.ok()) return st;
  double store_ms = MsSince(t1);

  cov::v1::IngestAttackResponse response;
  cov::v1::ReleaseRef ref;
  ref.set_domain(release.domain());
  ref.set_version(release.version());
  absl::StatusOr<store::StoredRelease> stored = store.ResolveRelease(ref);
  if (!stored.ok()) return stored.status();
  *response.mutable_release() = stored->release;
  if (replaced.has_value()) {
    *response.mutable_replaced() = *replaced;
    cov::v1::Diagnostic* d = response.add_diagnostics();
    d->set_severity(cov::v1::SEVERITY_INFO);
    d->set_file(file_name);
    d->set_code("attack-release-replaced");
    d->set_message(ReplacedMessage(*replaced, stored->release));
  }
  const int replaced_notes = response.diagnostics_size();
  for (auto& d : parsed->diagnostics) {
    *response.add_diagnostics() = std::move(d);
  }
  response.set_warning_count(response.diagnostics_size() - replaced_notes);
  response.set_parse_ms(parse_ms);
  response.set_store_ms(store_ms);
  response.set_elapsed_ms(MsSince(t0));
  return response;
}

}  // namespace cov::server::kb
