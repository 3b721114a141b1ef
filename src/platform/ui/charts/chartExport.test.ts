import { describe, expect, it } from 'vitest';
import {
  LEGEND_HEIGHT,
  STYLE_PROPERTIES,
  chartFileName,
  escapeXml,
  ownStyle,
  serializeSvg,
} from './chartExport';
import type { SvgElementNode } from './chartExport';

/** Computed values as a browser reports them: every property, most at their defaults. */
function computed(patch: Record<string, string> = {}): Record<string, string> {
  const base: Record<string, string> = {
    fill: 'rgb(0, 0, 0)',
    'fill-opacity': '1',
    stroke: 'none',
    'stroke-width': '1px',
    'font-family': '"Inter", system-ui, sans-serif',
    'font-size': '16px',
    'font-variant-numeric': 'tabular-nums',
    'text-anchor': 'start',
    opacity: '1',
    'dominant-baseline': 'auto',
    display: 'inline',
  };
  return { ...base, ...patch };
}

const el = (
  tag: string,
  attrs: [string, string][],
  style: Record<string, string>,
  children: SvgElementNode['children'] = [],
): SvgElementNode => ({ tag, attrs, computed: computed(style), children });

/** The style attribute of the first <tag …> in `svg`, parsed. */
function styleOf(svg: string, tag: string): Record<string, string> {
  const m = new RegExp(`<${tag}\\b[^>]*?style="([^"]*)"`).exec(svg);
  if (!m) return {};
  const text = m[1]!.replaceAll('&quot;', '"');
  return Object.fromEntries(
    text.split(';').map((d) => {
      const i = d.indexOf(':');
      return [d.slice(0, i), d.slice(i + 1)];
    }),
  );
}

describe('ownStyle', () => {
  it('keeps inherited properties only where they change, others only off their initial value', () => {
    const parent = computed({ fill: 'rgb(91, 100, 120)', 'font-size': '11px' });
    expect(ownStyle(computed({ fill: 'rgb(91, 100, 120)', 'font-size': '11px' }), parent)).toEqual(
      {},
    );
    expect(
      ownStyle(computed({ fill: 'rgb(47, 99, 201)', 'font-size': '11px', opacity: '0.5' }), parent),
    ).toEqual({ fill: 'rgb(47, 99, 201)', opacity: '0.5' });
    // Without a parent (the root) every inherited value is written.
    const root = ownStyle(computed(), null);
    expect(root['font-family']).toBe('"Inter", system-ui, sans-serif');
    expect(root['font-variant-numeric']).toBe('tabular-nums');
    expect(root.opacity).toBeUndefined();
    expect(Object.keys(root).every((k) => STYLE_PROPERTIES.includes(k))).toBe(true);
  });
});

describe('serializeSvg', () => {
  // A chart as the page has it: classes and CSS variables on the elements, the font inherited
  // from the page, a hover hook; the computed map holds what they resolved to.
  const tree = el(
    'svg',
    [
      ['width', '400'],
      ['height', '200'],
      ['role', 'img'],
      ['aria-label', 'Accuracy vs bits'],
      ['class', 'plot'],
    ],
    { 'font-family': 'DejaVu Sans, sans-serif', 'font-size': '14px' },
    [
      el(
        'g',
        [
          ['class', 'line-frame'],
          ['font-size', '11'],
        ],
        {
          'font-family': 'DejaVu Sans, sans-serif',
          'font-size': '11px',
          fill: 'rgb(91, 100, 120)',
        },
        [
          el(
            'text',
            [
              ['x', '10'],
              ['y', '20'],
            ],
            {
              'font-family': 'DejaVu Sans, sans-serif',
              'font-size': '11px',
              fill: 'rgb(91, 100, 120)',
            },
            ['8 bits & more <ok>'],
          ),
        ],
      ),
      el(
        'path',
        [
          ['d', 'M0 0L10 10'],
          ['stroke', 'var(--accent)'],
          ['data-series', 'w'],
          ['fill', 'none'],
        ],
        {
          'font-family': 'DejaVu Sans, sans-serif',
          'font-size': '14px',
          stroke: 'rgb(47, 99, 201)',
          fill: 'none',
        },
      ),
      el('rect', [['x', '1']], { display: 'none' }),
    ],
  );
  const svg = serializeSvg(tree, { width: 400.4, height: 199.6, title: 'Accuracy vs bits' });

  it('is a standalone document: namespace, size, viewBox, title, white background', () => {
    expect(
      svg.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200" viewBox="0 0 400 200" role="img"',
      ),
    ).toBe(true);
    expect(svg).toContain('<title>Accuracy vs bits</title>');
    // The background comes before anything drawn.
    expect(svg.indexOf('<rect x="0" y="0" width="400" height="200" fill="#ffffff"/>')).toBeLessThan(
      svg.indexOf('<g'),
    );
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  });

  it('inlines the resolved styles and drops the page’s classes, data and variables', () => {
    expect(styleOf(svg, 'svg')['font-family']).toBe('DejaVu Sans, sans-serif');
    expect(styleOf(svg, 'svg')['font-size']).toBe('14px');
    expect(styleOf(svg, 'g')).toMatchObject({ 'font-size': '11px', fill: 'rgb(91, 100, 120)' });
    // The text inherits all of it from its <g>: nothing to repeat.
    expect(styleOf(svg, 'text')).toEqual({});
    // The variable is gone from the attribute; its value is in the style.
    expect(svg).not.toContain('var(');
    expect(styleOf(svg, 'path')).toMatchObject({ stroke: 'rgb(47, 99, 201)', fill: 'none' });
    expect(svg).not.toContain('class=');
    expect(svg).not.toContain('data-series');
    expect(svg).not.toContain('aria-label');
    // Hidden elements are not written.
    expect(svg).not.toContain('<rect x="1"');
  });

  it('escapes text and attribute values', () => {
    expect(svg).toContain('>8 bits &amp; more &lt;ok&gt;</text>');
    expect(escapeXml('a"b')).toBe('a&quot;b');
    const t = serializeSvg(tree, { width: 1, height: 1, title: 'x < y & "z"' });
    expect(t).toContain('<title>x &lt; y &amp; &quot;z&quot;</title>');
  });

  it('draws the legend in a band above the plot, which moves down by its height', () => {
    const t = serializeSvg(tree, {
      width: 400,
      height: 200,
      title: 'Accuracy vs bits',
      legend: [
        { label: 'weights only', color: 'rgb(47, 99, 201)', line: true },
        { label: 'W & A8', color: 'rgb(194, 37, 92)', line: true, dashed: true },
        { label: 'float32', color: 'rgb(200, 200, 200)' },
      ],
    });
    expect(t).toContain(
      `width="400" height="${200 + LEGEND_HEIGHT}" viewBox="0 0 400 ${200 + LEGEND_HEIGHT}"`,
    );
    expect(t).toContain(`<g transform="translate(0 ${LEGEND_HEIGHT})">`);
    expect(t).toContain('>weights only</text>');
    expect(t).toContain('>W &amp; A8</text>');
    // A line sample per line series (the dashed one dashed), a square for the filled one.
    expect(t.match(/<line [^>]*stroke="rgb\(47, 99, 201\)"/)).not.toBeNull();
    expect(t.match(/<line [^>]*stroke="rgb\(194, 37, 92\)"[^>]*stroke-dasharray/)).not.toBeNull();
    expect(t.match(/<rect [^>]*fill="rgb\(200, 200, 200\)"/)).not.toBeNull();
    // Items do not overlap: each starts after the previous label.
    const xs = [...t.matchAll(/<text x="(\d+)" y="11"/g)].map((m) => Number(m[1]));
    expect(xs).toHaveLength(3);
    expect(xs[1]! - xs[0]!).toBeGreaterThan('weights only'.length * 6);
    // The plot itself is unchanged inside the band's offset.
    expect(t).toContain('>8 bits &amp; more &lt;ok&gt;</text>');
  });

  it('refuses a root that is not an svg', () => {
    expect(() => serializeSvg(el('g', [], {}), { width: 1, height: 1, title: '' })).toThrow(
      /not an <svg>/,
    );
  });
});

describe('chartFileName', () => {
  it('slugs the title, keeps it short, and falls back to "chart"', () => {
    expect(chartFileName('Accuracy vs weight bits', 'png')).toBe('accuracy-vs-weight-bits.png');
    expect(chartFileName('Weights per channel: min … max', 'svg')).toBe(
      'weights-per-channel-min-max.svg',
    );
    expect(chartFileName('Accuracy at 90% sparsity', 'svg')).toBe(
      'accuracy-at-90-pct-sparsity.svg',
    );
    expect(chartFileName('Präzision — Überblick', 'png')).toBe('prazision-uberblick.png');
    expect(chartFileName('…', 'png')).toBe('chart.png');
    const long = chartFileName('a '.repeat(100), 'svg');
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long.endsWith('a.svg')).toBe(true);
  });
});
