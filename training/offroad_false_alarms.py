"""False alarms per km² off the road on the shipped synth fixtures, through the product.

    /usr/bin/python3 training/offroad_false_alarms.py [--model models/satcount-vehicles.onnx]

Every vehicle `satcount synth` draws is on its road, so a detection further than the corridor
from the road line is a false alarm (roofs, trees, verges, shadows). Area off the road is the
image minus the corridor the run reports as covered (road.covered chainage × 2 × corridor).
"""
import argparse
import json
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = ["border-queue", "curved-road", "left-hand", "rgbn16", "hidden"]
CORRIDOR_M = 15


def run(name, model):
    fx = os.path.join(ROOT, "fixtures")
    cmd = ["node", os.path.join(ROOT, "bin", "satcount.js"), "count", os.path.join(fx, name + ".tif"),
           "--road", os.path.join(fx, name + ".road.geojson"), "--corridor", str(CORRIDOR_M), "--json", "--quiet"]
    if model:
        cmd += ["--model", model]
    r = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    img = r["image"]
    area = img["width"] * img["height"] * img["gsd_m"] ** 2
    covered = sum(c["end_m"] - c["start_m"] for c in r["road"]["covered"]) if r.get("road") else 0.0
    off_area_km2 = max(area - covered * 2 * CORRIDOR_M, 0.0) / 1e6
    off = sum(1 for d in r["detections"] if d["road"] is None)
    return {"fixture": name, "off_road_detections": off, "off_road_km2": round(off_area_km2, 4),
            "per_km2": round(off / off_area_km2, 1) if off_area_km2 else None}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=None)
    args = ap.parse_args()
    rows = [run(n, args.model) for n in FIXTURES]
    for row in rows:
        print(json.dumps(row))
    total = sum(r["off_road_detections"] for r in rows)
    km2 = sum(r["off_road_km2"] for r in rows)
    print(json.dumps({"all": True, "off_road_detections": total, "off_road_km2": round(km2, 4),
                      "per_km2": round(total / km2, 1)}))


if __name__ == "__main__":
    main()
