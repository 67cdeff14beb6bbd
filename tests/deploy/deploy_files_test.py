"""Checks of the deployment files (deploy/container, deploy/systemd, deploy/k8s) against the
real covd and cov binaries of this build.

- Every covd/cov flag a manifest, unit, Dockerfile or script passes exists in the binary
  (covd: its --helpfull list; cov: its own flag check, `cov --help --FLAG`).
- Kubernetes: manifests parse, probes use the right health endpoints and ports, the headless
  Service selects exactly the replicas, replicas mount the snapshots read-only, no credential
  is stored anywhere.
- Container: the runtime package list equals the Debian packages of every shared library
  `ldd` reports for covd and cov (mapped with `dpkg -S` now, on this machine).
- systemd: required keys, and `systemd-analyze verify` when the tool is installed.
- The publish script: its call sequence against a fake `cov`, and the whole publish/reload
  loop against a real primary and replica covd.
"""

import glob
import json
import os
import re
import shlex
import shutil
import signal
import stat
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

import yaml

from tests.python import junit
from tests.python.covd_fixture import corpus_dir, runfile

K8S = "deploy/k8s"
SYSTEMD = "deploy/systemd"
CONTAINER = "deploy/container"
GRPC_PORT = 8470
METRICS_PORT = 9470
READY_SERVICE = "cov.v1.CovService"
REPLICA_DNS = "covd.cov.svc.cluster.local"
PRIMARY_DNS = "covd-primary.cov.svc.cluster.local"
HASH_LINE = re.compile(r"^(read|write|admin)\s+[0-9a-f]{64}\s+\S+$")


def path(rel):
    return os.path.realpath(runfile(rel))


def read(rel):
    with open(path(rel), encoding="utf-8") as f:
        return f.read()


def tmpdir():
    return tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))


# ---------------------------------------------------------------------------- binaries
_covd_flags = None


def covd_flags():
    """Flag names listed by `covd --helpfull`."""
    global _covd_flags
    if _covd_flags is None:
        p = subprocess.run([path("server/covd"), "--helpfull"], capture_output=True,
                           text=True, timeout=30)
        _covd_flags = set(re.findall(r"^\s+--([A-Za-z0-9_]+) \(", p.stdout + p.stderr, re.M))
        assert "db" in _covd_flags, "cannot read covd --helpfull:\n" + p.stdout + p.stderr
    return _covd_flags


def cov_has_flag(name):
    """cov rejects an unknown flag with exit 2 before anything else (even with --help)."""
    p = subprocess.run([path("clients/cov"), "--help", "--" + name], capture_output=True,
                       text=True, timeout=30)
    return p.returncode == 0


def cov_help():
    p = subprocess.run([path("clients/cov"), "--helpfull"], capture_output=True, text=True,
                       timeout=30)
    return p.stdout + p.stderr


def parse_flags(argv):
    """{flag: value or True} from an argument list (--f=v, --f v, --bool)."""
    out = {}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a.startswith("--"):
            name, eq, value = a[2:].partition("=")
            if eq:
                out[name] = value
            elif i + 1 < len(argv) and not argv[i + 1].startswith("-"):
                out[name] = argv[i + 1]
                i += 1
            else:
                out[name] = True
        i += 1
    return out


def flag_names(argv):
    return [a[2:].partition("=")[0] for a in argv if a.startswith("--") and len(a) > 2]


# ---------------------------------------------------------------------------- Kubernetes
def k8s_docs():
    docs = []
    for f in sorted(glob.glob(os.path.join(path(K8S), "*.yaml"))):
        with open(f, encoding="utf-8") as fh:
            for d in yaml.safe_load_all(fh):
                if d is not None:
                    docs.append((os.path.basename(f), d))
    return docs


def applied_docs():
    """The objects `kubectl apply -k deploy/k8s` creates from files (generators aside)."""
    kust = yaml.safe_load(read(K8S + "/kustomization.yaml"))
    out = []
    for f, d in k8s_docs():
        if f in kust["resources"]:
            out.append(d)
    return out


def find(kind, name):
    for d in applied_docs():
        if d["kind"] == kind and d["metadata"]["name"] == name:
            return d
    raise AssertionError(f"no {kind}/{name} in the kustomization's resources")


def pod_spec(workload):
    if workload["kind"] == "CronJob":
        return workload["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return workload["spec"]["template"]["spec"]


def covd_containers():
    """(workload, container) for every container running the image's covd ENTRYPOINT."""
    out = []
    for d in applied_docs():
        if d["kind"] in ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"):
            for c in pod_spec(d)["containers"] + pod_spec(d).get("initContainers", []):
                if c["image"].split(":")[0] == "cov" and "command" not in c:
                    out.append((d, c))
    return out


def mount_for(workload, container, mount_path):
    spec = pod_spec(workload)
    for m in container.get("volumeMounts", []):
        if m["mountPath"] == mount_path:
            vol = next((v for v in spec.get("volumes", []) if v["name"] == m["name"]), None)
            if vol is None:
                claims = workload["spec"].get("volumeClaimTemplates", [])
                tpl = next(t for t in claims if t["metadata"]["name"] == m["name"])
                vol = {"name": m["name"], "volumeClaimTemplate": tpl}
            return m, vol
    raise AssertionError(f"{workload['metadata']['name']}: nothing mounted at {mount_path}")


def mount_containing(workload, container, file_path):
    best = None
    for m in container.get("volumeMounts", []):
        mp = m["mountPath"].rstrip("/")
        if file_path == mp or file_path.startswith(mp + "/"):
            if best is None or len(mp) > len(best["mountPath"]):
                best = m
    if best is None:
        raise AssertionError(f"{file_path} is on no volume of {workload['metadata']['name']}")
    return mount_for(workload, container, best["mountPath"])


def port_of(container, port):
    if isinstance(port, int):
        return port
    for p in container["ports"]:
        if p["name"] == port:
            return p["containerPort"]
    raise AssertionError(f"container {container['name']} has no port named {port}")


class KubernetesManifestTest(unittest.TestCase):
    def test_every_manifest_parses_with_kind_and_name(self):
        docs = k8s_docs()
        self.assertGreaterEqual(len(docs), 10)
        for f, d in docs:
            if f == "kustomization.yaml":
                continue
            self.assertIn("apiVersion", d, f)
            self.assertIn("kind", d, f)
            self.assertTrue(d["metadata"]["name"], f)

    def test_kustomization_references_existing_files(self):
        kust = yaml.safe_load(read(K8S + "/kustomization.yaml"))
        self.assertEqual(kust["namespace"], "cov")
        for r in kust["resources"]:
            self.assertTrue(os.path.isfile(os.path.join(path(K8S), r)), r)
        self.assertNotIn("secrets.example.yaml", kust["resources"],
                         "credentials are created out of band, never applied from git")
        for gen in kust.get("configMapGenerator", []):
            for f in gen["files"]:
                self.assertTrue(os.path.isfile(os.path.join(path(K8S), f.split("=")[-1])), f)
        ns = [d for d in applied_docs() if d["kind"] == "Namespace"]
        self.assertEqual([d["metadata"]["name"] for d in ns], ["cov"])

    def test_covd_args_are_flags_of_the_real_covd(self):
        containers = covd_containers()
        self.assertEqual(len(containers), 2, "replicas and primary")
        known = covd_flags()
        for w, c in containers:
            for name in flag_names(c["args"]):
                self.assertIn(name, known,
                              f"{w['metadata']['name']}: covd has no --{name} "
                              f"(covd --helpfull)")

    def test_listen_and_metrics_addresses_match_container_ports(self):
        for w, c in covd_containers():
            flags = parse_flags(c["args"])
            name = w["metadata"]["name"]
            ports = {p["name"]: p["containerPort"] for p in c["ports"]}
            self.assertEqual(ports, {"grpc": GRPC_PORT, "metrics": METRICS_PORT}, name)
            self.assertEqual(flags["listen"], f"0.0.0.0:{GRPC_PORT}", name)
            self.assertEqual(flags["metrics_listen"], f"0.0.0.0:{METRICS_PORT}", name)
            # Non-loopback: TLS and tokens; the metrics listener explicitly public.
            for f in ("tls_cert", "tls_key", "tokens", "metrics_public"):
                self.assertIn(f, flags, f"{name}: non-loopback covd needs --{f}")
            self.assertNotIn("insecure", flags, name)
            ann = pod_spec_meta(w)["annotations"]
            self.assertEqual(ann["prometheus.io/scrape"], "true", name)
            self.assertEqual(int(ann["prometheus.io/port"]), METRICS_PORT, name)
            self.assertEqual(ann["prometheus.io/path"], "/metrics", name)

    def test_probes_target_health_endpoints(self):
        # readiness = grpc.health.v1 service "cov.v1.CovService" or its HTTP twin /readyz;
        # liveness and startup = service "" or /healthz. A kubelet gRPC probe cannot speak
        # TLS, so it is only allowed on a covd without --tls_cert.
        expect = {"readinessProbe": (READY_SERVICE, "/readyz"),
                  "livenessProbe": ("", "/healthz"),
                  "startupProbe": ("", "/healthz")}
        for w, c in covd_containers():
            name = w["metadata"]["name"]
            flags = parse_flags(c["args"])
            for probe, (service, http_path) in expect.items():
                self.assertIn(probe, c, f"{name}: no {probe}")
                p = c[probe]
                if "grpc" in p:
                    self.assertNotIn("tls_cert", flags,
                                     f"{name}: {probe}: kubelet gRPC probes cannot use TLS")
                    self.assertEqual(p["grpc"]["port"], GRPC_PORT, f"{name} {probe}")
                    self.assertEqual(p["grpc"].get("service", ""), service, f"{name} {probe}")
                else:
                    self.assertIn("httpGet", p, f"{name}: {probe} is neither grpc nor httpGet")
                    self.assertEqual(p["httpGet"]["path"], http_path, f"{name} {probe}")
                    self.assertEqual(port_of(c, p["httpGet"]["port"]), METRICS_PORT,
                                     f"{name} {probe}")
                    self.assertNotEqual(p["httpGet"].get("scheme", "HTTP"), "HTTPS")
            start = c["startupProbe"]
            self.assertGreaterEqual(start["periodSeconds"] * start["failureThreshold"], 120,
                                    f"{name}: startup probe must allow a slow restore")

    def test_headless_service_selects_exactly_the_replicas(self):
        svc = find("Service", "covd")
        dep = find("Deployment", "covd-replicas")
        primary = find("StatefulSet", "covd-primary")
        self.assertEqual(svc["spec"]["clusterIP"], "None")
        sel = svc["spec"]["selector"]
        self.assertEqual(sel, dep["spec"]["selector"]["matchLabels"])
        labels = dep["spec"]["template"]["metadata"]["labels"]
        self.assertTrue(all(labels.get(k) == v for k, v in sel.items()))
        plabels = primary["spec"]["template"]["metadata"]["labels"]
        self.assertFalse(all(plabels.get(k) == v for k, v in sel.items()),
                         "the replicas' Service must not select the primary")
        self.assertFalse(svc["spec"].get("publishNotReadyAddresses", False),
                         "clients must only resolve ready replicas")
        (c,) = pod_spec(dep)["containers"]
        grpc_port = next(p for p in svc["spec"]["ports"] if p["name"] == "grpc")
        self.assertEqual(grpc_port["port"], GRPC_PORT)
        self.assertEqual(port_of(c, grpc_port["targetPort"]), GRPC_PORT)
        self.assertGreaterEqual(dep["spec"]["replicas"], 3)
        pdb = find("PodDisruptionBudget", "covd-replicas")
        self.assertEqual(pdb["spec"]["selector"]["matchLabels"], sel)
        self.assertLess(pdb["spec"]["minAvailable"], dep["spec"]["replicas"])
        anti = pod_spec(dep)["affinity"]["podAntiAffinity"]
        terms = anti.get("preferredDuringSchedulingIgnoredDuringExecution", []) + \
            anti.get("requiredDuringSchedulingIgnoredDuringExecution", [])
        self.assertTrue(terms)

    def test_primary_service_and_statefulset(self):
        svc = find("Service", "covd-primary")
        sts = find("StatefulSet", "covd-primary")
        self.assertEqual(sts["spec"]["serviceName"], "covd-primary")
        self.assertEqual(sts["spec"]["replicas"], 1, "one writer per RocksDB store")
        self.assertEqual(svc["spec"]["selector"], sts["spec"]["selector"]["matchLabels"])
        self.assertEqual(svc["spec"]["clusterIP"], "None")

    def test_replicas_restore_from_read_only_snapshots_into_empty_dir(self):
        dep = find("Deployment", "covd-replicas")
        (c,) = pod_spec(dep)["containers"]
        flags = parse_flags(c["args"])
        mount, vol = mount_for(dep, c, flags["snapshot_from"])
        self.assertTrue(mount.get("readOnly"), "snapshot mount must be readOnly")
        self.assertTrue(vol["persistentVolumeClaim"].get("readOnly"),
                        "snapshot PVC must be mounted readOnly")
        _, store = mount_containing(dep, c, flags["db"])
        self.assertIn("emptyDir", store, "the replica store is rebuilt at start: emptyDir")
        self.assertNotIn("backup_root", flags)
        self.assertNotIn("ingest_root", flags)

    def test_primary_publishes_where_replicas_and_the_job_look(self):
        dep = find("Deployment", "covd-replicas")
        sts = find("StatefulSet", "covd-primary")
        (rc,) = pod_spec(dep)["containers"]
        (pc,) = pod_spec(sts)["containers"]
        rflags, pflags = parse_flags(rc["args"]), parse_flags(pc["args"])
        _, rvol = mount_for(dep, rc, rflags["snapshot_from"])
        pmount, pvol = mount_for(sts, pc, pflags["backup_root"])
        self.assertEqual(rvol["persistentVolumeClaim"]["claimName"],
                         pvol["persistentVolumeClaim"]["claimName"])
        self.assertFalse(pmount.get("readOnly", False))
        self.assertNotIn("snapshot_from", pflags)
        claim = find("PersistentVolumeClaim", pvol["persistentVolumeClaim"]["claimName"])
        self.assertIn("ReadWriteMany", claim["spec"]["accessModes"],
                      "primary and replicas on different nodes share it")
        # The primary's data is its own persistent volume.
        _, data = mount_containing(sts, pc, pflags["db"])
        self.assertIn("volumeClaimTemplate", data, "the primary's store needs its own PVC")
        # The job names the same directory and the primary's ingest root holds its sources.
        job = find("CronJob", "cov-publish")
        env = job_env(job)
        self.assertEqual(env["COV_SNAPSHOT_DIR"], pflags["backup_root"])
        roots = pflags["ingest_root"].split(",")
        corpus_mount, _ = mount_for(sts, pc, roots[0])
        self.assertTrue(corpus_mount.get("readOnly"))
        for kind, p, _ in sources_lines(read(K8S + "/publish/sources.conf")):
            self.assertTrue(any(p.startswith(r.rstrip("/") + "/") for r in roots),
                            f"sources.conf: {p} is outside the primary's --ingest_root")

    def test_publish_job_wiring(self):
        job = find("CronJob", "cov-publish")
        self.assertEqual(job["spec"]["concurrencyPolicy"], "Forbid")
        spec = pod_spec(job)
        (c,) = spec["containers"]
        env = job_env(job)
        self.assertEqual(env["COV_PRIMARY"], f"{PRIMARY_DNS}:{GRPC_PORT}")
        self.assertEqual(env["COV_REPLICAS"], REPLICA_DNS)
        self.assertEqual(int(env["COV_REPLICA_PORT"]), GRPC_PORT)
        script = c["command"][-1]
        mount, vol = mount_for(job, c, os.path.dirname(script))
        self.assertEqual(vol["configMap"]["name"], "cov-publish")
        kust = yaml.safe_load(read(K8S + "/kustomization.yaml"))
        gen = next(g for g in kust["configMapGenerator"] if g["name"] == "cov-publish")
        keys = {os.path.basename(f.split("=")[-1]) for f in gen["files"]}
        self.assertIn(os.path.basename(script), keys)
        self.assertIn(os.path.basename(env["COV_SOURCES"]), keys)
        # Token and CA come from Secrets; the CA volume projects ca.crt only (no server key).
        _, tok = mount_for(job, c, os.path.dirname(env["COV_TOKEN_FILE"]))
        self.assertEqual(tok["secret"]["secretName"], "cov-admin-token")
        _, ca = mount_for(job, c, os.path.dirname(env["COV_TLS_CA"]))
        self.assertEqual([i["key"] for i in ca["secret"]["items"]], ["ca.crt"])
        # Names resolve to the Services: <service>.<namespace>.svc.cluster.local.
        for dns, svc in ((REPLICA_DNS, "covd"), (PRIMARY_DNS, "covd-primary")):
            find("Service", svc)
            self.assertEqual(dns.split(".")[:2], [svc, "cov"])

    def test_pods_run_non_root_with_read_only_root_and_limits(self):
        for d in applied_docs():
            if d["kind"] not in ("Deployment", "StatefulSet", "CronJob"):
                continue
            spec = pod_spec(d)
            name = d["metadata"]["name"]
            self.assertTrue(spec["securityContext"]["runAsNonRoot"], name)
            self.assertNotEqual(spec["securityContext"]["runAsUser"], 0, name)
            self.assertFalse(spec.get("automountServiceAccountToken", True), name)
            for c in spec["containers"]:
                sc = c["securityContext"]
                self.assertTrue(sc["readOnlyRootFilesystem"], name)
                self.assertFalse(sc["allowPrivilegeEscalation"], name)
                self.assertEqual(sc["capabilities"]["drop"], ["ALL"], name)
                res = c["resources"]
                for k in ("cpu", "memory"):
                    self.assertIn(k, res["requests"], name)
                    self.assertIn(k, res["limits"], name)
        # covd's measured peak RSS (BENCHMARKS.md: 339 MiB serving all corpora) must fit
        # twice (a live reload holds two stores for a moment).
        for w, c in covd_containers():
            self.assertGreaterEqual(mebibytes(c["resources"]["limits"]["memory"]), 2 * 339,
                                    w["metadata"]["name"])

    def test_no_clear_text_credentials(self):
        files = []
        for d in (K8S, SYSTEMD, CONTAINER):
            for root, _, names in os.walk(path(d)):
                files += [os.path.join(root, n) for n in names]
        for f in files:
            with open(f, encoding="utf-8") as fh:
                text = fh.read()
            self.assertNotIn("PRIVATE KEY-----", text, f)
            self.assertIsNone(re.search(r"Bearer\s+[A-Za-z0-9._~+/-]{8,}", text), f)
            # Only --token_file: a --token value would sit in the process list.
            self.assertIsNone(re.search(r"--token(=|\s+)(?!-)\S", text), f)
            self.assertIsNone(re.search(r"^\s*(export\s+)?COV_TOKEN=\S", text, re.M), f)
        for f, d in k8s_docs():
            if d.get("kind") == "Secret":
                for key, value in {**d.get("data", {}), **d.get("stringData", {})}.items():
                    for line in (value or "").splitlines():
                        line = line.strip()
                        self.assertTrue(not line or line.startswith("#") or
                                        HASH_LINE.match(line),
                                        f"{f}: Secret {d['metadata']['name']}/{key} holds "
                                        f"a value; create it out of band")
        for d in applied_docs():
            self.assertNotEqual(d["kind"], "Secret", "no Secret is applied from git")
            if d["kind"] in ("Deployment", "StatefulSet", "CronJob"):
                for c in pod_spec(d)["containers"]:
                    for e in c.get("env", []):
                        if "TOKEN" in e["name"] and "value" in e:
                            self.assertTrue(e["name"].endswith("_FILE"),
                                            f"{e['name']} must be a file path or valueFrom")
                    self.assertNotIn("token", flag_names(c.get("args", [])))

    def test_readme_documents_the_client_target_and_service_config(self):
        readme = read("README.md")
        self.assertIn("## Deployment and operations", readme)
        section = readme.split("## Deployment and operations", 1)[1].split("\n## ", 1)[0]
        self.assertIn(f"dns:///{REPLICA_DNS}:{GRPC_PORT}", section)
        self.assertIn('{"loadBalancingConfig":[{"round_robin":{}}]}', section)
        for p in set(re.findall(r"deploy/(?:k8s|systemd|container)/[\w./-]+\w", section)):
            self.assertTrue(os.path.exists(path(p)), f"README names {p}, which does not exist")


def pod_spec_meta(workload):
    if workload["kind"] == "CronJob":
        return workload["spec"]["jobTemplate"]["spec"]["template"]["metadata"]
    return workload["spec"]["template"]["metadata"]


def job_env(job):
    (c,) = pod_spec(job)["containers"]
    return {e["name"]: e.get("value") for e in c.get("env", [])}


def mebibytes(q):
    m = re.fullmatch(r"(\d+)(Mi|Gi)", q)
    assert m, q
    return int(m.group(1)) * (1024 if m.group(2) == "Gi" else 1)


def sources_lines(text):
    out = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].split()
        if line:
            out.append((line[0], line[1], line[2:]))
    return out


# ---------------------------------------------------------------------------- container
def dockerfile_instructions():
    """[(stage index, INSTRUCTION, rest)] with continuation lines joined."""
    lines, cur = [], ""
    for raw in read(CONTAINER + "/Dockerfile").splitlines():
        s = raw.strip()
        if s.startswith("#") and not cur:
            continue
        if s.startswith("#"):
            continue  # a comment inside a continued instruction
        if s.endswith("\\"):
            cur += s[:-1] + " "
            continue
        cur += s
        if cur.strip():
            lines.append(cur.strip())
        cur = ""
    out, stage = [], -1
    for line in lines:
        instr, _, rest = line.partition(" ")
        instr = instr.upper()
        if instr == "FROM":
            stage += 1
        out.append((stage, instr, rest.strip()))
    return out


def docker_args(stage):
    args = {}
    for s, instr, rest in dockerfile_instructions():
        if s == stage and instr == "ARG" and "=" in rest:
            k, _, v = rest.partition("=")
            args[k] = shlex.split(v)[0] if v else ""
    return args


def dpkg_owner(lib):
    """Debian packages owning a shared library path (merged /usr aware)."""
    candidates = [lib, os.path.realpath(lib)]
    for c in list(candidates):
        if c.startswith("/usr/lib/"):
            candidates.append(c[len("/usr"):])
        elif c.startswith("/lib/") or c.startswith("/lib64/"):
            candidates.append("/usr" + c)
    for c in candidates:
        p = subprocess.run(["dpkg", "-S", c], capture_output=True, text=True)
        if p.returncode == 0:
            owners = p.stdout.splitlines()[0].rsplit(": ", 1)[0]
            return {o.strip().split(":")[0] for o in owners.split(",")}
    raise AssertionError(f"dpkg -S finds no package owning {lib}")


def runtime_packages_of(binary):
    p = subprocess.run(["ldd", binary], capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    libs = re.findall(r"=>\s+(/\S+)", p.stdout)
    libs += re.findall(r"^\s+(/\S+)\s+\(", p.stdout, re.M)  # the dynamic loader
    missing = re.findall(r"^\s+(\S+) => not found", p.stdout, re.M)
    assert not missing, f"{binary}: unresolved libraries {missing}"
    pkgs = {}
    for lib in libs:
        for pkg in dpkg_owner(lib):
            pkgs.setdefault(pkg, lib)
    return pkgs


class ContainerTest(unittest.TestCase):
    def test_multi_stage_debian12_build_with_the_setup_script(self):
        ins = dockerfile_instructions()
        froms = [rest for _, i, rest in ins if i == "FROM"]
        self.assertEqual(len(froms), 2)
        for f in froms:
            self.assertTrue(f.startswith("debian:bookworm-slim"), f)
        build_runs = " ".join(rest for s, i, rest in ins if s == 0 and i == "RUN")
        self.assertIn("./deploy/setup-debian.sh", build_runs)
        self.assertRegex(build_runs, r"bazel .*build -c opt .*//server:covd //clients:cov")
        self.assertIn("info -c opt bazel-bin", build_runs)
        copies = [rest for s, i, rest in ins if s == 1 and i == "COPY"]
        self.assertTrue(all(c.startswith("--from=build") for c in copies), copies)
        runtime_runs = " ".join(rest for s, i, rest in ins if s == 1 and i == "RUN")
        self.assertNotIn("bazel", runtime_runs)
        self.assertIn("--no-install-recommends", runtime_runs)
        self.assertIn("$RUNTIME_LIBS", runtime_runs)

    def test_runtime_packages_are_exactly_what_ldd_reports(self):
        if shutil.which("dpkg") is None:
            self.fail("dpkg is not available here: cannot map ldd's libraries to Debian "
                      "packages (this check needs a Debian host)")
        needed = {}
        for b in ("server/covd", "clients/cov"):
            needed.update(runtime_packages_of(path(b)))
        listed = set(docker_args(1)["RUNTIME_LIBS"].split())
        missing = sorted(set(needed) - listed)
        extra = sorted(listed - set(needed))
        self.assertEqual(missing, [], "add to RUNTIME_LIBS in deploy/container/Dockerfile: " +
                         ", ".join(f"{p} ({needed[p]})" for p in missing))
        self.assertEqual(extra, [], "RUNTIME_LIBS lists packages covd/cov no longer load")
        py = docker_args(1)["PYTHON_CLIENT_PKGS"].split()
        self.assertTrue({"python3", "python3-grpcio", "python3-protobuf"} <= set(py))

    def test_runtime_user_volume_ports_and_loopback_default(self):
        ins = [(i, rest) for s, i, rest in dockerfile_instructions() if s == 1]
        user = [rest for i, rest in ins if i == "USER"][-1]
        self.assertNotIn(user.split(":")[0], ("0", "root"))
        self.assertEqual(user.split(":")[0], "10001", "k8s runAsUser matches the image user")
        self.assertIn('"/var/lib/cov"', [rest for i, rest in ins if i == "VOLUME"][0])
        exposed = {int(p) for i, rest in ins if i == "EXPOSE" for p in rest.split()}
        self.assertEqual(exposed, {GRPC_PORT, METRICS_PORT})
        entry = json.loads([rest for i, rest in ins if i == "ENTRYPOINT"][-1])
        self.assertEqual(entry, ["/usr/local/bin/covd"])
        cmd = json.loads([rest for i, rest in ins if i == "CMD"][-1])
        for name in flag_names(cmd):
            self.assertIn(name, covd_flags(), f"CMD: covd has no --{name}")
        flags = parse_flags(cmd)
        self.assertTrue(flags["listen"].startswith("127.0.0.1:"), "default CMD: loopback")
        self.assertTrue(flags["metrics_listen"].startswith("127.0.0.1:"))
        self.assertNotIn("insecure", flags)
        self.assertTrue(flags["db"].startswith("/var/lib/cov/"))

    def test_context_filter_keeps_sources_and_drops_junk(self):
        rules = [l.strip() for l in read(CONTAINER + "/Dockerfile.dockerignore").splitlines()
                 if l.strip() and not l.startswith("#")]
        for junk in (".git", "bazel-*", ".cov-data"):
            self.assertIn(junk, rules)
        self.assertIn("!deploy/setup-debian.sh", rules)
        for needed in ("WORKSPACE", "BUILD.bazel", ".bazelrc", "server", "clients", "proto",
                       "ingest", "third_party"):
            self.assertNotIn(needed, rules)

    def test_build_script_fails_clearly_without_docker(self):
        script = path(CONTAINER + "/build.sh")
        subprocess.run(["bash", "-n", script], check=True)
        bindir = tmpdir()
        for tool in ("dirname", "tail", "git", "sed"):
            where = shutil.which(tool)
            if where:
                os.symlink(where, os.path.join(bindir, tool))
        env = {"PATH": bindir, "HOME": tmpdir()}
        p = subprocess.run(["/bin/bash", script], capture_output=True, text=True, env=env)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("no docker client", p.stderr)
        fake = os.path.join(bindir, "docker")
        with open(fake, "w") as f:
            f.write("#!/bin/sh\n[ \"$1\" = info ] && { echo 'Cannot connect to the Docker "
                    "daemon at unix:///var/run/docker.sock.' >&2; exit 1; }\n"
                    "echo \"unexpected docker $*\" >&2; exit 99\n")
        os.chmod(fake, 0o755)
        p = subprocess.run(["/bin/bash", script], capture_output=True, text=True, env=env)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("no Docker engine reachable", p.stderr)
        self.assertIn("Cannot connect to the Docker daemon", p.stderr)
        self.assertNotIn("unexpected docker", p.stderr)


# ---------------------------------------------------------------------------- systemd
def unit(rel):
    """{(section, key): [values]} of a unit file."""
    out, section = {}, None
    for line in read(rel).splitlines():
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        k, _, v = line.partition("=")
        out.setdefault((section, k), []).append(v)
    return out


def exec_argv(cmdline):
    """An ExecStart= line as argv, with ${VAR}/$VAR/%d placeholders left as words."""
    return shlex.split(cmdline)


class SystemdTest(unittest.TestCase):
    def test_covd_unit_is_hardened_and_reloadable(self):
        u = unit(SYSTEMD + "/covd.service")
        want = {
            "StateDirectory": None, "ProtectSystem": "strict", "NoNewPrivileges": "yes",
            "PrivateTmp": "yes", "Restart": "on-failure",
            "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
            "ExecReload": "/bin/kill -HUP $MAINPID", "EnvironmentFile": "-/etc/default/covd",
        }
        for k, v in want.items():
            self.assertIn(("Service", k), u, k)
            if v is not None:
                self.assertEqual(u[("Service", k)][-1], v, k)
        self.assertIn("cov", u[("Service", "StateDirectory")][-1].split())
        self.assertTrue(("Service", "DynamicUser") in u or
                        u.get(("Service", "User")) == ["cov"])
        self.assertGreaterEqual(int(u[("Service", "LimitNOFILE")][-1]), 4096)
        stop = int(u[("Service", "TimeoutStopSec")][-1].rstrip("s"))
        self.assertGreater(stop, 5, "longer than covd's 5 s shutdown grace")
        (start,) = u[("Service", "ExecStart")]
        argv = exec_argv(start)
        self.assertEqual(argv[0], "/usr/local/bin/covd")
        for name in flag_names(argv):
            self.assertIn(name, covd_flags(), f"covd.service: covd has no --{name}")
        flags = parse_flags(argv)
        self.assertTrue(flags["db"].startswith("/var/lib/cov/"), "store in StateDirectory")
        # Defaults are loopback; /etc/default/covd may override.
        env = dict(e.split("=", 1) for e in u[("Service", "Environment")])
        self.assertTrue(env["COVD_LISTEN"].startswith("127.0.0.1:"))
        self.assertTrue(env["COVD_METRICS_LISTEN"].startswith("127.0.0.1:"))
        self.assertEqual(u[("Install", "WantedBy")], ["multi-user.target"])

    def test_default_file_options_are_covd_flags(self):
        text = read(SYSTEMD + "/covd.default")
        for line in text.splitlines():
            m = re.match(r"^#?(COVD_OPTS)=(.*)$", line)
            if m:
                for name in flag_names(shlex.split(m.group(2))):
                    self.assertIn(name, covd_flags(), f"covd.default: covd has no --{name}")
            m = re.match(r"^#?(COV_CLIENT_OPTS)=(.*)$", line)
            if m:
                for name in flag_names(shlex.split(m.group(2))):
                    self.assertTrue(cov_has_flag(name), f"covd.default: cov has no --{name}")

    def test_backup_service_and_timer(self):
        s = unit(SYSTEMD + "/cov-backup.service")
        t = unit(SYSTEMD + "/cov-backup.timer")
        self.assertEqual(s[("Service", "Type")], ["oneshot"])
        (start,) = s[("Service", "ExecStart")]
        argv = exec_argv(start)
        self.assertEqual(argv[0], "/usr/local/bin/cov")
        for name in flag_names(argv):
            self.assertTrue(cov_has_flag(name), f"cov-backup.service: cov has no --{name}")
        words = [a for a in argv if not a.startswith("-") and not a.startswith("$")]
        self.assertIn("admin backup", " ".join(words))
        self.assertIn("admin backup", cov_help(), "cov --help lists no `admin backup`")
        self.assertIn("LoadCredential", {k for _, k in s})
        self.assertIn(("Timer", "OnCalendar"), t)
        self.assertEqual(t[("Timer", "Persistent")], ["true"])
        self.assertEqual(t[("Install", "WantedBy")], ["timers.target"])
        env = dict(e.split("=", 1) for e in s[("Service", "Environment")])
        covd = parse_flags(exec_argv(unit(SYSTEMD + "/covd.service")[("Service",
                                                                      "ExecStart")][0]))
        self.assertTrue(env["COV_BACKUP_DIR"].startswith(covd["backup_root"]),
                        "the nightly backup must land inside covd's --backup_root")

    def test_units_pass_systemd_analyze_verify_if_installed_else_static_checks_only(self):
        tool = shutil.which("systemd-analyze") or (
            "/usr/bin/systemd-analyze" if os.path.exists("/usr/bin/systemd-analyze") else None)
        if tool is None:
            self.skipTest("systemd-analyze is not installed (apt-get install systemd): "
                          "`systemd-analyze verify` not run; the other SystemdTest cases "
                          "still check the units statically")
        d = tmpdir()
        names = ["covd.service", "cov-backup.service", "cov-backup.timer"]
        for n in names:
            text = read(f"{SYSTEMD}/{n}")
            text = text.replace("/usr/local/bin/covd", path("server/covd"))
            text = text.replace("/usr/local/bin/cov ", path("clients/cov") + " ")
            with open(os.path.join(d, n), "w") as f:
                f.write(text)
        p = subprocess.run([tool, "verify", "--man=no"] + names, cwd=d, capture_output=True,
                           text=True, timeout=60)
        out = (p.stdout + p.stderr).strip()
        print(f"systemd-analyze verify: rc={p.returncode} {out or '(no findings)'}")
        self.assertEqual(p.returncode, 0, out)
        # verify only warns (rc 0) on unknown keys or bad values: any output is a finding.
        self.assertEqual(out, "", out)


# ---------------------------------------------------------------------------- publish script
FAKE_COV = r"""#!/bin/bash
echo "$*" >> "$FAKE_LOG"
if [[ -n ${FAKE_FAIL:-} && "$*" == *$FAKE_FAIL* ]]; then echo "fake failure" >&2; exit 1; fi
exit 0
"""


class PublishScriptTest(unittest.TestCase):
    def setUp(self):
        self.dir = tmpdir()
        self.log = os.path.join(self.dir, "calls")
        self.fake = os.path.join(self.dir, "cov")
        with open(self.fake, "w") as f:
            f.write(FAKE_COV)
        os.chmod(self.fake, 0o755)
        self.sources = os.path.join(self.dir, "sources.conf")
        with open(self.sources, "w") as f:
            f.write("# comment\n\n"
                    "attack /c/attack/enterprise-attack-18.1.json --make_default\n"
                    "sigma  /c/sigma/hq   sigmahq   # trailing comment\n"
                    "atomics /c/atomics/art art\n")
        self.script = path(K8S + "/publish/publish.sh")

    def run_publish(self, **env):
        base = {"PATH": "/usr/bin:/bin", "FAKE_LOG": self.log, "COV_BIN": self.fake,
                "COV_PRIMARY": "primary:8470", "COV_SOURCES": self.sources,
                "COV_SNAPSHOT_DIR": "/snapshots", "COV_TOKEN_FILE": "/t/token",
                "COV_TLS_CA": "/t/ca.crt"}
        base.update(env)
        p = subprocess.run(["/bin/bash", self.script], capture_output=True, text=True,
                           env=base, timeout=60)
        calls = open(self.log).read().splitlines() if os.path.exists(self.log) else []
        return p, calls

    def test_script_syntax(self):
        subprocess.run(["bash", "-n", self.script], check=True)
        self.assertTrue(os.stat(self.script).st_mode & stat.S_IXUSR)

    def test_ingests_then_backs_up_then_reloads_every_replica(self):
        p, calls = self.run_publish(COV_REPLICA_ADDRS="10.0.0.1:8470 [fd00::1]:8470",
                                    COV_TLS_SERVER_NAME=REPLICA_DNS)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        common = "--timeout 600 --token_file /t/token --tls_ca /t/ca.crt"
        self.assertEqual(calls, [
            f"--server primary:8470 {common} ingest attack "
            "/c/attack/enterprise-attack-18.1.json --server_path --make_default",
            f"--server primary:8470 {common} ingest sigma /c/sigma/hq --source sigmahq",
            f"--server primary:8470 {common} ingest atomics /c/atomics/art --source art",
            f"--server primary:8470 {common} admin backup --to /snapshots --keep 14",
            f"--server 10.0.0.1:8470 {common} --tls_server_name {REPLICA_DNS} admin reload",
            f"--server [fd00::1]:8470 {common} --tls_server_name {REPLICA_DNS} admin reload",
        ])
        for c in calls:
            for name in flag_names(c.split()):
                self.assertTrue(cov_has_flag(name), f"publish.sh: cov has no --{name}")
        help_text = cov_help()
        for sub in ("admin backup", "admin reload"):
            self.assertIn(sub, help_text, f"cov --help lists no `{sub}`")

    def test_replicas_from_dns_with_ipv6_brackets(self):
        p, calls = self.run_publish(COV_REPLICAS="localhost", COV_REPLICA_PORT="9999")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        reloads = [c.split()[1] for c in calls if c.endswith("admin reload")]
        self.assertIn("127.0.0.1:9999", reloads)
        self.assertTrue(all(r.startswith("[") or r.count(":") == 1 for r in reloads), reloads)
        self.assertTrue(all("--tls_server_name localhost" in c for c in calls
                            if c.endswith("admin reload")))

    def test_failed_ingest_publishes_nothing(self):
        p, calls = self.run_publish(COV_REPLICA_ADDRS="r:1", FAKE_FAIL="ingest sigma")
        self.assertNotEqual(p.returncode, 0)
        self.assertFalse(any("admin" in c for c in calls), calls)

    def test_failed_reload_is_reported_and_the_others_still_run(self):
        p, calls = self.run_publish(COV_REPLICA_ADDRS="a:1 b:1 c:1", FAKE_FAIL="--server b:1")
        self.assertNotEqual(p.returncode, 0)
        self.assertEqual(len([c for c in calls if c.endswith("admin reload")]), 3)
        self.assertIn("reload FAILED on b:1", p.stdout)
        self.assertIn("3 replicas, 1 failed", p.stdout)

    def test_no_replicas_is_not_an_error(self):
        p, calls = self.run_publish(COV_REPLICA_ADDRS="")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertTrue(calls[-1].endswith("admin backup --to /snapshots --keep 14"))

    def test_unknown_source_kind_is_a_usage_error(self):
        with open(self.sources, "a") as f:
            f.write("snort2 /x y\n")
        p, _ = self.run_publish(COV_REPLICA_ADDRS="")
        self.assertEqual(p.returncode, 2)
        self.assertIn("unknown kind 'snort2'", p.stdout)


class Server:
    """A covd on loopback with extra flags."""

    def __init__(self, *flags):
        self.dir = tmpdir()
        self.port_file = os.path.join(self.dir, "port")
        self.metrics_port_file = os.path.join(self.dir, "metrics_port")
        self.log = open(os.path.join(self.dir, "log"), "wb")
        self.proc = subprocess.Popen(
            [path("server/covd"), "--db", os.path.join(self.dir, "db"),
             "--listen", "127.0.0.1:0", "--port_file", self.port_file,
             "--metrics_listen", "127.0.0.1:0", "--metrics_port_file",
             self.metrics_port_file, *flags],
            stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 30
        while not (os.path.exists(self.port_file) and os.path.exists(self.metrics_port_file)):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("covd did not start:\n" + self.log_text())
            time.sleep(0.05)
        self.address = "127.0.0.1:" + open(self.port_file).read().strip()
        self.metrics_port = int(open(self.metrics_port_file).read().strip())

    def log_text(self):
        return open(os.path.join(self.dir, "log"), errors="replace").read()

    def http(self, p):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}{p}",
                                        timeout=5) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=30)
        self.log.close()


def cov(address, *args):
    return subprocess.run([path("clients/cov"), "--server", address, *args],
                          capture_output=True, text=True, timeout=120)


def releases(address):
    p = cov(address, "releases", "--format", "json")
    assert p.returncode == 0, p.stderr
    return {(r["domain"], r["version"]) for r in json.loads(p.stdout).get("releases", [])}


class PublishEndToEndTest(unittest.TestCase):
    """publish.sh with the real cov against a real primary and replica (loopback)."""

    def test_publish_reload_and_sighup_against_real_covd(self):
        attack = os.path.join(corpus_dir(), "attack")
        snap = os.path.join(tmpdir(), "snapshots")
        primary = Server("--backup_root", os.path.dirname(snap))
        replica = None
        try:
            sources = os.path.join(tmpdir(), "sources.conf")

            def publish(lines, replicas):
                with open(sources, "w") as f:
                    f.write("\n".join(lines) + "\n")
                env = {"PATH": "/usr/bin:/bin", "COV_BIN": path("clients/cov"),
                       "COV_PRIMARY": primary.address, "COV_SOURCES": sources,
                       "COV_SNAPSHOT_DIR": snap, "COV_REPLICA_ADDRS": replicas}
                p = subprocess.run(["/bin/bash", path(K8S + "/publish/publish.sh")],
                                   capture_output=True, text=True, env=env, timeout=300)
                self.assertEqual(p.returncode, 0, p.stdout + p.stderr + primary.log_text())
                return p.stdout

            yara = os.path.join(corpus_dir(), "yara", "attack-tagged")
            lines = [f"attack {attack}/enterprise-attack-18.1.json --make_default",
                     f"yara {yara} yara-attack-tagged"]
            out = publish(lines, "")
            self.assertIn("no replica found", out)

            replica = Server("--snapshot_from", snap)
            deadline = time.monotonic() + 60
            while replica.http("/readyz")[0] != 200:
                self.assertLess(time.monotonic(), deadline, replica.log_text())
                time.sleep(0.1)
            self.assertEqual(replica.http("/healthz")[0], 200)
            self.assertEqual(releases(replica.address), {("enterprise-attack", "18.1")})
            p = cov(replica.address, "sources")
            self.assertIn("yara-attack-tagged", p.stdout, p.stderr)
            status, metrics = replica.http("/metrics")
            self.assertEqual(status, 200)
            # Every metric the README's operations section names is exported.
            readme = read("README.md").split("## Deployment and operations", 1)[-1]
            names = set(re.findall(r"`(cov_[a-z_]+)", readme))
            self.assertTrue(names, "README names no cov_ metric")
            for n in sorted(names):
                self.assertIn(n, metrics, f"README names {n}; /metrics has no such metric")
            # Read-only: a write RPC is refused.
            p = cov(replica.address, "ingest", "attack", f"{attack}/ics-attack-18.1.json")
            self.assertEqual(p.returncode, 1)
            self.assertRegex(p.stderr + p.stdout, "FAILED_PRECONDITION|read-only replica")

            # Publish with reload over the admin RPC: the replica swaps live (same process).
            lines.append(f"attack {attack}/ics-attack-18.1.json")
            publish(lines, replica.address)
            self.assertEqual(releases(replica.address),
                             {("enterprise-attack", "18.1"), ("ics-attack", "18.1")})
            self.assertIsNone(replica.proc.poll())

            # systemd's ExecReload: SIGHUP loads the newest backup.
            lines.append(f"attack {attack}/mobile-attack-18.1.json")
            publish(lines, "")
            replica.proc.send_signal(signal.SIGHUP)
            deadline = time.monotonic() + 30
            while ("mobile-attack", "18.1") not in releases(replica.address):
                self.assertLess(time.monotonic(), deadline, replica.log_text())
                time.sleep(0.1)
            self.assertIsNone(replica.proc.poll(), "SIGHUP must not stop covd")

            # SIGHUP on a primary (no --snapshot_from) must not kill it either
            # (`systemctl reload covd` on a single host).
            primary.proc.send_signal(signal.SIGHUP)
            time.sleep(0.5)
            self.assertIsNone(primary.proc.poll(), "SIGHUP stopped a primary covd:\n" +
                              primary.log_text())
            self.assertIn(("mobile-attack", "18.1"), releases(primary.address))
        finally:
            if replica:
                replica.stop()
            primary.stop()


class RoundRobinTest(unittest.TestCase):
    """The README's service config, given to a real gRPC channel over two covd, spreads
    calls over both (pick_first, gRPC's default, would send all to one)."""

    def test_readme_service_config_round_robins_over_two_covd(self):
        import grpc
        from cov.v1 import cov_pb2, cov_pb2_grpc

        section = read("README.md").split("## Deployment and operations", 1)[1]
        config = re.search(r"`(\{\"loadBalancingConfig\"[^`]*)`", section).group(1)
        self.assertEqual(json.loads(config), {"loadBalancingConfig": [{"round_robin": {}}]})
        logs = [os.path.join(tmpdir(), f"rpc{i}.log") for i in range(2)]
        servers = [Server("--rpc_log", log) for log in logs]
        try:
            target = "ipv4:" + ",".join(s.address for s in servers)
            with grpc.insecure_channel(target,
                                       options=[("grpc.service_config", config)]) as ch:
                stub = cov_pb2_grpc.CovServiceStub(ch)
                for _ in range(20):
                    stub.ListReleases(cov_pb2.ListReleasesRequest(), timeout=10)
        finally:
            for s in servers:
                s.stop()
        counts = []
        for log in logs:
            with open(log) as f:
                lines = [json.loads(l) for l in f if "ListReleases" in l]
            counts.append(len(lines))
            for entry in lines:
                for key in ("ts", "method", "code", "ms", "role", "peer"):
                    self.assertIn(key, entry, f"--rpc_log line without {key}: {entry}")
        self.assertEqual(sum(counts), 20, counts)
        self.assertTrue(all(c >= 5 for c in counts), f"not round-robin: {counts}")


if __name__ == "__main__":
    junit.main()
