import { describe, expect, it } from 'vitest';
import type { EngineClient, StatsClient } from '../worker/workers';
import { createJobs, JOB_ORDER } from './jobs';

/** The registry: every feature's jobs, each result computed by exactly one job, in one order. */
describe('job registry', () => {
  const unused = {} as EngineClient & StatsClient;

  it('lists one job per named result, in the registry order', () => {
    const jobs = createJobs(unused, unused);
    expect(jobs.map((j) => j.name)).toEqual([...JOB_ORDER]);
  });
});
