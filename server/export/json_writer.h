// A minimal streaming JSON writer for the exporters (no DOM, no new library).
//
// Output is compact (no whitespace) and always valid JSON when calls are well
// nested. Strings are escaped so the output can also be embedded verbatim in
// an HTML <script> element: `<`, `>`, `&`, U+2028 and U+2029 are written as
// \u escapes, control characters as \u00XX, and invalid UTF-8 bytes become
// U+FFFD. Non-finite doubles are written as `null`.
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
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace cov::server::exporter {

// Appends `s` as a quoted, escaped JSON string literal to `*out`.
void AppendJsonString(absl::string_view s, std::string* out);

// Appends the shortest decimal form of `v` that reads back as the same double
// ("3" for 3.0, "30.5"); `null` when `v` is NaN or infinite.
void AppendJsonNumber(double v, std::string* out);

class JsonWriter {
 public:
  // Appends to `*out`, which must outlive the writer.
  explicit JsonWriter(std::string* out) : out_(out) {}

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
  // Writes the separator a new value or key needs at the current position.
  void Separate();

  std::string* out_;
  // One entry per open object/array: true until its first element is written.
  std::vector<bool> first_;
  // A key was just written: the next value follows its colon, no comma.
  bool after_key_ = false;
};

}  // namespace cov::server::exporter

#endif  // COV_SERVER_EXPORT_JSON_WRITER_H_
