"""A model's detections on the trainable SpaceNet Vegas tiles (numbered >= 440), through the CLI,
written to training/pseudo_vegas.json for reviewed self-training (data.load_pseudo_labelled), with the
scores above which they count as vehicles (--positive) and below which as background (--ignore).

    /usr/bin/python3 training/pseudo_labels.py --model training/init/satcount-vehicles-3.0.0.onnx \
        --positive 0.45 --ignore 0.2
"""
import argparse
import csv
import glob
import json
import os
import subprocess
import tempfile

from data import PSEUDO, VEGAS_VAL_BELOW

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def detections(cli, model, png, threshold):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "d.csv")
        subprocess.run(["node", cli, "count", png, "--gsd", "0.3", "--model", model, "--threshold", str(threshold),
                        "--csv", out, "--log-level", "error", "--json"], check=True, stdout=subprocess.DEVNULL)
        with open(out) as f:
            return [[round(float(r[k]), 2) for k in ("x1", "y1", "x2", "y2")] + [float(r["score"]), r["class"]]
                    for r in csv.DictReader(f)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data"))
    ap.add_argument("--model", default=os.path.join(ROOT, "training", "init", "satcount-vehicles-2.0.0.onnx"))
    ap.add_argument("--ignore", type=float, default=0.1, help="lowest score kept (as do-not-care)")
    ap.add_argument("--positive", type=float, default=0.55, help="lowest score taught as a vehicle")
    args = ap.parse_args()
    cli = os.path.join(ROOT, "bin", "satcount.js")
    tiles = {}
    for png in sorted(glob.glob(os.path.join(args.data, "spacenet-more", "vegas", "vegas_img*.png"))):
        n = os.path.basename(png)[len("vegas_img"):-4]
        if int(n) >= VEGAS_VAL_BELOW:
            tiles[n] = detections(cli, args.model, png, args.ignore)
    spec = {"note": f"satcount count --gsd 0.3 --threshold {args.ignore} with {os.path.basename(args.model)}; "
                    "rows are x1, y1, x2, y2 (pixels), score, class", "positive": args.positive, "ignore": args.ignore,
            "tiles": tiles}
    with open(PSEUDO + ".tmp", "w") as f:
        json.dump(spec, f, separators=(",", ":"))
    os.replace(PSEUDO + ".tmp", PSEUDO)
    print(f"{sum(len(v) for v in tiles.values())} detections on {len(tiles)} tiles -> {PSEUDO}")


if __name__ == "__main__":
    main()
