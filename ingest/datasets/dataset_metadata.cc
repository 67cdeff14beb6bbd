#include "ingest/datasets/dataset_metadata.h"

#include <algorithm>
#include <exception>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ingest/base/diagnostics.h"
#include "yaml-cpp/yaml.h"

namespace cov::ingest::datasets {
namespace {

int LineOf(const YAML::Node& n) { return n.Mark().line + 1; }

std::string Scalar(const YAML::Node& n) {
  if (!n || !n.IsScalar()) return "";
  return n.Scalar();
}

bool AllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c));
  });
}

bool IsTechniqueId(absl::string_view s) {
  return s.size() == 5 && s[0] == 'T' && AllDigits(s.substr(1));
}

void AddUnique(std::vector<std::string>* v, std::string s) {
  if (std::find(v->begin(), v->end(), s) == v->end())
    v->push_back(std::move(s));
}

absl::Status Fail(absl::string_view file, int line, absl::string_view code,
                  absl::string_view what,
                  std::vector<cov::v1::Diagnostic>* diags) {
  diags->push_back(Error(file, line, 0, code, what));
  return absl::InvalidArgumentError(absl::StrCat(file, ":", line, ": ", what));
}

void ReadMappings(absl::string_view file, const YAML::Node& mappings,
                  DatasetMetadata* out,
                  std::vector<cov::v1::Diagnostic>* diags) {
  for (const YAML::Node& m : mappings) {
    if (!m.IsMap()) continue;
    std::string technique = absl::AsciiStrToUpper(Scalar(m["technique"]));
    std::string sub = Scalar(m["sub-technique"]);
    if (!IsTechniqueId(technique) ||
        (!sub.empty() && (sub.size() != 3 || !AllDigits(sub)))) {
      diags->push_back(
          Warning(file, LineOf(m), 0, "dataset-invalid-technique",
                  absl::StrCat("attack mapping technique '", technique,
                               sub.empty() ? "" : "' sub-technique '", sub,
                               "' is not an ATT&CK technique ID; skipped")));
      continue;
    }
    AddUnique(&out->techniques,
              sub.empty() ? technique : absl::StrCat(technique, ".", sub));
    const YAML::Node tactics = m["tactics"];
    if (tactics && tactics.IsSequence()) {
      for (const YAML::Node& t : tactics) {
        std::string id = absl::AsciiStrToUpper(Scalar(t));
        if (!id.empty()) AddUnique(&out->tactics, std::move(id));
      }
    }
  }
}

void ReadFiles(absl::string_view file, const YAML::Node& files,
               DatasetMetadata* out, std::vector<cov::v1::Diagnostic>* diags) {
  if (!files || !files.IsSequence()) return;
  for (const YAML::Node& f : files) {
    if (!f.IsMap()) continue;
    std::string link = Scalar(f["link"]);
    size_t at = link.find("/master/");
    if (at == std::string::npos) {
      diags->push_back(
          Warning(file, LineOf(f), 0, "dataset-invalid-link",
                  absl::StrCat("file link '", link,
                               "' does not name a path under the repository's "
                               "master branch; skipped")));
      continue;
    }
    DatasetFile df;
    df.type = Scalar(f["type"]);
    df.relative_path = link.substr(at + 8);
    df.is_host = absl::EqualsIgnoreCase(df.type, "host");
    out->files.push_back(std::move(df));
  }
}

}  // namespace

absl::StatusOr<DatasetMetadata> ParseDatasetMetadata(
    absl::string_view file, absl::string_view bytes,
    std::vector<cov::v1::Diagnostic>* diagnostics) {
  YAML::Node doc;
  try {  // yaml-cpp reports syntax errors by exception: the library's edge.
    doc = YAML::Load(std::string(bytes));
  } catch (const YAML::Exception& e) {
    return Fail(file, e.mark.line + 1, "dataset-yaml-syntax",
                absl::StrCat("invalid YAML: ", e.msg), diagnostics);
  }
  if (!doc.IsMap()) {
    return Fail(file, 1, "dataset-yaml-syntax",
                "not a Security-Datasets metadata document (no mapping)",
                diagnostics);
  }
  DatasetMetadata out;
  out.id = Scalar(doc["id"]);
  out.title = Scalar(doc["title"]);
  if (out.id.empty()) {
    return Fail(file, 1, "dataset-missing-field", "no 'id'", diagnostics);
  }
  const YAML::Node mappings = doc["attack_mappings"];
  if (!mappings || !mappings.IsSequence()) {
    return Fail(file, mappings ? LineOf(mappings) : 1, "dataset-missing-field",
                "no 'attack_mappings' list", diagnostics);
  }
  ReadMappings(file, mappings, &out, diagnostics);
  ReadFiles(file, doc["files"], &out, diagnostics);
  return out;
}

}  // namespace cov::ingest::datasets
