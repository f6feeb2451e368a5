"""Pack what training reads into <repo>/.gpu/ so a run on a rented GPU machine can take it along.

    /usr/bin/python3 training/pack_for_device.py [--data ../shared/data]

The device tool sends the checkout and nothing beside it, at most 64 MiB. This runs the chip
loaders (the ones train.py --no-eval uses) with cv2.imread recording each file, then copies those
files into .gpu/data/ (same layout, so `--data .gpu/data` works) and the synth scenes into
.gpu/synth/, leaving out the validation scenes. PNGs and the synth GeoTIFFs are stored as JPEG
quality 95 under their own names (cv2.imread reads by content): the chips add stronger JPEG
artefacts than that in augmentation, and it halves the pack (~41 MB). `.gpu/` is git-ignored: name
it in the run's `carry`.
"""
import argparse
import os
import shutil
import sys

import cv2

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)


def files_read(data_dir, work_dir, hand_weight):
    """Paths cv2.imread opens while the chip sources load (every hand-labelled image, whichever set a
    run on the device teaches)."""
    import train
    seen = []
    real = cv2.imread

    def recording(path, *rest):
        seen.append(os.path.abspath(path))
        return real(path, *rest)

    cv2.imread = recording
    try:
        train.chip_sources(data_dir, work_dir, 1.0, (hand_weight, "all"))
    finally:
        cv2.imread = real
    return sorted(set(seen))


def is_validation(rel):
    from data import VAL_SCENES, scene_of
    if rel.startswith(("kit-ais/", "minsk-drone/")):
        return scene_of(rel) in VAL_SCENES
    return False


def copy_as_jpeg(src, dst):
    img = cv2.imread(src, cv2.IMREAD_UNCHANGED)
    tmp = dst + ".tmp.jpg"
    cv2.imwrite(tmp, img, [cv2.IMWRITE_JPEG_QUALITY, 95])
    os.replace(tmp, dst)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data"))
    ap.add_argument("--work", default=os.path.join(HERE, "work"), help="where the synth scenes are (rendered if missing)")
    ap.add_argument("--out", default=os.path.join(ROOT, ".gpu"))
    ap.add_argument("--hand-weight", type=int, default=1, help="as train.py's; >0 so the hand-labelled tiles are packed")
    args = ap.parse_args(argv)
    data_dir = os.path.abspath(args.data)
    synth_dir = os.path.abspath(os.path.join(args.work, "synth"))
    shutil.rmtree(args.out, ignore_errors=True)
    for path in files_read(data_dir, args.work, args.hand_weight):
        synth = path.startswith(synth_dir + os.sep)
        if synth:
            dst = os.path.join(args.out, "synth", os.path.basename(path))
        else:
            rel = os.path.relpath(path, data_dir)
            if is_validation(rel):
                continue
            dst = os.path.join(args.out, "data", rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        label = os.path.splitext(path)[0] + ".txt"
        if not synth and os.path.exists(label):
            shutil.copy(label, os.path.splitext(dst)[0] + ".txt")
        if path.endswith((".png", ".tif")) and not path.startswith(data_dir + os.sep + "spacenet-rio") \
                and "geotiff-samples" not in path:
            copy_as_jpeg(path, dst)
        else:
            shutil.copy(path, dst)
    for name in os.listdir(synth_dir):
        if not name.endswith(".tif"):
            shutil.copy(os.path.join(synth_dir, name), os.path.join(args.out, "synth", name))
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(args.out) for f in fs)
    print(f"packed {size / 1e6:.1f} MB into {args.out}")


if __name__ == "__main__":
    main()
