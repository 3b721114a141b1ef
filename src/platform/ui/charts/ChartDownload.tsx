import { useEffect, useRef, useState } from 'react';
import type { KeyboardEvent, RefObject } from 'react';
import { downloadBlob } from './download';
import './chartExport.css';

/**
 * "Download ▾ PNG / SVG" for a chart of the kit: a disclosure (details/summary, so it is a
 * keyboard stop with Enter/Space and announced as expandable) with two buttons. The file is the
 * chart's SVG as drawn now (see chartExport.ts), named after the panel's heading.
 */
export function ChartDownload({ plot }: { plot: RefObject<HTMLElement | null> }) {
  const menu = useRef<HTMLDetailsElement>(null);
  const [error, setError] = useState<string | null>(null);

  const close = (focus: boolean) => {
    const d = menu.current;
    if (!d) return;
    d.open = false;
    if (focus) d.querySelector('summary')?.focus();
  };

  // A click anywhere else closes the open menu.
  useEffect(() => {
    const onDown = (e: PointerEvent) => {
      const d = menu.current;
      if (d?.open && !d.contains(e.target as Node)) d.open = false;
    };
    document.addEventListener('pointerdown', onDown);
    return () => document.removeEventListener('pointerdown', onDown);
  }, []);

  const save = async (format: 'png' | 'svg') => {
    const svg = plot.current?.querySelector<SVGSVGElement>('svg[role="img"]');
    if (!svg) {
      setError('Nothing drawn yet.');
      return;
    }
    setError(null);
    const title = svg.getAttribute('aria-label') ?? 'Chart';
    const heading = svg.closest('section, .panel')?.querySelector('h2, h3')?.textContent?.trim();
    try {
      // The SVG/PNG writer loads on the first download, not with the first screen.
      const { chartFileName, chartSvg, readLegend, svgToPng } = await import('./chartExport');
      const name = chartFileName(heading || title, format);
      const legend = readLegend(
        plot.current?.parentElement?.querySelector(':scope > .legend') ?? null,
      );
      const file = chartSvg(svg, title, legend);
      const blob =
        format === 'svg'
          ? new Blob([file.text], { type: 'image/svg+xml' })
          : await svgToPng(file.text, file.width, file.height, 2);
      downloadBlob(name, blob);
      close(true);
    } catch (e) {
      setError(
        `Could not save the ${format.toUpperCase()}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDetailsElement>) => {
    if (e.key === 'Escape' && menu.current?.open) {
      e.stopPropagation();
      close(true);
    }
  };

  return (
    <details className="chart-download" ref={menu} onKeyDown={onKeyDown}>
      <summary>
        Download <span aria-hidden="true">▾</span>
      </summary>
      <div className="chart-download-menu">
        <button type="button" aria-label="Download as PNG" onClick={() => void save('png')}>
          PNG
        </button>
        <button type="button" aria-label="Download as SVG" onClick={() => void save('svg')}>
          SVG
        </button>
        {error && (
          <span className="chart-download-error" role="alert">
            {error}
          </span>
        )}
      </div>
    </details>
  );
}
