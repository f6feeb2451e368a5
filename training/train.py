"""Train the satcount vehicle detector and export it to ONNX.

    /usr/bin/python3 training/train.py [--data ../shared/data] [--out models/satcount-vehicles.onnx]
                                       [--steps N] [--minutes M] [--resume] [--seed S]

Chips are made on the fly by one worker process (see chips.py). Every --eval-every
steps the model is validated on the held-out scenes; the best one so far is kept in
training/work/best.pt and exported to --out (temp file, then rename).
"""
import argparse
import glob
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, IterableDataset

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from chips import NEGATIVE_GROUPS, SYNTH_CHIP_P, ChipMaker, make_targets  # noqa: E402
from data import HAND_SETS, build_crop_bank, load_labelled, load_negatives, load_pseudo_labelled, split_frames  # noqa: E402
from evaluate import evaluate, pooled_f1, to_tensor, validation_sets  # noqa: E402
from export import export_onnx  # noqa: E402
from mining import mine_false_alarms  # noqa: E402
from model import WH_BASE, CenterNetSmall, param_count  # noqa: E402
from onnx_init import calibrate_bn, load_folded  # noqa: E402
from swa import evaluate_average  # noqa: E402
from synth_scenes import load_synth  # noqa: E402
from widen import widen_into  # noqa: E402

ROOT = os.path.dirname(HERE)
WORK = os.path.join(HERE, "work")
# Width goes into the stride-8 and stride-16 stages, where it is cheap: 3.7x the parameters
# of version 1 for 1.5x the latency (7.4 vs 5.0 ms per 512² tile on 2 idle cores).
ARCH = {"num_classes": 2, "stride": 4, "width": (16, 32, 96, 256), "head_ch": 32, "depth": (2, 4, 4)}
# Wider heads and FPN at stride 4 (a car is 4x2 cells there), wider at strides 8 and 16 and deeper
# at 16 (context: a stall's painted lines, a roof's edge): 2.3x the parameters for ~1.7x the time
# per tile; the stem and stride-4 backbone keep their width, where each channel costs the most.
ARCHS = {"v3": ARCH, "wide": {"num_classes": 2, "stride": 4, "width": (16, 32, 128, 320), "head_ch": 48,
                              "depth": (2, 4, 6)}}
VERSION = "3.0.0"


class ChipStream(IterableDataset):
    """Endless batches of chips and CenterNet targets, seeded by (seed, first step) so a
    resumed run continues with fresh, reproducible chips."""

    def __init__(self, data_dir, work_dir, batch, chip, stride, num_classes, seed, start_step, hotspots=None, pseudo_p=0.0,
                 hand=(0, "all"), sharp_p=0.0, negative_shares=None):
        self.args = (data_dir, work_dir, batch, chip, stride, num_classes, seed, start_step, hotspots or {}, pseudo_p,
                     hand, sharp_p, negative_shares)

    def __iter__(self):
        (data_dir, work_dir, batch, chip, stride, num_classes, seed, start_step, hotspots, pseudo_p, hand, sharp_p,
         negative_shares) = self.args
        train, synth, negatives, bank, pseudo = chip_sources(data_dir, work_dir, pseudo_p, hand)
        for neg in negatives:
            neg["hotspots"] = hotspots.get(neg["name"])
        # Once false alarms have been mined, show more of them.
        maker = ChipMaker(train, negatives, bank, chip, negative_p=0.3 if hotspots else 0.2, synth_frames=synth,
                          pseudo_frames=pseudo, pseudo_p=pseudo_p, sharp_p=sharp_p, negative_shares=negative_shares)
        # Each chip worker its own stream; worker 0 alone is the single-worker stream of earlier runs.
        info = torch.utils.data.get_worker_info()
        worker = info.id if info else 0
        rng = np.random.default_rng([seed, start_step] + ([worker] if worker else []))
        cv2_threads_off()
        while True:
            xs, hms, whs, offs, masks = [], [], [], [], []
            for _ in range(batch):
                img, boxes, classes = maker.make(rng)
                hm, wh, off, mask = make_targets(boxes, classes, chip, stride, num_classes)
                xs.append(to_tensor(img))
                hms.append(hm), whs.append(wh), offs.append(off), masks.append(mask)
            yield (torch.stack(xs), torch.from_numpy(np.stack(hms)), torch.from_numpy(np.stack(whs)),
                   torch.from_numpy(np.stack(offs)), torch.from_numpy(np.stack(masks)))


_SOURCES = {}


def chip_sources(data_dir, work_dir, pseudo_p, hand):
    """The imagery chips are cut from, loaded once per process. Loaded in the main process
    before the chip workers start, it reaches them by fork at no cost; otherwise each worker
    loads it (~25 s) every time the stream restarts after mining."""
    key = (data_dir, work_dir, bool(pseudo_p), hand)
    if key not in _SOURCES:
        frames, _ = load_labelled(data_dir)
        train, _ = split_frames(frames)
        synth = load_synth(ROOT, work_dir)
        # Real trucks and buses are few (98 boxes): synth trucks join the paste bank; synth
        # cars do not, since real car crops are plenty and look real.
        bank = build_crop_bank(train) + [e for e in build_crop_bank(synth) if e["cls"] == 1]
        pseudo = load_pseudo_labelled(data_dir, *hand) if pseudo_p else ()
        _SOURCES[key] = (train, synth, load_negatives(data_dir, "train"), bank, pseudo)
    return _SOURCES[key]


def negative_share(text):
    """GROUP=P of --negative-share, as a (group, weight) pair."""
    group, _, p = text.partition("=")
    if group not in NEGATIVE_GROUPS or not p:
        raise argparse.ArgumentTypeError(f"{text}: want GROUP=P, GROUP one of {', '.join(sorted(NEGATIVE_GROUPS))}")
    # A negative weight would only fail later, in a chip worker, as a negative sampling probability.
    if float(p) < 0:
        raise argparse.ArgumentTypeError(f"{text}: P is a weight, at least 0")
    return group, float(p)


def hand_spec(args):
    """(weight, set) of the hand-labelled images a run teaches (--hand-weight, --hand-set)."""
    return (args.hand_weight, args.hand_set)


def chip_batches(args, stride, step, hotspots):
    stream = ChipStream(args.data, args.work, args.batch, args.chip, stride, ARCH["num_classes"], args.seed, step, hotspots,
                        args.pseudo_p, hand_spec(args), args.sharp_p, dict(args.negative_share or ()))
    workers = getattr(args, "workers", 1)
    if workers > 1:
        chip_sources(args.data, args.work, args.pseudo_p, hand_spec(args))
    return iter(DataLoader(stream, batch_size=None, num_workers=workers, prefetch_factor=4,
                           pin_memory=getattr(args, "device", "cpu") != "cpu", persistent_workers=False))


def cv2_threads_off():
    import cv2
    cv2.setNumThreads(1)
    torch.set_num_threads(1)


def focal_loss(logits, gt):
    """CenterNet's penalty-reduced focal loss, normalised by the number of centres."""
    p = torch.sigmoid(logits).clamp(1e-4, 1 - 1e-4)
    pos = gt.eq(1).float()
    pos_loss = torch.log(p) * (1 - p) ** 2 * pos
    neg_loss = torch.log(1 - p) * p ** 2 * (1 - gt) ** 4 * (1 - pos)
    return -(pos_loss.sum() + neg_loss.sum()) / pos.sum().clamp(min=1)


def losses(model, batch):
    device = next(model.parameters()).device
    x, hm, wh, off, mask = (t.to(device, non_blocking=True) for t in batch)
    hm_l, wh_l, off_l = model.forward_raw(x)
    n = mask.sum().clamp(min=1)
    m = mask[:, None]
    wh_t = torch.log(wh.clamp(min=1.0) / WH_BASE)
    l_hm = focal_loss(hm_l, hm)
    l_wh = (F.l1_loss(wh_l, wh_t, reduction="none") * m).sum() / n
    l_off = (F.l1_loss(torch.sigmoid(off_l), off, reduction="none") * m).sum() / n
    return l_hm + l_wh + l_off, (l_hm.item(), l_wh.item(), l_off.item())


def lr_at(progress, step, base, warmup=150):
    """Warm-up, then cosine decay over `progress` in [0, 1]."""
    if step < warmup:
        return base * (step + 1) / warmup
    return base * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data"))
    ap.add_argument("--out", default=os.path.join(ROOT, "models", "satcount-vehicles.onnx"))
    ap.add_argument("--steps", type=int, default=18000, help="optimizer steps (the LR schedule spans them)")
    ap.add_argument("--minutes", type=float, default=150.0, help="wall-clock cap; stops early and keeps the best")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--chip", type=int, default=128)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--eval-every", type=int, default=500)
    ap.add_argument("--mine-from", type=int, default=500, help="mine false alarms at each evaluation from this step")
    ap.add_argument("--resume", action="store_true", help="continue from <work>/last.pt")
    ap.add_argument("--work", default=WORK, help="checkpoints, history and logs")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--average-last", type=int, default=5,
                    help="at the end, average the weights of the last N evaluated checkpoints (0: off)")
    ap.add_argument("--keep-snapshots", type=int, default=0,
                    help="keep this many evaluated checkpoints as snap_<step>.pt (default: --average-last)")
    ap.add_argument("--init-from-onnx", default=None,
                    help="fine-tune: start from this ONNX model's weights, not from scratch (a v3-sized file "
                         "starts --arch wide as the same function, widen.py; a wide file loads as it is)")
    ap.add_argument("--hand-weight", type=int, default=0,
                    help="teach the hand labels of labels/train-satellite and labels/train-packed, each image drawn "
                         "this many times as often as a pseudo-labelled tile (0: pseudo-labels everywhere)")
    ap.add_argument("--hand-set", choices=sorted(HAND_SETS), default="all",
                    help="which hand-labelled images: all, or those a shipped version was trained with (v4: 4.0.0's "
                         "11 Vegas tiles; v4.1: 4.1.0's 30 Vegas tiles and 12 parking lots; v4.2: 4.2.0's 42 and 16; data.HAND_SETS)")
    ap.add_argument("--pseudo-p", type=float, default=0.12,
                    help="share of chips from the reviewed pseudo-labelled Vegas tiles (0: none)")
    ap.add_argument("--sharp-p", type=float, default=0.0,
                    help="share of chips sharpened (unsharp mask, no sensor blur) like pansharpened satellite "
                         "products instead of blurred (default 0: the chips of runs before round 13)")
    ap.add_argument("--negative-share", type=negative_share, action="append", default=None, metavar="GROUP=P",
                    help="weight of a group of vehicle-free chips (harbor, airplane, vegas, rio-pix4d, buildings) "
                         "against the others, instead of chips.NEGATIVE_GROUPS's; repeatable")
    ap.add_argument("--version", default=VERSION, help="version written to the exported model's metadata")
    ap.add_argument("--arch", choices=sorted(ARCHS), default="v3", help="network size (model.py); wide: 2.3x the parameters")
    ap.add_argument("--device", default="cpu", help="torch device for the network, e.g. cuda")
    ap.add_argument("--workers", type=int, default=1, help="chip-making processes (one per spare core)")
    ap.add_argument("--no-eval", action="store_true",
                    help="skip validation (it needs the validation images): keep snapshots, choose later with validate_cli.py")
    args = ap.parse_args(argv)
    if not 0.0 <= args.sharp_p <= 1.0:
        ap.error(f"--sharp-p must be between 0 and 1, not {args.sharp_p}")
    if not 0.0 <= args.pseudo_p <= SYNTH_CHIP_P:
        ap.error(f"--pseudo-p must be between 0 and {SYNTH_CHIP_P} (its chips are taken from the synthetic ones), not {args.pseudo_p}")

    os.makedirs(args.work, exist_ok=True)
    if args.workers > 1:
        # OpenCV's thread pool does not survive fork: chip workers forked from a process that had
        # run a multithreaded cv2 call hung at their first one (pip's OpenCV 5 on the GPU machine).
        import cv2
        cv2.setNumThreads(1)
    torch.set_num_threads(args.threads)
    seed_everything(args.seed)
    arch = ARCHS[args.arch]
    model = CenterNetSmall(**arch)
    step, best, history, elapsed0 = 0, -1.0, [], 0.0
    last_path = os.path.join(args.work, "last.pt")
    if not args.resume:
        for stale in snapshots(args.work):
            os.remove(stale)
    if args.init_from_onnx and not args.resume:
        try:
            meta = load_folded(model, args.init_from_onnx)
        except ValueError:
            if arch == ARCH:
                raise
            # A v3-sized file (the shipped model) grown into the larger network, same function
            # (widen.py). load_folded counts the convolutions before copying any, so nothing is half-loaded.
            shipped = CenterNetSmall(**ARCH)
            meta = load_folded(shipped, args.init_from_onnx)
            widen_into(shipped, model)
        before = model.eval()(torch.zeros(1, 3, 64, 64) + 0.1)[0].clone()
        calibrate_bn(model, chip_batches(args, model.stride, 0, {}))
        drift = float((model.eval()(torch.zeros(1, 3, 64, 64) + 0.1)[0] - before).abs().max())
        print(f"initialised from {args.init_from_onnx} (version {meta.get('version')}); batch norm "
              f"statistics set from real chips (heatmap change {drift:.1e})", flush=True)
    model.to(args.device)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    if args.resume and os.path.exists(last_path):
        ck = torch.load(last_path, map_location=args.device)
        if dict(ck["arch"]) != arch:
            sys.exit(f"{last_path}: a run of another network ({ck['arch']}); resume it with its --arch")
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        step, best, history = ck["step"], ck["best"], ck["history"]
        elapsed0 = history[-1]["minutes"] if history else 0.0
        print(f"resumed at step {step}, best pooled F1 {best:.4f}", flush=True)

    frames, scene_gsd = load_labelled(args.data)
    synth = load_synth(ROOT, args.work)
    print(f"synth scenes: {len(synth)}, {sum(len(f['boxes']) for f in synth)} vehicles "
          f"({sum(int((f['cls'] == 1).sum()) for f in synth)} trucks)", flush=True)
    print("per-scene GSD (m/px, from median car length 4.5 m):",
          json.dumps({k: round(v, 4) for k, v in scene_gsd.items()}), flush=True)
    sets, negatives = ({}, []) if args.no_eval else validation_sets(args.data)[:2]
    print(f"params {param_count(model)}; val frames {len(sets.get('sim0.3', []))}; "
          f"held-out negatives {[n['name'] for n in negatives]}", flush=True)

    train_negatives = load_negatives(args.data, "train")
    hotspots = mine_false_alarms(model, train_negatives) if step >= args.mine_from or args.init_from_onnx else {}
    if args.init_from_onnx and step == 0:
        # The starting point's figures, for comparison in the log.
        checkpoint(model, opt, step, best, history, args, sets, negatives, t0=time.time())
        best = -1.0
    batches = chip_batches(args, model.stride, step, hotspots)
    t0, tl = time.time() - elapsed0 * 60, time.time()
    running = np.zeros(3)
    model.train()
    while step < args.steps and (time.time() - t0) / 60 <= args.minutes:
        batch = next(batches)
        # The schedule follows steps, or wall time when the --minutes cap binds first
        # (then the run is no longer bit-reproducible; the default fits in the cap).
        progress = max(step / args.steps, (time.time() - t0) / 60 / args.minutes)
        for group in opt.param_groups:
            group["lr"] = lr_at(progress, step, args.lr)
        loss, parts = losses(model, batch)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        step += 1
        running = 0.98 * running + 0.02 * np.array(parts) if step > 1 else np.array(parts)
        if step % 50 == 0:
            dt = (time.time() - tl) / 50
            tl = time.time()
            print(f"step {step} loss hm {running[0]:.3f} wh {running[1]:.3f} off {running[2]:.3f} "
                  f"lr {opt.param_groups[0]['lr']:.2e} {dt:.2f}s/step", flush=True)
        if step % args.eval_every == 0 or step == args.steps:
            best = checkpoint(model, opt, step, best, history, args, sets, negatives, t0)
            if step >= args.mine_from and step < args.steps:
                hotspots = mine_false_alarms(model, train_negatives)
                print("mined false alarms: " + json.dumps({k: len(v) for k, v in hotspots.items()}), flush=True)
                batches = chip_batches(args, model.stride, step, hotspots)
            model.train()
    if not history or history[-1]["step"] != step:
        best = checkpoint(model, opt, step, best, history, args, sets, negatives, t0)
    if args.average_last > 1 and not args.no_eval:
        best = average_checkpoints(args, best, sets, negatives, hotspots)
    print(f"done: {step} steps in {(time.time() - t0) / 60:.1f} min; best pooled F1 {best:.4f}", flush=True)


def snapshots(work):
    return sorted(glob.glob(os.path.join(work, "snap_*.pt")), key=lambda p: int(p.rsplit("_", 1)[1][:-3]))


def average_checkpoints(args, best, sets, negatives, hotspots):
    """Average the last --average-last snapshots; ship the average if it validates better."""
    paths = snapshots(args.work)[-args.average_last:]
    if len(paths) < 2:
        return best
    arch = ARCHS[args.arch]
    batches = chip_batches(args, arch["stride"], 10 ** 6, hotspots)
    avg, res, score = evaluate_average(arch, paths, batches, sets, negatives)
    print(f"average of {len(paths)} checkpoints ({', '.join(os.path.basename(p) for p in paths)}): "
          f"pooled F1 {score:.4f} (best single {best:.4f}), FA/km2 {res['negatives']['per_km2']}", flush=True)
    if score > best:
        torch.save({"model": avg.state_dict(), "arch": arch, "step": -1, "metrics": res, "averaged": paths},
                   os.path.join(args.work, "best.pt"))
        export_onnx(avg, args.out, res["threshold"], args.version)
        print(f"exported {args.out} (averaged; threshold {res['threshold']})", flush=True)
        best = score
    return best


def checkpoint(model, opt, step, best, history, args, sets, negatives, t0):
    """Validate, keep the best, export it, and save a resumable checkpoint."""
    arch = ARCHS[args.arch]
    if args.no_eval:
        res = {"step": step, "minutes": round((time.time() - t0) / 60, 1)}
        history.append(res)
        print("snapshot " + json.dumps(res), flush=True)
        save_checkpoint(model, opt, step, best, history, args, arch)
        return best
    te = time.time()
    res = evaluate(model, sets, negatives)
    score = pooled_f1(res, sets)
    res.update(step=step, minutes=round((time.time() - t0) / 60, 1), pooled_f1=round(score, 4))
    history.append(res)
    print("eval " + json.dumps({k: res[k] for k in ("step", "minutes", "threshold", "pooled_f1")}) + " "
          + " ".join(f"{k}: F1 {res[k]['f1']} P {res[k]['precision']} R {res[k]['recall']} "
                     f"cnt% {res[k]['count_err_pct_mean']}" for k in sets)
          + f" FA/km2 {res['negatives']['per_km2']} marina/img {res['negatives']['marina_per_image']}"
          + f" ({time.time() - te:.0f}s)", flush=True)
    if score > best:
        best = score
        torch.save({"model": cpu_state(model), "arch": arch, "step": step, "metrics": res}, os.path.join(args.work, "best.pt"))
        export_onnx(model, args.out, res["threshold"], args.version)
        print(f"exported {args.out} (threshold {res['threshold']})", flush=True)
    save_checkpoint(model, opt, step, best, history, args, arch)
    return best


def cpu_state(model):
    return {k: v.detach().cpu() for k, v in model.state_dict().items()}


def save_checkpoint(model, opt, step, best, history, args, arch):
    """A resumable last.pt (`--resume` with the same --arch), the snapshot of this step and the
    history. Weights are stored as CPU tensors, so a GPU run's snapshots load anywhere."""
    torch.save({"model": cpu_state(model), "opt": opt.state_dict(), "step": step, "best": best,
                "history": history, "arch": arch}, os.path.join(args.work, "last.pt"))
    keep = max(args.keep_snapshots, args.average_last)
    if keep > 1:
        torch.save({"model": cpu_state(model), "arch": arch, "step": step}, os.path.join(args.work, f"snap_{step}.pt"))
        for old in snapshots(args.work)[:-keep]:
            os.remove(old)
    with open(os.path.join(args.work, "history.json"), "w") as f:
        json.dump(history, f, indent=1)


if __name__ == "__main__":
    main()
