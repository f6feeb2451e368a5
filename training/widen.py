"""Grow a trained network into a wider and deeper one that computes the same function, so the
extra capacity is trained from the shipped model's skill rather than from scratch (Net2Net-style:
Chen, Goodfellow & Shlens, 2016).

Every layer the two networks share keeps its weights in its first channels; a new input channel
of any convolution gets zero weight, so new channels change no old output until training moves
them; a new residual block starts as the identity (its last batch norm's scale and shift zero;
its input is already >= 0 after the block before's ReLU). New output channels keep their random
initialisation, so their gradients are not all alike.

    /usr/bin/python3 training/widen.py training/init/satcount-vehicles-3.1.0.onnx   # checks it
"""
import sys

import torch
import torch.nn as nn

from model import CenterNetSmall, SepBlock


@torch.no_grad()
def widen_into(small: CenterNetSmall, big: CenterNetSmall) -> CenterNetSmall:
    shared = dict(small.named_modules())
    for name, m in big.named_modules():
        src = shared.get(name)
        if isinstance(m, nn.Conv2d) and isinstance(src, nn.Conv2d):
            out_ch, in_ch = src.weight.shape[:2]
            m.weight[:out_ch, :in_ch] = src.weight
            if m.groups == 1:
                m.weight[:out_ch, in_ch:] = 0
            if m.bias is not None:
                m.bias[:out_ch] = src.bias
        elif isinstance(m, nn.BatchNorm2d) and isinstance(src, nn.BatchNorm2d):
            c = src.weight.shape[0]
            for attr in ("weight", "bias", "running_mean", "running_var"):
                getattr(m, attr)[:c] = getattr(src, attr)
        elif isinstance(m, SepBlock) and src is None:
            if not m.residual:
                raise ValueError(f"new block {name} is not residual: it cannot start as the identity")
            m.pw[1].weight.zero_()
            m.pw[1].bias.zero_()
    return big


def main(argv=None):
    """Widen the ONNX model's network into train.py's `wide` architecture and report the largest
    difference between the two on random inputs (eval mode)."""
    from onnx_init import load_folded
    from train import ARCH, ARCHS

    path = (argv or sys.argv[1:])[0]
    small = CenterNetSmall(**ARCH)
    load_folded(small, path)
    big = widen_into(small.eval(), CenterNetSmall(**ARCHS["wide"]).eval())
    x = torch.randn(2, 3, 160, 224)
    with torch.no_grad():
        diffs = [float((a - b).abs().max()) for a, b in zip(small(x), big(x))]
    print(f"{path}: widened; max |difference| heatmap {diffs[0]:.2e}, wh {diffs[1]:.2e}, offset {diffs[2]:.2e}")
    return 0 if max(diffs) < 1e-4 else 1


if __name__ == "__main__":
    sys.exit(main())
