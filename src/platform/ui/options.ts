/**
 * The values a select offers, plus the current one if a link set another (so that the select
 * shows what is really in force, never a neighbour).
 */
export function withCurrent(values: readonly number[], current: number): number[] {
  return values.includes(current) ? [...values] : [...values, current].sort((a, b) => a - b);
}
