#!/usr/bin/env python3
"""Regenerates scripts/fixtures/torch-prune.json: torch.nn.utils.prune's own masks, which
src/features/prune/shared/torchParity.test.ts compares with ours entry for entry.

The project's tests do not need Python: the fixture is committed and this script only
regenerates it. Needs PyTorch (e.g. Debian's `apt-get install python3-torch`):

    /usr/bin/python3 scripts/check-torch-prune.py
    npx prettier --write scripts/fixtures/torch-prune.json

Layout: our kernels keep the output channel on the LAST axis (Dense [in, out], Conv2D
[kh, kw, in, out]); torch's are [out, in] (Linear) and [out, in, kh, kw] (Conv2d). Weights are
generated and masks written in OUR layout, and converted for torch.

Cases, on random float32 weights checked to have no ties (torch.topk orders ties as it likes):
  * l1_unstructured at several amounts (0, 1 and half-way roundings included);
  * ln_structured with n = 1 and n = 2, dim = 0 (torch's output axis);
  * global_unstructured with L1Unstructured over all the layers at once.
"""

import json
import os

import torch
import torch.nn.utils.prune as prune

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "torch-prune.json")
AMOUNTS = (0.0, 0.1, 0.3, 0.5, 0.77, 1.0)
GLOBAL_AMOUNTS = (0.2, 0.5, 0.9)

# name, our shape, weight std (different scales make the global threshold uneven per layer)
LAYERS = (
    ("dense_a", (30, 20), 0.05),
    ("dense_b", (20, 10), 0.2),
    ("dense_odd", (5, 5), 1.0),  # 25 weights, 5 channels: 0.5 → 12.5 → 12 and 2.5 → 2
    ("conv", (3, 3, 4, 6), 0.1),
)


def to_torch(w):
    """Our layout → torch's: [in, out] → [out, in]; [kh, kw, in, out] → [out, in, kh, kw]."""
    return w.t().contiguous() if w.dim() == 2 else w.permute(3, 2, 0, 1).contiguous()


def from_torch(m):
    """torch's layout → ours (inverse of to_torch)."""
    return m.t().contiguous() if m.dim() == 2 else m.permute(2, 3, 1, 0).contiguous()


def module_for(w):
    shape = w.shape
    if w.dim() == 2:
        mod = torch.nn.Linear(shape[0], shape[1], bias=False)
    else:
        mod = torch.nn.Conv2d(shape[2], shape[3], (shape[0], shape[1]), bias=False)
    with torch.no_grad():
        mod.weight.copy_(to_torch(w))
    return mod


def assert_no_ties(values, what):
    flat = values.flatten().tolist()
    if len(set(flat)) != len(flat):
        raise SystemExit(f"ties in {what}: pick another seed")


def mask_of(mod):
    return [int(v) for v in from_torch(mod.weight_mask).flatten().tolist()]


def main():
    gen = torch.Generator().manual_seed(20240601)
    weights = {}
    for name, shape, std in LAYERS:
        w = (torch.randn(shape, generator=gen) * std).to(torch.float32)
        assert_no_ties(w.abs(), name)
        t = to_torch(w)
        dims = tuple(range(1, t.dim()))
        for p in (1, 2):
            assert_no_ties(torch.norm(t, p=p, dim=dims), f"{name} L{p} norms")
        weights[name] = w
    assert_no_ties(torch.cat([w.abs().flatten() for w in weights.values()]), "all layers")

    layers = []
    for name, shape, _ in LAYERS:
        w = weights[name]
        entry = {"name": name, "shape": list(shape), "weights": w.flatten().tolist()}
        entry["l1Unstructured"] = []
        entry["lnStructured"] = []
        for amount in AMOUNTS:
            mod = module_for(w)
            prune.l1_unstructured(mod, "weight", amount=amount)
            entry["l1Unstructured"].append({"amount": amount, "mask": mask_of(mod)})
            for n in (1, 2):
                mod = module_for(w)
                prune.ln_structured(mod, "weight", amount=amount, n=n, dim=0)
                entry["lnStructured"].append({"amount": amount, "n": n, "mask": mask_of(mod)})
        layers.append(entry)

    global_cases = []
    for amount in GLOBAL_AMOUNTS:
        mods = [module_for(weights[name]) for name, _, _ in LAYERS]
        prune.global_unstructured(
            [(m, "weight") for m in mods], pruning_method=prune.L1Unstructured, amount=amount
        )
        global_cases.append({"amount": amount, "masks": [mask_of(m) for m in mods]})

    fixture = {
        "generator": "scripts/check-torch-prune.py",
        "torch": torch.__version__,
        "layers": layers,
        "global": global_cases,
    }
    with open(OUT, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
