#!/bin/bash
# Side-by-side benchmark of pieces-run, crun and runc on one busybox bundle from
# `runc spec` (terminal off, /bin/true), in one run on this machine:
#   - `run` wall and CPU time (user+sys), rounds in random order, per-round ratios to
#     crun and their median; crun against itself as the A/A control;
#   - create+start+delete as three commands, as engines call them;
#   - peak RSS of the runtime during `run`.
# Usage (as root): scripts/bench-runtime.sh [ROUNDS]   (default 40)
# crun 1.8 refuses hybrid cgroup hosts, so every runtime runs in a private mount
# namespace where /sys/fs/cgroup/unified is unmounted: all of them see plain v1.
set -euo pipefail
TOP="$(cd "$(dirname "$0")/.." && pwd)"
ROUNDS="${1:-40}"
[ "$(id -u)" -eq 0 ] || { echo "bench-runtime.sh: run as root" >&2; exit 1; }
for pkg in runc crun time; do
  dpkg -s "$pkg" > /dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$pkg" > /dev/null
done
[ -x "$TOP/build/pieces-run" ] || make -C "$TOP" -s
work="$(mktemp -d /tmp/pieces-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
BATS_TEST_DIRNAME="$TOP/tests"
# shellcheck source=../tests/lib/common.bash
source "$TOP/tests/lib/common.bash"
mkdir "$work/bundle"
(cd "$work/bundle" && runc spec)
make_rootfs "$work/bundle/rootfs"
python3 - "$work/bundle/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["terminal"] = False
c["process"]["args"] = ["/bin/true"]
json.dump(c, open(sys.argv[1], "w"))
PY
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); kernel $(uname -r)"
echo "pieces-run $("$TOP/build/pieces-run" --version | head -1 | cut -d' ' -f3), $(crun --version | head -1), $(runc --version | head -1)"
unshare -m bash -c "umount /sys/fs/cgroup/unified 2>/dev/null || true
  exec python3 - '$work' '$TOP/build/pieces-run' '$ROUNDS'" <<'PY'
import ctypes, os, random, statistics, subprocess, sys, time

work, pieces, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
bundle = os.path.join(work, "bundle")
runtimes = {"pieces-run": pieces, "crun": "crun", "crun (A/A)": "crun", "runc": "runc"}
devnull = subprocess.DEVNULL

# A subreaper, like conmon: create's init becomes our child once create exits.
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER

def timed(argv):
    """Wall seconds and CPU seconds (user+sys) of ARGV and its waited children: the
    runtime and the container's /bin/true."""
    start = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, os.environ)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        sys.exit(f"failed: {' '.join(argv)} (status {status})")
    return wall, usage.ru_utime + usage.ru_stime, 0

def peak_rss(binary, root):
    """Peak RSS (KiB) of a `run`, measured by GNU time, whose own footprint before it
    execs the runtime is small (a Python fork would count Python's)."""
    out = subprocess.run(["/usr/bin/time", "-f", "%M", binary, "--root", root, "run", "-b",
                          bundle, "rss"], stderr=subprocess.PIPE, text=True, check=True)
    return int(out.stderr.strip().splitlines()[-1])

def run_once(name, binary, n):
    root = os.path.join(work, "state-" + name.split()[0])
    return timed([binary, "--root", root, "run", "-b", bundle, f"b{n}"])

def lifecycle_once(name, binary, n):
    root = os.path.join(work, "state-" + name.split()[0])
    cid = f"l{n}"
    pid_file = os.path.join(work, "pid")
    walls, cpus = 0.0, 0.0
    for argv in ([binary, "--root", root, "create", "--pid-file", pid_file, "-b", bundle, cid],
                 [binary, "--root", root, "start", cid]):
        w, c, _ = timed(argv)
        walls, cpus = walls + w, cpus + c
    # The init is our child after create: wait for it before delete, as conmon does.
    os.waitpid(int(open(pid_file).read()), 0)
    w, c, _ = timed([binary, "--root", root, "delete", cid])
    return walls + w, cpus + c, 0

def bench(kind, fn, rss=False):
    samples = {name: [] for name in runtimes}
    for n in range(rounds + 3):
        order = list(runtimes.items())
        random.shuffle(order)
        for name, binary in order:
            result = fn(name, binary, n)
            if n >= 3:  # warm-up rounds
                samples[name].append(result)
    print(f"\n{kind}: {rounds} rounds, random order each round; ratios are per round, to crun")
    print(f"{'runtime':12} {'wall ms':>8} {'cpu ms':>8} {'wall/crun':>10} {'cpu/crun':>9} {'peak RSS':>9}")
    for name in runtimes:
        wall = [s[0] for s in samples[name]]
        cpu = [s[1] for s in samples[name]]
        wall_ratio = statistics.median(a[0] / b[0] for a, b in zip(samples[name], samples["crun"]))
        cpu_ratio = statistics.median(a[1] / b[1] if b[1] else 1 for a, b in zip(samples[name], samples["crun"]))
        root = os.path.join(work, "state-" + name.split()[0])
        peak = f"{peak_rss(runtimes[name], root) / 1024:8.2f}M" if rss else ""
        print(f"{name:12} {statistics.median(wall)*1000:8.2f} {statistics.median(cpu)*1000:8.2f} "
              f"{wall_ratio:10.2f} {cpu_ratio:9.2f} {peak}")

bench("run of /bin/true", run_once, rss=True)
bench("create + start + delete", lifecycle_once)
PY
