#!/usr/bin/env python3
"""Docs lint: README.md and docs/**/*.md have balanced code fences (an unclosed fence
renders the rest of the page inverted) and no broken relative links (a file, or a
heading anchor in a Markdown file, that does not exist).

usage: lint_docs.py ROOT            checks the repository
       lint_docs.py --self-test     plants each kind of problem and expects it found
"""
import os
import re
import sys
import tempfile

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
LINK = re.compile(r"(?<!\!)\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)|!\[[^\]]*\]\(([^)\s]+)\)")


def anchors(path):
    """GitHub's heading anchors of a Markdown file."""
    out, seen, fence = set(), {}, None
    for line in open(path, encoding="utf-8"):
        m = FENCE.match(line)
        if m:
            mark = m.group(1)
            if fence is None:
                fence = mark
            elif mark[0] == fence[0] and len(mark) >= len(fence) and not m.group(2).strip():
                fence = None
            continue
        if fence is None and line.startswith("#"):
            text = line.lstrip("#").strip().lower()
            slug = re.sub(r"[^\w\- ]", "", text).replace(" ", "-")
            n = seen.get(slug, 0)
            seen[slug] = n + 1
            out.add(slug if n == 0 else f"{slug}-{n}")
    return out


def lint(path):
    problems, fence, opened = [], None, 0
    lines = open(path, encoding="utf-8").read().split("\n")
    for no, line in enumerate(lines, 1):
        m = FENCE.match(line)
        if m:
            mark = m.group(1)
            if fence is None:
                fence, opened = mark, no
            elif mark[0] == fence[0] and len(mark) >= len(fence) and not m.group(2).strip():
                fence = None
            continue
        if fence is not None:
            continue
        code_free = re.sub(r"`[^`]*`", "", line)
        for m in LINK.finditer(code_free):
            target = m.group(1) or m.group(2)
            if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("//"):
                continue  # http:, mailto: ...
            file_part, _, anchor = target.partition("#")
            dest = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) if file_part else path
            if not os.path.exists(dest):
                problems.append(f"{path}:{no}: broken link {target}: no {file_part}")
            elif anchor and dest.endswith(".md") and anchor.lower() not in anchors(dest):
                problems.append(f"{path}:{no}: broken link {target}: no heading #{anchor} in {file_part or os.path.basename(path)}")
    if fence is not None:
        problems.append(f"{path}:{opened}: code fence {fence} is never closed")
    return problems


def files(root):
    out = [os.path.join(root, "README.md")]
    for d, _, names in os.walk(os.path.join(root, "docs")):
        out += [os.path.join(d, n) for n in sorted(names) if n.endswith(".md")]
    return [f for f in out if os.path.exists(f)]


def self_test():
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(os.path.join(tmp, "docs"))
        def write(name, text):
            with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
                f.write(text)
        write("docs/a.md", "# Title\n\n## Some part\n\nsee [b](b.md), [part](#some-part)\n")
        write("docs/b.md", "# B\n\n```\ncode [x](nowhere.md)\n```\n")
        write("README.md", "[a](docs/a.md#title) [web](https://example.com)\n")
        clean = sum((lint(f) for f in files(tmp)), [])
        assert clean == [], clean
        cases = {
            "docs/c.md": ("```sh\n$ capflow\n", "never closed"),
            "docs/d.md": ("see [x](missing.md)\n", "no missing.md"),
            "docs/e.md": ("see [x](a.md#no-such-part)\n", "no heading #no-such-part"),
            "docs/f.md": ("# F\nsee [x](#nope)\n", "no heading #nope"),
        }
        for name, (text, expect) in cases.items():
            write(name, text)
            found = lint(os.path.join(tmp, name))
            assert any(expect in p for p in found), (name, found)
            os.remove(os.path.join(tmp, name))
    print("self-test ok")


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        self_test()
        sys.exit(0)
    root = sys.argv[1]
    problems = sum((lint(f) for f in files(root)), [])
    for p in problems:
        print(os.path.relpath(p.split(":")[0], root) + ":" + p.split(":", 1)[1])
    sys.exit(1 if problems else 0)
