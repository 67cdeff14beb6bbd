"""The Python alternative for events_bench: python3 zipfile + json.loads per line.

    python3 ingest/events/events_bench.py ../shared/corpus/logs/security-datasets
"""
import zipfile, json, glob, time, resource, sys
root = sys.argv[1]
zips = sorted(glob.glob(root + '/**/*.zip', recursive=True))
t = time.time(); n = 0; b = 0; bad = 0
for z in zips:
    with zipfile.ZipFile(z) as zf:
        for info in zf.infolist():
            with zf.open(info) as f:
                for line in f:
                    b += len(line)
                    if not line.strip(): continue
                    try:
                        o = json.loads(line)
                        if isinstance(o, dict): n += 1
                    except Exception:
                        bad += 1
dt = time.time() - t
print("python3 zipfile+json: events %d bad %d %.1f MB %.3f s %.0f events/s %.1f MB/s peak RSS %.0f MB" % (n, bad, b/1e6, dt, n/dt, b/1e6/dt, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024))
