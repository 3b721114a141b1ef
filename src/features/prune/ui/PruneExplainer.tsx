import { useMemo } from 'react';
import { selectSummary } from '../../../platform/state/selectors';
import { useStore } from '../../../platform/state/store';
import type { LayerSummary } from '../../../platform/worker/engine';

/** The largest and the smallest weighted layer of the model on screen, named with their shapes. */
function extremeLayers(layers: readonly LayerSummary[] | null): {
  biggest: string | null;
  smallest: string | null;
} {
  if (!layers || layers.length < 2) return { biggest: null, smallest: null };
  const sorted = [...layers].sort((a, b) => a.info.params - b.info.params);
  const name = (l: LayerSummary) => `${l.info.name}, ${l.info.kernelShape.join('×')}`;
  return { biggest: name(sorted[sorted.length - 1]!), smallest: name(sorted[0]!) };
}

/** The ideas behind the pruning lab, for a student, in the toolkits' vocabulary. */
export function PruneExplainer() {
  const layers = useStore((s) => selectSummary(s)?.layers ?? null);
  const { biggest, smallest } = useMemo(() => extremeLayers(layers), [layers]);
  return (
    <section className="panel explainer" aria-label="How pruning works">
      <h2>How it works</h2>
      <details open>
        <summary>Why remove the smallest weights?</summary>
        <p>
          A weight near zero barely changes a neuron&apos;s sum, so removing it (setting it to
          exactly 0 and keeping it there) costs little. Magnitude pruning removes the fraction of
          weights with the smallest |w|. Han et al. (2015) removed 92% of LeNet-300-100&apos;s
          weights with no accuracy lost, <i>after retraining</i> the weights that were left. Here
          pruning is one-shot, without retraining: the accuracy-vs-sparsity chart measures how far
          this model goes before accuracy falls. Random pruning at the same sparsity shows how good
          a guess magnitude is.
        </p>
      </details>
      <details open>
        <summary>Layer-wise vs global</summary>
        <p>
          <b>Layer-wise</b>: every layer loses the same fraction. <b>Global</b>: one threshold for
          the whole network, so a big, redundant layer{biggest ? ` (${biggest} here)` : ''} gives up
          more than a small, crowded one{smallest ? ` (${smallest})` : ''}.
        </p>
      </details>
      <details>
        <summary>Unstructured, structured, N:M</summary>
        <p>
          <b>Unstructured</b> sparsity saves storage (with an index format), but ordinary hardware
          still multiplies the zeros. <b>Structured</b> pruning removes whole neurons or filters:
          the layers really become smaller, so every device runs faster, at a higher accuracy cost.{' '}
          <b>2:4</b> semi-structured sparsity keeps 2 of every 4 weights: NVIDIA&apos;s sparse
          tensor cores skip the zeros and run up to twice as fast, with little accuracy lost.
        </p>
      </details>
      <details>
        <summary>Weight sharing (clustering)</summary>
        <p>
          k-means groups the kept weights into k clusters; each weight is stored as the index of its
          cluster (⌈log₂ k⌉ bits) and every cluster&apos;s value once, in a codebook. Pruned zeros
          stay zero; where they are stored as codes (dense storage, relative-index fillers) they
          need one more symbol, which can cost a bit: 32 clusters + 0 take 6-bit codes. This is the
          &quot;trained quantization&quot; of Deep Compression and TFMOT&apos;s{' '}
          <code>cluster_weights</code>.
        </p>
      </details>
      <details>
        <summary>Storing sparse weights, and Deep Compression</summary>
        <p>
          A sparse layer stores only its kept weights plus where they are: a bitmask (1 bit per
          weight), or relative indices (the gap since the previous kept weight, in 5 or 8 bits; a
          longer gap costs a filler zero). Huffman coding then gives frequent codes shorter bit
          strings. Han, Mao and Dally (2016) combined pruning, weight sharing and Huffman coding to
          shrink LeNet-300-100 40× (1070 KB → 27 KB) with no accuracy lost, after retraining. This
          playground does not retrain here, so expect some loss at high sparsity.
        </p>
      </details>
      <details>
        <summary>Schedules</summary>
        <p>
          In training, sparsity is raised gradually (TFMOT <code>PolynomialDecay</code>,
          Distiller&apos;s AGP: s(t) = s_f + (s_i − s_f)(1 − t/T)³) so the network can adapt between
          steps. Here the pruning is one-shot, after training.
        </p>
      </details>
    </section>
  );
}
