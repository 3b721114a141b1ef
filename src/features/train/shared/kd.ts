/**
 * Knowledge distillation maths (Hinton, Vinyals & Dean 2015, "Distilling the Knowledge in a
 * Neural Network"), in float64 on plain arrays: the reference the tfjs loss is tested against,
 * and the soft targets the UI shows ("dark knowledge").
 *
 * With teacher logits t, student logits s, label y and temperature T:
 *
 *   p_T = softmax(t / T),  q_T = softmax(s / T)
 *   KL(p_T ‖ q_T) = Σ_k p_k (log p_k − log q_k)
 *   L = α · T² · KL(p_T ‖ q_T) + (1 − α) · CE(y, softmax(s))
 *
 * The T² keeps the soft term's gradients on the same scale as the hard term's when T changes
 * (the gradient of the KL term wrt s scales as 1/T² for large T). With α = 0 the loss is exactly
 * the cross-entropy: the soft term is not computed at all.
 */

/** softmax(z / T), computed stably (the max logit is subtracted first). */
export function softmaxWithTemperature(logits: ArrayLike<number>, temperature = 1): Float64Array {
  if (!(temperature > 0)) throw new RangeError(`temperature must be > 0, got ${temperature}`);
  const out = new Float64Array(logits.length);
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]! / temperature);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    out[i] = Math.exp(logits[i]! / temperature - max);
    sum += out[i]!;
  }
  for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}

/** log softmax(z / T), stably. */
export function logSoftmaxWithTemperature(
  logits: ArrayLike<number>,
  temperature = 1,
): Float64Array {
  if (!(temperature > 0)) throw new RangeError(`temperature must be > 0, got ${temperature}`);
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]! / temperature);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! / temperature - max);
  const logSum = max + Math.log(sum);
  return Float64Array.from({ length: logits.length }, (_, i) => logits[i]! / temperature - logSum);
}

/** KL(softmax(t/T) ‖ softmax(s/T)) of one example. */
export function softKl(
  teacher: ArrayLike<number>,
  student: ArrayLike<number>,
  temperature: number,
): number {
  if (teacher.length !== student.length)
    throw new RangeError('teacher and student differ in classes');
  const logP = logSoftmaxWithTemperature(teacher, temperature);
  const logQ = logSoftmaxWithTemperature(student, temperature);
  let kl = 0;
  for (let k = 0; k < logP.length; k++) kl += Math.exp(logP[k]!) * (logP[k]! - logQ[k]!);
  return kl;
}

/** −log softmax(s)_y of one example. */
export function crossEntropy(student: ArrayLike<number>, label: number): number {
  const logQ = logSoftmaxWithTemperature(student, 1);
  const v = logQ[label];
  if (v === undefined) throw new RangeError(`label ${label} outside ${student.length} classes`);
  return -v;
}

/**
 * The distillation loss, averaged over a batch: rows of logits (one array per example).
 * `teacher` may be null when α = 0.
 */
export function distillationLoss(
  student: readonly ArrayLike<number>[],
  teacher: readonly ArrayLike<number>[] | null,
  labels: ArrayLike<number>,
  temperature: number,
  alpha: number,
): number {
  if (!(alpha >= 0 && alpha <= 1)) throw new RangeError(`alpha must be in [0, 1], got ${alpha}`);
  const n = student.length;
  if (n === 0 || labels.length !== n) throw new RangeError('need one label per example');
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const ce = alpha < 1 ? crossEntropy(student[i]!, labels[i]!) : 0;
    let soft = 0;
    if (alpha > 0) {
      const t = teacher?.[i];
      if (!t) throw new RangeError('alpha > 0 needs the teacher logits');
      soft = temperature * temperature * softKl(t, student[i]!, temperature);
    }
    sum += alpha * soft + (1 - alpha) * ce;
  }
  return sum / n;
}
