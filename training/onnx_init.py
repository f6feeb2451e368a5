"""Start training from a shipped ONNX model: its weights, loaded into model.py's network.

The ONNX export folds every batch norm into the convolution before it, so the file holds
one (weight, bias) pair per Conv node and no batch-norm parameters. Those pairs are put
back as conv weight + a batch norm that reproduces the folded bias exactly in eval mode;
the batch norm's statistics are then set from real chips so that training mode (batch
statistics) starts close to eval mode instead of renormalising every layer at step 1.

    /usr/bin/python3 training/onnx_init.py models/satcount-vehicles.onnx   # loads and checks
"""
import json
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import numpy_helper


def conv_params_in_graph_order(path):
    """[(weight, bias or None)] of every Conv node, in the graph's (execution) order."""
    proto = onnx.load(path)
    inits = {i.name: numpy_helper.to_array(i) for i in proto.graph.initializer}
    out = []
    for node in proto.graph.node:
        if node.op_type != "Conv":
            continue
        w = inits[node.input[1]]
        b = inits[node.input[2]] if len(node.input) > 2 else None
        out.append((w, b))
    meta = {p.key: p.value for p in proto.metadata_props}
    return out, json.loads(meta.get("satcount", "{}"))


def convs_in_execution_order(model, size=64):
    """Each Conv2d with the BatchNorm2d that follows it (or None), in forward order."""
    order, handles = [], []
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            handles.append(m.register_forward_hook(lambda mod, i, o: order.append(mod)))
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 3, size, size))
    for h in handles:
        h.remove()
    following = {}
    for parent in model.modules():
        if isinstance(parent, nn.Sequential):
            kids = list(parent)
            for a, b in zip(kids, kids[1:]):
                if isinstance(a, nn.Conv2d) and isinstance(b, nn.BatchNorm2d):
                    following[a] = b
    return [(c, following.get(c)) for c in order]


@torch.no_grad()
def load_folded(model, path):
    """Load the ONNX file's folded conv weights into `model` (eval-mode exact)."""
    params, meta = conv_params_in_graph_order(path)
    pairs = convs_in_execution_order(model)
    if len(params) != len(pairs):
        raise ValueError(f"{path}: {len(params)} Conv nodes, the network has {len(pairs)} convolutions")
    for (w, b), (conv, bn) in zip(params, pairs):
        if tuple(w.shape) != tuple(conv.weight.shape):
            raise ValueError(f"{path}: Conv weight {w.shape} does not fit {tuple(conv.weight.shape)}")
        conv.weight.copy_(torch.from_numpy(w))
        bias = torch.from_numpy(b) if b is not None else torch.zeros(w.shape[0])
        if bn is None:
            conv.bias.copy_(bias)
            continue
        # BN(y) = gamma (y - mean) / sqrt(var + eps) + beta == y + bias for any mean/var with
        # gamma = sqrt(var + eps), beta = bias + mean: start from mean 0, var 1.
        bn.running_mean.zero_()
        bn.running_var.fill_(1.0)
        bn.weight.fill_(float(np.sqrt(1.0 + bn.eps)))
        bn.bias.copy_(bias)
    return meta


@torch.no_grad()
def calibrate_bn(model, batches, n_batches=20):
    """Set each batch norm's mean/var to its input's statistics on real chips, keeping the
    eval-mode function unchanged (beta absorbs the mean, gamma the scale)."""
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    sums = {bn: [0.0, 0.0, 0] for bn in bns}

    def hook(bn, inputs):
        x = inputs[0].double()
        s = sums[bn]
        s[0] = s[0] + x.mean((0, 2, 3))
        s[1] = s[1] + (x * x).mean((0, 2, 3))
        s[2] += 1

    handles = [bn.register_forward_pre_hook(hook) for bn in bns]
    model.eval()
    for _ in range(n_batches):
        model(next(batches)[0])
    for h in handles:
        h.remove()
    for bn in bns:
        s1, s2, n = sums[bn]
        mean = (s1 / n).float()
        var = (s2 / n).float() - mean * mean
        var = var.clamp(min=1e-4)
        # Current eval function: gamma (y - m0) / sqrt(v0 + eps) + beta; keep it with the new stats.
        scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
        shift = bn.bias - scale * bn.running_mean
        bn.running_mean.copy_(mean)
        bn.running_var.copy_(var)
        bn.weight.copy_(scale * torch.sqrt(var + bn.eps))
        bn.bias.copy_(shift + scale * mean)


def max_output_difference(model, path, size=256, seed=0):
    """Largest absolute difference between `model` and the ONNX file on one random input,
    run through onnxruntime-node (the runtime the product uses), per output."""
    import os
    import subprocess
    import tempfile

    from export import export_onnx

    rng = np.random.default_rng(seed)
    x = rng.normal(0, 1, (1, 3, size, size)).astype(np.float32)
    with tempfile.TemporaryDirectory() as tmp:
        mine = os.path.join(tmp, "loaded.onnx")
        export_onnx(model, mine, 0.4, "check")
        np.save(os.path.join(tmp, "x.npy"), x)
        x.tofile(os.path.join(tmp, "x.f32"))
        script = """
const ort = require('onnxruntime-node');
const fs = require('fs');
(async () => {
  const [a, b, xf, n] = process.argv.slice(2);
  const x = new Float32Array(fs.readFileSync(xf).buffer.slice(0));
  const feeds = { images: new ort.Tensor('float32', x, [1, 3, +n, +n]) };
  const ra = await (await ort.InferenceSession.create(a)).run(feeds);
  const rb = await (await ort.InferenceSession.create(b)).run(feeds);
  const out = {};
  for (const k of Object.keys(ra)) {
    let m = 0;
    for (let i = 0; i < ra[k].data.length; i++) m = Math.max(m, Math.abs(ra[k].data[i] - rb[k].data[i]));
    out[k] = m;
  }
  console.log(JSON.stringify(out));
})();
"""
        js = os.path.join(tmp, "cmp.cjs")
        with open(js, "w") as f:
            f.write(script)
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env = dict(os.environ, NODE_PATH=os.path.join(root, "node_modules"))
        res = subprocess.run(["node", js, mine, os.path.abspath(path), os.path.join(tmp, "x.f32"), str(size)],
                             capture_output=True, text=True, env=env, check=True)
        return json.loads(res.stdout.strip().splitlines()[-1])


def main(argv=None):
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from model import CenterNetSmall
    from train import ARCH

    path = (argv or sys.argv[1:])[0]
    model = CenterNetSmall(**ARCH)
    meta = load_folded(model, path)
    print(f"loaded {path} (version {meta.get('version')}); max |difference| per output:",
          json.dumps(max_output_difference(model.eval(), path)))


if __name__ == "__main__":
    main()
