#include "ingest/events/internal/json_event.h"

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "ingest/events/internal/normalize.h"

namespace cov::ingest::events::internal {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

absl::string_view AV(std::string_view s) { return {s.data(), s.size()}; }

// Text of a scalar (or the minified JSON of an array/object) into *out;
// false for null.
bool ScalarText(element v, std::string* out) {
  char buf[32];
  switch (v.type()) {
    case element_type::STRING: {
      const std::string_view s = v.get_string().value_unsafe();
      out->assign(s.data(), s.size());
      return true;
    }
    case element_type::INT64: {
      const int64_t i = v.get_int64().value_unsafe();
      auto r = std::to_chars(buf, buf + sizeof(buf), i);
      out->assign(buf, r.ptr);
      return true;
    }
    case element_type::UINT64: {
      const uint64_t u = v.get_uint64().value_unsafe();
      auto r = std::to_chars(buf, buf + sizeof(buf), u);
      out->assign(buf, r.ptr);
      return true;
    }
    case element_type::DOUBLE: {
      const double d = v.get_double().value_unsafe();
      auto r = std::to_chars(buf, buf + sizeof(buf), d);
      out->assign(buf, r.ptr);
      return true;
    }
    case element_type::BOOL: {
      const bool b = v.get_bool().value_unsafe();
      out->assign(b ? "true" : "false");
      return true;
    }
    case element_type::NULL_VALUE:
      out->clear();
      return false;
    case element_type::ARRAY:
    case element_type::OBJECT:
      *out = simdjson::minify(v);
      return true;
  }
  return false;
}

void AddValue(EventBuilder& b, absl::string_view name, element v,
              std::string& text) {
  const bool present = ScalarText(v, &text);
  b.Add(name, text, !present);
}

// evtx_dump writes GUIDs without the braces Windows (and libevtx, and Sigma
// rules) put around them: 8-4-4-4-12 hex digits get them back.
bool IsBareGuid(absl::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
                 (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

void AddEvtxValue(EventBuilder& b, absl::string_view name, element v,
                  std::string& text) {
  const bool present = ScalarText(v, &text);
  if (present && v.type() == element_type::STRING && IsBareGuid(text)) {
    text.insert(text.begin(), '{');
    text.push_back('}');
  }
  // An empty element is null, as the evtx reader has it.
  b.Add(name, text, !present || text.empty());
}

// Flat / Winlogbeat: nested objects flattened with '.'.
void Flatten(object obj, std::string& prefix, EventBuilder& b,
             std::string& text) {
  for (auto field : obj) {
    const size_t keep = prefix.size();
    prefix.append(field.key.data(), field.key.size());
    if (field.value.type() == element_type::OBJECT) {
      prefix.push_back('.');
      object child = field.value.get_object().value_unsafe();
      Flatten(child, prefix, b, text);
    } else {
      AddValue(b, prefix, field.value, text);
    }
    prefix.resize(keep);
  }
}

// evtx_dump: element "#text" is its value, "#attributes" become
// "<element>_<attribute>"; nested elements keep their leaf name.
void EvtxElement(absl::string_view name, element v, EventBuilder& b,
                 std::string& text, std::string& scratch, bool is_data) {
  if (v.type() != element_type::OBJECT) {
    AddEvtxValue(b, name, v, text);
    return;
  }
  object obj = v.get_object().value_unsafe();
  bool has_text = false;
  for (auto field : obj) {
    const absl::string_view key = AV(field.key);
    if (key == "#attributes") {
      if (field.value.type() != element_type::OBJECT || is_data) continue;
      object attrs = field.value.get_object().value_unsafe();
      for (auto attr : attrs) {
        scratch.assign(name.data(), name.size());
        scratch.push_back('_');
        scratch.append(attr.key.data(), attr.key.size());
        AddEvtxValue(b, scratch, attr.value, text);
        if (name == "TimeCreated" && attr.key == "SystemTime") {
          AddEvtxValue(b, "TimeCreated", attr.value, text);
        }
      }
    } else if (key == "#text") {
      has_text = true;
      if (field.value.type() == element_type::ARRAY) {
        // Several unnamed values: joined with a space (see json_events.h).
        std::string joined;
        simdjson::dom::array items = field.value.get_array().value_unsafe();
        for (element item : items) {
          if (!joined.empty()) joined.push_back(' ');
          if (ScalarText(item, &text)) joined += text;
        }
        b.Add(name, joined);
      } else {
        AddEvtxValue(b, name, field.value, text);
      }
    } else {
      EvtxElement(key, field.value, b, text, scratch, is_data);
    }
  }
  (void)has_text;
}

bool EvtxDump(object top, EventBuilder& b, std::string& text) {
  object event;
  if (top["Event"].get_object().get(event) != simdjson::SUCCESS) return false;
  object system;
  if (event["System"].get_object().get(system) != simdjson::SUCCESS) {
    return false;
  }
  std::string scratch;
  for (auto field : system) {
    EvtxElement(AV(field.key), field.value, b, text, scratch, false);
  }
  for (absl::string_view part : {"EventData", "UserData"}) {
    element data;
    if (event[std::string_view(part.data(), part.size())].get(data) !=
        simdjson::SUCCESS) {
      continue;
    }
    if (data.type() != element_type::OBJECT) continue;
    object fields = data.get_object().value_unsafe();
    for (auto field : fields) {
      if (field.key == "#attributes") continue;
      EvtxElement(AV(field.key), field.value, b, text, scratch, true);
    }
  }
  FinishWindowsEvent(b);
  return true;
}

}  // namespace

void JsonObjectToEvent(object object, EventBuilder& b) {
  std::string text;
  if (EvtxDump(object, b, text)) return;
  std::string prefix;
  Flatten(object, prefix, b, text);
  FinishFlatEvent(b);
}

}  // namespace cov::ingest::events::internal
