import { CLUSTER_INITS, PRUNE_METHODS, STRUCTURED_BIAS } from '../../../platform/shared/config';
import type { Cluster, Prune, Storage, WeightQuant } from '../../../platform/shared/config';
import { Shown } from '../../../platform/ui/Shown';
import { CONTROL_IDS } from '../../compress';
import { selectReport, selectReportCurrent } from '../../../platform/state/selectors';
import { clusterCodeNote } from './clusterCodeNote';
import { useStore } from '../../../platform/state/store';
import { BitsSlider } from '../../../platform/ui/BitsSlider';
import { useCoalesced } from '../../../platform/ui/useCoalesced';

const METHOD_LABEL: Record<Prune['method'], string> = {
  none: 'No pruning',
  magnitude: 'Magnitude (L1), layer-wise',
  global: 'Magnitude (L1), global',
  structured: 'Structured (units/filters)',
  nm: 'N:M semi-structured',
  random: 'Random (baseline)',
};

const METHOD_HELP: Record<Prune['method'], string> = {
  none: 'All weights kept.',
  magnitude:
    'In every layer, remove the given fraction of weights with the smallest |w| (torch l1_unstructured).',
  global:
    'One |w| threshold for all layers: big layers with many small weights lose more (torch global_unstructured).',
  structured:
    'Remove whole output units (Dense) or filters (Conv2D) with the smallest L1/L2 norm, ranked as torch ln_structured (ties: the lower index is pruned first, in every method here; torch leaves ties unspecified). With their biases removed too, the units output 0, so the next layer loses their inputs as well and the network really shrinks. With biases kept (exactly torch), a removed unit still outputs the constant ReLU(bias), which the next layer still reads. The output layer is never cut: its units are the classes.',
  nm: 'In every group of M consecutive weights feeding a unit, keep the N largest: the pattern sparse tensor cores accelerate.',
  random: 'Remove weights at random: the baseline that shows magnitude is a good guess.',
};

/** The bias rule of structured pruning (see core/prune/structured.ts). */
const BIAS_LABEL: Record<Prune['structuredBias'], string> = {
  remove: 'removed with the unit (the layer really shrinks)',
  keep: 'kept (as torch ln_structured: only weights zeroed)',
};

export function PruneControls() {
  const p = useStore((s) => s.config.prune);
  const w = useStore((s) => s.config.weights);
  const c = useStore((s) => s.config.cluster);
  const st = useStore((s) => s.config.storage);
  const setP = useStore((s) => s.setPrune);
  const setW = useStore((s) => s.setWeightQuant);
  const setC = useStore((s) => s.setCluster);
  const setS = useStore((s) => s.setStorage);
  // The code width as the size table counts it (a reserved 0 for pruned weights stored as codes).
  const codeNote = useStore((s) => {
    // Shown with k-means clustering only: no work on every store change otherwise.
    if (s.config.weights.format !== 'cluster') return null;
    const r = selectReport(s);
    const fresh = r !== null && selectReportCurrent(s);
    return clusterCodeNote(s.config.cluster.k, fresh ? r.size.layers : null);
  });
  const usesSparsity = p.method !== 'none' && p.method !== 'nm';
  // The thumb and its label move in the input event; the views follow a task later.
  const [sparsity, setSparsity] = useCoalesced(p.sparsity, (v: number) => setP({ sparsity: v }));
  return (
    <section className="panel controls" aria-label="Pruning settings">
      <h2>1. Prune</h2>
      <label className="field">
        <span>Pruning method</span>
        <select
          id={CONTROL_IDS.prune}
          value={p.method}
          onChange={(e) => setP({ method: e.target.value as Prune['method'] })}
        >
          {PRUNE_METHODS.map((m) => (
            <option key={m} value={m}>
              {METHOD_LABEL[m]}
            </option>
          ))}
        </select>
        <small>{METHOD_HELP[p.method]}</small>
      </label>
      <div className="field">
        <label htmlFor="sparsity-slider" className="slider-label">
          <span>Sparsity</span>
          <output htmlFor="sparsity-slider">
            {usesSparsity ? `${(sparsity * 100).toFixed(sparsity >= 0.9 ? 1 : 0)}% pruned` : '—'}
          </output>
        </label>
        <input
          id="sparsity-slider"
          type="range"
          min={0}
          max={99}
          step={0.5}
          value={sparsity * 100}
          disabled={!usesSparsity}
          onChange={(e) => setSparsity(Number(e.target.value) / 100)}
        />
      </div>
      {p.method === 'structured' && (
        <fieldset className="field radio-row">
          <legend>Rank units by</legend>
          <label>
            <input
              type="radio"
              name="pnorm"
              checked={p.norm === 'l1'}
              onChange={() => setP({ norm: 'l1' })}
            />
            L1 norm
          </label>
          <label>
            <input
              type="radio"
              name="pnorm"
              checked={p.norm === 'l2'}
              onChange={() => setP({ norm: 'l2' })}
            />
            L2 norm
          </label>
        </fieldset>
      )}
      {p.method === 'structured' && (
        <fieldset className="field radio-row">
          <legend>Bias of removed units</legend>
          {STRUCTURED_BIAS.map((b) => (
            <label key={b}>
              <input
                type="radio"
                name="pbias"
                checked={p.structuredBias === b}
                onChange={() => setP({ structuredBias: b })}
              />
              {BIAS_LABEL[b]}
            </label>
          ))}
        </fieldset>
      )}
      {p.method === 'nm' && (
        <label className="field">
          <span>N:M pattern</span>
          <select
            value={p.pattern}
            onChange={(e) => setP({ pattern: e.target.value as Prune['pattern'] })}
          >
            <option value="2:4">2:4 (50%, sparse tensor cores)</option>
            <option value="1:4">1:4 (75%)</option>
            <option value="4:8">4:8 (50%)</option>
          </select>
        </label>
      )}

      <Shown panel="cluster">
        <h2>2. Then store the kept weights as</h2>
        <label className="field">
          <span>Weight representation</span>
          <select
            id={CONTROL_IDS.weights}
            value={w.format}
            onChange={(e) => setW({ format: e.target.value as WeightQuant['format'] })}
          >
            <option value="float32">float32 (unchanged)</option>
            <option value="int">integers (quantization)</option>
            <option value="cluster">shared values (k-means)</option>
            <option value="float16">float16</option>
            <option value="bfloat16">bfloat16</option>
          </select>
        </label>
        {w.format === 'int' && (
          <BitsSlider
            label="Weight bits"
            value={w.bits}
            min={1}
            max={8}
            onChange={(bits) => setW({ bits })}
          />
        )}
        {w.format === 'cluster' && (
          <>
            <div className="field">
              <label htmlFor="clusters-slider" className="slider-label">
                <span>Clusters per layer</span>
                <output htmlFor="clusters-slider">k = {c.k}</output>
              </label>
              <small data-testid="cluster-code-bits">{codeNote}</small>
              <input
                id="clusters-slider"
                type="range"
                min={1}
                max={8}
                step={1}
                value={Math.round(Math.log2(c.k))}
                onChange={(e) => setC({ k: 2 ** Number(e.target.value) })}
              />
            </div>
            <label className="field">
              <span>Centroid initialization</span>
              <select
                value={c.init}
                onChange={(e) => setC({ init: e.target.value as Cluster['init'] })}
              >
                {CLUSTER_INITS.map((i) => (
                  <option key={i} value={i}>
                    {i === 'linear' ? 'linear (evenly spaced)' : 'k-means++ (seeded)'}
                  </option>
                ))}
              </select>
            </label>
          </>
        )}

        <h2>3. Storage</h2>
        <label className="field">
          <span>Sparse format</span>
          <select
            id={CONTROL_IDS.storage}
            value={st.format}
            onChange={(e) => setS({ format: e.target.value as Storage['format'] })}
          >
            <option value="auto">smallest per layer</option>
            <option value="dense">dense (store the zeros)</option>
            <option value="bitmask">bitmask (1 bit per weight)</option>
            <option value="csr">relative indices</option>
          </select>
        </label>
        <label className="field">
          <span>Relative-index bits</span>
          <select
            value={st.indexBits}
            onChange={(e) => setS({ indexBits: Number(e.target.value) })}
          >
            <option value={0}>paper: 5 dense, 8 conv</option>
            {[2, 3, 4, 5, 6, 8, 10, 12, 16].map((b) => (
              <option key={b} value={b}>
                {b} bits
              </option>
            ))}
          </select>
        </label>
        <label className="field checkbox">
          <input
            type="checkbox"
            checked={st.huffman}
            onChange={(e) => setS({ huffman: e.target.checked })}
          />
          <span>Huffman-code the weight codes and indices</span>
        </label>
      </Shown>
    </section>
  );
}
