"""Writes the tiny ONNX models the tests use (tests/models/*.onnx), a few KB each.

Regenerate on purpose with:  /usr/bin/python3 training/make_test_models.py

blob-centernet.onnx is a hand-built detector in the satcount-centernet layout that finds bright
square blobs, so pipeline tests can count vehicles exactly without the trained model:
  - input `images` [1,3,256,256], RGB scaled to 0-1 (mean 0, std 1); gsd_m 0.3; class "car".
  - a pixel is "bright" when the mean of R, G, B exceeds 127.5 (soft step, sigmoid(50*(mean-0.5)));
  - brightness is averaged over 4x4 cells (stride 4, 64x64 grid) and smoothed with a 5x5 Gaussian
    (sigma 1 cell); heatmap = sigmoid(10 * (smoothed - 0.4));
  - offset = 0.5 + centroid of the bright mass in the 5x5 cells around, so the box centre is the
    blob's centroid; wh is a constant 16x16 pixels.
The other models return constant tensors in the YOLO layouts, with known boxes.
"""
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "models")
OPSET = 13

BLOB_INPUT = 256
BLOB_STRIDE = 4
BLOB_BOX = 16.0
BLOB_SIGMA_CELLS = 1.0
BLOB_MASS_MID = 0.4
BLOB_GAIN = 10.0


def const(name, array):
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(np.asarray(array), name))


def save(graph, path, metadata):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="satcount-tests")
    model.ir_version = 8
    for key, value in metadata.items():
        entry = model.metadata_props.add()
        entry.key = key
        entry.value = value
    onnx.checker.check_model(model)
    onnx.save(model, path)


def gaussian_kernel():
    r = np.arange(-2, 3, dtype=np.float32)
    g = np.exp(-(r[:, None] ** 2 + r[None, :] ** 2) / (2 * BLOB_SIGMA_CELLS ** 2))
    return (g / g.sum()).astype(np.float32).reshape(1, 1, 5, 5)


def blob_centernet(path):
    size = BLOB_INPUT
    cells = size // BLOB_STRIDE
    r = np.arange(-2, 3, dtype=np.float32)
    moments = np.stack([np.tile(r, (5, 1)), np.tile(r[:, None], (1, 5))]).reshape(2, 1, 5, 5)
    nodes = [
        helper.make_node("ReduceMean", ["images"], ["grey"], axes=[1], keepdims=1),
        const("half", np.float32(0.5)),
        const("step_gain", np.float32(50.0)),
        helper.make_node("Sub", ["grey", "half"], ["grey_c"]),
        helper.make_node("Mul", ["grey_c", "step_gain"], ["grey_s"]),
        helper.make_node("Sigmoid", ["grey_s"], ["bright"]),
        helper.make_node("AveragePool", ["bright"], ["cell"], kernel_shape=[BLOB_STRIDE] * 2, strides=[BLOB_STRIDE] * 2),
        const("gauss", gaussian_kernel()),
        helper.make_node("Conv", ["cell", "gauss"], ["mass"], pads=[2, 2, 2, 2]),
        const("mass_mid", np.float32(BLOB_MASS_MID)),
        const("mass_gain", np.float32(BLOB_GAIN)),
        helper.make_node("Sub", ["mass", "mass_mid"], ["mass_c"]),
        helper.make_node("Mul", ["mass_c", "mass_gain"], ["mass_s"]),
        helper.make_node("Sigmoid", ["mass_s"], ["heatmap"]),
        const("ones", np.ones((1, 1, 5, 5), np.float32)),
        const("moments", moments.astype(np.float32)),
        helper.make_node("Conv", ["cell", "ones"], ["local_mass"], pads=[2, 2, 2, 2]),
        helper.make_node("Conv", ["cell", "moments"], ["local_moment"], pads=[2, 2, 2, 2]),
        const("eps", np.float32(1e-6)),
        helper.make_node("Add", ["local_mass", "eps"], ["local_mass_e"]),
        helper.make_node("Div", ["local_moment", "local_mass_e"], ["shift"]),
        helper.make_node("Add", ["shift", "half"], ["offset"]),
        const("box", np.full((1, 2, 1, 1), BLOB_BOX, np.float32)),
        const("grid", np.array([1, 2, cells, cells], np.int64)),
        helper.make_node("Expand", ["box", "grid"], ["wh"]),
    ]
    graph = helper.make_graph(
        nodes,
        "blob_centernet",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, size, size])],
        [
            helper.make_tensor_value_info("heatmap", TensorProto.FLOAT, [1, 1, cells, cells]),
            helper.make_tensor_value_info("wh", TensorProto.FLOAT, [1, 2, cells, cells]),
            helper.make_tensor_value_info("offset", TensorProto.FLOAT, [1, 2, cells, cells]),
        ],
    )
    meta = {
        "name": "blob-centernet",
        "gsd_m": 0.3,
        "input_size": [size, size],
        "layout": "satcount-centernet",
        "stride": BLOB_STRIDE,
        "classes": ["car"],
        "score_threshold": 0.5,
        "nms_iou": 0.3,
        "tile_overlap": 32,
        "normalization": {"order": "rgb", "mean": [0, 0, 0], "std": [1, 1, 1]},
        "trained_on": None,
    }
    save(graph, path, {"satcount": json.dumps(meta)})


def constant_output(path, name, rows, shape, pad_axis, input_size, metadata):
    """A model whose single output is `rows` (given without the batch axis) zero-padded along axis
    `pad_axis` of the output to `shape`, plus 0 x the input so that the input stays in the graph."""
    rows = np.asarray(rows, np.float32).reshape([1] + list(np.shape(rows)))
    rank = len(shape)
    pads = [0] * (2 * rank)
    pads[rank + pad_axis] = shape[pad_axis] - rows.shape[pad_axis]
    nodes = [
        const("rows", rows),
        const("pads", np.array(pads, np.int64)),
        helper.make_node("Pad", ["rows", "pads"], ["padded"]),
        helper.make_node("ReduceMean", ["images"], ["level"], axes=[1, 2, 3], keepdims=0),
        const("zero", np.float32(0.0)),
        helper.make_node("Mul", ["level", "zero"], ["nothing"]),
        helper.make_node("Add", ["padded", "nothing"], [name]),
    ]
    graph = helper.make_graph(
        nodes,
        name,
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, input_size, input_size])],
        [helper.make_tensor_value_info(name, TensorProto.FLOAT, list(shape))],
    )
    save(graph, path, metadata)


# The same three boxes in every YOLO model, in 64x64 input pixels:
#   A [15,15,25,25] car 0.81, B: A shifted 1 px right, car 0.64 (IoU 0.82 with A, suppressed),
#   C [39,36,51,44] truck 0.63, D [6,46,14,54] car 0.15 (below every threshold).
YOLO_INPUT = 64
YOLO_ROWS = 84  # candidates; a 64 px YOLOv8 has 8x8 + 4x4 + 2x2


def yolov5(path):
    # cx, cy, w, h, objectness, car, truck; score = objectness x class
    rows = [
        [20, 20, 10, 10, 0.9, 0.9, 0.1],
        [21, 20, 10, 10, 0.8, 0.8, 0.2],
        [45, 40, 12, 8, 0.9, 0.1, 0.7],
        [10, 50, 8, 8, 0.5, 0.3, 0.2],
    ]
    constant_output(path, "output0", rows, [1, YOLO_ROWS * 3, 7], 1, YOLO_INPUT, {})


def yolov8_ultralytics(path):
    cols = np.array([
        [20, 20, 10, 10, 0.81, 0.1],
        [21, 20, 10, 10, 0.64, 0.2],
        [45, 40, 12, 8, 0.05, 0.63],
        [10, 50, 8, 8, 0.15, 0.1],
    ]).T
    meta = {
        "description": "Ultralytics YOLOv8n model trained on vehicles.yaml",
        "author": "Ultralytics",
        "task": "detect",
        "batch": "1",
        "stride": "32",
        "imgsz": "[64, 64]",
        "names": "{0: 'car', 1: 'truck'}",
    }
    constant_output(path, "output0", cols, [1, 6, YOLO_ROWS], 2, YOLO_INPUT, meta)


DOTA_NAMES = ["plane", "ship", "storage tank", "baseball diamond", "tennis court", "basketball court",
              "ground track field", "harbor", "bridge", "large vehicle", "small vehicle", "helicopter",
              "roundabout", "soccer ball field", "swimming pool"]


def yolov8_obb_dota(path):
    """Ultralytics YOLOv8-OBB `[1, 4+15+1, N]` with DOTA's classes; the last row is the angle (rad).
    Small vehicle 12x6 turned 90 degrees at (20, 20) -> axis-aligned [17,14,23,26];
    large vehicle 12x4 at 45 degrees at (44, 40) -> 8*sqrt2 = 11.31 square around it;
    a plane 30x30 at (40, 20), score 0.9 (not a vehicle: dropped by default, and must not
    suppress the large vehicle it overlaps); a ship below the threshold."""
    nc = len(DOTA_NAMES)
    cands = [
        (20, 20, 12, 6, "small vehicle", 0.8, np.pi / 2),
        (44, 40, 12, 4, "large vehicle", 0.7, np.pi / 4),
        (40, 30, 30, 30, "plane", 0.9, 0.0),
        (10, 54, 8, 4, "ship", 0.1, 0.3),
    ]
    cols = []
    for cx, cy, w, h, name, score, angle in cands:
        scores = [0.0] * nc
        scores[DOTA_NAMES.index(name)] = score
        cols.append([cx, cy, w, h, *scores, angle])
    meta = {
        "description": "Ultralytics YOLOv8n-obb model trained on DOTAv1.yaml",
        "author": "Ultralytics",
        "task": "obb",
        "batch": "1",
        "stride": "32",
        "imgsz": "[64, 64]",
        "names": repr(dict(enumerate(DOTA_NAMES))),
    }
    constant_output(path, "output0", np.array(cols).T, [1, 4 + nc + 1, YOLO_ROWS], 2, YOLO_INPUT, meta)


def yolov8_coco(path):
    """A multi-class YOLOv8 `[1, 4+8, N]` named like COCO's first classes: a person box (0.9)
    overlapping a car (0.6) must not suppress it; a bus and a train elsewhere."""
    names = ["person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck"]
    cands = [(20, 20, 10, 10, "car", 0.6), (21, 20, 10, 10, "person", 0.9), (45, 40, 12, 8, "bus", 0.7),
             (10, 50, 10, 6, "train", 0.8)]
    cols = []
    for cx, cy, w, h, name, score in cands:
        scores = [0.0] * len(names)
        scores[names.index(name)] = score
        cols.append([cx, cy, w, h, *scores])
    meta = {"task": "detect", "imgsz": "[64, 64]", "names": repr(dict(enumerate(names)))}
    constant_output(path, "output0", np.array(cols).T, [1, 4 + len(names), YOLO_ROWS], 2, YOLO_INPUT, meta)


def yolo26_deepness(path):
    rows = [
        [15, 15, 25, 25, 0.81, 0],
        [39, 36, 51, 44, 0.63, 1],
        [6, 46, 14, 54, 0.15, 0],
    ]
    meta = {
        "model_type": json.dumps("Detector"),
        "class_names": json.dumps({"0": "car", "1": "truck"}),
        "resolution": json.dumps(30),
        "tile_size": json.dumps(YOLO_INPUT),
        "tiles_overlap": json.dumps(25),
        "det_conf": json.dumps(0.4),
        "det_iou_thresh": json.dumps(0.5),
        "det_type": json.dumps("YOLO_Ultralytics"),
    }
    constant_output(path, "output0", rows, [1, 300, 6], 1, YOLO_INPUT, meta)


def unknown_layout(path):
    meta = {"satcount": json.dumps({"name": "unknown-layout", "gsd_m": 0.3, "input_size": [64, 64], "classes": ["car"]})}
    constant_output(path, "heatmap", np.zeros((2, 16, 1)), [1, 2, 16, 16], 3, YOLO_INPUT, meta)


def wrong_rank(path):
    """A valid model whose input is [1,3,64] (rank 3): satcount must refuse it (exit 3), not crash."""
    meta = {"satcount": json.dumps({"name": "wrong-rank", "gsd_m": 0.3, "input_size": [64, 64], "classes": ["car"]})}
    nodes = [helper.make_node("Identity", ["images"], ["output0"])]
    graph = helper.make_graph(
        nodes,
        "wrong_rank",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, 64])],
        [helper.make_tensor_value_info("output0", TensorProto.FLOAT, [1, 3, 64])],
    )
    save(graph, path, meta)


def dynamic_input(path):
    """The YOLOv5 boxes behind an input of symbolic size [1,3,size,size]: satcount takes the tile size
    from the metadata, and must refuse sizes it cannot allocate (exit 3) instead of crashing."""
    rows = [[20, 20, 10, 10, 0.9, 0.9, 0.1]]
    meta = {"satcount": json.dumps({"name": "dynamic-input", "gsd_m": 0.3, "input_size": [64, 64], "layout": "yolov5", "classes": ["car", "truck"]})}
    constant_output(path, "output0", rows, [1, YOLO_ROWS, 7], 1, "size", meta)


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    makers = {
        "blob-centernet.onnx": blob_centernet,
        "yolov5-plain.onnx": yolov5,
        "yolov8-ultralytics.onnx": yolov8_ultralytics,
        "yolo26-deepness.onnx": yolo26_deepness,
        "yolov8-obb-dota.onnx": yolov8_obb_dota,
        "yolov8-coco.onnx": yolov8_coco,
        "unknown-layout.onnx": unknown_layout,
        "wrong-rank.onnx": wrong_rank,
        "dynamic-input.onnx": dynamic_input,
    }
    for name, make in makers.items():
        path = os.path.join(OUT_DIR, name)
        make(path)
        print(f"{path}: {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
