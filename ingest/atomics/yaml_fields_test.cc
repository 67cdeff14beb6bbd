#include "ingest/atomics/yaml_fields.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cov::ingest::atomics {
namespace {

std::vector<std::string> Codes(const std::vector<cov::v1::Diagnostic>& ds) {
  std::vector<std::string> out;
  for (const auto& d : ds) {
    out.push_back(d.code() + "@" + std::to_string(d.line()));
  }
  return out;
}

TEST(YamlFieldsTest, ChildAndPositions) {
  const YAML::Node n = YAML::Load("a: 1\nb:\n  - x\nc: ~\n");
  EXPECT_EQ(Child(n, "a").Scalar(), "1");
  EXPECT_EQ(LineOf(Child(n, "b")), 3);
  EXPECT_EQ(ColumnOf(Child(n, "b")), 3);
  EXPECT_FALSE(Child(n, "zz").IsDefined());
  EXPECT_EQ(LineOf(Child(n, "zz")), 0);
  EXPECT_TRUE(IsAbsent(Child(n, "c")));
  EXPECT_TRUE(IsAbsent(Child(n, "zz")));
  EXPECT_FALSE(IsAbsent(Child(n, "a")));
  // Not a map: no child, no exception.
  EXPECT_FALSE(Child(Child(n, "a"), "x").IsDefined());
  EXPECT_STREQ(TypeName(Child(n, "b")), "list");
  EXPECT_STREQ(TypeName(Child(n, "zz")), "nothing");
}

TEST(YamlFieldsTest, InvalidAtNamesThePosition) {
  const YAML::Node n = YAML::Load("a: 1\nb: 2\n");
  EXPECT_EQ(InvalidAt("f.yaml", Child(n, "b"), "bad").message(),
            "f.yaml:2:4: bad");
  EXPECT_EQ(InvalidAt("f.yaml", Child(n, "zz"), "bad").message(),
            "f.yaml: bad");
  EXPECT_EQ(InvalidAt("f.yaml", n, "bad").code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(YamlFieldsTest, InvalidYamlNamesTheMark) {
  try {
    YAML::Load("a: [1\n");
    FAIL() << "no exception";
  } catch (const YAML::Exception& e) {
    const absl::Status s = InvalidYaml("f.yaml", e);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(s.message(),
              absl::StrCat("f.yaml:", e.mark.line + 1, ":", e.mark.column + 1,
                           ": invalid YAML: ", e.msg));
  }
  EXPECT_EQ(
      InvalidYaml("f.yaml", YAML::Exception(YAML::Mark::null_mark(), "boom"))
          .message(),
      "f.yaml: invalid YAML: boom");
}

TEST(YamlFieldsTest, ReadScalarReportsWrongType) {
  std::vector<cov::v1::Diagnostic> out;
  YamlDiagnostics d("f.yaml", "pre", &out);
  d.set_object("obj");
  const YAML::Node n = YAML::Load("a: text\nb: [1]\n");
  std::string v;
  EXPECT_TRUE(ReadScalar(n, "a", d, &v));
  EXPECT_EQ(v, "text");
  EXPECT_FALSE(ReadScalar(n, "b", d, &v, cov::v1::SEVERITY_ERROR));
  EXPECT_FALSE(ReadScalar(n, "missing", d, &v));
  EXPECT_EQ(v, "text");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].code(), "pre-invalid-field");
  EXPECT_EQ(out[0].file(), "f.yaml");
  EXPECT_EQ(out[0].line(), 2);
  EXPECT_EQ(out[0].column(), 4);
  EXPECT_EQ(out[0].object(), "obj");
  EXPECT_EQ(out[0].severity(), cov::v1::SEVERITY_ERROR);
}

TEST(YamlFieldsTest, InputArguments) {
  std::vector<cov::v1::Diagnostic> out;
  YamlDiagnostics d("f.yaml", "atomics", &out);
  const YAML::Node n = YAML::Load(
      "remote_file:\n"
      "  description: Remote file\n"
      "  type: Url\n"
      "  default: https://x.test/a\n"
      "count:\n"
      "  type: integer\n"
      "  default: 5\n"
      "nothing:\n"
      "  type: blob\n"
      "  default: ~\n");
  google::protobuf::RepeatedPtrField<cov::v1::InputArgument> args;
  ReadInputArguments(n, d, &args);
  ASSERT_EQ(args.size(), 3);
  EXPECT_EQ(args[0].name(), "remote_file");
  EXPECT_EQ(args[0].description(), "Remote file");
  EXPECT_EQ(args[0].type(), "Url");
  EXPECT_EQ(args[0].default_value(), "https://x.test/a");
  EXPECT_EQ(args[1].default_value(), "5");
  EXPECT_EQ(args[2].default_value(), "");
  EXPECT_THAT(Codes(out),
              ::testing::ElementsAre("atomics-unknown-argument-type@9"));
}

TEST(YamlFieldsTest, InputArgumentsNotAMap) {
  std::vector<cov::v1::Diagnostic> out;
  YamlDiagnostics d("f.yaml", "ctid", &out);
  google::protobuf::RepeatedPtrField<cov::v1::InputArgument> args;
  ReadInputArguments(YAML::Load("k: [a, b]")["k"], d, &args);
  EXPECT_EQ(args.size(), 0);
  EXPECT_THAT(Codes(out), ::testing::ElementsAre("ctid-invalid-field@1"));
}

TEST(YamlFieldsTest, Dependencies) {
  std::vector<cov::v1::Diagnostic> out;
  YamlDiagnostics d("f.yaml", "atomics", &out);
  const YAML::Node n = YAML::Load(
      "- description: needs curl\n"
      "  prereq_command: which curl\n"
      "  get_prereq_command: apt-get install -y curl\n"
      "- description: no check\n"
      "- just a string\n");
  google::protobuf::RepeatedPtrField<cov::v1::TestDependency> deps;
  ReadDependencies(n, d, &deps);
  ASSERT_EQ(deps.size(), 2);
  EXPECT_EQ(deps[0].description(), "needs curl");
  EXPECT_EQ(deps[0].prereq_command(), "which curl");
  EXPECT_EQ(deps[0].get_prereq_command(), "apt-get install -y curl");
  EXPECT_EQ(deps[1].description(), "no check");
  EXPECT_THAT(Codes(out),
              ::testing::ElementsAre("atomics-invalid-dependency@4",
                                     "atomics-invalid-dependency@5"));
}

}  // namespace
}  // namespace cov::ingest::atomics
