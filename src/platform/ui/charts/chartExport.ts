/**
 * Charts as files: the chart's SVG serialized with its computed styles inlined, so that it
 * renders the same outside the page (no stylesheet, no CSS variables, no inherited page font),
 * on a white background and with the chart's accessible name as its <title>; and the same SVG
 * drawn at 2× onto a canvas for a PNG.
 *
 * The serializer is pure: it works on a plain copy of the SVG tree in which every element
 * carries its computed values of {@link STYLE_PROPERTIES} (read from the DOM by
 * {@link readSvgTree}), and writes on each element only what it does not already inherit from
 * its parent, or, for properties that are not inherited, what differs from the initial value.
 */

/** An element of the copied tree; strings are text nodes. */
export interface SvgElementNode {
  readonly tag: string;
  readonly attrs: readonly (readonly [string, string])[];
  /** Computed values (CSS variables and classes already resolved) by property name. */
  readonly computed: Readonly<Record<string, string>>;
  readonly children: readonly SvgNode[];
}

export type SvgNode = SvgElementNode | string;

/** Properties inherited by SVG children (SVG 2 §13 and CSS Fonts): written where they change. */
const INHERITED = [
  'fill',
  'fill-opacity',
  'fill-rule',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'stroke-dashoffset',
  'stroke-linecap',
  'stroke-linejoin',
  'paint-order',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'font-variant-numeric',
  'letter-spacing',
  'text-anchor',
  'visibility',
] as const;

/** Properties that are not inherited, with their initial values: written where they differ. */
const NOT_INHERITED: Readonly<Record<string, string>> = {
  opacity: '1',
  'dominant-baseline': 'auto',
};

/** The properties whose computed values are inlined. */
export const STYLE_PROPERTIES: readonly string[] = [...INHERITED, ...Object.keys(NOT_INHERITED)];

const INHERITED_SET = new Set<string>(INHERITED);

/** What an element must say itself, given its own and its parent's computed values. */
export function ownStyle(
  computed: Readonly<Record<string, string>>,
  parent: Readonly<Record<string, string>> | null,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of STYLE_PROPERTIES) {
    const v = computed[p]?.trim();
    if (!v) continue;
    if (INHERITED_SET.has(p) ? parent?.[p] === v : NOT_INHERITED[p] === v) continue;
    out[p] = v;
  }
  return out;
}

export function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/**
 * Attributes kept in the file: everything but the page's hooks (classes, inline styles, which
 * are replaced by the inlined ones, data-*, event and focus attributes) and presentation
 * attributes that name a CSS variable (their resolved value is in the style).
 */
function keepAttribute(name: string, value: string): boolean {
  if (name === 'class' || name === 'style' || name === 'tabindex') return false;
  if (name.startsWith('data-') || name.startsWith('on')) return false;
  return !value.includes('var(');
}

function styleText(style: Record<string, string>): string {
  return Object.entries(style)
    .map(([k, v]) => `${k}:${v}`)
    .join(';');
}

function writeNode(node: SvgNode, parent: Readonly<Record<string, string>> | null): string {
  if (typeof node === 'string') return escapeXml(node);
  if (node.computed.display === 'none') return '';
  const attrs = node.attrs
    .filter(([k, v]) => keepAttribute(k, v))
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('');
  const style = styleText(ownStyle(node.computed, parent));
  const open = `<${node.tag}${attrs}${style ? ` style="${escapeXml(style)}"` : ''}`;
  const inner = node.children.map((c) => writeNode(c, node.computed)).join('');
  return inner ? `${open}>${inner}</${node.tag}>` : `${open}/>`;
}

export interface SerializeOptions {
  readonly width: number;
  readonly height: number;
  /** The chart's accessible name: the file's <title>. */
  readonly title: string;
  /** Painted under the chart (the page's panel is white; a file has no panel). */
  readonly background?: string;
  /**
   * The chart's legend (on the page it is HTML beside the SVG): drawn in a band above the plot,
   * which makes the file that much taller.
   */
  readonly legend?: readonly LegendItem[];
}

export interface LegendItem {
  readonly label: string;
  readonly color: string;
  /** Drawn as a dashed line sample instead of a filled square. */
  readonly dashed?: boolean;
  readonly line?: boolean;
}

/** Height of the legend band, px. */
export const LEGEND_HEIGHT = 22;
const LEGEND_FONT = 12;

/**
 * The legend band: a sample and a label per item, left to right (labels measured as 0.6 em a
 * character, about DejaVu Sans's average; wide enough for system fonts).
 */
function legendBand(items: readonly LegendItem[], fontFamily: string | undefined): string {
  let x = 8;
  const y = LEGEND_HEIGHT / 2;
  const parts = items.map((it) => {
    const color = escapeXml(it.color);
    const sample = it.line
      ? `<line x1="${x}" x2="${x + 18}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="2"${it.dashed ? ' stroke-dasharray="4 3"' : ''}/>`
      : `<rect x="${x + 4}" y="${y - 5}" width="10" height="10" rx="2" fill="${color}"/>`;
    const text = `<text x="${x + 24}" y="${y}" dominant-baseline="middle">${escapeXml(it.label)}</text>`;
    x += 24 + Math.ceil(it.label.length * LEGEND_FONT * 0.6) + 16;
    return sample + text;
  });
  const font = fontFamily ? ` font-family="${escapeXml(fontFamily)}"` : '';
  return `<g font-size="${LEGEND_FONT}" fill="#5c6577"${font}>${parts.join('')}</g>`;
}

/** Root attributes the file sets itself. */
const ROOT_OWN = new Set(['xmlns', 'width', 'height', 'viewBox', 'role', 'aria-label']);

/**
 * A standalone SVG document of `root` (an `svg` element): its size and viewBox, a <title>, a
 * background rectangle, and every element with the styles it needs inlined.
 */
export function serializeSvg(root: SvgElementNode, o: SerializeOptions): string {
  if (root.tag !== 'svg') throw new Error(`the root is a <${root.tag}>, not an <svg>`);
  const w = Math.round(o.width);
  const legend = o.legend && o.legend.length > 0 ? o.legend : null;
  const top = legend ? LEGEND_HEIGHT : 0;
  const h = Math.round(o.height) + top;
  const attrs = root.attrs
    .filter(([k, v]) => !ROOT_OWN.has(k) && keepAttribute(k, v))
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('');
  const style = styleText(ownStyle(root.computed, null));
  const drawn = root.children.map((c) => writeNode(c, root.computed)).join('');
  const body = legend
    ? `${legendBand(legend, root.computed['font-family'])}<g transform="translate(0 ${top})">${drawn}</g>`
    : drawn;
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img"${attrs}` +
    `${style ? ` style="${escapeXml(style)}"` : ''}>` +
    `<title>${escapeXml(o.title)}</title>` +
    `<rect x="0" y="0" width="${w}" height="${h}" fill="${escapeXml(o.background ?? '#ffffff')}"/>` +
    `${body}</svg>\n`
  );
}

/**
 * A file name from a chart's title: lower-case ASCII words joined by '-', at most 60
 * characters, e.g. "Accuracy vs weight bits" → "accuracy-vs-weight-bits.png".
 */
export function chartFileName(title: string, ext: 'png' | 'svg'): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/%/g, ' pct ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${slug || 'chart'}.${ext}`;
}

// ---------------------------------------------------------------------------------------------
// The page's side: reading the DOM, drawing the PNG (not run in Node).

/** Copies an element and its subtree with the computed values of STYLE_PROPERTIES. */
export function readSvgTree(el: Element): SvgElementNode {
  const cs = getComputedStyle(el);
  const computed: Record<string, string> = {};
  for (const p of STYLE_PROPERTIES) computed[p] = cs.getPropertyValue(p);
  computed.display = cs.getPropertyValue('display');
  const children: SvgNode[] = [];
  for (const n of Array.from(el.childNodes)) {
    if (n.nodeType === Node.TEXT_NODE) children.push(n.textContent ?? '');
    else if (n.nodeType === Node.ELEMENT_NODE) children.push(readSvgTree(n as Element));
  }
  return {
    tag: el.tagName,
    attrs: Array.from(el.attributes, (a) => [a.name, a.value] as const),
    computed,
    children,
  };
}

/** The chart's file: its SVG element as a standalone document. */
export function chartSvg(
  svg: SVGSVGElement,
  title: string,
  legend: readonly LegendItem[] = [],
): { width: number; height: number; text: string } {
  const box = svg.getBoundingClientRect();
  const width = svg.width.baseVal.value || box.width;
  const height = svg.height.baseVal.value || box.height;
  return {
    width,
    height: height + (legend.length > 0 ? LEGEND_HEIGHT : 0),
    text: serializeSvg(readSvgTree(svg), { width, height, title, legend }),
  };
}

/**
 * The items of a chart kit legend (`.legend > span`: a colored <i> or a line sample <svg>, and
 * the series name).
 */
export function readLegend(legend: Element | null): LegendItem[] {
  if (!legend) return [];
  return Array.from(legend.children).flatMap((span): LegendItem[] => {
    const label = span.textContent?.trim() ?? '';
    if (!label) return [];
    const line = span.querySelector('svg line');
    if (line) {
      const cs = getComputedStyle(line);
      const dash = cs.getPropertyValue('stroke-dasharray');
      return [{ label, color: cs.getPropertyValue('stroke'), line: true, dashed: dash !== 'none' }];
    }
    const swatch = span.querySelector('i');
    const color = swatch ? getComputedStyle(swatch).backgroundColor : '';
    return color ? [{ label, color }] : [];
  });
}

/** The SVG document drawn at `scale`× onto a canvas, as a PNG. */
export async function svgToPng(
  text: string,
  width: number,
  height: number,
  scale = 2,
): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('this browser cannot draw on a canvas');
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((ok, fail) =>
      canvas.toBlob((b) => (b ? ok(b) : fail(new Error('the PNG could not be made'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}
