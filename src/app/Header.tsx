import { useStore } from '../platform/state/store';

export function Header() {
  const backend = useStore((s) => s.backend);
  const label = backend
    ? `${backend.name}${backend.name === 'wasm' ? `${backend.simd ? ' · SIMD' : ''} · ${backend.threads} thread${backend.threads === 1 ? '' : 's'}` : ''}`
    : 'starting…';
  return (
    <header className="header">
      <div>
        <h1>Compression Playground</h1>
        <p className="tagline">
          A real, trained network, compressed live in your browser. Every number is measured, not
          looked up.
        </p>
      </div>
      <div
        className="backend"
        data-testid="backend"
        title={
          backend
            ? `TensorFlow.js ${backend.tfjsVersion}; cross-origin isolated: ${backend.crossOriginIsolated ? 'yes' : 'no'}`
            : 'Starting the compute worker'
        }
      >
        <span className="backend-label">Compute backend</span>
        <span className="backend-value">{label}</span>
      </div>
    </header>
  );
}
