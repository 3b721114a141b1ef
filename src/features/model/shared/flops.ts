import type { LayerInfo } from './meta';
import { shapeSize } from '../../../platform/shared/stats';

/**
 * Floating-point operations of one forward pass for one example, counting a multiply-add as 2.
 * Dense [in, out]: 2·in·out. Conv2D [kh, kw, cin, cout] with output [h, w, cout]:
 * 2·kh·kw·cin·cout·h·w. Biases, activations and pooling are ignored (a few % at most here):
 * the figure is a lower bound on the work.
 */
export function layerFlops(
  layer: Pick<LayerInfo, 'className' | 'kernelShape' | 'outputShape'>,
): number {
  const kernel = shapeSize(layer.kernelShape);
  if (layer.className === 'Conv2D') {
    const [h = 1, w = 1] = layer.outputShape;
    return 2 * kernel * h * w;
  }
  return 2 * kernel;
}

export function modelFlops(
  layers: readonly Pick<LayerInfo, 'className' | 'kernelShape' | 'outputShape'>[],
): number {
  return layers.reduce((a, l) => a + layerFlops(l), 0);
}
