import { formatInt } from '../../shared/format';

/**
 * Under a sweep's chart while some of its points are estimates (evaluateEach's estimates first):
 * what the dotted markers are, on how many of the test images.
 */
export function EstimatesNote({
  on,
  of,
  testId,
}: {
  /** Test images each estimate took. */
  on: number;
  /** The whole test set, where known. */
  of: number | null;
  testId: string;
}) {
  return (
    <p className="small" data-testid={testId}>
      Dotted markers are not the full test set yet: estimates on the first {formatInt(on)} of{' '}
      {of === null ? 'the' : formatInt(of)} test images. Each becomes a whole-test-set accuracy (a
      plain marker) as the rest of its images are measured.
    </p>
  );
}
