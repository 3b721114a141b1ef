import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { modelSize, planLayer } from '../core/plan/quantPlan';
import { selectSummary } from '../state/selectors';
import { useStore } from '../state/store';
import { formatBits, formatInt } from './format';

const PARTS = [
  { key: 'codes', label: 'weight codes (packed)', color: '#3b6fd8' },
  { key: 'scales', label: 'scales', color: '#f08c00' },
  { key: 'zeroPoints', label: 'zero-points', color: '#e8590c' },
  { key: 'bias', label: 'biases (float32)', color: '#2f9e6e' },
] as const;

/** Honest size: every bit the compressed model needs, next to float32. */
export function SizeBreakdown() {
  const summary = useStore(selectSummary);
  const weights = useStore((s) => s.config.weights);
  const overrides = useStore((s) => s.config.overrides);
  const seed = useStore((s) => s.config.seed);
  const rows = useMemo(() => {
    if (!summary) return null;
    const plans = summary.layers.map((l) => planLayer({ weights, overrides, seed }, l.info));
    const total = modelSize(plans);
    const kb = (bits: number) => bits / 8000;
    return {
      total,
      plans,
      chart: [
        { name: 'float32', codes: kb(total.float32Bits - total.biasBits), scales: 0, zeroPoints: 0, bias: kb(total.biasBits) },
        {
          name: 'compressed',
          codes: kb(total.codesBits),
          scales: kb(total.scaleBits),
          zeroPoints: kb(total.zeroPointBits),
          bias: kb(total.biasBits),
        },
      ],
    };
  }, [summary, weights, overrides, seed]);
  if (!rows) return null;
  const { total, plans } = rows;
  return (
    <section className="panel" aria-label="Model size">
      <h2>Size, bit by bit</h2>
      <div className="chart tiny" data-testid="size-chart">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={rows.chart} layout="vertical" margin={{ top: 4, right: 16, bottom: 4, left: 16 }}>
            <CartesianGrid strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" unit=" KB" />
            <YAxis type="category" dataKey="name" width={90} />
            <Tooltip formatter={(v, name) => [`${Number(v).toFixed(2)} KB`, String(name)]} />
            <Legend />
            {PARTS.map((p) => (
              <Bar key={p.key} dataKey={p.key} name={p.label} stackId="size" fill={p.color} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <table className="size-table" data-testid="size-table">
        <tbody>
          <tr>
            <th scope="row">Weight codes</th>
            <td className="num">{formatInt(total.codesBits)} bits</td>
          </tr>
          <tr>
            <th scope="row">Scales (float32 each)</th>
            <td className="num">{formatInt(total.scaleBits)} bits</td>
          </tr>
          <tr>
            <th scope="row">Zero-points (int32 each)</th>
            <td className="num">{formatInt(total.zeroPointBits)} bits</td>
          </tr>
          <tr>
            <th scope="row">Biases (float32)</th>
            <td className="num">{formatInt(total.biasBits)} bits</td>
          </tr>
          <tr className="total">
            <th scope="row">Total</th>
            <td className="num">
              {formatInt(total.totalBits)} bits = {formatBits(total.totalBits)}
            </td>
          </tr>
          <tr>
            <th scope="row">float32 model</th>
            <td className="num">
              {formatInt(total.float32Bits)} bits = {formatBits(total.float32Bits)} → {total.ratio.toFixed(2)}× smaller
            </td>
          </tr>
        </tbody>
      </table>
      <p className="muted small">
        Codes are bit-packed ({plans.map((p) => `${p.name}: ${p.bits === 32 ? 'float32' : `${p.bits} b`}`).join(', ')}). No
        entropy coding. 1 KB = 1,000 bytes.
      </p>
    </section>
  );
}
