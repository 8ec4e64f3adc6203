import { describe, expect, it } from 'vitest';
import type { ReadModelDeps } from './read-model-deps.ts';
import { createReadModels } from './read-models.ts';

// A read model refuses a query it cannot answer before it reads anything: no database, no ClickHouse.
const untouched = new Proxy(
  {},
  {
    get() {
      throw new Error('no I/O expected');
    },
  },
);
const models = createReadModels({
  db: untouched,
  analytics: untouched,
  clock: untouched,
  config: untouched,
  queue: untouched,
  logger: untouched,
} as unknown as ReadModelDeps);
const leader = { userId: 1, username: 'leader', role: 'leader', hallId: null, regionCode: null } as const;
const period = { from: '2024-03-01T00:00:00Z', to: '2024-03-02T00:00:00Z' };

describe('read models refuse before they read', () => {
  it('the region roll-up takes a region, not a hall', async () => {
    await expect(models.regions(leader, { ...period, hall: 'h1' })).rejects.toMatchObject({
      code: 'HALL_ERR_BAD_REQUEST',
      details: [{ path: 'hall', message: 'not allowed here' }],
    });
  });

  it('the review ranking by region takes a region, not a hall', async () => {
    await expect(
      models.reviewScores(leader, { ...period, hall: 'h1', by: 'region', includeDefault: true, limit: 50 }),
    ).rejects.toMatchObject({
      code: 'HALL_ERR_BAD_REQUEST',
      details: [{ path: 'hall', message: 'not allowed with by=region' }],
    });
  });

  it('unknown indicator ids, for a region and for one hall', async () => {
    await expect(models.indicatorValues(leader, { ...period, ids: ['no.such'] })).rejects.toMatchObject({
      code: 'HALL_ERR_BAD_REQUEST',
    });
    await expect(models.hallIndicators('h1', { ...period, ids: ['no.such'] })).rejects.toMatchObject({
      code: 'HALL_ERR_BAD_REQUEST',
    });
  });
});
