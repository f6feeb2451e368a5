#!/bin/sh
# Rebuilds the shipped model, models/satcount-vehicles.onnx (version 4.0.1: 4.0.0's weights, quality
# measured on the reviewed satellite labels), from the committed
# version 4.0.0-rc.1 weights (training/init/) and ../shared/data, on 2 CPU cores in about 65 minutes:
# `npm run train`. Needs Debian's python3-torch, python3-onnx, python3-opencv and the built CLI
# (npm ci && npm run build).
# Steps (training/README.md, "Version 4.0.0"): the wide network (--arch wide) continued from 4.0.0-rc.1
# for 11,000 steps at LR 1e-3 with the 11 hand-labelled tiles 4.0.0 knew (--hand-set v4; more have been
# labelled since, see training/README.md "Round 11") and the reviewed pseudo-labelled Las Vegas tiles,
# the average of its checkpoints of steps 9,000-11,000, export at threshold 0.375, and the measured
# per-set quality written into the file's metadata. 4.0.0-rc.1 itself is round 8 of training/README.md
# (the wide network from scratch, averaged over steps 7,000-9,000).
set -eu
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
WORK=training/work/rebuild
mkdir -p "$WORK"
# The cap is generous so the steps, not the clock, set the LR schedule (the shipped run took 62 minutes).
$PY training/train.py --arch wide --init-from-onnx training/init/satcount-vehicles-4.0.0-rc.1.onnx \
  --hand-weight 2 --hand-set v4 --pseudo-p 0.2 --lr 1e-3 --steps 11000 --minutes 240 --eval-every 1000 --mine-from 1000 \
  --seed 11 --keep-snapshots 3 --average-last 0 --version 4.0.0 --work "$WORK" --out "$WORK/best.onnx"
$PY training/swa.py "$WORK/snap_9000.pt" "$WORK/snap_10000.pt" "$WORK/snap_11000.pt" --work "$WORK" \
  --hand-weight 2 --hand-set v4 --pseudo-p 0.2 --out "$WORK/swa.onnx"
$PY training/export.py --ckpt "$WORK/swa.pt" --threshold 0.375 --version 4.0.0 --out "$WORK/v4.onnx"
$PY training/validate_cli.py --models "$WORK/v4.onnx" --write-quality --gsd-range 0.25 0.5 --version 4.0.1
mv "$WORK/v4.onnx" models/satcount-vehicles.onnx
echo "rebuilt models/satcount-vehicles.onnx"
