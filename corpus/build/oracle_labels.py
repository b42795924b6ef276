#!/usr/bin/env python3
"""Writes corpus/labels/corpus_oracle.csv from corpus/oracle/*.json: every
labelled paragraph of the sample reports, in the format `evalmine evaluate`
reads (id,text,themes,polarity,context). These paragraphs are never used
for training: they are a second held-out set.

Usage: python3 corpus/build/oracle_labels.py
"""
import csv
import glob
import json
import os

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
rows = []
for path in sorted(glob.glob(os.path.join(root, "oracle", "*.json"))):
    doc = json.load(open(path, encoding="utf-8"))
    for i, p in enumerate(doc.get("paragraphs", [])):
        rows.append({
            "id": f"{doc['id']}-{i:03d}",
            "text": p["text"],
            "themes": "|".join(p.get("themes", [])),
            "polarity": p["polarity"],
            "context": p.get("heading") or "",
        })
out = os.path.join(root, "labels", "corpus_oracle.csv")
with open(out, "w", encoding="utf-8", newline="") as f:
    w = csv.DictWriter(f, fieldnames=["id", "text", "themes", "polarity", "context"], quoting=csv.QUOTE_ALL)
    w.writeheader()
    w.writerows(rows)
print(f"{len(rows)} paragraphs -> {out}")
