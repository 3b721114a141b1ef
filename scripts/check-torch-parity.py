#!/usr/bin/env python3
"""Regenerates scripts/fixtures/torch-fakequant.json: PyTorch's own answers for the quantization
maths in src/features/quantize/shared, which src/features/quantize/shared/torchParity.test.ts checks bit for bit.

The project's tests do not need Python: the fixture is committed and this script only
regenerates it. Needs PyTorch (e.g. Debian's `apt-get install python3-torch`, torch 1.13):

    /usr/bin/python3 scripts/check-torch-parity.py

What it records, for tensors chosen to exercise the edge cases (exact ties x.5 of the scale,
near-ties, a constant tensor, an all-zero tensor, one-signed tensors, per-channel kernels with
the output channel on the last axis):
  * scale/zero_point from torch.ao.quantization MinMaxObserver / PerChannelMinMaxObserver,
    affine (quint8-style codes 0..2^b-1) and symmetric (qint8-style codes) in both signed
    ranges: "restricted" -(2^(b-1)-1)..2^(b-1)-1 (TFLite's int8 weight convention, given to the
    observer as quant_min/quant_max) and "full" -2^(b-1)..2^(b-1)-1 (torch's own default: at
    8 bits the observer is built with dtype=torch.qint8 and no quant_min/quant_max at all, i.e.
    -128..127; at 2 and 4 bits with quant_min=-2^(b-1), quant_max=2^(b-1)-1), at 2, 4 and 8 bits;
  * torch.fake_quantize_per_tensor_affine / fake_quantize_per_channel_affine outputs;
  * MovingAverageMinMaxObserver min/max after each batch;
  * Tensor.half() and Tensor.bfloat16() roundings of special and random float32 values.
Non-finite floats are written as the strings "Infinity", "-Infinity" and "NaN".
"""

import json
import math
import os

import torch
from torch.ao.quantization.observer import (
    MinMaxObserver,
    MovingAverageMinMaxObserver,
    PerChannelMinMaxObserver,
)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "torch-fakequant.json")
BITS = (2, 4, 8)
# (scheme, signed range of symmetric): every quantizer the app offers.
SCHEMES = (("affine", None), ("symmetric", "restricted"), ("symmetric", "full"))


def num(x):
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def nums(t):
    return [num(v) for v in t.reshape(-1).tolist()]


def qrange(bits, scheme, sym_range=None):
    if scheme == "affine":
        return 0, 2**bits - 1
    q = 2 ** (bits - 1) - 1
    return (-q - 1, q) if sym_range == "full" else (-q, q)


def observer(bits, scheme, axis, sym_range=None):
    qmin, qmax = qrange(bits, scheme, sym_range)
    dtype = torch.quint8 if scheme == "affine" else torch.qint8
    # torch's default qint8 range is the full -128..127: at 8 bits, full range, leave it to torch.
    qrange_args = {} if sym_range == "full" and bits == 8 else {"quant_min": qmin, "quant_max": qmax}
    if axis is None:
        qscheme = torch.per_tensor_affine if scheme == "affine" else torch.per_tensor_symmetric
        obs = MinMaxObserver(dtype=dtype, qscheme=qscheme, **qrange_args)
    else:
        qscheme = torch.per_channel_affine if scheme == "affine" else torch.per_channel_symmetric
        obs = PerChannelMinMaxObserver(ch_axis=axis, dtype=dtype, qscheme=qscheme, **qrange_args)
    assert (obs.quant_min, obs.quant_max) == (qmin, qmax), (obs.quant_min, obs.quant_max, qmin, qmax)
    return obs


def case(name, x, bits, scheme, axis=None, sym_range=None):
    qmin, qmax = qrange(bits, scheme, sym_range)
    obs = observer(bits, scheme, axis, sym_range)
    obs(x)
    scale, zp = obs.calculate_qparams()
    if axis is None:
        fq = torch.fake_quantize_per_tensor_affine(x, float(scale), int(zp), qmin, qmax)
    else:
        fq = torch.fake_quantize_per_channel_affine(
            x, scale.to(torch.float32), zp.to(torch.int32), axis, qmin, qmax
        )
    return {
        "name": name,
        "shape": list(x.shape),
        "axis": axis,
        "bits": bits,
        "scheme": scheme,
        **({"symRange": sym_range} if sym_range else {}),
        "qmin": qmin,
        "qmax": qmax,
        "values": nums(x),
        "scale": nums(scale),
        "zeroPoint": [int(v) for v in zp.reshape(-1).tolist()],
        "fakeQuant": nums(fq),
    }


def near_ties(lo, hi, bits, scheme, sym_range=None, n=48):
    """Values fl((k + 1/2)·scale) around the grid of the range [lo, hi]: ties up to rounding."""
    obs = observer(bits, scheme, None, sym_range)
    obs(torch.tensor([lo, hi]))
    scale, zp = obs.calculate_qparams()
    qmin, qmax = qrange(bits, scheme, sym_range)
    ks = torch.linspace(qmin - int(zp), qmax - int(zp) - 1, n).round()
    mids = ((ks + 0.5) * scale).to(torch.float32)
    return torch.cat([torch.tensor([lo, hi]), mids]).to(torch.float32)


def dumps_one_case_per_line(fixture):
    """JSON with one case per line, so that a regenerated fixture diffs readably."""
    dump = lambda v: json.dumps(v, separators=(",", ":"), allow_nan=False)  # noqa: E731
    lines = ["{"]
    for key, value in fixture.items():
        if key == "cases":
            lines.append(f'"cases":[')
            lines.append(",\n".join(dump(c) for c in value))
            lines.append("],")
        else:
            lines.append(f"{dump(key)}:{dump(value)},")
    lines[-1] = lines[-1].rstrip(",")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    g = torch.Generator().manual_seed(20240607)
    f32 = torch.float32
    tensors = {
        "ties_affine": torch.arange(-6, 25, dtype=f32) * 0.25,  # [-1.5, 6]: 4-bit scale 0.5
        "ties_symmetric": torch.arange(-28, 29, dtype=f32) * 0.25,  # [-7, 7]: 4-bit scale 1
        "normal": torch.randn(50, generator=g) * 0.7,
        "positive_only": torch.rand(50, generator=g) * 2.9 + 0.1,
        "negative_only": -(torch.rand(50, generator=g) * 1.3 + 0.05),
        "constant": torch.full((20,), 0.3),
        "zeros": torch.zeros(20),
        "heavy_tail": torch.cat([torch.randn(47, generator=g) * 0.05, torch.tensor([1.7, -2.2, 0.9])]),
    }
    cases = []
    for name, x in tensors.items():
        for scheme, sym_range in SCHEMES:
            for bits in BITS:
                cases.append(case(name, x.to(f32), bits, scheme, sym_range=sym_range))
    for scheme, sym_range in SCHEMES:
        for bits in BITS:
            x = near_ties(-1.0, 2.3, bits, scheme, sym_range)
            cases.append(case("near_ties", x, bits, scheme, sym_range=sym_range))

    dense = torch.randn(10, 5, generator=g) * torch.tensor([0.1, 1.0, 3.0, 1.0, 1.0])
    dense[:, 3] = 0.0  # an all-zero output channel
    dense[:, 4] = 0.42  # a constant output channel
    conv = torch.randn(3, 3, 2, 4, generator=g) * 0.4
    conv[..., 1] = conv[..., 1].abs()  # a non-negative output channel
    for scheme, sym_range in SCHEMES:
        for bits in BITS:
            cases.append(case("dense_per_channel", dense, bits, scheme, axis=1, sym_range=sym_range))
            cases.append(case("conv_per_channel", conv, bits, scheme, axis=3, sym_range=sym_range))

    batches = [torch.randn(40, generator=g) * s + m for s, m in ((1.0, 0.0), (3.0, 0.5), (0.2, -0.1), (1.5, 1.0))]
    mav = MovingAverageMinMaxObserver(averaging_constant=0.01)
    steps = []
    for b in batches:
        mav(b)
        steps.append({"batch": nums(b), "min": num(mav.min_val), "max": num(mav.max_val)})

    specials = [1 / 3, 0.1, -0.1, 1.0, 65504.0, 65519.0, 65520.0, 65536.0, -70000.0, 2.0**-24,
                2.0**-25, 3 * 2.0**-26, 2.0**-14, 6.0e-5, -2.5e-6, 1e-8, 1e-30, 1e-40, 1e38,
                3.3895e38, 3.4e38, -0.0, 0.0, float("inf"), float("-inf"), float("nan"),
                1 + 2.0**-8, 1 + 3 * 2.0**-9, 1 + 2.0**-11, 1 + 3 * 2.0**-12]
    rnd = torch.cat([torch.randn(40, generator=g), torch.exp(torch.rand(40, generator=g) * -60)])
    inputs = torch.cat([torch.tensor(specials, dtype=f32), rnd.to(f32)])
    floats = {
        "inputs": nums(inputs),
        "float16": nums(inputs.half().float()),
        "bfloat16": nums(inputs.bfloat16().float()),
    }

    fixture = {
        "generator": "scripts/check-torch-parity.py",
        "torch": torch.__version__,
        "cases": cases,
        "movingAverage": {"averagingConstant": 0.01, "steps": steps},
        "floats": floats,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    # One case per line; scripts/fixtures/ is in .prettierignore, so this is the committed form.
    with open(OUT, "w") as f:
        f.write(dumps_one_case_per_line(fixture))
    print(f"wrote {OUT}: {len(cases)} fake-quant cases, {len(steps)} moving-average steps, "
          f"{len(inputs)} float16/bfloat16 values (torch {torch.__version__})")


if __name__ == "__main__":
    main()
