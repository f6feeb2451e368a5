"""Hard-negative mining: where the model fires on vehicle-free training imagery, so
later chips can be centred on its own false alarms."""
import numpy as np

from augment import resample, simulate_gsd
from data import MODEL_GSD
from evaluate import predict


def mine_false_alarms(model, negatives, min_score=0.15, sim_gsds=(None, 0.5)):
    """Detections >= min_score on each training negative (as is, and degraded to 0.5 m),
    as centres in the negative's own pixels: {name: array [n, 2]}."""
    model.eval()
    out = {}
    for neg in negatives:
        found = []
        for sim in sim_gsds:
            if sim is None or sim <= neg["gsd"]:
                img, f = resample(neg["img"], neg["gsd"] / MODEL_GSD), neg["gsd"] / MODEL_GSD
            else:
                img, f = simulate_gsd(neg["img"], neg["gsd"], sim, MODEL_GSD)
            boxes, _, _ = predict(model, img, min_score=min_score)
            centres = np.stack([(boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2], 1) / f
            xy = np.round(centres).astype(int)
            ok = (xy[:, 0] >= 0) & (xy[:, 1] >= 0) & (xy[:, 0] < neg["img"].shape[1]) & (xy[:, 1] < neg["img"].shape[0])
            xy = xy[ok]
            found.append(centres[ok][neg["valid"][xy[:, 1], xy[:, 0]]])
            if sim is None and neg["gsd"] >= 0.5:
                break
        out[neg["name"]] = np.concatenate(found, 0).astype(np.float32)
    return out
