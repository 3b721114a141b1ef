/** The Try it tab (being built): draw a digit or pick a test image. */
export function TryItView() {
  return <p>Try your own input: coming in this change.</p>;
}
