#include "ingest/yara/yara_compiler.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <thread>  // NOLINT: test threads
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cov::ingest::yara {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

std::vector<std::string> RuleOf(const YaraScanResult& r) {
  std::vector<std::string> out;
  for (const YaraMatch& m : r.matches) out.push_back(m.rule);
  return out;
}

std::string TempPath(absl::string_view name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return absl::StrCat(dir != nullptr ? dir : "/tmp", "/", name);
}

void WriteFile(const std::string& path, absl::string_view data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  ASSERT_TRUE(out.good()) << path;
}

constexpr char kTwoRules[] = R"(
rule Evil_Marker : malware t1059 {
  strings:
    $a = "EVIL-MARKER-42"
  condition:
    $a
}
rule Mz_Header {
  condition:
    uint16(0) == 0x5A4D
}
)";

TEST(YaraCompilerTest, CompilesAndScansBuffer) {
  std::vector<YaraMessage> errors;
  auto rules = CompileYaraSource(kTwoRules, "two.yar", &errors);
  ASSERT_TRUE(rules.ok()) << rules.status();
  EXPECT_THAT(errors, IsEmpty());
  EXPECT_EQ((*rules)->rule_count(), 2);
  EXPECT_THAT((*rules)->RuleNames(),
              ElementsAre("default:Evil_Marker", "default:Mz_Header"));

  auto r = (*rules)->ScanBuffer("MZ....EVIL-MARKER-42....");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(RuleOf(*r), ElementsAre("Evil_Marker", "Mz_Header"));
  EXPECT_THAT(r->matches[0].tags, ElementsAre("malware", "t1059"));
  EXPECT_EQ(r->bytes_scanned, 24u);

  r = (*rules)->ScanBuffer("nothing to see: EVIL-MARKER-4");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(r->matches, IsEmpty());
}

TEST(YaraCompilerTest, ReusedScannerGivesEachScanItsOwnResult) {
  auto rules = CompileYaraSource(kTwoRules, "two.yar", nullptr);
  ASSERT_TRUE(rules.ok()) << rules.status();
  auto scanner = (*rules)->NewScanner();
  ASSERT_TRUE(scanner.ok()) << scanner.status();
  auto r1 = (*scanner)->ScanBuffer("MZ EVIL-MARKER-42");
  auto r2 = (*scanner)->ScanBuffer("xx EVIL-MARKER-42");
  auto r3 = (*scanner)->ScanBuffer("nothing");
  ASSERT_TRUE(r1.ok() && r2.ok() && r3.ok());
  EXPECT_THAT(RuleOf(*r1), ElementsAre("Evil_Marker", "Mz_Header"));
  EXPECT_THAT(RuleOf(*r2), ElementsAre("Evil_Marker"));
  EXPECT_THAT(RuleOf(*r3), IsEmpty());
}

TEST(YaraCompilerTest, SyntaxErrorIsFileLineMessage) {
  // The condition on line 5 ends in a dangling "and".
  constexpr char kBad[] =
      "rule Ok { condition: true }\n"
      "\n"
      "rule Broken {\n"
      "  condition:\n"
      "    true and\n"
      "}\n";
  std::vector<YaraMessage> errors;
  auto rules = CompileYaraSource(kBad, "dir/bad.yar", &errors);
  EXPECT_EQ(rules.status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_THAT(errors, SizeIs(1));
  EXPECT_EQ(errors[0].file, "dir/bad.yar");
  EXPECT_EQ(errors[0].line, 6);  // libyara reports the token it stopped at
  EXPECT_THAT(errors[0].message, HasSubstr("syntax error"));
  EXPECT_EQ(rules.status().message(), errors[0].ToString());
  EXPECT_THAT(errors[0].ToString(), HasSubstr("dir/bad.yar:6: syntax error"));
}

TEST(YaraCompilerTest, UndefinedIdentifierAndNoFurtherAdds) {
  auto compiler = YaraCompiler::Create();
  ASSERT_TRUE(compiler.ok()) << compiler.status();
  YaraCompiler& c = **compiler;
  ASSERT_TRUE(c.AddSource("rule A { condition: true }", "a.yar").ok());
  absl::Status s =
      c.AddSource("\n\nrule B { condition: no_such_thing }", "b.yar");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_THAT(c.errors(), SizeIs(1));
  EXPECT_EQ(c.errors()[0].file, "b.yar");
  EXPECT_EQ(c.errors()[0].line, 3);
  EXPECT_THAT(c.errors()[0].message, HasSubstr("no_such_thing"));
  // libyara cannot go on after a failed source.
  EXPECT_EQ(c.AddSource("rule C { condition: true }", "c.yar").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(c.Finish().status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(YaraCompilerTest, SeveralSourcesAndNamespaces) {
  auto compiler = YaraCompiler::Create();
  ASSERT_TRUE(compiler.ok());
  ASSERT_TRUE((*compiler)
                  ->AddSource("rule A { strings: $a = \"aaa\" condition: $a }",
                              "a.yar", "ns1")
                  .ok());
  ASSERT_TRUE((*compiler)
                  ->AddSource("rule A { strings: $b = \"bbb\" condition: $b }",
                              "b.yar", "ns2")
                  .ok());
  auto rules = (*compiler)->Finish();
  ASSERT_TRUE(rules.ok()) << rules.status();
  EXPECT_EQ((*compiler)->Finish().status().code(),
            absl::StatusCode::kFailedPrecondition);
  auto r = (*rules)->ScanBuffer("xxbbbxx");
  ASSERT_TRUE(r.ok());
  ASSERT_THAT(r->matches, SizeIs(1));
  EXPECT_EQ(r->matches[0].ns, "ns2");
  EXPECT_EQ(r->matches[0].rule, "A");
}

TEST(YaraCompilerTest, PrivateRuleIsUsedButNeverReported) {
  constexpr char kSrc[] = R"(
private rule Has_Marker { strings: $m = "MARK" condition: $m }
rule Uses_Marker { condition: Has_Marker and filesize < 100 }
)";
  auto rules = CompileYaraSource(kSrc, "p.yar", nullptr);
  ASSERT_TRUE(rules.ok()) << rules.status();
  EXPECT_EQ((*rules)->rule_count(), 2);
  std::vector<YaraRuleEntry> all = (*rules)->Rules();
  ASSERT_THAT(all, SizeIs(2));
  EXPECT_EQ(all[0].name, "Has_Marker");
  EXPECT_TRUE(all[0].is_private);
  EXPECT_EQ(all[1].name, "Uses_Marker");
  EXPECT_FALSE(all[1].is_private);
  auto r = (*rules)->ScanBuffer("..MARK..");
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(RuleOf(*r), ElementsAre("Uses_Marker"));
}

TEST(YaraCompilerTest, ExternalsDefinedEmptyAndSetFromScannedPath) {
  constexpr char kSrc[] = R"(
rule By_Name { condition: filename == "dropper.exe" and extension == ".exe" }
rule By_Path { condition: filepath contains "/sub" }
rule Empty_Owner { condition: owner == "" and filetype == "" }
)";
  auto rules = CompileYaraSource(kSrc, "ext.yar", nullptr);
  ASSERT_TRUE(rules.ok()) << rules.status();
  // A buffer has no path: the externals keep their empty compile-time values.
  auto r = (*rules)->ScanBuffer("x");
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(RuleOf(*r), ElementsAre("Empty_Owner"));

  std::string dir = TempPath("sub");
  std::system(absl::StrCat("mkdir -p ", dir).c_str());
  std::string path = dir + "/dropper.exe";
  WriteFile(path, "x");
  r = (*rules)->ScanFile(path);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(RuleOf(*r), ElementsAre("By_Name", "By_Path", "Empty_Owner"));

  ScanOptions keep;
  keep.set_path_externals = false;
  r = (*rules)->ScanFile(path, keep);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(RuleOf(*r), ElementsAre("Empty_Owner"));
}

TEST(YaraCompilerTest, UndefinedExternalWithoutDefaults) {
  CompilerOptions options;
  options.string_externals.clear();
  std::vector<YaraMessage> errors;
  auto rules = CompileYaraSource("rule N { condition: filename == \"a\" }",
                                 "n.yar", &errors, options);
  EXPECT_EQ(rules.status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_THAT(errors, SizeIs(1));
  EXPECT_THAT(errors[0].message, HasSubstr("filename"));
}

TEST(YaraCompilerTest, IncludeIsRefused) {
  std::string other = TempPath("other.yar");
  WriteFile(other, "rule Other { condition: true }");
  std::vector<YaraMessage> errors;
  auto rules = CompileYaraSource(
      absl::StrCat("include \"", other, "\"\nrule X { condition: true }"),
      "inc.yar", &errors);
  EXPECT_EQ(rules.status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_THAT(errors, SizeIs(1));
  EXPECT_EQ(errors[0].line, 1);
  EXPECT_THAT(errors[0].message, HasSubstr("include"));
}

TEST(YaraCompilerTest, NulByteAndOversizedSource) {
  std::vector<YaraMessage> errors;
  std::string text("rule A { condition: true }\n\n\0rule B", 34);
  auto rules = CompileYaraSource(text, "nul.yar", &errors);
  EXPECT_EQ(rules.status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_THAT(errors, SizeIs(1));
  EXPECT_EQ(errors[0].line, 3);
  EXPECT_THAT(errors[0].message, HasSubstr("NUL"));

  CompilerOptions small;
  small.max_source_bytes = 10;
  rules = CompileYaraSource("rule A { condition: true }", "big.yar", &errors,
                            small);
  EXPECT_EQ(rules.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(rules.status().message(), HasSubstr("big.yar"));
}

TEST(YaraCompilerTest, MessagesAreBounded) {
  // 30 warnings ("$a is slowing down scanning" style) would be kept; with a
  // limit of 2, the rest are counted as dropped.
  std::string src;
  for (int i = 0; i < 30; ++i) {
    absl::StrAppend(&src, "rule W", i,
                    " { strings: $a = { 00 ?? } condition: $a }\n");
  }
  CompilerOptions options;
  options.max_messages = 2;
  auto compiler = YaraCompiler::Create(options);
  ASSERT_TRUE(compiler.ok());
  ASSERT_TRUE((*compiler)->AddSource(src, "w.yar").ok());
  EXPECT_THAT((*compiler)->warnings(), SizeIs(2));
  EXPECT_EQ((*compiler)->dropped_messages(), 28);
  EXPECT_EQ((*compiler)->warnings()[1].line, 2);
}

TEST(YaraCompilerTest, SizeLimitsSkipBeforeScanning) {
  auto rules = CompileYaraSource(kTwoRules, "two.yar", nullptr);
  ASSERT_TRUE(rules.ok());
  ScanOptions options;
  options.max_file_bytes = 16;
  auto r = (*rules)->ScanBuffer(std::string(17, 'x'), options);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);

  std::string path = TempPath("big.bin");
  WriteFile(path, std::string(17, 'x'));
  r = (*rules)->ScanFile(path, options);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(r.status().message(), HasSubstr(path));
  EXPECT_THAT(r.status().message(), HasSubstr("17 bytes"));
  options.max_file_bytes = 17;
  r = (*rules)->ScanFile(path, options);
  EXPECT_TRUE(r.ok()) << r.status();
}

TEST(YaraCompilerTest, MissingAndNonRegularFiles) {
  auto rules = CompileYaraSource(kTwoRules, "two.yar", nullptr);
  ASSERT_TRUE(rules.ok());
  auto r = (*rules)->ScanFile(TempPath("does-not-exist"));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  r = (*rules)->ScanFile(TempPath(""));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  if (::geteuid() != 0) {  // root reads anything
    std::string path = TempPath("unreadable.bin");
    WriteFile(path, "MZ");
    std::system(absl::StrCat("chmod 000 ", path).c_str());
    r = (*rules)->ScanFile(path);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  }
}

TEST(YaraCompilerTest, TimeoutStopsARunawayCondition) {
  // 10^12 loop iterations: hours without a timeout.
  auto rules = CompileYaraSource(
      "rule Slow { condition: for any i in (0..1000000000000) : (i == -1) }",
      "slow.yar", nullptr);
  ASSERT_TRUE(rules.ok()) << rules.status();
  ScanOptions options;
  options.timeout = absl::Milliseconds(300);  // rounded up to 1 s
  auto start = std::chrono::steady_clock::now();
  auto r = (*rules)->ScanBuffer("x", options);
  double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(r.status().message(), HasSubstr("timed out"));
  EXPECT_LT(secs, 10.0);
}

// The checker's answer for `text` equals CompileYaraSource's: same status
// (code and message) and the same errors.
void ExpectSameAsAlone(YaraCompileChecker* checker, absl::string_view text,
                       absl::string_view name) {
  std::vector<YaraMessage> alone_errors;
  absl::Status alone = CompileYaraSource(text, name, &alone_errors).status();
  std::vector<YaraMessage> errors = {{"stale", 1, "stale"}};
  absl::Status shared = checker->Check(text, name, &errors);
  EXPECT_EQ(shared, alone) << name;
  ASSERT_EQ(errors.size(), alone_errors.size()) << name;
  for (size_t i = 0; i < errors.size(); ++i) {
    EXPECT_EQ(errors[i].ToString(), alone_errors[i].ToString()) << name;
  }
}

TEST(YaraCompileCheckerTest, SourcesNeverSeeEachOther) {
  YaraCompileChecker checker({}, /*sources_per_compiler=*/4);
  // Same rule names in every source: no duplicate across sources.
  for (int i = 0; i < 6; ++i) {
    ExpectSameAsAlone(&checker, kTwoRules, absl::StrCat("same_", i, ".yar"));
  }
  // A reference to another source's rule, or its module, is undefined.
  ExpectSameAsAlone(&checker, "rule Uses { condition: Mz_Header }", "uses.yar");
  ExpectSameAsAlone(&checker,
                    "import \"pe\"\nrule P { condition: pe.is_dll() }",
                    "imports.yar");
  ExpectSameAsAlone(&checker, "rule Q { condition: pe.is_dll() }",
                    "no_import.yar");
  // Errors, then a good source on the replacement compiler.
  ExpectSameAsAlone(&checker, "rule { condition: true }", "syntax.yar");
  ExpectSameAsAlone(&checker,
                    "rule A { condition: true }\nrule A { "
                    "condition: false }",
                    "duplicate.yar");
  ExpectSameAsAlone(&checker, kTwoRules, "after_errors.yar");
  // Refused before libyara: NUL byte, include.
  ExpectSameAsAlone(&checker, absl::string_view("rule N {\0}", 10), "nul.yar");
  ExpectSameAsAlone(&checker, "include \"x.yar\"\n", "include.yar");
}

TEST(YaraCompileCheckerTest, ConcurrentChecksAgree) {
  YaraCompileChecker checker;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&checker, t] {
      for (int i = 0; i < 40; ++i) {
        const bool bad = (i + t) % 7 == 0;
        ExpectSameAsAlone(&checker,
                          bad ? "rule { condition: true }" : kTwoRules,
                          absl::StrCat("t", t, "_", i, ".yar"));
      }
    });
  }
  for (std::thread& th : threads) th.join();
}

}  // namespace
}  // namespace cov::ingest::yara
