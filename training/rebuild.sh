#!/bin/sh
# Rebuilds the shipped model, models/satcount-vehicles.onnx (version 3.1.0), from the committed
# version 3.0.0 weights (training/init/) and ../shared/data, on 2 CPU cores in about 35 minutes:
# `npm run train`. Needs Debian's python3-torch, python3-onnx, python3-opencv and the built CLI
# (npm ci && npm run build).
# Steps (training/README.md, "Version 3.1.0"): the reviewed round-2 pseudo-labels already committed in
# training/pseudo_vegas.json and pseudo_review.json (re-made by pseudo_labels.py and review_sheets.py),
# a 3,000-step fine-tune, the average of its evaluated checkpoints of steps 1,000-3,000, export at
# threshold 0.35, and the measured per-set quality written into the file's metadata.
# Version 3.0.0 itself came from version 2 by the script of commit 64260dc (training/init/ keeps both).
set -eu
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
WORK=training/work/rebuild
mkdir -p "$WORK"
$PY training/train.py --init-from-onnx training/init/satcount-vehicles-3.0.0.onnx --lr 4e-4 --steps 3000 \
  --minutes 60 --eval-every 500 --mine-from 0 --keep-snapshots 8 --average-last 0 --pseudo-p 0.15 \
  --version 3.1.0 --work "$WORK" --out "$WORK/best.onnx"
$PY training/swa.py "$WORK/snap_1000.pt" "$WORK/snap_1500.pt" "$WORK/snap_2000.pt" "$WORK/snap_2500.pt" \
  "$WORK/snap_3000.pt" --work "$WORK" --pseudo-p 0.15 --out "$WORK/swa.onnx"
$PY training/export.py --ckpt "$WORK/swa.pt" --threshold 0.35 --version 3.1.0 --out "$WORK/v3.1.onnx"
$PY training/validate_cli.py --models "$WORK/v3.1.onnx" --write-quality --gsd-range 0.25 0.5 --version 3.1.0
mv "$WORK/v3.1.onnx" models/satcount-vehicles.onnx
echo "rebuilt models/satcount-vehicles.onnx"
