#include "server/export/demo_files.h"

#include <cstdio>
#include <fstream>

namespace cov::server::exporter {

bool WriteDemoFile(const std::string& path, absl::string_view content) {
  std::ofstream f(path, std::ios::binary);
  f.write(content.data(), static_cast<std::streamsize>(content.size()));
  f.close();
  if (!f) {
    std::fprintf(stderr, "cannot write %s\n", path.c_str());
    return false;
  }
  return true;
}

}  // namespace cov::server::exporter
