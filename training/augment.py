"""Image-space operations: resampling by ground sample distance, the satellite sensor
model (optical blur, noise, JPEG, colour/haze), rotation of chips and boxes, and
synthetic clutter (road markings, arrows, roof equipment) used as negatives.

Images are RGB uint8 HxWx3 numpy arrays; boxes are float arrays [n, 4] of x1, y1, x2, y2
in pixels of the image they belong to.
"""
import math

import cv2
import numpy as np


def resample(img, factor, upsample_interp=cv2.INTER_LINEAR):
    """Scale an image by `factor`, anti-aliased (INTER_AREA) when shrinking."""
    h, w = img.shape[:2]
    nw, nh = max(1, int(round(w * factor))), max(1, int(round(h * factor)))
    interp = cv2.INTER_AREA if factor < 1 else upsample_interp
    return cv2.resize(img, (nw, nh), interpolation=interp)


def jpeg(img, quality):
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    return cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)


def sensor(img, rng, blur_sigma, noise_sigma, jpeg_q):
    """Optical blur (Gaussian PSF, sigma in pixels of img), additive noise, JPEG."""
    out = img
    if blur_sigma > 0:
        out = cv2.GaussianBlur(out, (0, 0), blur_sigma)
    if noise_sigma > 0:
        noise = rng.normal(0, noise_sigma, out.shape).astype(np.float32)
        out = np.clip(out.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    if jpeg_q is not None:
        out = jpeg(out, jpeg_q)
    return out


def unsharp(img, rng):
    """Unsharp masking (amount 0.3-1.2, radius sigma 0.7-1.5 px), as vendors sharpen pansharpened
    products: edges overshoot and small cars stand out harder than any sensor blur leaves them."""
    amount, sigma = rng.uniform(0.3, 1.2), rng.uniform(0.7, 1.5)
    soft = cv2.GaussianBlur(img, (0, 0), sigma).astype(np.float32)
    return np.clip(img.astype(np.float32) * (1 + amount) - soft * amount, 0, 255).astype(np.uint8)


def simulate_gsd(img, src_gsd, sim_gsd, model_gsd=0.3, blur_sigma=0.6, noise_sigma=2.0, jpeg_q=85, seed=0):
    """The fixed, deterministic degradation used for validation (and documented for
    `satcount eval --simulate-gsd`): INTER_AREA to sim_gsd, Gaussian blur sigma 0.6 px,
    noise sigma 2 DN, JPEG q85 (all at sim_gsd), then bilinear to the model's GSD. These values
    mirror src/optics/sensor.ts (SENSOR), the sensor model synth and eval share; change both together.
    Returns the image and the scale factor from source pixels to model pixels."""
    rng = np.random.default_rng(seed)
    low = sensor(resample(img, src_gsd / sim_gsd), rng, blur_sigma, noise_sigma, jpeg_q)
    out = resample(low, sim_gsd / model_gsd)
    return out, src_gsd / model_gsd


def pansharpen_chroma(img, factor):
    """Colour at `factor` times the pixel size, brightness at full resolution: what a
    pansharpened product (WorldView, Pleiades, SkySat) looks like, with colour bleeding
    around small bright objects."""
    ycc = cv2.cvtColor(img, cv2.COLOR_RGB2YCrCb)
    h, w = img.shape[:2]
    small = cv2.resize(ycc[:, :, 1:], (max(1, int(w / factor)), max(1, int(h / factor))), interpolation=cv2.INTER_AREA)
    ycc[:, :, 1:] = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.cvtColor(ycc, cv2.COLOR_YCrCb2RGB)


def cast_shadow(img, rng, gsd):
    """Darken a soft-edged blob 8-30 m across, as a building or tree shadow falling over
    the road and the vehicles on it (dark cars in shadow are the ones a detector misses)."""
    h, w = img.shape[:2]
    mask = np.zeros((h, w), np.float32)
    centre = rng.uniform(0, 1, 2) * (w, h)
    radius = rng.uniform(4, 15) / gsd
    angles = np.sort(rng.uniform(0, 2 * math.pi, int(rng.integers(5, 10))))
    pts = centre + np.stack([np.cos(angles), np.sin(angles)], 1) * radius * rng.uniform(0.5, 1.3, (len(angles), 1))
    cv2.fillPoly(mask, [np.round(pts).astype(np.int32)], 1.0)
    mask = cv2.GaussianBlur(mask, (0, 0), max(0.8, rng.uniform(0.3, 1.0) / gsd))[:, :, None]
    # Shadows are lit by the blue sky: darker in red than in blue.
    gain = rng.uniform(0.3, 0.6) * np.array([0.92, 1.0, 1.12], np.float32)
    out = img.astype(np.float32) * (1 - mask + mask * gain)
    return np.clip(out, 0, 255).astype(np.uint8)


def photometric(img, rng):
    """Colour, brightness, contrast, gamma, saturation and haze jitter."""
    x = img.astype(np.float32) / 255.0
    gains = rng.uniform(0.85, 1.15, 3).astype(np.float32)
    x = x * gains
    mean = x.mean()
    x = (x - mean) * rng.uniform(0.6, 1.3) + mean + rng.uniform(-0.15, 0.15)
    grey = x.mean(axis=2, keepdims=True)
    x = grey + (x - grey) * rng.uniform(0.4, 1.4)
    if rng.random() < 0.35:
        haze_colour = np.array([0.75, 0.78, 0.82], np.float32) * rng.uniform(0.8, 1.1)
        a = rng.uniform(0.1, 0.45)
        x = x * (1 - a) + haze_colour * a
    x = np.clip(x, 0, 1) ** rng.uniform(0.75, 1.35)
    return (np.clip(x, 0, 1) * 255).astype(np.uint8)


def rotate_about_centre(img, angle_deg, out_size, scale=1.0, border_value=None):
    """Rotate img about its centre and crop out_size x out_size from the middle.
    Returns the image and the 2x3 affine matrix (source -> output)."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), angle_deg, scale)
    m[0, 2] += out_size / 2.0 - w / 2.0
    m[1, 2] += out_size / 2.0 - h / 2.0
    mode = cv2.BORDER_REFLECT101 if border_value is None else cv2.BORDER_CONSTANT
    out = cv2.warpAffine(img, m, (out_size, out_size), flags=cv2.INTER_LINEAR, borderMode=mode,
                         borderValue=border_value if border_value is not None else 0)
    return out, m


def transform_boxes(boxes, m, angle_deg):
    """Axis-aligned boxes through a rotation: centres exactly; sizes as the mean of the
    rotated rectangle's and the rotated inscribed ellipse's bounding boxes, because the
    labels do not say which way a vehicle inside an axis-aligned box points."""
    if len(boxes) == 0:
        return boxes.reshape(0, 4)
    scale = math.hypot(m[0, 0], m[0, 1])
    cx = (boxes[:, 0] + boxes[:, 2]) / 2
    cy = (boxes[:, 1] + boxes[:, 3]) / 2
    w = (boxes[:, 2] - boxes[:, 0]) * scale
    h = (boxes[:, 3] - boxes[:, 1]) * scale
    ncx = m[0, 0] * cx + m[0, 1] * cy + m[0, 2]
    ncy = m[1, 0] * cx + m[1, 1] * cy + m[1, 2]
    t = math.radians(angle_deg)
    c, s = abs(math.cos(t)), abs(math.sin(t))
    rw, rh = w * c + h * s, w * s + h * c
    ew = np.sqrt((w * c) ** 2 + (h * s) ** 2)
    eh = np.sqrt((w * s) ** 2 + (h * c) ** 2)
    nw, nh = (rw + ew) / 2, (rh + eh) / 2
    return np.stack([ncx - nw / 2, ncy - nh / 2, ncx + nw / 2, ncy + nh / 2], 1)


def asphalt(size, rng):
    """A plain road or car-park surface: grey with low-frequency variation and grain."""
    base = rng.uniform(60, 150)
    tint = rng.uniform(-8, 8, 3)
    low = cv2.resize(rng.normal(0, 1, (6, 6)).astype(np.float32), (size, size), interpolation=cv2.INTER_CUBIC)
    img = base + tint[None, None, :] + low[:, :, None] * rng.uniform(2, 12)
    img = img + rng.normal(0, rng.uniform(1, 6), (size, size, 1))
    return np.clip(img, 0, 255).astype(np.uint8)


def _paint_poly(img, pts, colour):
    cv2.fillPoly(img, [np.round(pts * 16).astype(np.int32)], colour, lineType=cv2.LINE_AA, shift=4)


def _oriented_rect(cx, cy, length, width, angle):
    c, s = math.cos(angle), math.sin(angle)
    dx = np.array([c, s]) * length / 2
    dy = np.array([-s, c]) * width / 2
    centre = np.array([cx, cy])
    return np.array([centre - dx - dy, centre + dx - dy, centre + dx + dy, centre - dx + dy])


def road_markings(img, rng, gsd):
    """Paint the vehicle-free clutter the detector must not count: lane dashes, stop
    lines, zebra crossings, turn arrows (thin, white, the size of a car), painted
    parking bays, and rooftop-like boxes of non-vehicle sizes. In place; gsd in m/px."""
    h, w = img.shape[:2]
    px = 1.0 / gsd
    white = tuple(int(v) for v in np.clip(rng.uniform(190, 250) + rng.uniform(-10, 10, 3), 0, 255))
    angle = rng.uniform(0, math.pi)
    c, s = math.cos(angle), math.sin(angle)
    for _ in range(rng.integers(1, 4)):                     # dashed lane lines
        off = rng.uniform(-0.5, 0.5) * w
        step = rng.uniform(6, 12) * px
        for k in range(-8, 9):
            cx = w / 2 + c * k * step - s * off
            cy = h / 2 + s * k * step + c * off
            _paint_poly(img, _oriented_rect(cx, cy, rng.uniform(2, 4) * px, 0.15 * px + 0.5, angle), white)
    if rng.random() < 0.5:                                  # zebra crossing
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        for k in range(-4, 5):
            _paint_poly(img, _oriented_rect(cx + c * k * 1.0 * px, cy + s * k * 1.0 * px, 0.5 * px,
                                            rng.uniform(3, 5) * px, angle), white)
    for _ in range(rng.integers(0, 3)):                     # turn arrows
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        a = angle + rng.choice([0, math.pi])
        length, shaft = rng.uniform(4, 6) * px, rng.uniform(0.2, 0.4) * px
        _paint_poly(img, _oriented_rect(cx, cy, length, shaft, a), white)
        tip = np.array([cx, cy]) + np.array([math.cos(a), math.sin(a)]) * length / 2
        side = np.array([-math.sin(a), math.cos(a)]) * rng.uniform(0.6, 1.0) * px
        back = np.array([math.cos(a), math.sin(a)]) * 1.5 * px
        _paint_poly(img, np.array([tip + back * 0.6, tip - back + side, tip - back - side]), white)
    if rng.random() < 0.4:                                  # empty parking bays
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        for k in range(rng.integers(3, 10)):
            p = np.array([cx, cy]) + np.array([c, s]) * k * 2.5 * px
            _paint_poly(img, _oriented_rect(p[0], p[1], 0.15 * px + 0.5, 5 * px, angle), white)
    for _ in range(rng.integers(0, 3)):                     # kerbs, walls, rails: long, unbroken
        a = angle + rng.normal(0, 0.3)
        p = np.array([rng.uniform(0, w), rng.uniform(0, h)])
        shade = tuple(int(v) for v in np.clip(rng.uniform(120, 245) + rng.uniform(-10, 10, 3), 0, 255))
        _paint_poly(img, _oriented_rect(p[0], p[1], 2 * (w + h), rng.uniform(0.2, 1.2) * px, a), shade)
    for _ in range(rng.integers(0, 4)):                     # roof units, skylights, manholes
        side = rng.uniform(0.8, 3.0) * px
        colour = tuple(int(v) for v in rng.uniform(40, 240, 3))
        rect = _oriented_rect(rng.uniform(0, w), rng.uniform(0, h), side, side * rng.uniform(0.8, 1.2),
                              rng.uniform(0, math.pi))
        if rng.random() < 0.6:                              # with its drop shadow, like a car's
            _paint_poly(img, rect + rng.uniform(0.3, 1.0, 2) * px, tuple(int(v * 0.45) for v in img[0, 0]))
        _paint_poly(img, rect, colour)
    return img


def band_stretch(img, rng):
    """A different 11/16-bit -> 8-bit rendering of the same scene. Real products come with a
    per-band 2-98 % stretch (natural colour), a stretch shared across bands (a colour cast,
    e.g. green on WorldView-3), or a low dynamic range quantised late (banding, dark)."""
    x = img.astype(np.float32)
    kind = rng.choice(["per_band", "shared_cast", "low_range"])
    if kind == "low_range":
        # Most of the scene in the bottom of the sensor's range: quantise there, stretch back.
        k = rng.uniform(0.15, 0.4)
        x = np.round(x * k) / k
    elif kind == "shared_cast":
        x = x * rng.uniform(0.65, 1.45, 3).astype(np.float32)
    lo_p, hi_p = rng.uniform(0.5, 5.0), rng.uniform(95.0, 99.8)
    if kind == "shared_cast":
        lo = np.full(3, np.percentile(x, lo_p), np.float32)
        hi = np.full(3, np.percentile(x, hi_p), np.float32)
    else:
        lo = np.percentile(x.reshape(-1, 3), lo_p, axis=0).astype(np.float32)
        hi = np.percentile(x.reshape(-1, 3), hi_p, axis=0).astype(np.float32)
    x = (x - lo) / np.maximum(hi - lo, 1.0) * 255.0
    return np.clip(x, 0, 255).astype(np.uint8)


def tree_shadows(img, rng, gsd):
    """A row of tree crowns and their shadows along a road edge (kerb line): round, lobed,
    car-sized dark blobs that are not vehicles. In place-free: returns a new image."""
    h, w = img.shape[:2]
    out = img.astype(np.float32)
    a = rng.uniform(0, math.pi)
    u = np.array([math.cos(a), math.sin(a)])
    n_ = np.array([-u[1], u[0]])
    base = np.array([w, h]) / 2 + n_ * rng.uniform(-0.35, 0.35) * min(w, h)
    sun = rng.uniform(0, 2 * math.pi)
    sdir = np.array([math.cos(sun), math.sin(sun)])
    shadow = np.zeros((h, w), np.float32)
    crowns = []
    pos = rng.uniform(-0.6, -0.4) * max(w, h)
    while pos < 0.6 * max(w, h):
        r = rng.uniform(1.5, 4.0) / gsd
        c = base + u * pos + n_ * rng.normal(0, 1.0 / gsd)
        lobes = int(rng.integers(4, 8))
        for _ in range(lobes):
            cc = c + rng.normal(0, r * 0.3, 2)
            cv2.circle(shadow, tuple(int(v) for v in cc + sdir * r * rng.uniform(0.8, 1.6)), int(r * rng.uniform(0.5, 0.8)), 1.0, -1)
            crowns.append((cc, r * rng.uniform(0.45, 0.7)))
        pos += rng.uniform(2.2, 5.0) * r
    shadow = cv2.GaussianBlur(shadow, (0, 0), max(0.7, 0.3 / gsd))[:, :, None]
    gain = rng.uniform(0.3, 0.6) * np.array([0.92, 1.0, 1.12], np.float32)
    out = out * (1 - shadow + shadow * gain)
    if rng.random() < 0.6:
        green = np.array([rng.uniform(40, 90), rng.uniform(60, 110), rng.uniform(30, 70)], np.float32)
        crown = np.zeros((h, w), np.float32)
        for cc, r in crowns:
            cv2.circle(crown, tuple(int(v) for v in cc), int(r), 1.0, -1)
        crown = cv2.GaussianBlur(crown, (0, 0), max(0.7, 0.3 / gsd))[:, :, None]
        tex = rng.normal(0, 12, (h, w, 1)).astype(np.float32)
        out = out * (1 - crown) + (green + tex) * crown
    return np.clip(out, 0, 255).astype(np.uint8)


def roof_with_units(size, rng, gsd):
    """A flat commercial roof with rows of HVAC units and skylights, each with its drop
    shadow: the worst false alarms on real satellite imagery (rows of car-sized boxes)."""
    base = rng.uniform(110, 230)
    img = np.clip(base + rng.uniform(-10, 10, 3)[None, None] + rng.normal(0, 3, (size, size, 1)), 0, 255).astype(np.float32)
    img = img.astype(np.uint8)
    px = 1.0 / gsd
    a = rng.choice([0.0, math.pi / 2]) + rng.normal(0, 0.05)
    c, s = math.cos(a), math.sin(a)
    pitch_r, pitch_c = rng.uniform(4, 12) * px, rng.uniform(3, 10) * px
    L, W = rng.uniform(1.2, 4.5) * px, rng.uniform(1.0, 2.5) * px
    colour = tuple(int(v) for v in np.clip(rng.uniform(60, 250) + rng.uniform(-15, 15, 3), 0, 255))
    shade = tuple(int(v * rng.uniform(0.35, 0.6)) for v in img[0, 0])
    sh = rng.uniform(0.3, 1.2, 2) * px
    n = int(size / min(pitch_r, pitch_c)) + 2
    for i in range(-n, n):
        for j in range(-n, n):
            if rng.random() < 0.2:
                continue
            x = size / 2 + (i * pitch_c) * c - (j * pitch_r) * s
            y = size / 2 + (i * pitch_c) * s + (j * pitch_r) * c
            if not (-L < x < size + L and -L < y < size + L):
                continue
            rect = _oriented_rect(x, y, L, W, a)
            _paint_poly(img, rect + sh, shade)
            _paint_poly(img, rect, colour)
    if rng.random() < 0.5:                                  # a parapet or roof edge
        p = np.array([rng.uniform(0, size), rng.uniform(0, size)])
        _paint_poly(img, _oriented_rect(p[0], p[1], 3 * size, rng.uniform(0.3, 1.0) * px, a), shade)
    return img


def glints(img, rng, gsd, centres=None):
    """Specular glints: 1-2 px saturated spots (windscreens, roof metal, water)."""
    h, w = img.shape[:2]
    pts = list(centres) if centres is not None and len(centres) else []
    pts += [rng.uniform(0, 1, 2) * (w, h) for _ in range(int(rng.integers(0, 6)))]
    for x, y in pts:
        if rng.random() < 0.5:
            r = max(1, int(round(rng.uniform(0.2, 0.5) / gsd)))
            cv2.circle(img, (int(x + rng.normal(0, 1)), int(y + rng.normal(0, 1))), r, (255, 255, 255), -1)
    return img


def lean(img, boxes, rng, max_shear=0.08):
    """Slight off-nadir geometry: a small shear and anisotropic scale of the whole chip,
    boxes mapped as the axis-aligned hull of their transformed corners."""
    h, w = img.shape[:2]
    sx, sy = rng.uniform(-max_shear, max_shear, 2)
    ky = rng.uniform(0.9, 1.0)
    m = np.array([[1.0, sx, 0.0], [sy, ky, 0.0]], np.float32)
    centre = np.array([w / 2, h / 2], np.float32)
    m[:, 2] = centre - m[:, :2] @ centre
    out = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT101)
    if len(boxes) == 0:
        return out, boxes
    b = np.asarray(boxes, np.float32).reshape(-1, 4)
    corners = np.stack([b[:, [0, 1]], b[:, [2, 1]], b[:, [0, 3]], b[:, [2, 3]]], 1)
    t = corners @ m[:, :2].T + m[:, 2]
    return out, np.concatenate([t.min(1), t.max(1)], 1)
