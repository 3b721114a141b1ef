/**
 * Copies text to the clipboard: the async Clipboard API where the page may use it, else the
 * older selection route (a hidden text area and `execCommand('copy')`, which works on plain http
 * and in older browsers). Resolves to whether it worked; never throws.
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // permission denied or not focused: try the selection route
  }
  try {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  } catch {
    return false;
  }
}

/** The link that reproduces a config: this page's address with the config's hash. */
export function linkFor(hash: string): string {
  return `${window.location.origin}${window.location.pathname}#${hash}`;
}
