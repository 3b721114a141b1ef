/**
 * Saves a Blob as a file: an object URL on a hidden <a download>, clicked, and revoked once the
 * browser has had time to start the download (revoking at once cancels it in some browsers).
 * No library: every download of the app (charts, results, models) goes through here.
 */
export function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** Saves text (CSV, JSON, SVG) with its media type, UTF-8. */
export function downloadText(name: string, text: string, type: string): void {
  downloadBlob(name, new Blob([text], { type: `${type};charset=utf-8` }));
}
