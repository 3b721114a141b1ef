import { useId } from 'react';
import { useCoalesced } from './useCoalesced';

/** The marked bit-widths: the ones real hardware and toolkits use. */
const MARKED = new Set([2, 4, 8]);

interface Props {
  label: string;
  value: number;
  min: number;
  max: number;
  onChange: (bits: number) => void;
  /** Text for a value, e.g. "1 (binary)". */
  describe?: (bits: number) => string;
  disabled?: boolean;
}

/** A bit-width slider with every step labelled and 2, 4 and 8 bits marked. */
export function BitsSlider({ label, value, min, max, onChange, describe, disabled }: Props) {
  const id = useId();
  // The thumb and its label move in the input event; the views follow a task later.
  const [shown, set] = useCoalesced(value, onChange);
  const steps = Array.from({ length: max - min + 1 }, (_, i) => min + i);
  return (
    <div className="field bits-slider">
      <label htmlFor={id}>
        <span>{label}</span>{' '}
        <output htmlFor={id}>{describe ? describe(shown) : `${shown} bits`}</output>
      </label>
      <input
        id={id}
        type="range"
        min={min}
        max={max}
        step={1}
        value={shown}
        disabled={disabled}
        list={`${id}-marks`}
        onChange={(e) => set(Number(e.target.value))}
      />
      <datalist id={`${id}-marks`}>
        {steps.map((b) => (
          <option key={b} value={b} />
        ))}
      </datalist>
      <div className="ticks" aria-hidden="true">
        {steps.map((b) => (
          <span key={b} className={MARKED.has(b) ? 'tick marked' : 'tick'}>
            {b}
          </span>
        ))}
      </div>
    </div>
  );
}
