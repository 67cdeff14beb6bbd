// Runs LLVMFuzzerTestOneInput over every file in the directories given on
// the command line (the seed corpus and minimised crashers), so the fuzz
// corpus is replayed by `bazel test` without libFuzzer.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  int files = 0;
  for (int i = 1; i < argc; ++i) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(argv[i], ec)) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      const std::string data = ss.str();
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(data.data()),
                             data.size());
      ++files;
    }
    if (ec) {
      std::fprintf(stderr, "cannot list %s: %s\n", argv[i],
                   ec.message().c_str());
      return 1;
    }
  }
  std::printf("replayed %d inputs\n", files);
  // An empty corpus means the data dependency is broken: fail loudly.
  return files > 0 ? 0 : 1;
}
