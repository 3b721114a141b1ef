import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../platform/shared/config';
import type { Config } from '../../../platform/shared/config';
import { configFamily } from './drafts';

/** A measurement on an uploaded model is filed under that model, not the shipped one. */
describe('history family of an uploaded model', () => {
  const uploaded = `uploaded:${'c'.repeat(64)}` as Config['uploaded'];

  it('is the uploaded model on the dataset it was measured on', () => {
    const config = { ...DEFAULT_CONFIG, uploaded };
    expect(configFamily(config, 'my_net')).toEqual({ key: `${uploaded}@mnist`, label: 'my_net' });
    expect(configFamily({ ...config, dataset: 'fashion' }, 'my_net').key).toBe(
      `${uploaded}@fashion`,
    );
  });

  it('without one, the shipped family as before', () => {
    expect(configFamily(DEFAULT_CONFIG, 'x').key).not.toContain('uploaded');
  });
});
