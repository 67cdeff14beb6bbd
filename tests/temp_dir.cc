#include "tests/temp_dir.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"

namespace cov::testing {

std::string TestTmpDir() {
  const char* base = std::getenv("TEST_TMPDIR");
  return base != nullptr && *base != '\0' ? base : "/tmp";
}

std::string FreshTempPath(absl::string_view name) {
  std::string dir = absl::StrCat(TestTmpDir(), "/", name);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return dir;
}

std::string FreshTempDir(absl::string_view name) {
  std::string dir = FreshTempPath(name);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  return dir;
}

}  // namespace cov::testing
