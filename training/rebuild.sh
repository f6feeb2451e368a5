#!/bin/sh
# Rebuilds the shipped model, models/satcount-vehicles.onnx (version 3), from the committed version 2
# weights (training/init/) and ../shared/data, on 2 CPU cores in about 90 minutes: `npm run train`.
# Needs Debian's python3-torch, python3-onnx, python3-opencv and the built CLI (npm ci && npm run build).
# Steps (training/README.md, "Version 3"): the reviewed pseudo-labels already committed in
# training/pseudo_vegas.json (re-made by training/pseudo_labels.py), a 4,000-step fine-tune, the
# average of its last five evaluated checkpoints, export at threshold 0.35, and the measured
# per-set quality written into the file's metadata.
set -eu
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
WORK=training/work
$PY training/train.py --init-from-onnx training/init/satcount-vehicles-2.0.0.onnx --lr 6e-4 --steps 4000 \
  --minutes 95 --eval-every 500 --mine-from 0 --keep-snapshots 8 --average-last 0 --out "$WORK/v3-best.onnx"
$PY training/swa.py "$WORK/snap_1500.pt" "$WORK/snap_2000.pt" "$WORK/snap_2500.pt" "$WORK/snap_3000.pt" \
  "$WORK/snap_3500.pt" --out "$WORK/swa.onnx"
$PY training/export.py --ckpt "$WORK/swa.pt" --threshold 0.35 --version 3.0.0 --out "$WORK/v3.onnx"
$PY training/validate_cli.py --models "$WORK/v3.onnx" --write-quality --gsd-range 0.25 0.5 --version 3.0.0
mv "$WORK/v3.onnx" models/satcount-vehicles.onnx
echo "rebuilt models/satcount-vehicles.onnx"
