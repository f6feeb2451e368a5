"""Contact sheets for checking a model's unsure detections on the trainable Vegas tiles by eye.

Version 3 (with mirror averaging) scores most satellite cars between 0.3 and 0.45, where its
detections on the validation tiles are 25-90 % vehicles, so self-training can only leave that band
do-not-care. Here a random sample of it (at most --per-tile per tile, outside rejected, clutter and
unlabelled rectangles) is cut into numbered 32 px thumbnails (9.6 m, 3x, corner ticks on the box) on
8 x 8 sheets, written to --out with candidates.json; the verdicts, typed in by number, go into
pseudo_review.json's "checked" (data.load_pseudo_labelled reads them).

    /usr/bin/python3 training/review_sheets.py --out training/work/sheets
"""
import argparse
import json
import os
import random

import cv2
import numpy as np

from data import CLUTTER, PSEUDO, PSEUDO_REVIEW, inside_any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
THUMB, SCALE, GRID = 32, 3, 8


def candidates(band, per_tile, seed):
    with open(PSEUDO) as f:
        tiles = json.load(f)["tiles"]
    with open(PSEUDO_REVIEW) as f:
        review = json.load(f)
    with open(CLUTTER) as f:
        clutter = json.load(f)["vegas"]
    rng = random.Random(seed)
    out = []
    for n, dets in tiles.items():
        rects = review["rejected_rects"].get(n, []) + clutter.get(n, []) + review.get("unlabelled_rects", {}).get(n, [])
        unsure = [d for d in dets if band[0] <= d[4] < band[1] and not inside_any((d[0] + d[2]) / 2, (d[1] + d[3]) / 2, rects)]
        rng.shuffle(unsure)
        out += [[n] + d for d in unsure[:per_tile]]
    rng.shuffle(out)
    return out


def thumbnail(img, d):
    cx, cy = int((d[1] + d[3]) / 2) + THUMB, int((d[2] + d[4]) / 2) + THUMB
    x0, y0 = cx - THUMB // 2, cy - THUMB // 2
    th = cv2.resize(img[y0:y0 + THUMB, x0:x0 + THUMB], None, fx=SCALE, fy=SCALE, interpolation=cv2.INTER_CUBIC)
    x1, y1 = int((d[1] + THUMB - x0) * SCALE), int((d[2] + THUMB - y0) * SCALE)
    x2, y2 = int((d[3] + THUMB - x0) * SCALE), int((d[4] + THUMB - y0) * SCALE)
    for px, py, dx, dy in ((x1, y1, 1, 1), (x2, y1, -1, 1), (x1, y2, 1, -1), (x2, y2, -1, -1)):
        cv2.line(th, (px, py), (px + 6 * dx, py), (0, 255, 255), 1)
        cv2.line(th, (px, py), (px, py + 6 * dy), (0, 255, 255), 1)
    cv2.rectangle(th, (0, 0), (th.shape[1] - 1, th.shape[0] - 1), (80, 80, 80), 1)
    return th


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data"))
    ap.add_argument("--out", default=os.path.join(ROOT, "training", "work", "sheets"))
    ap.add_argument("--band", nargs=2, type=float, default=[0.3, 0.45])
    ap.add_argument("--per-tile", type=int, default=14)
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    cands = candidates(args.band, args.per_tile, args.seed)
    images = {}
    side = THUMB * SCALE
    for s in range(0, len(cands), GRID * GRID):
        sheet = np.zeros((GRID * side, GRID * side, 3), np.uint8)
        for j, d in enumerate(cands[s:s + GRID * GRID]):
            n = d[0]
            if n not in images:
                img = cv2.imread(os.path.join(args.data, "spacenet-more", "vegas", f"vegas_img{n}.png"))
                images[n] = cv2.copyMakeBorder(img, THUMB, THUMB, THUMB, THUMB, cv2.BORDER_CONSTANT)
            th = thumbnail(images[n], d)
            for colour, width in (((0, 0, 0), 3), ((255, 255, 255), 1)):
                cv2.putText(th, str(s + j), (2, 11), cv2.FONT_HERSHEY_SIMPLEX, 0.38, colour, width)
            r, c = divmod(j, GRID)
            sheet[r * side:(r + 1) * side, c * side:(c + 1) * side] = th
        cv2.imwrite(os.path.join(args.out, f"sheet{s // (GRID * GRID)}.png"), sheet)
    with open(os.path.join(args.out, "candidates.json"), "w") as f:
        json.dump(cands, f)
    print(f"{len(cands)} candidates on {(len(cands) + GRID * GRID - 1) // (GRID * GRID)} sheets -> {args.out}")


if __name__ == "__main__":
    main()
