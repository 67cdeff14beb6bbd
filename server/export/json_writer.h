// The server's one JSON writer: a streaming writer (no DOM) for the exporters,
// SARIF, and the RPC log lines.
//
// RapidJSON (Debian's rapidjson-dev, `rapidjson::Writer` and `PrettyWriter`)
// does the writing: nesting, separators, string escaping, integers. This thin
// wrapper remains for the contract RapidJSON does not offer, which the HTML
// report relies on (it embeds the JSON verbatim in a <script> element):
//   - strings are HTML-safe: `<`, `>`, `&`, U+2028 and U+2029 are written as
//     \u escapes, as are DEL and the other control characters (\u00XX, lower
//     case hex; \n \r \t \b \f and \" \\ keep their short forms);
//   - invalid UTF-8 bytes become U+FFFD, written as \ufffd (RapidJSON would
//     copy them verbatim or fail); a U+FFFD already in the input is written
//     the same way;
//   - doubles use the shortest form that reads back as the same double ("3"
//     for 3.0, "30.5", "1e+22"; RapidJSON's own would be "3.0" and "1e22"),
//     and non-finite doubles are written as `null`.
// The output is compact (no whitespace) unless an indent is given, and always
// valid JSON when calls are well nested (ill-nested calls trip RapidJSON's
// assertions in builds without NDEBUG).
//
// Example:
//   std::string out;
//   JsonWriter w(&out);
//   w.BeginObject();
//   w.Key("name");
//   w.String("x<y");
//   w.EndObject();  // out == R"({"name":"x\u003cy"})"
//
// Not thread-safe; one writer per output string.
#ifndef COV_SERVER_EXPORT_JSON_WRITER_H_
#define COV_SERVER_EXPORT_JSON_WRITER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"

namespace cov::server::exporter {

// Appends `s` as a quoted, escaped JSON string literal to `*out`, with the
// escaping described above.
void AppendJsonString(absl::string_view s, std::string* out);

// Appends the shortest decimal form of `v` that reads back as the same double
// ("3" for 3.0, "30.5"); `null` when `v` is NaN or infinite.
void AppendJsonNumber(double v, std::string* out);

class JsonWriter {
 public:
  // Appends compact JSON to `*out`, which must outlive the writer. `*out`
  // holds everything written so far after every call.
  explicit JsonWriter(std::string* out);
  // Appends pretty-printed JSON to `*out` when `indent` > 0: each member and
  // element on its own line, indented by `indent` spaces per level, `": "`
  // after keys, empty containers as `{}` and `[]`. Compact when `indent` <= 0.
  JsonWriter(std::string* out, int indent);
  ~JsonWriter();

  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  // Object member name; the next value call writes its value.
  void Key(absl::string_view key);

  void String(absl::string_view v);
  void Int(int64_t v);
  void Double(double v);
  void Bool(bool v);
  void Null();

  // Shorthands for Key() followed by a value.
  void KeyString(absl::string_view key, absl::string_view v) {
    Key(key);
    String(v);
  }
  void KeyInt(absl::string_view key, int64_t v) {
    Key(key);
    Int(v);
  }
  void KeyDouble(absl::string_view key, double v) {
    Key(key);
    Double(v);
  }
  void KeyBool(absl::string_view key, bool v) {
    Key(key);
    Bool(v);
  }

 private:
  // The output stream and the RapidJSON writer (compact or pretty); in the
  // .cc so that users do not include RapidJSON.
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cov::server::exporter

#endif  // COV_SERVER_EXPORT_JSON_WRITER_H_
