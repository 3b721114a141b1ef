/** The result of quantizing a weight tensor: what the UI shows and the size accounting needs. */
export interface QuantizedTensor {
  /** Dequantized ("fake-quantized") values x̂ = (q − zeroPoint)·scale, same layout as the input. */
  readonly values: Float32Array;
  /** Integer codes q ∈ [qmin, qmax]; binary and ternary use −1, 0, +1. */
  readonly codes: Int32Array;
  readonly shape: readonly number[];
  /** The per-channel axis (the last one), or null for per-tensor. */
  readonly axis: number | null;
  /** One scale per channel (length 1 per-tensor). For binary/ternary this is α. */
  readonly scale: Float32Array;
  /** One zero-point per channel (all 0 for symmetric, binary and ternary). */
  readonly zeroPoint: Int32Array;
  readonly qmin: number;
  readonly qmax: number;
  /** Per channel: (qmin − zeroPoint)·scale, the smallest representable value. */
  readonly clipMin: Float32Array;
  /** Per channel: (qmax − zeroPoint)·scale, the largest representable value. */
  readonly clipMax: Float32Array;
}
