import { describe, expect, it } from 'vitest';
import { HallError } from '../../contracts/index.ts';
import { catalog } from '../../analytics/indicators/catalog.ts';
import { checkedIds, indicatorCatalog } from './indicator-values.ts';

describe('indicator values read model', () => {
  it('none named is every indicator', () => {
    expect(checkedIds(undefined)).toBeUndefined();
    expect(checkedIds([])).toBeUndefined();
  });

  it('known ids pass as given', () => {
    expect(checkedIds(['queue.wait.avg', 'queue.waiting.now'])).toEqual(['queue.wait.avg', 'queue.waiting.now']);
  });

  it('unknown ids are a coded 400 that names each of them', () => {
    let err: unknown;
    try {
      checkedIds(['queue.wait.avg', 'no.such', 'nor.this']);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HallError);
    expect(err).toMatchObject({
      code: 'HALL_ERR_BAD_REQUEST',
      message: 'unknown indicator no.such, nor.this',
      details: [
        { path: 'ids', message: 'unknown indicator no.such' },
        { path: 'ids', message: 'unknown indicator nor.this' },
      ],
    });
  });

  it('the catalog is listed in its order, without SQL', () => {
    const { indicators } = indicatorCatalog();
    expect(indicators.map((d) => d.id)).toEqual(catalog.map((d) => d.id));
    expect(indicators.every((d) => !('sql' in d))).toBe(true);
  });
});
