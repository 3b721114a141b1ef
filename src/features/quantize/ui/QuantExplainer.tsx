/** The ideas behind the quantization lab, for a student, in the toolkits' vocabulary. */
export function QuantExplainer() {
  return (
    <section className="panel explainer" aria-label="How quantization works">
      <h2>How it works</h2>
      <details open>
        <summary>Precision and memory</summary>
        <p>
          A float32 weight takes 32 bits. Storing it as an 8-bit integer code makes the model 4×
          smaller; 4 bits, 8×; 1 bit, 32×, a little less in practice, since the scales and the
          float32 biases are stored too (the size table counts every bit). The price is precision:
          only 2<sup>b</sup> values can be represented. Pruning and entropy coding (Huffman), when
          the pipeline above has them, shrink the model further.
        </p>
      </details>
      <details open>
        <summary>Scale and zero-point</summary>
        <p>
          Uniform quantization maps a real value x to an integer code q, as in PyTorch and TFLite:
        </p>
        <p className="formula">
          q = clamp(round(x / s) + z, q<sub>min</sub>, q<sub>max</sub>), &nbsp; x̂ = s · (q − z)
        </p>
        <p>
          The <b>scale</b> s is the step between neighbouring levels; the <b>zero-point</b> z is the
          code that stands for real 0. The range is always stretched to include 0 so that 0 is
          represented exactly: zero padding, ReLU outputs and pruned weights must stay exactly zero.
          Rounding is to nearest, ties to even, as <code>torch.round</code>.
        </p>
      </details>
      <details>
        <summary>Symmetric vs affine</summary>
        <p>
          <b>Symmetric</b> uses signed codes and z = 0: simple integer arithmetic, the grid centred
          on 0. <b>Restricted</b> symmetric (TFLite&apos;s int8 weights) uses −(2<sup>b−1</sup>−1)…2
          <sup>b−1</sup>−1 and s = max|w| / (2<sup>b−1</sup>−1), e.g. −127…127: w and −w get
          opposite codes, one code goes unused. <b>Full range</b> (torch&apos;s default{' '}
          <code>qint8</code> observer) uses −2<sup>b−1</sup>…2<sup>b−1</sup>−1 and s = max|w| / ((q
          <sub>max</sub>−q<sub>min</sub>)/2), e.g. −128…127 and max|w|/127.5: one more level, which
          matters at low bit-widths. <b>Affine</b> (asymmetric) uses unsigned codes 0…2<sup>b</sup>
          −1 and a zero-point so the grid covers exactly [min, max]: better for one-sided data such
          as ReLU activations.
        </p>
      </details>
      <details>
        <summary>Per-tensor vs per-channel</summary>
        <p>
          One scale for a whole layer must cover its widest channel, so narrow channels get only a
          few levels. Per-channel quantization gives every output channel (Dense unit, Conv2D
          filter) its own scale: less error, a few more numbers to store. It is the default for
          weights in torch.ao and TFLite.
        </p>
      </details>
      <details>
        <summary>1 and 2 bits</summary>
        <p>
          At 1 bit, weights become α·sign(w) with α = mean |w| (BinaryConnect, XNOR-Net). At 2 bits
          the restricted symmetric grid is ternary {'{−s, 0, +s}'} with s = max|w| (most weights
          round to 0), the full-range one {'{−2s, −s, 0, s}'} with s = max|w|/1.5; Ternary Weight
          Networks instead zero every |w| below 0.7·mean|w| and fit α to the rest.
        </p>
      </details>
      <details>
        <summary>Weights vs activations; calibration</summary>
        <p>
          Weights are known in advance. Activations depend on the input, so their range is estimated
          by running a few hundred training images through the float model (<b>calibration</b>) with
          an <b>observer</b> per layer: MinMax, a moving average, a percentile that ignores
          outliers, or the clip range with the least error (MSE). Integer engines then run layers on
          quantized inputs: W8A8, W4A8…
        </p>
      </details>
      <details>
        <summary>Post-training quantization vs quantization-aware training</summary>
        <p>
          Everything here is post-training quantization (PTQ): the trained weights are rounded,
          nothing is retrained. At 8 bits it is nearly free; at 2 bits most grids lose a lot (the
          accuracy-vs-bit-width chart measures how much for this model: per-channel scales and the
          full-range grid lose least). Quantization-aware training (QAT) fine-tunes with the
          rounding in the forward pass and a <b>straight-through estimator</b> (the gradient passes
          through round() as if it were the identity), and recovers most of the loss.
        </p>
      </details>
    </section>
  );
}
