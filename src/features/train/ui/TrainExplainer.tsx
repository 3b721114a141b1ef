/** The ideas behind the Train tab, for a student, in the toolkits' vocabulary. */
export function TrainExplainer() {
  return (
    <section className="panel explainer" aria-label="How training repairs compression">
      <h2>How it works</h2>
      <details open>
        <summary>Why fine-tuning repairs pruning</summary>
        <p>
          Pruning removes weights the network was relying on a little; one-shot, the rest cannot
          compensate. Fine-tuning keeps training with the pruned weights held at exactly 0 (the mask
          is applied again after every optimizer step), so the surviving weights take over what the
          removed ones did. Raising the sparsity gradually (TFMOT&apos;s{' '}
          <code>PolynomialDecay</code>: s(t) = s<sub>f</sub> + (s<sub>i</sub> − s<sub>f</sub>)(1 −
          t/T)³) gives the network time to adapt between steps. Han et al. (2015) removed 92% of
          LeNet-300-100&apos;s weights this way with no accuracy lost.
        </p>
      </details>
      <details open>
        <summary>Rounding has no gradient: the straight-through estimator</summary>
        <p>
          round() is flat almost everywhere, so its gradient is 0 and a quantized network cannot be
          trained through it. Quantization-aware training keeps float &quot;shadow&quot; weights,
          quantizes them in every forward pass, and in the backward pass treats the quantizer as the
          identity inside the clip range (gradient 1) and as a constant outside it (gradient 0): the{' '}
          <b>straight-through estimator</b> (Bengio et al. 2013; torch.ao&apos;s{' '}
          <code>FakeQuantize</code>). The weights learn to sit where the grid is kind to them.
        </p>
      </details>
      <details>
        <summary>When QAT beats post-training quantization</summary>
        <p>
          At 8 bits, rounding moves each weight by at most half a step, and a step is about 1/255 of
          the range: the network barely notices and post-training quantization is enough. At 4 bits
          and below the error is large and structured; training with it lets the other weights
          compensate, which PTQ cannot. QAT costs a training run and the training data; PTQ needs
          only a few hundred calibration images.
        </p>
      </details>
      <details>
        <summary>Knowledge distillation: temperature and T²</summary>
        <p>
          A trained teacher&apos;s softmax says more than its top class: that a 7 looks a little
          like a 1 (Hinton et al. 2015, &quot;dark knowledge&quot;). Dividing the logits by a
          temperature T &gt; 1 before the softmax flattens it and shows these small probabilities.
          The student minimizes α·T²·KL(teacher<sub>T</sub> ‖ student<sub>T</sub>) + (1 −
          α)·CE(labels). The soft term&apos;s gradients shrink as 1/T², so multiplying by T² keeps
          its weight the same whatever T is. Every distillation run here also trains the same
          student from scratch on the labels, same seed and budget, so the gain is measured.
        </p>
      </details>
    </section>
  );
}
