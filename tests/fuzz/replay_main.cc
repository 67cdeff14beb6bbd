// main() for the *_replay_test targets: runs LLVMFuzzerTestOneInput over
// every file (recursively) of the directories named on the command line,
// so `bazel test` exercises each fuzz target's seed corpus and committed
// crashers with the normal (gcc) build.
//
//   stix_fuzzer_replay_test tests/fuzz/stix_corpus
//
// Each file's name is printed before it runs, so a crash names its input.
// Exits 1 when a directory cannot be read or holds no file (a broken data
// dependency must not pass as "nothing to replay").
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR...\n", argv[0]);
    return 2;
  }
  int total = 0;
  for (int i = 1; i < argc; ++i) {
    std::error_code ec;
    std::vector<fs::path> files;
    for (fs::recursive_directory_iterator it(argv[i], ec), end;
         !ec && it != end; it.increment(ec)) {
      // Runfiles are symlinks: follow them.
      if (fs::is_regular_file(it->path())) files.push_back(it->path());
    }
    if (ec) {
      std::fprintf(stderr, "cannot list %s: %s\n", argv[i],
                   ec.message().c_str());
      return 1;
    }
    if (files.empty()) {
      std::fprintf(stderr, "%s holds no inputs\n", argv[i]);
      return 1;
    }
    for (const fs::path& path : files) {
      std::ifstream in(path, std::ios::binary);
      if (!in) {
        std::fprintf(stderr, "cannot read %s\n", path.c_str());
        return 1;
      }
      const std::string data((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
      std::fprintf(stderr, "replay %s (%zu bytes)\n", path.c_str(),
                   data.size());
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(data.data()),
                             data.size());
      ++total;
    }
  }
  std::printf("replayed %d inputs\n", total);
  return 0;
}
