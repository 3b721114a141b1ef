#!/usr/bin/env python3
"""PyTorch's single-thread float32 evaluation of the shipped models, for `npm run bench`.

Reads public/models/<id>/model.json + weights.bin (TF.js layers format) with numpy, builds the same
network in torch (Conv2D, MaxPooling2D, Flatten, Dense; Keras's channels-last flatten order is
kept by permuting the first Dense layer's rows once), runs the whole test set of
public/data/<dataset>/ at one thread (`torch.set_num_threads(1)`) in the app's batches (the
largest activation capped at 16M floats, as src/features/model/worker/evaluate.ts does) and
prints, per model, the median milliseconds over --runs runs after a warm-up and the correct count,
which must equal the app's.

Kernel sets: "aten" (torch's default CPU kernels; Linear goes to the system BLAS, which on Debian
is the slow reference libblas unless OpenBLAS is installed) and "mkldnn" (the oneDNN kernels
built into torch, through torch.utils.mkldnn). With --kernels best (the default) both are timed
and the faster is reported; the line names it and the BLAS library loaded.

    /usr/bin/python3 scripts/torch-eval.py [mnist-mlp ...] [--runs 7] [--kernels best|aten|mkldnn] [--json]
    /usr/bin/python3 scripts/torch-eval.py --serve

With --json, one JSON object per model on stdout (the benchmark reads these). With --serve, it
reads one JSON request per line on stdin, {"model": "mnist-mlp", "runs": 1, "kernels": "mkldnn",
"warm": false}, and answers each with one such object: the models stay loaded, so the benchmark
can time PyTorch's passes interleaved with the browser's, each pair under the same load (this
machine's speed drifts by up to 2x between minutes).

Memory: glibc's malloc serves every block over its mmap threshold (at most 32 MB) with fresh
pages from mmap and unmaps them on free, so each batch's activations (up to 64 MB) would be
page-faulted in again on every forward pass. On some virtual machines a page fault costs enough to
dominate: here (a 2-core AMD EPYC VM, December 2026) mnist-cnn took 0.8-1.1 s that way against
60-100 ms with the memory kept. The browser's wasm heap keeps its memory, and so do the
allocators PyTorch's tuning guide recommends (jemalloc, tcmalloc), so this script tells glibc
to keep what it frees (mallopt: no mmap, no trimming) before torch allocates anything; the
printed line says so.
"""

import argparse
import copy
import json
import os
import re
import statistics
import sys
import time

import ctypes
import ctypes.util

import numpy as np


def keep_freed_memory():
    """glibc mallopt: never mmap (M_MMAP_MAX = 0), never trim the heap (M_TRIM_THRESHOLD)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        m_trim_threshold, m_mmap_max = -1, -4
        ok = libc.mallopt(m_mmap_max, 0) == 1 and libc.mallopt(m_trim_threshold, 2**31 - 1) == 1
        return "glibc malloc keeps freed memory" if ok else "mallopt refused: default malloc"
    except (OSError, AttributeError):
        return "not glibc: default malloc"


ALLOCATOR = keep_freed_memory()

import torch  # noqa: E402 (after mallopt, so that torch's own allocations follow it too)
import torch.nn.functional as F
import torch.utils.mkldnn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = ["mnist-mlp", "mnist-cnn", "fashion-mlp", "fashion-cnn"]
MAX_FLOATS = 16_000_000


def load_layers(model_id):
    """The model's layers in order, each a dict with its kind, config and weights (numpy)."""
    folder = os.path.join(ROOT, "public", "models", model_id)
    with open(os.path.join(folder, "model.json")) as f:
        spec = json.load(f)
    weights = {}
    for group in spec["weightsManifest"]:
        data = b"".join(open(os.path.join(folder, p), "rb").read() for p in group["paths"])
        offset = 0
        for w in group["weights"]:
            if w["dtype"] != "float32":
                raise SystemExit(f"{model_id}: {w['name']} is {w['dtype']}, only float32 is read")
            n = int(np.prod(w["shape"])) if w["shape"] else 1
            weights[w["name"]] = np.frombuffer(data, "<f4", n, offset).reshape(w["shape"])
            offset += 4 * n
    layers = []
    for layer in spec["modelTopology"]["config"]["layers"]:
        kind, cfg = layer["class_name"], layer["config"]
        if kind == "InputLayer":
            layers.append({"kind": kind, "shape": cfg["batch_input_shape"][1:]})
            continue
        name = cfg["name"]
        layers.append(
            {
                "kind": kind,
                "cfg": cfg,
                "kernel": weights.get(f"{name}/kernel"),
                "bias": weights.get(f"{name}/bias"),
            }
        )
    return layers


class Net(torch.nn.Module):
    """The Keras chain in torch, NCHW inside; Flatten reads channels-last like Keras."""

    def __init__(self, layers):
        super().__init__()
        self.steps = []
        self.mods = torch.nn.ModuleList()
        h, w, c = layers[0]["shape"]
        flat_from = None  # (h, w, c) of the tensor Flatten saw, to permute the next Dense's rows
        for layer in layers[1:]:
            kind, cfg = layer["kind"], layer.get("cfg", {})
            if kind == "Conv2D":
                kh, kw, cin, cout = layer["kernel"].shape
                if cfg.get("strides", [1, 1]) != [1, 1] or cfg.get("dilation_rate", [1, 1]) != [1, 1]:
                    raise SystemExit("only stride-1, undilated convolutions are read")
                pad = (kh // 2) if cfg["padding"] == "same" else 0
                conv = torch.nn.Conv2d(cin, cout, (kh, kw), padding=pad)
                conv.weight.data = torch.from_numpy(layer["kernel"].transpose(3, 2, 0, 1).copy())
                conv.bias.data = torch.from_numpy(layer["bias"].copy())
                self.mods.append(conv)
                self.steps.append(("mod", len(self.mods) - 1, cfg.get("activation")))
                if pad == 0:
                    h, w = h - kh + 1, w - kw + 1
                c = cout
            elif kind == "MaxPooling2D":
                ph, pw = cfg["pool_size"]
                self.steps.append(("pool", (ph, pw), None))
                h, w = h // ph, w // pw
            elif kind == "Flatten":
                self.steps.append(("flatten", None, None))
                flat_from = (h, w, c)
            elif kind == "Dense":
                k = layer["kernel"]  # [in, out]
                if flat_from is not None and flat_from[2] > 1:
                    fh, fw, fc = flat_from
                    # Keras row (y*W + x)*C + ch is torch's ch*H*W + y*W + x.
                    k = k.reshape(fh, fw, fc, -1).transpose(2, 0, 1, 3).reshape(fh * fw * fc, -1)
                flat_from = None
                lin = torch.nn.Linear(k.shape[0], k.shape[1])
                lin.weight.data = torch.from_numpy(np.ascontiguousarray(k.T))
                lin.bias.data = torch.from_numpy(layer["bias"].copy())
                self.mods.append(lin)
                self.steps.append(("mod", len(self.mods) - 1, cfg.get("activation")))
            elif kind in ("Dropout",):
                continue
            else:
                raise SystemExit(f"layer {kind} is not read by this script")

    def forward(self, x):
        for step, arg, act in self.steps:
            if step == "mod":
                x = self.mods[arg](x)
                if act == "relu":
                    x = torch.relu(x)
                elif act not in (None, "linear"):
                    raise SystemExit(f"activation {act} is not read by this script")
            elif step == "pool":
                x = F.max_pool2d(x, arg)
            else:
                x = torch.flatten(x, 1)
        return x


class MkldnnNet(torch.nn.Module):
    """The same network on torch's oneDNN (MKL-DNN) kernels: weights prepacked once."""

    def __init__(self, net):
        super().__init__()
        self.net = torch.utils.mkldnn.to_mkldnn(copy.deepcopy(net))

    def forward(self, x):
        x = x.to_mkldnn()
        for step, arg, act in self.net.steps:
            if step == "mod":
                x = self.net.mods[arg](x)
                if act == "relu":
                    x = torch.relu(x)
            elif step == "pool":
                x = F.max_pool2d(x, arg)
            else:
                x = torch.flatten(x.to_dense(), 1).to_mkldnn()
        return x.to_dense()


def widest_activation(net, shape):
    h, w, c = shape
    x = torch.zeros(1, c, h, w)
    widest = x.numel()
    with torch.inference_mode():
        for step, arg, act in net.steps:
            if step == "mod":
                x = net.mods[arg](x)
            elif step == "pool":
                x = F.max_pool2d(x, arg)
            else:
                x = torch.flatten(x, 1)
            widest = max(widest, x.numel())
    return widest


def test_set(dataset, hwc):
    folder = os.path.join(ROOT, "public", "data", dataset)
    labels = np.fromfile(os.path.join(folder, "test-labels.u8"), np.uint8)
    images = np.fromfile(os.path.join(folder, "test-images.u8"), np.uint8)
    h, w, c = hwc
    x = images.reshape(len(labels), h, w, c).astype(np.float32) / 255.0
    return torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2))), torch.from_numpy(
        labels.astype(np.int64)
    )


def run(model, x, batch):
    outs = []
    with torch.inference_mode():
        for i in range(0, x.shape[0], batch):
            outs.append(model(x[i : i + batch]).argmax(1))
    return torch.cat(outs)


def timed(model, x, labels, batch, runs, warm=True):
    if warm:
        run(model, x, batch)  # warm-up (and weights prepacked)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        pred = run(model, x, batch)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), min(times), int((pred == labels).sum())


def blas_library():
    """The BLAS shared library torch loaded (Debian: libblas.so.3 is an alternative)."""
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
    except OSError:
        return "unknown"
    real = sorted({os.path.realpath(p) for p in libs if "lapack" not in p})
    return ", ".join(real) if real else "none loaded"


def aten_capability():
    """The vector ISA ATen's own kernels were dispatched to (oneDNN picks its own at run time)."""
    m = re.search(r"CPU capability usage: (\S+)", torch.__config__.show())
    return m.group(1) if m else "unknown"


class Loaded:
    """A model's torch network (and its oneDNN copy, made when first asked for) and test set."""

    def __init__(self, model_id):
        layers = load_layers(model_id)
        self.net = Net(layers).eval()
        self.x, self.labels = test_set(model_id.split("-")[0], layers[0]["shape"])
        widest = widest_activation(self.net, layers[0]["shape"])
        self.batch = max(1, min(self.x.shape[0], MAX_FLOATS // widest))
        self.mkldnn = None

    def model(self, kernels):
        if kernels == "aten":
            return self.net
        if self.mkldnn is None:
            self.mkldnn = MkldnnNet(self.net).eval()
        return self.mkldnn


def measure(model_id, loaded, kernels, runs, warm=True):
    """One model's figures as a JSON-ready dict: each kernel set asked for, the faster reported."""
    sets = ["aten", "mkldnn"] if kernels == "best" else [kernels]
    if not torch.backends.mkldnn.is_available():
        sets = [k for k in sets if k != "mkldnn"] or ["aten"]
    results = {
        k: timed(loaded.model(k), loaded.x, loaded.labels, loaded.batch, runs, warm) for k in sets
    }
    best = min(results, key=lambda k: results[k][0])
    med, low, correct = results[best]
    return {
        "model": model_id,
        "count": int(loaded.x.shape[0]),
        "batch": loaded.batch,
        "kernels": best,
        "medianMs": round(med, 2),
        "minMs": round(low, 2),
        "correct": correct,
        "all": {k: {"medianMs": round(v[0], 2), "correct": v[2]} for k, v in results.items()},
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "cpu": aten_capability(),
        "blas": blas_library(),
        "allocator": ALLOCATOR,
    }


def serve():
    """Answers one JSON request per stdin line (see the module's docstring), models kept loaded."""
    cache = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            model_id = req["model"]
            if model_id not in cache:
                cache[model_id] = Loaded(model_id)
            out = measure(
                model_id,
                cache[model_id],
                req.get("kernels", "best"),
                int(req.get("runs", 1)),
                bool(req.get("warm", True)),
            )
        except Exception as e:  # noqa: BLE001 (the benchmark prints the reason and goes on)
            out = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(out), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("models", nargs="*")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--kernels", choices=["best", "aten", "mkldnn"], default="best")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--serve", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    if a.serve:
        return serve()
    for model_id in a.models or MODELS:
        out = measure(model_id, Loaded(model_id), a.kernels, a.runs)
        if a.json:
            print(json.dumps(out), flush=True)
        else:
            others = ", ".join(f"{k} {v['medianMs']:.1f} ms" for k, v in out["all"].items())
            print(
                f"{model_id:12} {out['count']:6} images  {out['medianMs']:8.1f} ms ({out['kernels']}; {others})  "
                f"correct {out['correct']}  [torch {torch.__version__}, 1 thread, BLAS {out['blas']}, "
                f"{ALLOCATOR}]",
                flush=True,
            )


if __name__ == "__main__":
    sys.exit(main())
