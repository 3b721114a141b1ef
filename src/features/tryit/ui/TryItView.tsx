import { useMemo } from 'react';
import { PipelineStrip } from '../../compress/ui';
import { selectSummary } from '../../../platform/state/selectors';
import { useStore } from '../../../platform/state/store';
import { DRAWABLE_DATASETS } from '../shared/source';
import { DrawingPad } from './DrawingPad';
import { PixelImage, unitToBytes } from '../../../platform/ui/PixelImage';
import { Predictions } from './Predictions';
import { TestPicker } from './TestPicker';
import { useUploads } from '../../upload/state';
import type { UploadedModelInfo } from '../../upload/store';
import { tryitApplies } from '../state/keys';
import './tryit.css';

const SHAPE = [28, 28, 1] as const;

/**
 * The Try it tab: the original and the compressed model on one input, side by side. On MNIST the
 * input is a digit drawn on a pad (turned into MNIST's 28×28 format: 20×20 box, centred by mass)
 * or a test image; on Fashion-MNIST a test image, with a filter for the images only the
 * compressed model gets wrong.
 */
export function TryItView() {
  const dataset = useStore((s) => s.config.dataset);
  const summary = useStore(selectSummary);
  const applies = useStore((s) => tryitApplies(s, selectSummary(s)));
  const uploaded = useStore((s) => s.config.uploaded);
  const upload = useUploads((s) => s.models.find((m) => m.id === uploaded) ?? null);
  const drawable = DRAWABLE_DATASETS.includes(dataset);
  if (summary && !applies && upload) return <NotShaped info={upload} />;
  return (
    <>
      <PipelineStrip />
      <section className="panel tryit-input" aria-label="Input">
        <h2>{drawable ? 'Draw a digit or pick a test image' : 'Pick a test image'}</h2>
        {!summary ? (
          <p className="muted">Loading the model…</p>
        ) : (
          <div className="tryit-inputs">
            {drawable && (
              <>
                <DrawingPad />
                <Preview />
              </>
            )}
            <TestPicker imageSize={drawable ? 112 : 168} />
          </div>
        )}
      </section>
      <Predictions />
    </>
  );
}

const shapeText = (s: readonly number[] | null) => (s ? `[${s.join(', ')}]` : 'unknown');

/** An uploaded model Try it cannot run: what it would need, and why. */
function NotShaped({ info }: { info: UploadedModelInfo }) {
  return (
    <section className="panel tryit-input" aria-label="Input" data-testid="tryit-not-shaped">
      <h2>Try it needs a 28×28 → 10 model</h2>
      <p>
        Try it feeds the model a drawing or a test image of 28×28 grey pixels and reads its 10
        outputs as the 10 classes of the dataset. So it runs models that take 28×28×1 or 784 inputs
        and give 10 outputs.
      </p>
      <p>
        <b>{info.name}</b>{' '}
        {info.evaluation === 'none'
          ? `is weights only: the app cannot run it (${info.why})`
          : `takes ${shapeText(info.inputShape)} inputs and gives ${shapeText(info.outputShape)} outputs.`}
      </p>
      <p className="muted">
        {info.evaluation === 'none'
          ? 'The Quantize and Prune & cluster tabs show and compress its weights.'
          : 'The Quantize and Prune & cluster tabs measure it by fidelity: how often the compressed model’s top output agrees with the original’s (see beside the model picker).'}
      </p>
    </section>
  );
}

/** What the model sees of the drawing: the 28×28 input after MNIST's preprocessing. */
function Preview() {
  const drawing = useStore((s) => s.tryit.drawing);
  const active = useStore((s) => s.tryit.mode === 'drawing');
  const bytes = useMemo(() => (drawing.input ? unitToBytes(drawing.input) : null), [drawing.input]);
  return (
    <div className="tryit-preview" data-testid="tryit-preview" data-ink={drawing.ink}>
      {bytes ? (
        <PixelImage
          pixels={bytes}
          shape={SHAPE}
          size={112}
          label="Your drawing as the model sees it, 28 by 28 pixels"
          testId="tryit-preview-image"
        />
      ) : (
        <div className="tryit-placeholder" style={{ width: 112, height: 112 }} />
      )}
      <p className="small">
        What the model sees: 28×28
        {!active && bytes && <span className="muted"> (not in use)</span>}
      </p>
      <p className="muted small">
        {drawing.ink === 'faint'
          ? 'Too little ink: draw larger.'
          : 'Scaled into a 20×20 box, centred by mass, as MNIST.'}
      </p>
    </div>
  );
}
