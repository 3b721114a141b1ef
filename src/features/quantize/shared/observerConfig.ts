import type { ActQuant } from '../../../platform/shared/config';
import type { ObserverConfig } from './calibration';

/**
 * torch.ao's observer for the lab's activation settings: used by the lab's calibration and by
 * quantization-aware training's initial activation ranges alike.
 */
export function observerConfig(acts: ActQuant): ObserverConfig {
  switch (acts.observer) {
    case 'minmax':
      return { kind: 'minmax' };
    case 'movingAverageMinMax':
      return { kind: 'movingAverageMinMax' };
    case 'percentile':
      return {
        kind: 'percentile',
        percentile: acts.percentile,
        mode: acts.scheme === 'symmetric' ? 'abs' : 'tails',
      };
    case 'mse':
      return { kind: 'mse', bits: acts.bits, scheme: acts.scheme, symRange: acts.symRange };
  }
}
