"""cov_fuzz_target: a libFuzzer binary plus a replay test of its corpus."""

# Flags for the libFuzzer binary itself. The parser libraries get coverage
# instrumentation from the global flags deploy/fuzz.sh passes
# (--copt=-fsanitize=fuzzer-no-link,address,undefined).
_FUZZ_COPTS = ["-fsanitize=fuzzer,address,undefined"]

# Bazel links with `clang`, not `clang++`: pull in UBSan's C++ runtime.
_FUZZ_LINKOPTS = [
    "-fsanitize=fuzzer,address,undefined",
    "-fsanitize-link-c++-runtime",
]

def cov_fuzz_target(name, src, corpus, deps):
    """Declares `name` (libFuzzer, clang only, tagged manual) and
    `name_replay_test` (gcc, size small) replaying every file of `corpus`.

    Args:
      name: target name, e.g. "stix_fuzzer".
      src: the .cc defining LLVMFuzzerTestOneInput.
      corpus: folder of seed inputs in this package (committed crashers too).
      deps: the parser library and whatever `src` includes.
    """
    native.cc_binary(
        name = name,
        srcs = [src],
        copts = _FUZZ_COPTS,
        linkopts = _FUZZ_LINKOPTS,
        tags = ["manual"],
        deps = deps + [":fuzz_checks"],
    )
    native.cc_test(
        name = name + "_replay_test",
        size = "small",
        srcs = [src],
        args = ["tests/fuzz/" + corpus],
        data = native.glob([corpus + "/**"]),
        deps = deps + [
            ":fuzz_checks",
            ":replay_main",
        ],
    )
