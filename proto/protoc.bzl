"""C++ and Python code generation with the system protoc and gRPC plugins."""

def protoc_cc_py(name, protos, grpc_protos):
    """Generates `<name>_cc` (cc_library) and `<name>_py` (py_library).

    Args:
      name: prefix of the generated targets.
      protos: .proto files without services.
      grpc_protos: .proto files with services (gRPC stubs are generated).
    """
    all_protos = protos + grpc_protos
    cc_srcs, cc_hdrs, py_srcs = [], [], []
    for p in all_protos:
        base = p[:-len(".proto")]
        cc_srcs.append(base + ".pb.cc")
        cc_hdrs.append(base + ".pb.h")
        py_srcs.append(base + "_pb2.py")
    for p in grpc_protos:
        base = p[:-len(".proto")]
        cc_srcs.append(base + ".grpc.pb.cc")
        cc_hdrs.append(base + ".grpc.pb.h")
        py_srcs.append(base + "_pb2_grpc.py")

    native.genrule(
        name = name + "_cc_gen",
        srcs = all_protos,
        outs = cc_srcs + cc_hdrs,
        cmd = " ".join([
            "/usr/bin/protoc",
            "-I" + native.package_name(),
            "--cpp_out=$(RULEDIR)",
            "$(SRCS)",
            "&&",
            "/usr/bin/protoc",
            "-I" + native.package_name(),
            "--grpc_out=$(RULEDIR)",
            "--plugin=protoc-gen-grpc=/usr/bin/grpc_cpp_plugin",
        ] + ["$(location %s)" % p for p in grpc_protos]),
    )

    native.genrule(
        name = name + "_py_gen",
        srcs = all_protos,
        outs = py_srcs + ["cov/__init__.py", "cov/v1/__init__.py"],
        cmd = " ".join([
            "/usr/bin/protoc",
            "-I" + native.package_name(),
            "--python_out=$(RULEDIR)",
            "$(SRCS)",
            "&&",
            "/usr/bin/protoc",
            "-I" + native.package_name(),
            "--grpc_python_out=$(RULEDIR)",
            "--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin",
        ] + ["$(location %s)" % p for p in grpc_protos] + [
            "&& touch $(RULEDIR)/cov/__init__.py $(RULEDIR)/cov/v1/__init__.py",
        ]),
    )

    native.cc_library(
        name = name + "_cc",
        srcs = cc_srcs,
        hdrs = cc_hdrs,
        # Generated headers include "cov/v1/x.pb.h".
        includes = ["."],
        deps = [
            "@system//:grpcpp",
            "@system//:protobuf",
        ],
    )

    native.py_library(
        name = name + "_py",
        srcs = py_srcs + ["cov/__init__.py", "cov/v1/__init__.py"],
        imports = ["."],
    )
