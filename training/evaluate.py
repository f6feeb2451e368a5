"""Validation: F1 at IoU 0.3 (one-to-one, greedy by score) on the held-out scenes
simulated at 0.3 m and at 0.5 m (then upsampled to 0.3 m as the pipeline does), count
error per image, and false alarms per km^2 on held-out vehicle-free imagery.

Run alone: /usr/bin/python3 training/evaluate.py --model models/satcount-vehicles.onnx-or-ckpt
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

from augment import resample, simulate_gsd
from data import MODEL_GSD, load_labelled, load_negatives, split_frames
from export import MEAN, STD

IOU = 0.3
SIM_GSDS = (0.3, 0.5)
THRESHOLDS = np.round(np.arange(0.10, 0.80, 0.025), 3)


def to_tensor(img):
    x = torch.from_numpy(img).float().permute(2, 0, 1) / 255.0
    x = (x - torch.tensor(MEAN)[:, None, None]) / torch.tensor(STD)[:, None, None]
    return x


@torch.no_grad()
def predict(model, img, min_score=0.05, nms_iou=0.5):
    """Decode as the TypeScript pipeline does: cells that are the 3x3 maximum across all
    classes and >= min_score, then class-agnostic NMS. Returns boxes [n,4], scores, classes."""
    h, w = img.shape[:2]
    ph, pw = (-h) % 32, (-w) % 32
    x = to_tensor(img)
    # Pad with the mean colour (zero after normalisation), like an image edge.
    x = F.pad(x, (0, pw, 0, ph))[None]
    device = next(model.parameters()).device
    hm, wh, off = (t.cpu() for t in model(x.to(device)))
    s = model.stride
    best, cls = hm[0].max(0)
    peak = best == F.max_pool2d(best[None, None], 3, 1, 1)[0, 0]
    ys, xs = torch.nonzero(peak & (best >= min_score), as_tuple=True)
    scores = best[ys, xs].numpy()
    cx = (xs.float() + off[0, 0, ys, xs]) * s
    cy = (ys.float() + off[0, 1, ys, xs]) * s
    bw, bh = wh[0, 0, ys, xs], wh[0, 1, ys, xs]
    boxes = torch.stack([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2], 1).numpy()
    keep = nms(boxes, scores, nms_iou)
    return boxes[keep], scores[keep], cls[ys, xs].numpy()[keep]


def _intersections(a, b):
    """Pairwise intersection areas [len(a), len(b)] and the two boxes' areas, broadcastable."""
    ix = np.clip(np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]), 0, None)
    iy = np.clip(np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]), 0, None)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    return ix * iy, area_a[:, None], area_b[None, :]


def iou_matrix(a, b):
    inter, area_a, area_b = _intersections(a, b)
    return inter / np.maximum(area_a + area_b - inter, 1e-9)


# A box nested in or around a kept one (share of the smaller above this) is the same vehicle,
# as in the TypeScript pipeline (src/merge/boxes.ts NESTED_OVERLAP).
NESTED_OVERLAP = 0.8


def overlap_of_smaller(a, b):
    inter, area_a, area_b = _intersections(a, b)
    return inter / np.maximum(np.minimum(area_a, area_b), 1e-9)


def nms(boxes, scores, thr):
    order = np.argsort(-scores, kind="stable")
    keep = []
    suppressed = np.zeros(len(boxes), bool)
    if len(boxes):
        same = (iou_matrix(boxes, boxes) > thr) | (overlap_of_smaller(boxes, boxes) > NESTED_OVERLAP)
    for i in order:
        if suppressed[i]:
            continue
        keep.append(i)
        suppressed |= same[i]
    return np.array(keep, np.int64)


def match(pred, scores, gt, iou=IOU):
    """Greedy one-to-one matching by descending score. Returns a true-positive flag per
    prediction (in the given order). Greedy by score means a prediction's match does not
    depend on lower-scored ones, so one matching serves every threshold."""
    tp = np.zeros(len(pred), bool)
    if len(pred) == 0 or len(gt) == 0:
        return tp
    ious = iou_matrix(pred, gt)
    taken = np.zeros(len(gt), bool)
    for i in np.argsort(-scores, kind="stable"):
        cand = np.where(~taken, ious[i], -1)
        j = int(cand.argmax())
        if cand[j] >= iou:
            taken[j] = True
            tp[i] = True
    return tp


def validation_sets(data_dir):
    frames, scene_gsd = load_labelled(data_dir)
    _, val = split_frames(frames)
    sets = {}
    for sim in SIM_GSDS:
        items = []
        for k, fr in enumerate(val):
            img, f = simulate_gsd(fr["img"], fr["gsd"], sim, MODEL_GSD, seed=k)
            items.append({"name": os.path.basename(fr["path"]), "scene": fr["scene"], "img": img,
                          "gt": fr["boxes"] * f})
        sets[f"sim{sim}"] = items
    negatives = []
    for neg in load_negatives(data_dir, "val"):
        f = neg["gsd"] / MODEL_GSD
        img = resample(neg["img"], f)
        valid = resample(neg["valid"].astype(np.uint8) * 255, f) > 127
        area_km2 = neg["valid"].sum() * neg["gsd"] ** 2 / 1e6
        negatives.append({"name": neg["name"], "img": img, "valid": valid, "area_km2": area_km2})
    return sets, negatives, scene_gsd


def evaluate(model, sets, negatives, threshold=None):
    """Metrics at `threshold`, or at the threshold that maximises pooled F1 over both
    simulated GSDs when threshold is None."""
    model.eval()
    runs = {}
    for key, items in sets.items():
        runs[key] = []
        for it in items:
            boxes, scores, _ = predict(model, it["img"])
            runs[key].append((scores, match(boxes, scores, it["gt"]), len(it["gt"])))
    neg_scores = []
    for neg in negatives:
        boxes, scores, _ = predict(model, neg["img"])
        cx = ((boxes[:, 0] + boxes[:, 2]) / 2).astype(int).clip(0, neg["valid"].shape[1] - 1)
        cy = ((boxes[:, 1] + boxes[:, 3]) / 2).astype(int).clip(0, neg["valid"].shape[0] - 1)
        neg_scores.append(scores[neg["valid"][cy, cx]])

    def at(thr):
        out = {}
        for key, rs in runs.items():
            tp = sum(int((t & (s >= thr)).sum()) for s, t, _ in rs)
            npred = sum(int((s >= thr).sum()) for s, _, _ in rs)
            ngt = sum(n for _, _, n in rs)
            p, r = tp / max(npred, 1), tp / max(ngt, 1)
            errs = [abs(int((s >= thr).sum()) - n) for s, _, n in rs]
            rel = [abs(int((s >= thr).sum()) - n) / max(n, 1) for s, _, n in rs]
            out[key] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / max(p + r, 1e-9), 4),
                        "gt": ngt, "pred": npred, "count_mae": round(float(np.mean(errs)), 3),
                        "count_err_pct_mean": round(100 * float(np.mean(rel)), 2),
                        "count_err_pct_max": round(100 * float(np.max(rel)), 2)}
        area = sum(n["area_km2"] for n in negatives)
        fa = sum(int((s >= thr).sum()) for s in neg_scores)
        marinas = [int((s >= thr).sum()) for n, s in zip(negatives, neg_scores) if n["name"].startswith("ucmerced-harbor")]
        out["negatives"] = {"detections": fa, "area_km2": round(area, 4), "per_km2": round(fa / area, 1),
                            "marina_per_image": round(float(np.mean(marinas)), 2) if marinas else None,
                            "tiles": [n["name"] for n in negatives]}
        return out

    if threshold is None:
        threshold = float(max(THRESHOLDS, key=lambda thr: pooled_f1(at(thr), runs)))
    result = at(threshold)
    result["threshold"] = threshold
    return result


def pooled_f1(res, sets):
    """The score runs are compared by: mean F1 over the simulated GSDs."""
    return float(np.mean([res[k]["f1"] for k in sets]))


def per_scene(model, sets, threshold):
    """F1 split by held-out scene, for the model card."""
    out = {}
    for key, items in sets.items():
        for scene in sorted({it["scene"] for it in items}):
            out[f"{key}/{scene}"] = _scene(model, [it for it in items if it["scene"] == scene], threshold)
    return out


def _scene(model, items, thr):
    tp = npred = ngt = 0
    for it in items:
        boxes, scores, _ = predict(model, it["img"], min_score=thr)
        tp += int(match(boxes, scores, it["gt"]).sum())
        npred += len(boxes)
        ngt += len(it["gt"])
    p, r = tp / max(npred, 1), tp / max(ngt, 1)
    return {"f1": round(2 * p * r / max(p + r, 1e-9), 4), "precision": round(p, 4), "recall": round(r, 4), "gt": ngt}


def load_checkpoint_model(path):
    from model import CenterNetSmall
    ck = torch.load(path, map_location="cpu")
    model = CenterNetSmall(**ck["arch"])
    model.load_state_dict(ck["model"])
    return model.eval()


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", default=os.path.join(here, "..", "..", "shared", "data"))
    ap.add_argument("--ckpt", default=os.path.join(here, "work", "best.pt"))
    ap.add_argument("--threshold", type=float, default=None)
    ap.add_argument("--json", default=os.path.join(here, "work", "metrics.json"))
    args = ap.parse_args(argv)
    torch.set_num_threads(2)
    model = load_checkpoint_model(args.ckpt)
    sets, negatives, _ = validation_sets(args.data)
    res = evaluate(model, sets, negatives, args.threshold)
    res["per_scene"] = per_scene(model, sets, res["threshold"])
    print(json.dumps(res, indent=1))
    with open(args.json, "w") as f:
        json.dump(res, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
