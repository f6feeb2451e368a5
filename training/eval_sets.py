"""Scores a detector on the hand-labelled validation sets in training/labels/ through `satcount eval`.

One command compares models (v2 against a candidate):

    python training/eval_sets.py                       # the shipped model
    python training/eval_sets.py --model runs/v3/satcount-vehicles.onnx

Each set is a folder of COCO files, one per image, whose `images[0].source` names the image
(relative to the repository root). Every set is run as labelled (0.3 m; the georeferenced
Shanghai GeoTIFF at its own pixel size) and degraded to 0.5 m with `--simulate-gsd`. Doubtful
labels are do-not-care (see training/labels/README.md). Prints one table:

- P, R, F1 pooled over the set's images (from summed TP, FP, FN);
- count err: sum over images of |detected - labelled| / sum of labelled, and the worst image's
  |count error| in per cent;
- det/img and FP/img: every counted detection, and those on no labelled vehicle, per image — the
  figure the clutter set is judged by; it is also shown for its marinas, its aprons, and its images
  with no vehicle at all (no sure and no doubtful label).
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "training" / "labels"
SETS = ("satellite", "packed", "clutter")
# Georeferenced rasters carry their pixel size; everything else is 0.3 m and needs --gsd.
GEOREFERENCED = {".tif", ".tiff"}


def images_of(set_dir: Path) -> list[Path]:
    out = []
    for f in sorted(set_dir.glob("*.json")):
        src = json.loads(f.read_text())["images"][0]["source"]
        out.append((ROOT / src).resolve())
    return out


def run_eval(images: list[Path], set_dir: Path, model: str | None, gsd: float | None, simulate: float | None) -> dict:
    cmd = ["node", str(ROOT / "bin" / "satcount.js"), "eval", *map(str, images), "--labels", str(set_dir), "--json", "--quiet"]
    if gsd is not None:
        cmd += ["--gsd", str(gsd)]
    if simulate is not None:
        cmd += ["--simulate-gsd", str(simulate)]
    if model:
        cmd += ["--model", model]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        sys.exit(f"eval_sets: satcount eval failed ({done.returncode}): {done.stderr.strip()}")
    return json.loads(done.stdout)


def groups_of(name: str, rows: list[dict]) -> list[tuple[str, list[dict]]]:
    """The set, and for the clutter set also its marinas, its aprons and its vehicle-free images."""
    out = [(name, rows)]
    if name == "clutter":
        stem = lambda r: Path(r["image"]).stem
        out += [
            ("  marinas", [r for r in rows if stem(r).startswith("harbor")]),
            ("  aprons", [r for r in rows if stem(r).startswith("airplane")]),
            ("  no vehicle", [r for r in rows if r["gt"] == 0 and r["ignored_labels"] == 0]),
        ]
    return [(n, g) for n, g in out if g]


def evaluate_set(name: str, model: str | None, simulate: float | None) -> list[dict]:
    """Per-image rows of one set; georeferenced and plain images need separate runs (--gsd)."""
    set_dir = LABELS / name
    images = images_of(set_dir)
    if not images:
        return []
    missing = [str(p) for p in images if not p.exists()]
    if missing:
        sys.exit(f"eval_sets: {name}: image not found: {missing[0]} (the data live in ../shared/data)")
    plain = [p for p in images if p.suffix.lower() not in GEOREFERENCED]
    geo = [p for p in images if p.suffix.lower() in GEOREFERENCED]
    rows = []
    if plain:
        rows += run_eval(plain, set_dir, model, 0.3, simulate)["images"]
    if geo:
        rows += run_eval(geo, set_dir, model, None, simulate)["images"]
    # The report counts only sure labels (gt); doubtful ones tell a vehicle-free image from an apron with equipment.
    doubtful = {}
    for f in set_dir.glob("*.json"):
        doc = json.loads(f.read_text())
        doubtful[Path(doc["images"][0]["source"]).name] = sum(1 for a in doc["annotations"] if a.get("doubtful"))
    for r in rows:
        r["ignored_labels"] = doubtful.get(Path(r["image"]).name, 0)
    return rows


def summarize(rows: list[dict]) -> dict:
    tp, fp, fn = (sum(r[k] for r in rows) for k in ("tp", "fp", "fn"))
    gt = sum(r["gt"] for r in rows)
    det = sum(r["detected"] for r in rows)
    pcts = [abs(r["count_error_pct"]) for r in rows if r["count_error_pct"] is not None]

    def ratio(a, b):
        return a / b if b else None

    return {
        "images": len(rows),
        "gt": gt,
        "det": det,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": ratio(tp, tp + fp),
        "recall": ratio(tp, tp + fn),
        "f1": ratio(2 * tp, 2 * tp + fp + fn),
        "count_err": ratio(sum(abs(r["count_error"]) for r in rows), gt),
        "max_img_err_pct": max(pcts) if pcts else None,
        "det_per_img": det / len(rows),
        "fp_per_img": fp / len(rows),
    }


def fmt(v, pct=False):
    if v is None:
        return "-"
    return f"{100 * v:.0f}%" if pct else f"{v:.3f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", help="ONNX detector (default: the shipped model)")
    ap.add_argument("--sets", default=",".join(SETS), help="comma-separated subset of " + ", ".join(SETS))
    ap.add_argument("--gsds", default="native,0.5", help="'native' (as labelled) and/or pixel sizes to degrade to")
    ap.add_argument("--json", help="also write the figures (and per-image rows) to this file")
    args = ap.parse_args()

    results = []
    for name in args.sets.split(","):
        for g in args.gsds.split(","):
            simulate = None if g == "native" else float(g)
            rows = evaluate_set(name, args.model, simulate)
            for label, group in groups_of(name, rows):
                results.append({"set": label, "gsd": "0.3" if simulate is None else str(simulate), **summarize(group), "rows": group})

    header = f"{'set':<12} {'m/px':>4} {'img':>4} {'gt':>5} {'det':>5} {'tp':>5} {'fp':>5} {'fn':>5} {'P':>6} {'R':>6} {'F1':>6} {'cnt err':>7} {'max img':>7} {'det/img':>7} {'fp/img':>6}"
    print(f"model: {args.model or 'shipped (models/satcount-vehicles.onnx)'}")
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r['set']:<12} {r['gsd']:>4} {r['images']:>4} {r['gt']:>5} {r['det']:>5} {r['tp']:>5} {r['fp']:>5} {r['fn']:>5} "
            f"{fmt(r['precision']):>6} {fmt(r['recall']):>6} {fmt(r['f1']):>6} {fmt(r['count_err'], True):>7} "
            f"{fmt(None if r['max_img_err_pct'] is None else r['max_img_err_pct'] / 100, True):>7} {r['det_per_img']:>7.2f} {r['fp_per_img']:>6.2f}"
        )
    if args.json:
        Path(args.json).write_text(json.dumps({"model": args.model, "sets": results}, indent=1))


if __name__ == "__main__":
    main()
