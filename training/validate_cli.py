"""Measure models through the product (`satcount eval`) on every validation set, side by side,
and (with --write-quality) put the per-class, per-GSD precision/recall into a model's metadata.

    /usr/bin/python3 training/validate_cli.py --models models/satcount-vehicles.onnx training/work/v3.onnx
    /usr/bin/python3 training/validate_cli.py --models training/work/v3.onnx --write-quality

Sets (the fixed split in training/README.md; none is trained on):
  kit, minsk         KIT MOS74-93 and Minsk DJI_0013 (YOLO labels beside the images)
  satellite, packed  hand-labelled SpaceNet WorldView-3 tiles and ucmerced parkinglot/overpass
                     images (COCO labels, doubtful vehicles do-not-care), from --labels-root
  harbor, airplane   ucmerced harbor00-19 / airplane00-19 with empty labels: detections per image
  other              satellite images of other sensors, cities and view angles (labels/other-sensors),
                     each at its own pixel size only (--gsds native)
each as it is (native: the real satellite tiles are what users bring), degraded at 0.3 m and to 0.5 m
(--simulate-gsd). The eval CLI is --cli (default this checkout's bin/satcount.js; the labels'
do-not-care marks need an eval that reads them).
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(ROOT, "..", "shared", "data")
GSDS = (0.3, 0.5)
# `--gsds native`: the images as they are, not degraded -- for the sets whose images are at a pixel
# size the model takes (the real satellite tiles are what users bring; degrading them at 0.3 m adds
# the sensor model's blur, noise and JPEG to a product that has its own).
NATIVE = "native"
NATIVE_SETS = ("satellite", "packed", "harbor", "airplane", "other")
# Measured only as they are: each image at its own pixel size (the 0.5 m Atlanta tile cannot be made 0.3 m).
NATIVE_ONLY = ("other",)
# Label class per model class, for the per-class quality entries (the hand-made sets have these two;
# detections on the other class are neither true nor false when one class is measured).
QUALITY_CLASSES = {"car": "car", "truck": "truck"}


def image_for(label_path, data):
    """The image a hand-made label file belongs to, by its stem."""
    stem = os.path.splitext(os.path.basename(label_path))[0]
    for pattern in (f"spacenet-more/vegas/{stem}.png", f"spacenet-more/other/{stem}.*", f"ucmerced-0.3m/*/{stem}.png"):
        found = glob.glob(os.path.join(data, pattern))
        if found:
            return found[0]
    raise FileNotFoundError(f"no image for {label_path}")


def sets(data, labels_root, scratch):
    """{name: [(images, labels folder, extra args), ...]}: one eval run per group. Images without
    georeferencing are given --gsd 0.3 (their stated pixel size); georeferenced ones keep the file's."""
    out = {
        "kit": [([os.path.join(data, "kit-ais", f"MOS{n}.png") for n in range(74, 94)], os.path.join(data, "kit-ais"), [])],
        "minsk": [(sorted(glob.glob(os.path.join(data, "minsk-drone", "DJI_0013-*.jpg"))), os.path.join(data, "minsk-drone"), [])],
    }
    for name in ("satellite", "packed"):
        images = [image_for(p, data) for p in sorted(glob.glob(os.path.join(labels_root, name, "*.json")))]
        plain = [p for p in images if not p.endswith(".tif")]
        geo = [p for p in images if p.endswith(".tif")]
        groups = ([(plain, os.path.join(labels_root, name), ["--gsd", "0.3"])] if plain else []) + \
                 ([(geo, os.path.join(labels_root, name), [])] if geo else [])
        if groups:
            out[name] = groups
    other = {}
    for p in sorted(glob.glob(os.path.join(labels_root, "other-sensors", "*.json"))):
        with open(p) as f:
            gsd = json.load(f)["images"][0]["gsd_m"]
        other.setdefault(gsd, []).append(image_for(p, data))
    if other:
        out["other"] = [(images, os.path.join(labels_root, "other-sensors"), ["--gsd", str(gsd)]) for gsd, images in sorted(other.items())]
    for cls in ("harbor", "airplane"):
        images = [os.path.join(data, "ucmerced-0.3m", cls, f"{cls}{n:02d}.png") for n in range(20)]
        labelled = os.path.join(labels_root, "clutter")
        if all(os.path.exists(os.path.join(labelled, os.path.splitext(os.path.basename(p))[0] + ".json")) for p in images):
            out[cls] = [(images, labelled, ["--gsd", "0.3"])]
            continue
        empty = os.path.join(scratch, cls)       # no labels yet: every detection counts as a false alarm
        os.makedirs(empty, exist_ok=True)
        for p in images:
            open(os.path.join(empty, os.path.splitext(os.path.basename(p))[0] + ".txt"), "w").close()
        out[cls] = [(images, empty, ["--gsd", "0.3", "--label-format", "yolo"])]
    return out


def run_set(cli, model, groups, gsd, classes=None, threshold=None):
    """Per-image rows of all the set's groups (at the model's own score threshold unless one is given)."""
    rows = []
    for images, labels, extra in groups:
        rows += run_eval(cli, model, images, labels, extra + (["--threshold", str(threshold)] if threshold else []), gsd, classes)["images"]
    return rows


# Flags every eval gets (main sets them from --tta).
EVAL_FLAGS = []


def run_eval(cli, model, images, labels, extra, gsd, classes=None):
    with tempfile.NamedTemporaryFile(suffix=".json") as f:
        degrade = [] if gsd == NATIVE else ["--simulate-gsd", str(gsd)]
        cmd = ["node", cli, "eval", *images, "--labels", labels, "--model", model, *degrade,
               "--out", f.name, "--quiet", *extra, *EVAL_FLAGS]
        if classes:
            cmd += ["--classes", classes]
        res = subprocess.run(cmd, capture_output=True, text=True)
        if res.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)}: {res.stderr.strip()}")
        with open(f.name) as fh:
            return json.load(fh)


def summary(rows):
    t = {k: sum(r[k] for r in rows) for k in ("gt", "detected", "tp", "fp", "fn", "ignored")}
    p = t["tp"] / max(1, t["tp"] + t["fp"])
    r = t["tp"] / max(1, t["gt"])
    errs = [abs(x["count_error_pct"]) for x in rows if x["count_error_pct"] is not None]
    return {**t, "precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / max(p + r, 1e-9), 3),
            "count_err_pct_mean": round(sum(errs) / len(errs), 1) if errs else None,
            "count_err_pct_max": round(max(errs), 1) if errs else None,
            "per_image": round(t["detected"] / max(1, len(rows)), 2), "fp_per_image": round(t["fp"] / max(1, len(rows)), 2)}


def quality(cli, model, all_sets, names, native_names=()):
    """One entry per set per model class per GSD: the sets stay apart so a count's interval can
    include how much the kinds of imagery disagree (src/road/intervals.ts). Recall is per label
    class (the other class's labels do-not-care); `satcount eval` matches class-agnostically, so
    precision is that of all the set's detections against all its vehicle labels -- the share of
    counted detections that are vehicles, which is what a count's interval needs. `native_names`
    are also measured as delivered (set "<name>-native"), each image group in the band nearest its
    own pixel size: real satellite products are what users bring."""
    out = []
    for gsd in GSDS:
        for name in names:
            out += set_entries(cli, model, all_sets[name], gsd, gsd, name)
    for name in native_names:
        for band, groups in native_bands(all_sets[name]).items():
            out += set_entries(cli, model, groups, NATIVE, band, f"{name}-native")
    return out


def set_entries(cli, model, groups, gsd, band, set_name):
    rows = run_set(cli, model, groups, gsd)
    tp_all, fp_all = (sum(r[k] for r in rows) for k in ("tp", "fp"))
    out = []
    for cls, label_classes in QUALITY_CLASSES.items():
        rows = run_set(cli, model, groups, gsd, label_classes)
        tp, fn = (sum(r[k] for r in rows) for k in ("tp", "fn"))
        if tp + fn == 0:
            continue
        out.append({"gsd_m": band, "class": cls, "precision": round(tp_all / max(1, tp_all + fp_all), 3),
                    "recall": round(tp / (tp + fn), 3), "n_truth": tp + fn, "set": set_name})
    return out


def native_bands(groups):
    """{quality band: image groups}, each group at the band nearest its --gsd (a georeferenced group,
    which states none, is the 16-bit Shanghai tile at 0.28 m)."""
    out = {}
    for group in groups:
        extra = group[2]
        own = float(extra[extra.index("--gsd") + 1]) if "--gsd" in extra else GSDS[0]
        out.setdefault(min(GSDS, key=lambda b: abs(b - own)), []).append(group)
    return out


def write_quality(model, entries, gsd_range=None, version=None):
    import onnx
    proto = onnx.load(model)
    for p in proto.metadata_props:
        if p.key == "satcount":
            meta = json.loads(p.value)
            meta["quality"] = entries
            if gsd_range:
                meta["gsd_range_m"] = gsd_range
            if version:
                meta["version"] = version
            p.value = json.dumps(meta)
    tmp = model + ".tmp"
    onnx.save(proto, tmp)
    os.replace(tmp, model)


def measured_at(name, gsd):
    return name in NATIVE_SETS if gsd == NATIVE else name not in NATIVE_ONLY


def gsd_arg(text):
    return NATIVE if text == NATIVE else float(text)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", nargs="+", required=True)
    ap.add_argument("--cli", default=os.path.join(ROOT, "bin", "satcount.js"))
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--labels-root", default=os.path.join(HERE, "labels"))
    ap.add_argument("--only", nargs="*", help="set names to run (default: all)")
    ap.add_argument("--write-quality", action="store_true",
                    help="write per-class precision/recall at 0.3 and 0.5 m into the (single) model's metadata")
    ap.add_argument("--quality-sets", nargs="+", default=["satellite", "packed", "kit", "minsk"],
                    help="sets measured for the quality entries, one entry per set (those present)")
    ap.add_argument("--quality-native-sets", nargs="*", default=["satellite", "other"],
                    help="sets also measured as delivered for the quality entries (set <name>-native)")
    ap.add_argument("--gsd-range", nargs=2, type=float, metavar=("FINEST", "COARSEST"),
                    help="with --write-quality: also write gsd_range_m, the pixel sizes the model is validated for")
    ap.add_argument("--version", help="with --write-quality: also set the metadata version")
    ap.add_argument("--thresholds", nargs="+", type=float, default=[None],
                    help="score thresholds to measure each model at (default: the model's own); the "
                         "shipped threshold is chosen this way, through the product")
    ap.add_argument("--gsds", nargs="+", type=gsd_arg, default=[NATIVE, *GSDS],
                    help=f"simulated GSDs, or {NATIVE}: the images as they are, for {', '.join(NATIVE_SETS)} "
                         f"(default {NATIVE} 0.3 0.5)")
    ap.add_argument("--json", help="write all figures here")
    tta = ap.add_mutually_exclusive_group()
    tta.add_argument("--tta", action="store_true", help="measure with test-time mirror averaging (satcount eval --tta)")
    tta.add_argument("--no-tta", action="store_true", help="measure one pass per tile, whatever the model's metadata says")
    args = ap.parse_args(argv)
    if args.tta:
        EVAL_FLAGS.append("--tta")
    if args.no_tta:
        EVAL_FLAGS.append("--no-tta")
    with tempfile.TemporaryDirectory() as scratch:
        all_sets = sets(args.data, args.labels_root, scratch)
        if args.write_quality:
            names = [n for n in args.quality_sets if n in all_sets]
            native = [n for n in args.quality_native_sets if n in all_sets]
            entries = quality(args.cli, args.models[0], all_sets, names, native)
            write_quality(args.models[0], entries, args.gsd_range, args.version)
            print(json.dumps(entries, indent=1))
            return
        results = {}
        for name, groups in all_sets.items():
            if args.only and name not in args.only:
                continue
            for gsd in args.gsds:
                if not measured_at(name, gsd):
                    continue
                for model in args.models:
                    for th in args.thresholds:
                        s = summary(run_set(args.cli, model, groups, gsd, threshold=th))
                        key = model if th is None else f"{model}@{th}"
                        results.setdefault(f"{name}@{gsd}", {})[key] = s
                        print(f"{name:9s} {gsd} {os.path.basename(key):34s} " + json.dumps(s), flush=True)
        if args.json:
            with open(args.json, "w") as f:
                json.dump(results, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
