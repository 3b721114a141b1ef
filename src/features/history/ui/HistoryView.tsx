/** The History tab (being built): measurements and runs kept in this browser. */
export function HistoryView() {
  return <p>The experiments history: coming in this change.</p>;
}
