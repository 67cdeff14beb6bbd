#include "clients/cli/output.h"

#include <time.h>

#include <algorithm>
#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "clients/cli/flags.h"
#include "google/protobuf/util/json_util.h"

namespace cov::clients::cli {

int Usage(absl::string_view message) {
  if (!message.empty()) {
    std::fprintf(stderr, "cov: %.*s\n", static_cast<int>(message.size()),
                 message.data());
  }
  std::fprintf(stderr, "Run `cov --help` for usage.\n");
  return 2;
}

bool JsonOutput() { return absl::GetFlag(FLAGS_format) == "json"; }

void PrintJson(const google::protobuf::Message& m) {
  google::protobuf::util::JsonPrintOptions opts;
  opts.add_whitespace = true;
  opts.always_print_primitive_fields = true;
  std::string out;
  auto st = google::protobuf::util::MessageToJsonString(m, &out, opts);
  if (!st.ok()) {
    std::fprintf(stderr, "cov: cannot encode JSON: %s\n",
                 st.ToString().c_str());
    return;
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fputc('\n', stdout);
}

cov::v1::ReleaseRef ReleaseFromFlags() {
  cov::v1::ReleaseRef ref;
  ref.set_domain(absl::GetFlag(FLAGS_domain));
  ref.set_version(absl::GetFlag(FLAGS_attack_version));
  return ref;
}

std::string Truncate(absl::string_view s, size_t n) {
  std::string flat(s);
  std::replace(flat.begin(), flat.end(), '\n', ' ');
  if (flat.size() <= n) return flat;
  size_t cut = n;
  while (cut > 0 && (static_cast<unsigned char>(flat[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return flat.substr(0, cut) + "...";
}

std::string Wrap(absl::string_view text, size_t width,
                 absl::string_view indent) {
  std::string out, line;
  for (absl::string_view word :
       absl::StrSplit(text, absl::ByAnyChar(" \n"), absl::SkipEmpty())) {
    if (!line.empty() && line.size() + word.size() + 1 > width) {
      absl::StrAppend(&out, indent, line, "\n");
      line.clear();
    }
    if (!line.empty()) line += ' ';
    absl::StrAppend(&line, word);
  }
  if (!line.empty()) absl::StrAppend(&out, indent, line, "\n");
  return out;
}

std::string FormatTime(int64_t unix_seconds) {
  char buf[32];
  time_t t = static_cast<time_t>(unix_seconds);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%SZ", &tm);
  return buf;
}

std::string FormatDiag(const cov::v1::Diagnostic& d) {
  std::string out = d.file().empty() ? "<source>" : d.file();
  if (d.line() > 0) absl::StrAppend(&out, ":", d.line());
  if (d.column() > 0) absl::StrAppend(&out, ":", d.column());
  absl::string_view sev = d.severity() == cov::v1::SEVERITY_ERROR ? "error"
                          : d.severity() == cov::v1::SEVERITY_WARNING
                              ? "warning"
                              : "info";
  absl::StrAppend(&out, ": ", sev, ": ", d.message(), " [", d.code(), "]");
  return out;
}

std::string Bar(double ratio, int width) {
  int full = static_cast<int>(ratio * width + 0.5);
  std::string out;
  for (int i = 0; i < width; ++i) out += i < full ? "\u2588" : "\u2591";
  return out;
}

}  // namespace cov::clients::cli
