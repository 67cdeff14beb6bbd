"""Wraps Debian's system libraries as cc_library targets through pkg-config.

Headers come from /usr/include, so the generated targets carry only link
options and defines. Usage: `@system//:rocksdb`.
"""

def _pkg_config(ctx, args):
    res = ctx.execute(["pkg-config"] + args)
    if res.return_code != 0:
        fail("pkg-config %s failed (is the -dev package installed? run deploy/setup-debian.sh): %s" %
             (" ".join(args), res.stderr))
    return res.stdout.strip().split(" ") if res.stdout.strip() else []

def _system_libs_impl(ctx):
    out = ['package(default_visibility = ["//visibility:public"])', ""]
    for name, modules in ctx.attr.libs.items():
        # Words starting with "-" are raw link options (for libraries Debian
        # ships without a .pc file, e.g. -lgrpc++_reflection).
        words = modules.split(" ")
        raw = [w for w in words if w.startswith("-")]
        mods = [w for w in words if not w.startswith("-")]
        libs = raw + (_pkg_config(ctx, ["--libs"] + mods) if mods else [])
        cflags = _pkg_config(ctx, ["--cflags"] + mods) if mods else []
        defines = [f[2:] for f in cflags if f.startswith("-D")]
        copts = [f for f in cflags if not f.startswith("-D") and not f.startswith("-I/usr/include")]
        out.append("cc_library(")
        out.append("    name = %r," % name)
        out.append("    linkopts = %r," % libs)
        out.append("    defines = %r," % defines)
        out.append("    copts = %r," % copts)
        out.append(")")
        out.append("")
    ctx.file("BUILD.bazel", "\n".join(out))
    ctx.file("WORKSPACE", 'workspace(name = "%s")\n' % ctx.name)

system_libs = repository_rule(
    implementation = _system_libs_impl,
    attrs = {"libs": attr.string_dict(mandatory = True)},
    local = True,
    environ = ["PKG_CONFIG_PATH"],
)
