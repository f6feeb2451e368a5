"""Training chips at the model's GSD: a background (labelled scene, real vehicle-free
imagery, or a synthetic road with markings) rendered at a simulated sensor GSD of
0.25-0.5 m, real vehicle crops pasted in packed layouts, the satellite sensor model
applied at the sensor GSD, then resampled to the model's 0.3 m (with +-20 % scale
jitter) -- the same path a user's 0.5 m image takes through the pipeline."""
import math

import cv2
import numpy as np

from augment import (asphalt, band_stretch, cast_shadow, glints, lean, pansharpen_chroma, photometric, resample, road_markings,
                     roof_with_units, rotate_about_centre, sensor, transform_boxes, tree_shadows, unsharp)
from data import MODEL_GSD

# Share of negative chips drawn from each group of vehicle-free imagery (data.py): the
# satellite roofs and the marinas/aprons are what version 2 fired on.
NEGATIVE_GROUPS = {"rio-pix4d": 0.35, "vegas": 0.25, "harbor": 0.15, "airplane": 0.15, "buildings": 0.10}


def crop_padded(img, x0, y0, x1, y1):
    """img[y0:y1, x0:x1] with zeros outside the image (nodata, as at a scene's edge)."""
    H, W = img.shape[:2]
    out = np.zeros((y1 - y0, x1 - x0) + img.shape[2:], img.dtype)
    sx0, sy0, sx1, sy1 = max(0, x0), max(0, y0), min(W, x1), min(H, y1)
    if sx1 > sx0 and sy1 > sy0:
        out[sy0 - y0:sy1 - y0, sx0 - x0:sx1 - x0] = img[sy0:sy1, sx0:sx1]
    return out


def render(img, src_gsd, cx, cy, angle, g, size_g, boxes=None):
    """A size_g x size_g view of img at GSD g, centred on (cx, cy), rotated by angle."""
    f = src_gsd / g
    half = int(size_g / f * 0.75) + 2
    x0, y0 = int(cx) - half, int(cy) - half
    crop = crop_padded(img, x0, y0, x0 + 2 * half, y0 + 2 * half)
    small = resample(crop, f)
    fa = small.shape[1] / crop.shape[1]
    out, m = rotate_about_centre(small, angle, size_g, border_value=(0, 0, 0))
    if boxes is None:
        return out, None
    b = (boxes - np.array([x0, y0, x0, y0], np.float32)) * fa
    return out, transform_boxes(b, m, angle)


def oriented_aabb(cx, cy, length, width, heading):
    c, s = abs(math.cos(heading)), abs(math.sin(heading))
    w, h = length * c + width * s, length * s + width * c
    return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]


def paste(canvas, entry, cx, cy, heading, length_px, width_px, rng):
    """Alpha-blend a vehicle crop, stretched to length_px x width_px (vehicle body, not
    counting context) and turned to heading (radians), centred on (cx, cy). In place."""
    body_l = entry["length_m"] / entry["gsd"]
    body_w = entry["width_m"] / entry["gsd"]
    sx, sy = length_px / body_l, width_px / body_w
    ch, cw = entry["rgb"].shape[:2]
    nw, nh = max(2, int(round(cw * sx))), max(2, int(round(ch * sy)))
    rgb = cv2.resize(entry["rgb"], (nw, nh), interpolation=cv2.INTER_AREA)
    alpha = cv2.resize(entry["alpha"], (nw, nh), interpolation=cv2.INTER_AREA)
    if rng.random() < 0.3:
        rgb = np.ascontiguousarray(rgb[:, :, rng.permutation(3)])
    if rng.random() < 0.5:
        rgb = np.clip(rgb.astype(np.float32) * rng.uniform(0.7, 1.3), 0, 255).astype(np.uint8)
    elif rng.random() < 0.3:
        # Dark cars on dark asphalt, low contrast: the satellite misses.
        rgb = np.clip(rgb.astype(np.float32) * rng.uniform(0.25, 0.55), 0, 255).astype(np.uint8)
    side = int(math.ceil(math.hypot(nw, nh))) + 2
    m = cv2.getRotationMatrix2D((nw / 2, nh / 2), -math.degrees(heading), 1.0)
    m[0, 2] += side / 2 - nw / 2
    m[1, 2] += side / 2 - nh / 2
    rgb = cv2.warpAffine(rgb, m, (side, side), flags=cv2.INTER_LINEAR)
    alpha = cv2.warpAffine(alpha, m, (side, side), flags=cv2.INTER_LINEAR)
    x0, y0 = int(round(cx - side / 2)), int(round(cy - side / 2))
    H, W = canvas.shape[:2]
    ax0, ay0, ax1, ay1 = max(0, x0), max(0, y0), min(W, x0 + side), min(H, y0 + side)
    if ax1 <= ax0 or ay1 <= ay0:
        return
    a = alpha[ay0 - y0:ay1 - y0, ax0 - x0:ax1 - x0, None]
    src = rgb[ay0 - y0:ay1 - y0, ax0 - x0:ax1 - x0].astype(np.float32)
    dst = canvas[ay0:ay1, ax0:ax1].astype(np.float32)
    canvas[ay0:ay1, ax0:ax1] = (src * a + dst * (1 - a)).astype(np.uint8)


# Share of chips that are synthetic (vehicle crops pasted on backgrounds) or cut from pseudo-labelled
# scenes: pseudo_p is taken out of it, so it may be at most this.
SYNTH_CHIP_P = 0.3


class ChipMaker:
    def __init__(self, frames, negatives, bank, out_size=128, model_gsd=MODEL_GSD, negative_p=0.2,
                 synth_frames=(), synth_p=0.12, pseudo_frames=(), pseudo_p=0.12, sharp_p=0.0, negative_shares=None):
        self.frames = frames
        self.pseudo_frames = list(pseudo_frames)
        self.pseudo_p = pseudo_p if self.pseudo_frames else 0.0
        self.synth_frames = list(synth_frames)
        self.synth_p = synth_p if self.synth_frames else 0.0
        self.negatives = negatives
        for neg in negatives:
            ys, xs = np.nonzero(neg["valid"])
            neg["valid_xy"] = np.stack([xs, ys], 1)
        groups = sorted({n.get("group", "rio-pix4d") for n in negatives})
        shares = {**NEGATIVE_GROUPS, **(negative_shares or {})}
        share = np.array([shares.get(g, 0.1) for g in groups])
        share /= share.sum()
        count = {g: sum(1 for n in negatives if n.get("group", "rio-pix4d") == g) for g in groups}
        self.neg_p = np.array([share[groups.index(n.get("group", "rio-pix4d"))] / count[n.get("group", "rio-pix4d")]
                               for n in negatives])
        self.cars = [e for e in bank if e["cls"] == 0]
        self.trucks = [e for e in bank if e["cls"] == 1]
        self.out = out_size
        self.model_gsd = model_gsd
        self.negative_p = negative_p
        self.sharp_p = sharp_p

    # --- layouts: lists of (x_m, y_m, heading, length_m, width_m, entry, cls) around (0, 0)
    def _vehicle(self, rng, truck_p=0.1):
        if rng.random() < truck_p:
            if self.trucks and rng.random() < 0.5:
                e = self.trucks[rng.integers(len(self.trucks))]
                return e, rng.uniform(8, 14), rng.uniform(2.3, 2.6), 1
            # Side-by-side trucks, trailers and short buses are rare in the data: make them
            # by stretching real vehicle crops to truck proportions (6.5-8 m short buses).
            e = self.cars[rng.integers(len(self.cars))]
            if rng.random() < 0.3:
                return e, rng.uniform(6.5, 8.5), rng.uniform(2.2, 2.5), 1
            return e, rng.uniform(10, 16), rng.uniform(2.3, 2.6), 1
        e = self.cars[rng.integers(len(self.cars))]
        return e, e["length_m"] * rng.uniform(0.9, 1.1), e["width_m"] * rng.uniform(0.9, 1.1), 0

    def _layout(self, rng):
        kind = rng.choice(["row", "double_row", "angled_row", "queue", "trucks", "scatter"],
                          p=[0.2, 0.15, 0.15, 0.2, 0.12, 0.18])
        phi = rng.uniform(0, 2 * math.pi)
        u = np.array([math.cos(phi), math.sin(phi)])      # vehicle heading
        v = np.array([-u[1], u[0]])                       # across
        items = []
        if kind == "angled_row":
            # Echelon parking: cars at 30-60 degrees to the row, neighbours' boxes overlap.
            skew = rng.uniform(math.radians(30), math.radians(60)) * rng.choice([-1, 1])
            n = int(rng.integers(4, 13))
            pitch = rng.uniform(2.5, 3.2) / math.sin(abs(skew))
            rows = [0.0] if rng.random() < 0.5 else [0.0, rng.uniform(5.0, 7.0)]
            for off in rows:
                for k in range(n):
                    if rng.random() < 0.12:
                        continue
                    e, L, Wd, c = self._vehicle(rng, truck_p=0.03)
                    p = v * (k - n / 2) * pitch + u * off + rng.normal(0, 0.12, 2)
                    h = phi + skew + rng.normal(0, 0.06) + (math.pi if rng.random() < 0.3 else 0)
                    items.append((p[0], p[1], h, L, Wd, e, c))
        elif kind in ("row", "double_row"):
            n = int(rng.integers(3, 13))
            pitch = rng.uniform(2.3, 3.2)
            rows = [0.0] if kind == "row" else [0.0, rng.uniform(5.0, 6.5)]
            for r, off in enumerate(rows):
                for k in range(n):
                    if rng.random() < 0.15:
                        continue
                    e, L, Wd, c = self._vehicle(rng, truck_p=0.05)
                    p = v * (k - n / 2) * pitch + u * off + rng.normal(0, 0.15, 2)
                    h = phi + rng.normal(0, 0.1) + (math.pi if rng.random() < 0.5 else 0)
                    items.append((p[0], p[1], h, L, Wd, e, c))
        elif kind == "queue":
            lanes = int(rng.integers(1, 4))
            lane_w = rng.uniform(3.0, 3.8)
            for lane in range(lanes):
                pos = rng.uniform(-20, -10)
                for _ in range(int(rng.integers(3, 11))):
                    e, L, Wd, c = self._vehicle(rng, truck_p=0.2)
                    pos += L / 2
                    p = u * pos + v * (lane - lanes / 2) * lane_w + v * rng.normal(0, 0.2)
                    items.append((p[0], p[1], phi + rng.normal(0, 0.04), L, Wd, e, c))
                    pos += L / 2 + rng.uniform(0.4, 2.5)
        elif kind == "trucks":
            n = int(rng.integers(2, 7))
            pitch = rng.uniform(3.0, 4.2)
            for k in range(n):
                e, L, Wd, c = self._vehicle(rng, truck_p=1.0)
                p = v * (k - n / 2) * pitch + u * rng.normal(0, 1.0)
                items.append((p[0], p[1], phi + rng.normal(0, 0.03), L, Wd, e, c))
        else:
            for _ in range(int(rng.integers(1, 7))):
                e, L, Wd, c = self._vehicle(rng, truck_p=0.15)
                p = rng.uniform(-15, 15, 2)
                items.append((p[0], p[1], rng.uniform(0, 2 * math.pi), L, Wd, e, c))
        return items

    def _paste_layouts(self, canvas, g, boxes, classes, rng):
        size = canvas.shape[0]
        for _ in range(int(rng.integers(1, 3))):
            centre = rng.uniform(0.15, 0.85, 2) * size
            for x, y, h, L, Wd, e, c in self._layout(rng):
                cx, cy = centre[0] + x / g, centre[1] + y / g
                if not (0 <= cx < size and 0 <= cy < size):
                    continue
                box = oriented_aabb(cx, cy, L / g, Wd / g, h)
                # Diagonal neighbours' axis-aligned boxes overlap a lot; judge by the bodies.
                if boxes and _max_cover(box, boxes) > (0.5 if abs(math.sin(2 * h)) > 0.5 else 0.25):
                    continue
                paste(canvas, e, cx, cy, h, L / g, Wd / g, rng)
                boxes.append(box)
                classes.append(c)

    def make(self, rng):
        """One chip: (RGB uint8 out x out x 3, boxes [n, 4] in chip pixels, classes [n]; class -1
        marks a do-not-care box)."""
        j = rng.uniform(0.8, 1.2)                      # scale jitter: chip is 0.3*j m/px, called 0.3
        ground = self.out * self.model_gsd * j
        g = rng.uniform(0.25, 0.5)                     # simulated sensor GSD
        angle = float(rng.integers(4) * 90) if rng.random() < 0.5 else rng.uniform(0, 360)
        kind = rng.choice(["scene", "synth_scene", "negative", "synth", "pseudo_scene"],
                          p=[1 - SYNTH_CHIP_P - self.negative_p - self.synth_p, self.synth_p, self.negative_p,
                             SYNTH_CHIP_P - self.pseudo_p, self.pseudo_p])
        boxes, classes = [], []
        if kind in ("scene", "synth_scene", "pseudo_scene"):
            frames = {"scene": self.frames, "synth_scene": self.synth_frames, "pseudo_scene": self.pseudo_frames}[kind]
            fr = frames[rng.integers(len(frames))]
            # A rendered scene is already at its sensor's GSD: never sharpen it.
            g = max(g, fr["gsd"])
            size_g = int(round(ground / g))
            H, W = fr["img"].shape[:2]
            # Half the scene chips are centred anywhere, so plazas, roofs and pavements
            # with their kiosks, planters and vents (unlabelled: not vehicles) are seen often.
            if len(fr["boxes"]) and rng.random() < 0.5:
                b = fr["boxes"][rng.integers(len(fr["boxes"]))]
                cx, cy = (b[0] + b[2]) / 2 + rng.normal(0, 8 / fr["gsd"]), (b[1] + b[3]) / 2 + rng.normal(0, 8 / fr["gsd"])
            else:
                cx, cy = rng.uniform(0, W), rng.uniform(0, H)
            canvas, b = render(fr["img"], fr["gsd"], cx, cy, angle, g, size_g, fr["boxes"])
            boxes, classes = list(map(list, b)), list(fr["cls"])
            if rng.random() < 0.35:
                self._paste_layouts(canvas, g, boxes, classes, rng)
        elif kind == "negative":
            neg = self.negatives[rng.choice(len(self.negatives), p=self.neg_p)]
            g = max(g, neg["gsd"])
            size_g = int(round(ground / g))
            hot = neg.get("hotspots")
            if hot is not None and len(hot) and rng.random() < 0.6:
                # Centre on one of the model's own false alarms (mined), a few metres off.
                cx, cy = hot[rng.integers(len(hot))] + rng.normal(0, 3 / neg["gsd"], 2)
            else:
                k = rng.integers(len(neg["valid_xy"]))
                cx, cy = neg["valid_xy"][k]
            canvas, _ = render(neg["img"], neg["gsd"], cx, cy, angle, g, size_g)
            if rng.random() < 0.4:
                self._paste_layouts(canvas, g, boxes, classes, rng)
        else:
            size_g = int(round(ground / g))
            if rng.random() < 0.2:
                canvas = roof_with_units(size_g, rng, g)
            else:
                canvas = asphalt(size_g, rng)
                if rng.random() < 0.3:
                    canvas = (canvas * rng.uniform(0.3, 0.6)).astype(np.uint8)   # dark fresh asphalt
                if rng.random() < 0.85:
                    road_markings(canvas, rng, g)
                if rng.random() < 0.35:
                    canvas = tree_shadows(canvas, rng, g)
            if rng.random() < 0.75:
                self._paste_layouts(canvas, g, boxes, classes, rng)
        if kind == "negative" and rng.random() < 0.15:
            canvas = tree_shadows(canvas, rng, g)
        if rng.random() < 0.3:
            canvas = cast_shadow(canvas, rng, g)
        if rng.random() < 0.15:
            centres = [((b[0] + b[2]) / 2, (b[1] + b[3]) / 2) for b in boxes]
            canvas = glints(canvas, rng, g, centres[:: max(1, len(centres) // 3)] if centres else None)
        if rng.random() < 0.2:
            canvas, lb = lean(canvas, boxes, rng)
            boxes = [list(b) for b in lb]
        if rng.random() < 0.3:
            canvas = band_stretch(canvas, rng)
        if rng.random() < 0.85:
            canvas = photometric(canvas, rng)
        if rng.random() < 0.4:
            canvas = pansharpen_chroma(canvas, rng.uniform(2.0, 4.0))
        if rng.random() < 0.05:
            # Panchromatic imagery comes in as one band repeated.
            canvas = np.repeat(cv2.cvtColor(canvas, cv2.COLOR_RGB2GRAY)[:, :, None], 3, axis=2)
        jq = int(rng.integers(60, 96)) if rng.random() < 0.7 else None
        blur, noise = rng.uniform(0.35, 1.0), rng.uniform(0.5, 4.0)
        # Real pansharpened products are sharper than any blur here (training/README.md "Round 13");
        # drawn only when asked for, so the chips of earlier runs (sharp_p 0) stay as they were.
        if self.sharp_p and rng.random() < self.sharp_p:
            canvas, blur = unsharp(canvas, rng), 0.0
        canvas = sensor(canvas, rng, blur, noise, jq)
        f = self.out / canvas.shape[0]
        chip = cv2.resize(canvas, (self.out, self.out), interpolation=cv2.INTER_AREA if f < 1 else cv2.INTER_LINEAR)
        if rng.random() < 0.2:
            chip = cv2.imdecode(cv2.imencode(".jpg", chip, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(70, 96))])[1],
                                cv2.IMREAD_UNCHANGED)
        b = np.array(boxes, np.float32).reshape(-1, 4) * f
        c = np.array(classes, np.int64)
        if rng.random() < 0.5:
            chip = np.ascontiguousarray(chip[:, ::-1])
            b = np.stack([self.out - b[:, 2], b[:, 1], self.out - b[:, 0], b[:, 3]], 1)
        return chip, *_keep_visible(b, c, self.out)


def _max_cover(box, boxes):
    """Largest fraction of `box` covered by any of `boxes`."""
    b = np.array(boxes, np.float32)
    ix = np.clip(np.minimum(box[2], b[:, 2]) - np.maximum(box[0], b[:, 0]), 0, None)
    iy = np.clip(np.minimum(box[3], b[:, 3]) - np.maximum(box[1], b[:, 1]), 0, None)
    area = max(1e-6, (box[2] - box[0]) * (box[3] - box[1]))
    return float((ix * iy).max() / area)


def _keep_visible(boxes, classes, size):
    """Keep objects whose centre is in the chip and at least 40 % of whose box is."""
    if len(boxes) == 0:
        return boxes.reshape(0, 4), classes.reshape(0)
    cx, cy = (boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2
    clipped = np.clip(boxes, 0, size)
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    vis = (clipped[:, 2] - clipped[:, 0]) * (clipped[:, 3] - clipped[:, 1]) / np.maximum(area, 1e-6)
    keep = (cx >= 0) & (cx < size) & (cy >= 0) & (cy < size) & (vis >= 0.4)
    return boxes[keep], classes[keep]


def make_targets(boxes, classes, size, stride, num_classes):
    """CenterNet targets: Gaussian heatmap peaked at each centre's cell, and per-cell wh
    (input pixels), offset (centre/stride - floor) and a mask where a centre lies. A class below 0
    is do-not-care (a pseudo label the labelling model was unsure of): its Gaussian goes into every
    class at 0.99, which the focal loss's (1 - gt)^4 weight turns into almost no penalty there, and it
    is never a positive or a size target."""
    hs = size // stride
    hm = np.zeros((num_classes, hs, hs), np.float32)
    wh = np.zeros((2, hs, hs), np.float32)
    off = np.zeros((2, hs, hs), np.float32)
    mask = np.zeros((hs, hs), np.float32)
    ys, xs = np.mgrid[0:hs, 0:hs]
    for (x1, y1, x2, y2), c in zip(boxes, classes):
        w, h = x2 - x1, y2 - y1
        cx, cy = (x1 + x2) / 2 / stride, (y1 + y2) / 2 / stride
        ix, iy = min(hs - 1, int(cx)), min(hs - 1, int(cy))
        sx, sy = max(0.5, 0.54 * w / 6 / stride), max(0.5, 0.54 * h / 6 / stride)
        g = np.exp(-((xs - ix) ** 2) / (2 * sx * sx) - ((ys - iy) ** 2) / (2 * sy * sy))
        if c < 0:
            np.maximum(hm, 0.99 * g, out=hm)
            continue
        np.maximum(hm[c], g, out=hm[c])
        wh[:, iy, ix] = (w, h)
        off[:, iy, ix] = (cx - ix, cy - iy)
        mask[iy, ix] = 1
    return hm, wh, off, mask
