/** Chart text size in px: larger in projector mode (read from the page, set by App). */
export const CHART_FONT = 11;
export const PROJECTOR_CHART_FONT = 15;

/**
 * The size chart text is drawn at now. Layouts reserve room for labels from it, so axes grow
 * with the text instead of clipping it; toggling projector mode resizes the charts' boxes, which
 * lays them out again.
 */
export function chartFont(): number {
  return typeof document !== 'undefined' && document.documentElement.classList.contains('projector')
    ? PROJECTOR_CHART_FONT
    : CHART_FONT;
}
