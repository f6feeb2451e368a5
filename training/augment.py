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
