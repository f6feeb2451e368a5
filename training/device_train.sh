#!/bin/sh
# Train on a rented GPU machine (the device tool) from the pack pack_for_device.py makes:
#   /usr/bin/python3 training/pack_for_device.py          # here, once: .gpu/ (~41 MB)
#   run(command="sh training/device_train.sh", carry=[".gpu"], timeout_s=570)
# Two runs side by side (options A_OPTS and B_OPTS), each with its own chip workers: chips are
# made on the CPU and bound a run there (one run with 12 workers: ~27 steps/s at batch 64; the
# network's step takes a fraction of the GPU). Each run is cut off at its wall-clock cap plus a
# margin whatever happens, and leaves its log and last five snapshots in $OUT/<name>.tar, so a
# run that fails still sends back what it did. Choose and average here with swa.py and
# validate_cli.py (training/README.md, "GPU runs").
#   MINUTES  wall-clock per run (default 6.2; the LR schedule follows it)
#   DEVICE   torch device (default cuda); PYTHON (default python3, the GPU image's torch)
set -u
MINUTES=${MINUTES:-6.2}
PY=${PYTHON:-python3}
OUT=${OUT:-/tmp/device-out}
# The open question (training/README.md, rounds 6 and 7): does the wide network pay once it is
# trained long enough to use its channels? A: from scratch; B: grown from 3.1.0 at a higher LR.
DATA_OPTS="--arch wide --hand-weight 2 --pseudo-p 0.2 --eval-every 1500"
A_OPTS=${A_OPTS:-"$DATA_OPTS --mine-from 1500 --lr 3e-3 --seed 7"}
B_OPTS=${B_OPTS:-"$DATA_OPTS --init-from-onnx training/init/satcount-vehicles-3.1.0.onnx --mine-from 0 --lr 1e-3 --seed 8"}
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1
nvidia-smi -L 2>/dev/null
"$PY" -c "import torch, numpy, cv2; print('torch', torch.__version__, 'numpy', numpy.__version__, 'cv2', cv2.__version__, 'cores', __import__('os').cpu_count())"
limit=$(awk "BEGIN { print int($MINUTES * 60 + 100) }")

run() {  # name, then train.py options
  name=$1; shift
  work=/tmp/work-$name
  rm -rf "$work"; mkdir -p "$work"; cp -r .gpu/synth "$work/synth"
  timeout -s INT "$limit" "$PY" training/train.py --data .gpu/data --work "$work" --out "$work/unused.onnx" \
    --device "${DEVICE:-cuda}" --workers 6 --threads 2 --batch 64 --steps 60000 --minutes "$MINUTES" --no-eval \
    --keep-snapshots 5 --average-last 0 "$@" > "$work/train.log" 2>&1
  echo "$name exit $?" >> "$work/train.log"
  tar -C "$work" -cf "$OUT/$name.tar" train.log $(cd "$work" && ls history.json snap_*.pt 2>/dev/null)
}

run a $A_OPTS &
run b $B_OPTS &
wait
for name in a b; do
  echo "== $name"; grep -v "^mined\|WARN\|Warning\|warn(" "/tmp/work-$name/train.log" | tail -n 12
done
