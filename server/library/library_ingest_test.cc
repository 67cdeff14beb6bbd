#include "server/library/library_ingest.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/kb/test_store.h"
#include "server/store/memory_store.h"

namespace cov::server::library {
namespace {

std::string Atomic(const std::string& id) {
  return "attack_technique: " + id + "\ndisplay_name: X\natomic_tests:\n" +
         "- name: Test of " + id +
         "\n  auto_generated_guid: 3c73d728-75fb-4180-a12f-6712864d7421\n"
         "  description: d\n  supported_platforms:\n  - windows\n"
         "  executor:\n    name: command_prompt\n    command: whoami\n";
}

void Write(const std::filesystem::path& p, const std::string& text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

// Issue 15 item 6: atomics for techniques the release does not know (a v19
// ID against 18.1) are stored with one counted warning.
TEST(LibraryIngestTest, AtomicsForUnknownTechniquesAreWarned) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::filesystem::path dir =
      std::filesystem::path(tmp ? tmp : "/tmp") / "atomics-v19" / "atomics";
  std::filesystem::remove_all(dir);
  Write(dir / "T1197" / "T1197.yaml", Atomic("T1197"));
  Write(dir / "T1685" / "T1685.yaml", Atomic("T1685"));
  store::MemoryStore store;
  kb::testing::PutSmallRelease(&store);
  cov::v1::IngestLibraryRequest req;
  req.set_kind("atomics");
  req.set_path(dir.string());
  auto r = IngestLibrary(store, req, {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->tests(), 2);
  const cov::v1::Diagnostic* found = nullptr;
  for (const auto& d : r->diagnostics()) {
    if (d.code() == "atomics-unknown-technique") found = &d;
  }
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->severity(), cov::v1::SEVERITY_WARNING);
  EXPECT_EQ(found->message(),
            "1 test for 1 technique ID unknown to enterprise-attack@18.1 "
            "(T1685 x1): newer ATT&CK? They are stored but no query of "
            "enterprise-attack@18.1 finds them");
}

// The caller's path check decides: a refused folder is not read and the
// library stays empty; the check's error is answered as is.
TEST(LibraryIngestTest, RefusedPathIsNotRead) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::filesystem::path dir =
      std::filesystem::path(tmp ? tmp : "/tmp") / "atomics-refused" / "atomics";
  std::filesystem::remove_all(dir);
  Write(dir / "T1197" / "T1197.yaml", Atomic("T1197"));
  store::MemoryStore store;
  kb::testing::PutSmallRelease(&store);
  cov::v1::IngestLibraryRequest req;
  req.set_kind("atomics");
  req.set_path(dir.string());
  std::vector<std::string> asked;
  auto refuse = [&asked](absl::string_view path) {
    asked.emplace_back(path);
    return absl::PermissionDeniedError("outside the ingest roots");
  };
  auto r = IngestLibrary(store, req, refuse);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(r.status().message(), "outside the ingest roots");
  EXPECT_EQ(asked, std::vector<std::string>{dir.string()});
  auto sources = store.ListLibrarySources();
  ASSERT_TRUE(sources.ok());
  EXPECT_TRUE(sources->empty());
}

}  // namespace
}  // namespace cov::server::library
