#!/usr/bin/env python3
"""The hostile-input battery (issue 18, docs/reliability.md): generates a few hundred bad
inputs and flags in a scratch directory, runs capflow on each, and checks the contract:
the expected exit code (2 for bad input), a message naming the place (a fragment of it),
no crash (no signal, no sanitizer report), no hang (a time limit per case), and no output
file touched when the command fails.

  hostile.py CAPFLOW ROOT [--list]

Cases are generated, not stored: the shard tamperings mutate every integer of a real
shard's accumulators in four ways (a float, a string, 2^64 - 1, -2^63)."""
import concurrent.futures
import json
import os
import resource
import stat
import subprocess
import sys
import tempfile

capflow, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
GOOD = os.path.join(root, "tests/golden/inputs/good/minimal.json")
UNCERTAIN = os.path.join(root, "tests/golden/inputs/good/uncertain-inputs.json")
RESULTS = os.path.join(root, "docs/examples/microsoft-cap-run.json")
TIMEOUT = 60
cases = []  # (name, argv, expected exit, stderr fragment, setup or None)


def case(name, args, code=2, fragment="", stdin=None, limit_memory=False, check=None):
    """check: a function of stdout returning a problem ("" if none), for cases that succeed."""
    cases.append(dict(name=name, args=args, code=code, fragment=fragment, stdin=stdin,
                      limit_memory=limit_memory, check=check))


def fewer_threads(stdout):
    # With 4 GB of address space and the usual 8 MiB thread stacks, 1024 threads cannot all
    # start: the result must say how many ran (with small stacks they may all start).
    threads = json.loads(stdout)["meta"]["threads"]
    stack = resource.getrlimit(resource.RLIMIT_STACK)[0]
    all_fit = stack != resource.RLIM_INFINITY and stack * 1024 < 4_000_000_000
    if 1 <= threads < 1024 or (all_fit and threads == 1024):
        return ""
    return f"meta.threads is {threads}, not the threads that ran"


def write(path, data):
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    return path


def sanitized():
    # ulimit -v does not work under AddressSanitizer (it reserves terabytes of shadow).
    out = subprocess.run(["nm", "-D", capflow], capture_output=True, text=True).stdout
    return "__asan_init" in out or "__ubsan" in out


def generate(tmp):
    t = lambda name: os.path.join(tmp, name)
    fifo = t("fifo")
    os.mkfifo(fifo)
    good = open(GOOD).read()

    # -- special files, wherever capflow reads a file ------------------------------------
    specials = {"fifo": (fifo, "FIFO"), "dir": (tmp, "directory"),
                "devzero": ("/dev/zero", "device"), "devnull": ("/dev/null", "device")}
    for label, (path, frag) in specials.items():
        case(f"scenario-{label}", ["validate", path], 2, frag)
        case(f"run-{label}", ["run", path, "--paths", "10"], 2, frag)
        case(f"render-template-{label}", ["render", path, "--results", RESULTS], 2, frag)
        case(f"render-results-{label}", ["render", write(t("t.md"), "x"), "--results", path], 2, frag)
        case(f"merge-{label}", ["merge", path], 2, frag)
        case(f"diff-a-{label}", ["diff", path, GOOD], 2, "")
        case(f"diff-b-{label}", ["diff", GOOD, path], 2, "")
        ext = write(t(f"extends-{label}.json"), json.dumps({"extends": path}))
        case(f"extends-{label}", ["validate", ext], 2, "/extends")

    # -- sizes ---------------------------------------------------------------------------
    big = t("big.json")
    with open(big, "wb") as f:
        f.truncate((16 << 20) + 1)
    case("scenario-too-large", ["validate", big], 2, "too large")
    case("template-too-large", ["render", big, "--results", RESULTS], 2, "too large")
    bigr = t("big-results.json")
    with open(bigr, "wb") as f:
        f.truncate((64 << 20) + 1)
    case("results-too-large", ["render", write(t("t2.md"), "x"), "--results", bigr], 2, "too large")
    case("merge-too-large", ["merge", bigr], 2, "too large")

    # -- NUL bytes and invalid UTF-8, located ---------------------------------------------
    for i, bad in enumerate([b"\x00", b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
                             b"\xe2\x82", b"\x80"]):
        data = good.replace('"schema"', '"sche' + "\x01" + 'ma"', 0).encode()
        at = data.index(b'"title"') + 10
        doc = data[:at] + bad + data[at:]
        line = doc[:at].count(b"\n") + 1
        case(f"scenario-bad-byte-{i}", ["validate", write(t(f"bad-byte-{i}.json"), doc)], 2,
             f"bad-byte-{i}.json:{line}:")
        case(f"template-bad-byte-{i}",
             ["render", write(t(f"bad-byte-{i}.md"), b"ok\nx" + bad), "--results", RESULTS], 2,
             f"bad-byte-{i}.md:2:2")
        case(f"results-bad-byte-{i}", ["render", write(t(f"ok{i}.md"), "x"), "--results",
                                      write(t(f"bad-byte-{i}.res.json"), b'{"a": "' + bad + b'"}')],
             2, f"bad-byte-{i}.res.json:1:")
    case("nul-after-document", ["validate", write(t("nul-after.json"), good.encode() + b"\x00junk")],
         2, "NUL")
    case("set-invalid-utf8", ["run", GOOD, "--paths", "10", "--set", "title=\udcff"], 2, "UTF-8")

    # -- extends chains --------------------------------------------------------------------
    for depth in (33, 100, 5000):
        d = t(f"chain{depth}")
        os.mkdir(d)
        write(os.path.join(d, "f0.json"), good)
        for i in range(1, depth + 1):
            write(os.path.join(d, f"f{i}.json"), json.dumps({"extends": f"f{i - 1}.json"}))
        case(f"extends-depth-{depth}", ["validate", os.path.join(d, f"f{depth}.json")], 2,
             "chain deeper than 32")
    write(t("chain-ok-1.json"), json.dumps({"extends": GOOD}))
    case("extends-depth-ok", ["validate", t("chain-ok-1.json")], 0, "")

    # -- stdin -----------------------------------------------------------------------------
    case("stdin-scenario", ["validate", "-"], 0, "", stdin=good.encode())
    case("stdin-scenario-bad", ["validate", "-"], 2, "-:1:", stdin=b"\xff")
    case("stdin-template", ["render", "-", "--results", RESULTS], 0, "", stdin=b"{{ /meta/paths }}")

    # -- flags -----------------------------------------------------------------------------
    for flag in ("--paths", "--seed", "--threads"):
        for v in ("0x10", "1e3x", "-1", "", " 5", "5 ", "+5", "1.5", "99999999999999999999999"):
            case(f"flag{flag}={v!r}", ["run", GOOD, flag, v], 2, flag)
    for v in ("", "1", "1/", "/2", "2/2", "a/b", "0/0", "-1/2", "0x1/2", "1/2/3", " 0/2"):
        case(f"flag--shard={v!r}", ["run", GOOD, "--paths", "10", "--shard", v], 2, "--shard")
    for v in ("^(([a-z_/0-9]*)*)*X$", "(a|aa)*@", "x{99999}"):
        # Each matches nothing (or is refused) at once: exit 2, not a hang. ("@": no
        # pointer has one; run results now have "b"s, as in /holders/*/by_conversion_outcome.)
        case(f"metric-regex-{v}", ["diff", RESULTS, RESULTS, "--metric", v], 2, "--metric")

    # -- threads that cannot start -----------------------------------------------------------
    if not sanitized():
        case("threads-ulimit-run", ["run", os.path.join(root, "scenarios/bench.json"), "--paths",
                                    "2000", "--threads", "1024", "--format", "json"], 0, "",
             limit_memory=True, check=fewer_threads)
        case("threads-ulimit-diff", ["diff", os.path.join(root, "scenarios/bench.json"),
                                     os.path.join(root, "scenarios/bench.json"), "--paths", "2000",
                                     "--threads", "1024"], 0, "", limit_memory=True)

    # -- numbers ---------------------------------------------------------------------------
    for n in (2000, 100000):  # one argument may hold 128 KiB
        case(f"money-digits-{n}", ["waterfall", GOOD, "--profit", "9" * n], 2, "--profit")

    # -- templates with many placeholders on one line -----------------------------------------
    write(t("many.md"), "{{ /meta/paths }} " * 200000)
    case("template-many-placeholders", ["render", t("many.md"), "--results", RESULTS, "-o",
                                        t("many.out")], 0, "")

    # -- shards, tampered --------------------------------------------------------------------
    shard = t("shard.json")
    subprocess.run([capflow, "run", UNCERTAIN, "--paths", "64", "--shard", "0/1", "--format",
                    "json", "-o", shard], check=True, cwd=root)
    base = json.load(open(shard))
    leaves = []

    def walk(node, ptr):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, ptr + [k])
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, ptr + [i])
        elif isinstance(node, int) and not isinstance(node, bool):
            leaves.append(ptr)

    walk(base["accumulators"], ["accumulators"])
    walk(base["meta"], ["meta"])
    # At most ~60 leaves, spread over the document.
    step = max(1, len(leaves) // 60)
    for ptr in leaves[::step]:
        for label, value in (("float", 1.5), ("string", "7"), ("u64max", 2 ** 64 - 1),
                             ("i64min", -2 ** 63)):
            doc = json.loads(json.dumps(base))
            node = doc
            for k in ptr[:-1]:
                node = node[k]
            node[ptr[-1]] = value
            name = "shard-" + "-".join(map(str, ptr)) + "-" + label
            path = write(t(name + ".json"), json.dumps(doc, indent=1))
            case(name, ["merge", path], 2, name + ".json:")
    for key, value in (("version", "0.0.0"), ("schema", "x"), ("paths", 63), ("threads", -1)):
        doc = json.loads(json.dumps(base))
        doc["meta"][key] = value
        case(f"shard-meta-{key}", ["merge", write(t(f"meta-{key}.json"), json.dumps(doc))], 2,
             f"/meta/{key}")
    doc = json.loads(json.dumps(base))
    doc["accumulators"]["holders"][0]["received_any"] = 10 ** 9
    case("shard-received-any-above-paths", ["merge", write(t("above.json"), json.dumps(doc))], 2,
         "more than the 64 paths")
    doc = json.loads(json.dumps(base))
    doc["accumulators"]["holders"][0]["nominal"]["moments"]["sum"] = "9" * 1000000
    case("shard-million-digit-sum", ["merge", write(t("digits.json"), json.dumps(doc))], 2,
         "at most 100 digits")
    case("shard-deep-nesting", ["merge", write(t("deep.json"), "[" * 100000 + "]" * 100000)], 2,
         "nested deeper")

    # -- output files ------------------------------------------------------------------------
    case("output-dev-null-kept", ["validate", GOOD], 0, "")
    case("output-is-device", ["run", UNCERTAIN, "--paths", "10", "-o", "/dev/null"], 2, "device")
    case("output-is-fifo", ["run", UNCERTAIN, "--paths", "10", "-o", fifo], 2, "FIFO")
    case("output-is-directory", ["run", UNCERTAIN, "--paths", "10", "-o", tmp], 2, "directory")
    copy = write(t("copy-of-good.json"), open(UNCERTAIN).read())
    case("output-is-input", ["run", copy, "--paths", "10", "--format", "json", "-o", copy], 2,
         "an input")
    # A file the scenario extends is an input too, for every command that loads one.
    os.mkdir(t("ext-out"))
    base_copy = write(t("ext-out/base.json"), open(UNCERTAIN).read())
    child = write(t("ext-out/child.json"), json.dumps({"schema": "capflow/scenario/v1", "extends": "base.json",
                                                     "title": "child"}))
    for label, args in {"validate": ["validate", child],
                        "run": ["run", child, "--paths", "10"], "project": ["project", child],
                        "waterfall": ["waterfall", child, "--profit", "1B"],
                        "diff": ["diff", UNCERTAIN, child, "--paths", "10"],
                        "sweep": ["sweep", child, "--deterministic", "--vary",
                                  "/holders/investor/cap/multiple=2:4:2"]}.items():
        case(f"output-is-extended-{label}", args + ["--format", "json", "-o", base_copy], 2,
             "an input")
    write(t("linked.txt"), "x")
    os.link(t("linked.txt"), t("linked2.txt"))
    case("output-hard-link", ["run", UNCERTAIN, "--paths", "10", "-o", t("linked.txt")], 2,
         "hard links")


def run_case(c, tmp):
    protected = {}
    for p in os.listdir(tmp):
        full = os.path.join(tmp, p)
        if os.path.isfile(full) and not os.path.islink(full):
            st = os.stat(full)
            protected[full] = (st.st_mtime_ns, st.st_size, st.st_mode)

    def limit():
        if c["limit_memory"]:
            resource.setrlimit(resource.RLIMIT_AS, (4_000_000_000, 4_000_000_000))

    try:
        p = subprocess.run([capflow, *c["args"]], cwd=tmp, input=c["stdin"] or b"",
                           capture_output=True, timeout=TIMEOUT, preexec_fn=limit)
    except subprocess.TimeoutExpired:
        return f"hung (over {TIMEOUT} s)"
    err = p.stderr.decode(errors="replace")
    problems = []
    if p.returncode < 0:
        problems.append(f"killed by signal {-p.returncode}")
    if "Sanitizer" in err or "runtime error" in err:
        problems.append("sanitizer report")
    if p.returncode != c["code"]:
        problems.append(f"exit {p.returncode}, expected {c['code']}")
    if c["fragment"] and c["fragment"] not in err:
        problems.append(f"stderr lacks {c['fragment']!r}")
    if c["check"] and p.returncode == 0:
        problem = c["check"](p.stdout)
        if problem:
            problems.append(problem)
    if p.returncode != 0:
        for full, before in protected.items():
            if os.path.exists(full):
                st = os.stat(full)
                if (st.st_mtime_ns, st.st_size, st.st_mode) != before:
                    problems.append(f"{full} changed")
        if "-o" in c["args"]:
            out = c["args"][c["args"].index("-o") + 1]
            d, base = os.path.split(os.path.join(tmp, out))
            if os.path.isdir(d) and any(n.startswith(f".{base}.tmp.") for n in os.listdir(d)):
                problems.append("a temporary file was left behind")
    return "; ".join(problems) + (("\n    stderr: " + err[:400]) if problems else "")


def main():
    with tempfile.TemporaryDirectory(prefix="capflow-hostile-") as tmp:
        generate(tmp)
        if "--list" in sys.argv:
            for c in cases:
                print(c["name"], c["code"], c["fragment"])
            return 0
        failures = 0
        with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            results = list(pool.map(lambda c: run_case(c, tmp), cases))
        for c, problem in zip(cases, results):
            if problem:
                failures += 1
                print(f"FAIL {c['name']}: capflow {' '.join(map(str, c['args']))[:200]}\n    {problem}")
        print(f"{len(cases)} hostile cases, {failures} failed")
        return 1 if failures else 0


sys.exit(main())
