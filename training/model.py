"""A small CenterNet-style detector for vehicles of 8-50 pixels at 0.3 m per pixel.

Backbone down to stride 16 with depthwise-separable blocks, an FPN-like path back
up to the output stride, and three heads in the "satcount-centernet" layout:
heatmap (sigmoid), wh in input pixels (exp), offset in cells (sigmoid).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

# wh is predicted as exp(raw) * WH_BASE so that a zero-initialised raw output
# already means a car-sized box (~12 px at 0.3 m).
WH_BASE = 12.0


def conv_bn(cin, cout, k=3, stride=1, groups=1, act=True):
    layers = [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    if act:
        layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


class SepBlock(nn.Module):
    """Depthwise 3x3 + pointwise 1x1, residual when the shape allows."""

    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.dw = conv_bn(cin, cin, 3, stride, groups=cin)
        self.pw = conv_bn(cin, cout, 1, act=False)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.pw(self.dw(x))
        return F.relu(y + x if self.residual else y)


def stage(cin, cout, depth, stride):
    blocks = [SepBlock(cin, cout, stride)]
    blocks += [SepBlock(cout, cout) for _ in range(depth - 1)]
    return nn.Sequential(*blocks)


class CenterNetSmall(nn.Module):
    def __init__(self, num_classes=2, stride=4, width=(16, 32, 64, 96), head_ch=32, depth=(2, 3, 3)):
        super().__init__()
        assert stride in (2, 4)
        c1, c2, c3, c4 = width
        self.stride = stride
        self.stem = conv_bn(3, c1, 3, 2)                                   # /2
        self.s4 = nn.Sequential(conv_bn(c1, c2, 3, 2), stage(c2, c2, depth[0], 1))  # /4
        self.s8 = stage(c2, c3, depth[1], 2)                               # /8
        self.s16 = stage(c3, c4, depth[2], 2)                              # /16
        self.lat16 = conv_bn(c4, head_ch, 1)
        self.lat8 = conv_bn(c3, head_ch, 1)
        self.lat4 = conv_bn(c2, head_ch, 1)
        self.fuse8 = SepBlock(head_ch, head_ch)
        self.fuse4 = SepBlock(head_ch, head_ch)
        if stride == 2:
            self.lat2 = conv_bn(c1, head_ch, 1)
            self.fuse2 = SepBlock(head_ch, head_ch)
        self.hm = self._head(head_ch, num_classes)
        self.wh = self._head(head_ch, 2)
        self.off = self._head(head_ch, 2)
        # CenterNet prior: start with a low heatmap probability everywhere.
        nn.init.constant_(self.hm[-1].bias, -4.6)
        nn.init.zeros_(self.wh[-1].weight)
        nn.init.zeros_(self.wh[-1].bias)

    @staticmethod
    def _head(cin, cout):
        return nn.Sequential(conv_bn(cin, cin, 3, groups=cin), conv_bn(cin, cin, 1), nn.Conv2d(cin, cout, 1))

    def features(self, x):
        f2 = self.stem(x)
        f4 = self.s4(f2)
        f8 = self.s8(f4)
        f16 = self.s16(f8)
        p = self.lat16(f16)
        p = self.fuse8(self.lat8(f8) + F.interpolate(p, scale_factor=2.0, mode="nearest"))
        p = self.fuse4(self.lat4(f4) + F.interpolate(p, scale_factor=2.0, mode="nearest"))
        if self.stride == 2:
            p = self.fuse2(self.lat2(f2) + F.interpolate(p, scale_factor=2.0, mode="nearest"))
        return p

    def forward_raw(self, x):
        """Logits for training: heatmap logits, log-wh, offset logits."""
        p = self.features(x)
        return self.hm(p), self.wh(p), self.off(p)

    def forward(self, x):
        hm, wh, off = self.forward_raw(x)
        return torch.sigmoid(hm), torch.exp(wh.clamp(max=4.0)) * WH_BASE, torch.sigmoid(off)


def param_count(model):
    return sum(p.numel() for p in model.parameters())
