/**
 * Two horizontal bars in one track, one above the other (fractions 0–1 of the track): plain HTML,
 * cheap to redraw at every step of a slider drag.
 */
export function PairedBar({
  top,
  bottom,
}: {
  top: { fraction: number; color: string };
  bottom: { fraction: number; color: string };
}) {
  return (
    <span className="hbar-track paired">
      {[top, bottom].map((b, i) => (
        <span
          key={i}
          className="hbar"
          style={{ width: `${Math.max(0, Math.min(1, b.fraction)) * 100}%`, background: b.color }}
        />
      ))}
    </span>
  );
}
