// Writes the generated tables of deploy/profiles/telemetry-mapping.md.
//
//   bazel run //ingest/profile:telemetry_map_doc  # print them
//   DOC=deploy/profiles/telemetry-mapping.md      # from the workspace root
//   bazel run //ingest/profile:telemetry_map_doc -- "$DOC"  # update file
//
// With a path, rewrites the text between the document's markers in place
// (telemetry_map.h, SpliceTelemetryMappingMarkdown). Relative paths are
// resolved against $BUILD_WORKING_DIRECTORY (bazel run's caller directory).
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "absl/status/statusor.h"
#include "ingest/profile/telemetry_map.h"

int main(int argc, char** argv) {
  if (argc == 1) {
    std::cout << cov::ingest::profile::TelemetryMappingMarkdown();
    return 0;
  }
  if (argc != 2) {
    std::cerr << "usage: telemetry_map_doc [telemetry-mapping.md]\n";
    return 2;
  }
  std::string path = argv[1];
  const char* cwd = std::getenv("BUILD_WORKING_DIRECTORY");
  if (!path.empty() && path[0] != '/' && cwd != nullptr) {
    path = std::string(cwd) + "/" + path;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "cannot read " << path << "\n";
    return 1;
  }
  std::ostringstream text;
  text << in.rdbuf();
  absl::StatusOr<std::string> updated =
      cov::ingest::profile::SpliceTelemetryMappingMarkdown(text.str());
  if (!updated.ok()) {
    std::cerr << path << ": " << updated.status().message() << "\n";
    return 1;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << *updated;
  if (!out.flush()) {
    std::cerr << "cannot write " << path << "\n";
    return 1;
  }
  std::cerr << (*updated == text.str() ? "unchanged: " : "updated: ") << path
            << "\n";
  return 0;
}
