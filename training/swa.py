"""Weight averaging of the last checkpoints of a run (stochastic weight averaging), then
batch-norm statistics recomputed on training chips. Held-out F1 swings by a few points from
one evaluation to the next on this little validation data; the average of the late
checkpoints sits in a flatter spot and does not depend on which evaluation happened to peak.

Alone:  /usr/bin/python3 training/swa.py training/work/snap_*.pt [--out models/satcount-vehicles.onnx]
"""
import argparse
import glob
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def average_state(paths):
    """Mean of the model weights stored in the checkpoints at `paths`."""
    states = [torch.load(p, map_location="cpu")["model"] for p in paths]
    out = {}
    for k, v in states[0].items():
        if v.is_floating_point():
            out[k] = sum(s[k] for s in states) / len(states)
        else:
            out[k] = v.clone()
    return out


@torch.no_grad()
def recalibrate_bn(model, batches, n_batches=60):
    """Recompute every BatchNorm's running mean and variance as a plain average over
    n_batches of training chips (averaged weights make the stored statistics stale)."""
    bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    for bn in bns:
        bn.reset_running_stats()
        bn.momentum = None
    model.train()
    for _ in range(n_batches):
        model(next(batches)[0])
    for bn in bns:
        bn.momentum = 0.1
    model.eval()
    return model


def evaluate_average(arch, paths, batches, sets, negatives):
    """The average of the checkpoints at `paths`, BN recalibrated on `batches`, validated:
    (model, metrics, pooled F1)."""
    from evaluate import evaluate, pooled_f1
    from model import CenterNetSmall

    model = CenterNetSmall(**arch)
    model.load_state_dict(average_state(paths))
    recalibrate_bn(model, batches)
    res = evaluate(model, sets, negatives)
    return model, res, pooled_f1(res, sets)


def main(argv=None):
    import train as T
    from evaluate import validation_sets
    from export import export_onnx

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("snapshots", nargs="+")
    ap.add_argument("--data", default=os.path.join(T.ROOT, "..", "shared", "data"))
    ap.add_argument("--work", default=T.WORK)
    ap.add_argument("--out", default=os.path.join(T.WORK, "swa.onnx"))
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--chip", type=int, default=128)
    ap.add_argument("--pseudo-p", type=float, default=0.12, help="as train.py's: chips for the batch-norm statistics")
    ap.add_argument("--hand-weight", type=int, default=0, help="as train.py's")
    ap.add_argument("--hand-set", choices=sorted(T.HAND_SETS), default="all", help="as train.py's")
    ap.add_argument("--sharp-p", type=float, default=0.0, help="as train.py's")
    ap.add_argument("--negative-share", type=T.negative_share, action="append", default=None, help="as train.py's")
    args = ap.parse_args(argv)
    torch.set_num_threads(2)
    paths = sorted({p for s in args.snapshots for p in glob.glob(s)})
    ck = torch.load(paths[0], map_location="cpu")
    sets, negatives, _ = validation_sets(args.data)
    batches = T.chip_batches(args, ck["arch"]["stride"], 10 ** 6, {})
    model, res, score = evaluate_average(ck["arch"], paths, batches, sets, negatives)
    print(f"average of {len(paths)} checkpoints: pooled F1 {score:.4f}, threshold {res['threshold']}, "
          + " ".join(f"{k}: F1 {res[k]['f1']} P {res[k]['precision']} R {res[k]['recall']} cnt% {res[k]['count_err_pct_mean']}"
                     for k in sets) + f" FA/km2 {res['negatives']['per_km2']}", flush=True)
    torch.save({"model": model.state_dict(), "arch": ck["arch"], "step": ck["step"], "metrics": res,
                "averaged": [os.path.basename(p) for p in paths]}, os.path.join(args.work, "swa.pt"))
    export_onnx(model, args.out, res["threshold"], T.VERSION)
    print(f"exported {args.out}", flush=True)
    return score


if __name__ == "__main__":
    main()
