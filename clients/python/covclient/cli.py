"""Command line of the Python client (`python3 -m covclient`): prints responses as JSON.

    python3 -m covclient [--server HOST:PORT] COMMAND ARGS

Commands mirror the `cov` CLI: ingest-attack FILE, releases, default VERSION,
technique ID, actor QUERY, search TEXT, stats, admin backup|backups|restore|reload.
Exit 0 on success, 1 when the
request failed, 2 on usage errors.
"""

import argparse
import json
import sys

from covclient.client import FORMATS, Client
from covclient.proof_cli import PROOF_COMMANDS as _PROOF_COMMANDS
from covclient.proof_cli import add_parsers as _add_proof_parsers
from covclient.errors import CovError


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python3 -m covclient",
        description="cov Python client: query covd and print JSON responses.",
    )
    p.add_argument("--server", help="covd address (default $COV_SERVER, else 127.0.0.1:8470)")
    p.add_argument("--attack-version", help="ATT&CK release version, e.g. 17.1")
    p.add_argument("--domain", help="ATT&CK domain (enterprise-attack, mobile-attack, ics-attack)")
    p.add_argument("--timeout", type=float, default=60.0, help="RPC deadline in seconds")
    p.add_argument("--token-file", help="bearer token file (default $COV_TOKEN)")
    p.add_argument("--tls-ca", help="PEM CA that signed covd's certificate: use TLS")
    p.add_argument("--round-robin", action="store_true",
                   help="spread calls over every address --server resolves to "
                        "(e.g. dns:///covd.cov.svc.cluster.local:8470), retrying "
                        "UNAVAILABLE on another replica")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("ingest-attack", help="load an ATT&CK STIX bundle")
    s.add_argument("file")
    s.add_argument("--version", help="version when the bundle and file name carry none")
    s.add_argument("--make-default", action="store_true")
    s.add_argument("--upload", action="store_true",
                   help="send the file's bytes even to a loopback covd (which "
                        "otherwise reads the path itself)")
    sub.add_parser("releases", help="list stored ATT&CK releases")
    s = sub.add_parser("default", help="make a stored release the default")
    s.add_argument("version")
    s = sub.add_parser(
        "releases-rm", help="remove a stored ATT&CK release (admin token)",
        description="Removes a release and everything loaded from it atomically. The "
                    "store default, or the default of a domain keeping other releases, "
                    "is refused unless --new-default names the release replacing it.")
    s.add_argument("release", help="DOMAIN@VERSION, or VERSION (with --domain)")
    s.add_argument("--new-default", dest="new_default",
                   help="DOMAIN@VERSION or VERSION that becomes the default instead")
    s = sub.add_parser("technique", help="show a technique")
    s.add_argument("id")
    s = sub.add_parser("actor", help="show a group, software or campaign")
    s.add_argument("query", nargs="+")
    s = sub.add_parser("search", help="full-text search")
    s.add_argument("text", nargs="+")
    s.add_argument("--kind", action="append", help="restrict to a kind (repeatable)")
    s.add_argument("--limit", type=int, default=20)
    s.add_argument("--all", action="store_true", help="include revoked and deprecated")
    sub.add_parser("stats", help="store statistics")
    s = sub.add_parser("ingest-rules", help="ingest a rule folder as a source")
    s.add_argument("format", choices=sorted(FORMATS))
    s.add_argument("path")
    s.add_argument("--source", help="source name (default: folder name)")
    s.add_argument("--min-score", dest="min_score", type=float, default=0,
                   help="layer: lowest entry score that counts (0: above 0)")
    sub.add_parser("sources", help="list rule sources")
    s = sub.add_parser("sources-rm", help="remove a rule source and its rules")
    s.add_argument("name")
    s = sub.add_parser(
        "experiment-rm", help="remove an experiment and its results (write token)",
        description="Removes a validation experiment; its results stop counting as "
                    "validated evidence at once.")
    s.add_argument("experiment", help="experiment ID, e.g. EXP-000001")
    s = sub.add_parser("errors", help="diagnostics of a source")
    s.add_argument("source")
    for name, helptext in (("coverage", "per-tactic coverage"),
                           ("gaps", "ranked uncovered techniques")):
        s = sub.add_parser(name, help=helptext)
        s.add_argument("--profile", help="telemetry profile YAML file")
        s.add_argument("--rollup", action="store_true",
                       help="parents count as covered through sub-techniques")
        s.add_argument("--tactic-context", action="store_true",
                       help="count rules only under the tactics they name")
        s.add_argument("--include-disabled", action="store_true")
        if name == "coverage":
            s.add_argument("--by", default="tactic",
                           choices=["tactic", "technique", "platform", "source",
                                    "killchain"])
        else:
            s.add_argument("--group", action="append", help="rank by this group")
            s.add_argument("--top", type=int, default=0)
    s = sub.add_parser("layer", help="Navigator layer / CSV / HTML / Excel export")
    s.add_argument("kind", choices=["coverage", "gaps"])
    s.add_argument("--format", dest="fmt", default="json",
                   choices=["json", "csv", "html", "xlsx"])
    s.add_argument("--profile")
    s.add_argument("--out", required=True, help="file to write")
    s = sub.add_parser("check", help="lint rules and gate coverage regressions")
    s.add_argument("paths", nargs="+")
    s.add_argument("--base", help="another checkout holding the same paths")
    s.add_argument("--profile")
    s.add_argument("--fail-on", default="error", choices=["error", "warning"])
    s.add_argument("--format", dest="fmt", default="text",
                   choices=["text", "json", "sarif", "junit", "github"])
    s.add_argument("--allow-regression", action="append", default=[])
    s.add_argument("--rule-format", choices=sorted(FORMATS),
                   help="read every file as this format (Splunk/Sentinel YAML need it)")
    s = sub.add_parser("fix", help="rewrite revoked ATT&CK IDs")
    s.add_argument("paths", nargs="+")
    s.add_argument("--dry-run", action="store_true")
    s.add_argument("--rule-format", choices=sorted(FORMATS),
                   help="read every file as this format (Splunk/Sentinel YAML need it)")
    s = sub.add_parser("plan", help="emulation plan (JSON, or rendered by covd)")
    s.add_argument("--group")
    s.add_argument("--software")
    s.add_argument("--campaign")
    s.add_argument("--technique", action="append", help="technique ID (repeatable)")
    s.add_argument("--ctid-plan")
    s.add_argument("--platform", default="")
    s.add_argument("--format", dest="fmt", default="",
                   choices=["", "json", "yaml", "layer", "markdown", "xlsx"])
    s.add_argument("--out", help="file to write (required for --format xlsx)")
    s = sub.add_parser("infer-profile", help="propose a profile from rules")
    s.add_argument("--source", action="append")
    s = sub.add_parser(
        "admin", help="backups and live restores (admin token)",
        description="backup --to DIR [--keep N]: consistent incremental backup of the "
                    "live store into DIR on the server. backups [--from DIR]: list them "
                    "(default DIR: covd's --snapshot_from). restore --from DIR [--id N]: "
                    "verify backup N (default latest) and swap it in live; the previous "
                    "store is kept aside. reload: a replica loads the newest backup of "
                    "its --snapshot_from (like SIGHUP).")
    s.add_argument("action", choices=["backup", "backups", "restore", "reload"])
    s.add_argument("--to", help="backup: backup directory on the server")
    s.add_argument("--from", dest="from_dir", help="backups/restore: backup directory")
    s.add_argument("--id", type=int, default=0, help="restore: backup ID (default latest)")
    s.add_argument("--keep", type=int, default=0, help="backup: keep the newest N")
    _add_proof_parsers(sub)
    args = p.parse_args(argv)

    if args.command == "admin":
        if args.action == "backup" and not args.to:
            p.error("admin backup needs --to DIR")
        if args.action == "restore" and not args.from_dir:
            p.error("admin restore needs --from DIR (replicas: admin reload)")
    with Client(args.server, timeout=args.timeout, token_file=args.token_file,
                tls_ca=args.tls_ca, round_robin=args.round_robin) as c:
        try:
            if args.command == "ingest-attack":
                r = c.ingest_attack(args.file, args.version, args.make_default,
                                    upload=args.upload)
            elif args.command == "releases":
                r = c.releases()
            elif args.command == "default":
                r = c.set_default(args.version, args.domain)
            elif args.command == "releases-rm":
                r = c.delete_release(args.release, args.new_default, args.domain)
            elif args.command == "experiment-rm":
                r = c.delete_experiment(args.experiment)
            elif args.command == "technique":
                r = c.technique(args.id, args.attack_version, args.domain)
            elif args.command == "actor":
                r = c.actor(" ".join(args.query), args.attack_version, args.domain)
            elif args.command == "search":
                r = c.search(" ".join(args.text), args.kind, args.limit, args.all,
                             args.attack_version, args.domain)
            elif args.command == "ingest-rules":
                r = c.ingest_rules(args.format, args.path, args.source,
                                   args.attack_version, args.domain, args.min_score)
            elif args.command == "sources":
                r = c.sources()
            elif args.command == "sources-rm":
                r = c.delete_source(args.name)
            elif args.command == "errors":
                r = c.errors(args.source)
            elif args.command == "coverage":
                r = c.coverage(args.profile, args.by, args.rollup, args.tactic_context,
                               args.include_disabled, attack_version=args.attack_version,
                               domain=args.domain)
            elif args.command == "gaps":
                r = c.gaps(args.profile, args.group, args.top, args.rollup,
                           args.tactic_context, args.include_disabled,
                           attack_version=args.attack_version, domain=args.domain)
            elif args.command == "layer":
                data = c.layer(args.kind, args.fmt, args.profile,
                               attack_version=args.attack_version, domain=args.domain)
                with open(args.out, "wb") as f:
                    f.write(data)
                print(f"wrote {len(data)} bytes to {args.out}", file=sys.stderr)
                return 0
            elif args.command == "check":
                r = c.check(args.paths, args.base, args.profile, args.fail_on, args.fmt,
                            args.allow_regression, attack_version=args.attack_version,
                            rule_format=args.rule_format)
                sys.stdout.write(r.rendered.decode("utf-8", "replace"))
                return 1 if r.failed else 0
            elif args.command == "fix":
                r = c.fix_revoked(args.paths, write=not args.dry_run,
                                  attack_version=args.attack_version,
                                  rule_format=args.rule_format)
                for f in r.files:
                    if f.changed and args.dry_run:
                        sys.stdout.write(f.diff)
                for ch in r.changes:
                    note = f"  # {ch.note}" if ch.note else ""
                    print(f"{ch.path}:{ch.line}: {ch.before} -> {ch.after}{note}",
                          file=sys.stderr)
                for s in r.skipped:
                    print(f"not rewritten: {s}", file=sys.stderr)
                return 0
            elif args.command == "admin":
                if args.action == "backup":
                    r = c.backup(args.to, args.keep)
                elif args.action == "backups":
                    r = c.backups(args.from_dir)
                elif args.action == "restore":
                    r = c.restore(args.from_dir, args.id)
                else:
                    r = c.reload()
            elif args.command == "plan":
                fmt = "" if args.fmt == "json" else args.fmt
                r = c.plan(fmt, group=args.group, software=args.software,
                           campaign=args.campaign, techniques=args.technique,
                           ctid_plan=args.ctid_plan, platform=args.platform,
                           attack_version=args.attack_version)
                if fmt == "xlsx":
                    if not args.out:
                        print("--format xlsx writes a workbook: give --out FILE.xlsx",
                              file=sys.stderr)
                        return 2
                    with open(args.out, "wb") as f:
                        f.write(r.workbook)
                    print(f"wrote {len(r.workbook)} bytes to {args.out}", file=sys.stderr)
                    return 0
                if fmt:
                    sys.stdout.write(r.rendered)
                    return 0
            elif args.command in _PROOF_COMMANDS:
                r = _PROOF_COMMANDS[args.command](c, args)
            elif args.command == "infer-profile":
                r = c.infer_profile(args.source, attack_version=args.attack_version)
            else:
                r = c.stats()
        except CovError as e:
            print(f"cov: {e.message}", file=sys.stderr)
            return 1
        except OSError as e:
            print(f"cov: {e}", file=sys.stderr)
            return 1
        except ValueError as e:
            print(f"cov: {e}", file=sys.stderr)
            return 2
    json.dump(Client.to_dict(r), sys.stdout, indent=2, ensure_ascii=False)
    print()
    return 0
