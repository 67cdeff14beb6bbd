// Scratch folders for tests: under $TEST_TMPDIR (Bazel's per-test folder),
// else /tmp.
//
//   std::string db = cov::testing::FreshTempPath("db-" + name);  // absent
//   std::string src = cov::testing::FreshTempDir("src");         // empty
#ifndef COV_TESTS_TEMP_DIR_H_
#define COV_TESTS_TEMP_DIR_H_

#include <string>

#include "absl/strings/string_view.h"

namespace cov::testing {

// $TEST_TMPDIR, else "/tmp".
std::string TestTmpDir();

// TestTmpDir() + "/" + name, removed (with everything below it) if it
// exists, so the caller creates it (a store opening a new folder).
std::string FreshTempPath(absl::string_view name);

// FreshTempPath(name), created empty (with its parents).
std::string FreshTempDir(absl::string_view name);

}  // namespace cov::testing

#endif  // COV_TESTS_TEMP_DIR_H_
