"""Scenes from `satcount synth` as labelled training frames: the real data holds almost no
trucks, vans or buses, and no multi-lane jams of them; the project's own generator has
exact boxes for all of these. Seeds and layouts are distinct from the shipped fixtures
(fixtures/fixtures.json uses 101-505), so the fixtures stay an unseen test of the model.

Scenes are rendered once into <work>/synth/ with the built CLI (`npm run build` first)
and reused by later runs.
"""
import json
import os
import subprocess

import cv2
import numpy as np

# Vans are counted as cars in the model's two classes; buses with trucks.
SYNTH_CLASS = {"car": 0, "van": 0, "truck": 1, "bus": 1}
SEED0 = 7001
# (gsd, road, lanes, other direction, drive side, size): varied sensor sizes and layouts.
LAYOUTS = [
    (0.30, "straight", 2, "jam", "right", "1400x600"),
    (0.30, "curved", 1, "sparse", "left", "900x900"),
    (0.35, "hairpin", 2, "jam", "right", "1000x1000"),
    (0.40, "straight", 3, "sparse", "right", "1200x500"),
    (0.40, "curved", 2, "jam", "left", "1000x800"),
    (0.45, "straight", 1, "jam", "right", "1200x500"),
    (0.50, "curved", 3, "jam", "right", "900x900"),
    (0.50, "straight", 2, "sparse", "left", "1200x500"),
    (0.30, "hairpin", 1, "jam", "left", "900x900"),
    (0.35, "straight", 3, "jam", "right", "1400x600"),
    (0.45, "curved", 2, "sparse", "right", "1000x800"),
    (0.50, "hairpin", 2, "jam", "right", "900x900"),
]
# Vehicles mostly under tree canopy are not asked for (nor punished: their box is dropped).
MAX_OCCLUDED = 0.5


def _render(root, out_dir, k, layout):
    gsd, road, lanes, other, side, size = layout
    path = os.path.join(out_dir, f"synth-{SEED0 + k}.tif")
    if os.path.exists(path[:-4] + ".truth.json"):
        return path
    cli = os.path.join(root, "bin", "satcount.js")
    queue = int(float(size.split("x")[0]) * gsd * 0.8)
    subprocess.run(["node", cli, "synth", "--out", path, "--seed", str(SEED0 + k), "--gsd", str(gsd), "--size", size,
                    "--road", road, "--lanes", str(lanes), "--other-direction", other, "--drive-side", side,
                    "--queue-length", str(queue), "--quiet"], check=True)
    return path


def load_synth(root, work_dir):
    """Labelled frames (same dict shape as data.load_labelled) from the synth scenes."""
    out_dir = os.path.join(work_dir, "synth")
    os.makedirs(out_dir, exist_ok=True)
    frames = []
    for k, layout in enumerate(LAYOUTS):
        path = _render(root, out_dir, k, layout)
        with open(path[:-4] + ".truth.json") as f:
            truth = json.load(f)
        img = cv2.cvtColor(cv2.imread(path, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
        keep = [v for v in truth["vehicles"] if not v["hidden"] and v["occluded_fraction"] <= MAX_OCCLUDED]
        boxes = np.array([v["bbox_px"] for v in keep], np.float32).reshape(-1, 4)
        cls = np.array([SYNTH_CLASS[v["class"]] for v in keep], np.int64)
        frames.append({"path": path, "scene": f"synth:{SEED0 + k}", "img": img, "boxes": boxes, "cls": cls,
                       "label_cls": cls, "gsd": float(truth["image"]["gsd_m"])})
    return frames
