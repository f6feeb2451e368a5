"""ONNX export in the satcount-centernet layout, with the contract's metadata."""
import copy
import json
import os

import onnx
import torch

from model import CenterNetSmall

MODEL_NAME = "satcount-vehicles"
CLASSES = ["car", "truck"]
GSD_M = 0.3
INPUT_SIZE = [512, 512]
MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]
TRAINED_ON = ("KIT AIS Data Set (CC BY 3.0); Minsk aerial cars (Y. Kharuzhy and the Minsk OpenStreetMap "
              "community, CC BY-SA) via jekhor/aerial-cars-dataset; vehicle-free SpaceNet Rio tiles, "
              "hand-checked vehicle-free regions of SpaceNet Las Vegas WorldView-3 tiles as negatives and the "
              "trainable Las Vegas tiles with reviewed pseudo-labels, 42 of them labelled by hand (SpaceNet, CC BY-SA "
              "4.0, imagery Maxar); "
              "UC Merced Land Use images (Yang & Newsam, ACM GIS 2010; USGS public domain): vehicle-free ones as "
              "negatives and 16 parking lots labelled by hand")


def metadata(stride, score_threshold, version, quality=None):
    """The `satcount` metadata; `quality` is the per-class, per-GSD list validate_cli.py measures."""
    meta = {
        "name": MODEL_NAME,
        "version": version,
        "gsd_m": GSD_M,
        "input_size": INPUT_SIZE,
        "layout": "satcount-centernet",
        "stride": stride,
        "classes": CLASSES,
        "score_threshold": round(float(score_threshold), 3),
        "nms_iou": 0.5,
        # Test-time mirror averaging by default: on every validation set it paid for its doubled
        # inference (models/README.md); `satcount --no-tta` turns it off.
        "tta": True,
        "tile_overlap": 64,
        "normalization": {"order": "rgb", "mean": MEAN, "std": STD},
        "trained_on": TRAINED_ON,
    }
    if quality:
        meta["quality"] = quality
    return meta


def export_onnx(model: CenterNetSmall, out_path: str, score_threshold: float, version: str, opset=17, quality=None):
    """Write the model to out_path atomically (temp file, then rename)."""
    net = copy.deepcopy(model).cpu().eval()
    dummy = torch.zeros(1, 3, INPUT_SIZE[1], INPUT_SIZE[0])
    tmp = out_path + ".tmp"
    dyn = {"images": {0: "n", 2: "h", 3: "w"}}
    for name in ("heatmap", "wh", "offset"):
        dyn[name] = {0: "n", 2: "h_out", 3: "w_out"}
    with torch.no_grad():
        torch.onnx.export(net, dummy, tmp, input_names=["images"], output_names=["heatmap", "wh", "offset"],
                          dynamic_axes=dyn, opset_version=opset, do_constant_folding=True)
    proto = onnx.load(tmp)
    entry = proto.metadata_props.add()
    entry.key = "satcount"
    entry.value = json.dumps(metadata(model.stride, score_threshold, version, quality))
    proto.producer_name = "satcount-training"
    onnx.checker.check_model(proto)
    onnx.save(proto, tmp)
    os.replace(tmp, out_path)
    return out_path


def main(argv=None):
    """Export one checkpoint (e.g. the last of a run rather than its best evaluation)."""
    import argparse

    from evaluate import load_checkpoint_model

    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--threshold", type=float, required=True, help="score_threshold written to the metadata")
    ap.add_argument("--version", required=True)
    ap.add_argument("--out", default=os.path.join(here, "..", "models", "satcount-vehicles.onnx"))
    ap.add_argument("--quality", help="JSON list of per-class, per-GSD quality entries (validate_cli.py --write-quality prints one)")
    args = ap.parse_args(argv)
    quality = None
    if args.quality:
        with open(args.quality) as f:
            quality = json.load(f)
    print(export_onnx(load_checkpoint_model(args.ckpt), args.out, args.threshold, args.version, quality=quality))


if __name__ == "__main__":
    main()
