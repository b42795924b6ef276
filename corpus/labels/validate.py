#!/usr/bin/env python3
"""Leave-one-writer-out validation: how classifier settings were chosen.

Each corpus/labels/train_X.csv was written by a different helper. For each
writer, a model is trained on the other files and evaluated on the left-out
one, as paragraphs ("short") and as long paragraphs made of three
consecutive paragraphs under one heading, themes united ("long": long
consultancy paragraphs lose themes to strong regularisation). The held-out
test sets (test.csv, test_b.csv) and corpus_oracle.csv are never used here.

Usage (from the repository root, after `cargo build --release`):
  python3 corpus/labels/validate.py [--threshold 0.3] [--unnamed 0.6] [-- train options]
  e.g. python3 corpus/labels/validate.py -- --l2 1e-5 --polarity-l2 0.04
"""
import argparse, csv, glob, json, os, shutil, subprocess, tempfile
from concurrent.futures import ThreadPoolExecutor

ap = argparse.ArgumentParser()
ap.add_argument("--threshold", type=float, default=0.3)
ap.add_argument("--unnamed", type=float, default=0.6)
ap.add_argument("--jobs", type=int, default=2)
ap.add_argument("--exclude", default="", help="writers left out entirely, e.g. s,t (files being written)")
ap.add_argument("train_options", nargs="*")
args = ap.parse_args()

target = os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/evalmine-target"))
binary = os.path.join(target, "release", "evalmine")
excluded = set(filter(None, args.exclude.split(",")))
writers = sorted(w for w in (os.path.basename(p)[6:-4] for p in glob.glob("corpus/labels/train_*.csv"))
                 if w not in excluded)
work = tempfile.mkdtemp(prefix="evalmine-validate-")


def long_paragraphs(writer):
    rows = list(csv.DictReader(open(f"corpus/labels/train_{writer}.csv", encoding="utf-8")))
    path = os.path.join(work, f"long_{writer}.csv")
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["id", "text", "themes", "polarity", "context"])
        i = n = 0
        while i + 2 < len(rows):
            group = rows[i : i + 3]
            if len({r["context"] for r in group}) == 1 and all(len(r["text"].split()) >= 8 for r in group):
                themes = sorted({t for r in group for t in r["themes"].split("|") if t})
                out.writerow([f"long{n}", " ".join(r["text"] for r in group), "|".join(themes), "neutre", group[0]["context"]])
                n += 1
                i += 3
            else:
                i += 1
    return path


def evaluate(config, gold):
    run = subprocess.run([binary, "evaluate", "--config", config, "--gold", gold, "--json"],
                         check=True, capture_output=True, text=True)
    return json.loads(run.stdout)


def one(writer):
    models = os.path.join(work, f"models_{writer}")
    shutil.copytree("models", models)
    config = os.path.join(models, "pipeline.toml")
    with open(config, "w") as f:
        f.write(f'[classify]\nmodels = "{models}"\ntheme_threshold = {args.threshold}\n'
                f"unnamed_theme_threshold = {max(args.unnamed, args.threshold)}\n")
    labels = [a for w in writers if w != writer for a in ("--labels", f"corpus/labels/train_{w}.csv")]
    subprocess.run([binary, "train", "--config", config, "--out", os.path.join(models, "linear.json")]
                   + labels + args.train_options, check=True, capture_output=True)
    return writer, evaluate(config, f"corpus/labels/train_{writer}.csv"), evaluate(config, long_paragraphs(writer))


with ThreadPoolExecutor(args.jobs) as pool:
    results = list(pool.map(one, writers))
shutil.rmtree(work)

print("left out  theme  polarity  long-theme")
for writer, short, long in results:
    print(f"{writer:8} {short['theme_macro_f1']:6.3f} {short['polarity_macro_f1']:9.3f} {long['theme_macro_f1']:11.3f}")
mean = lambda xs: sum(xs) / len(xs)
print(f"mean     {mean([s['theme_macro_f1'] for _, s, _ in results]):6.4f} "
      f"{mean([s['polarity_macro_f1'] for _, s, _ in results]):9.4f} "
      f"{mean([l['theme_macro_f1'] for _, _, l in results]):11.4f}")
labels = {}
for _, short, _ in results:
    for x in short["themes"] + short["polarities"]:
        labels.setdefault(x["label"], []).append(x["f1"])
print("per label (short): " + ", ".join(f"{k} {mean(v):.3f}" for k, v in labels.items()))
