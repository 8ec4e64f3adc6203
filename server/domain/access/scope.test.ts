import { describe, expect, it } from 'vitest';
import { scopeCoversHall } from './scope.ts';

const parents = new Map<string, string | null>([
  ['44', null],
  ['4409', '44'],
  ['440902', '4409'],
  ['440903', '4409'],
  ['4410', '44'],
]);
const parentOf = (c: string) => parents.get(c);
const hall = { id: 'h-1', regionCode: '440902' };

describe('scopeCoversHall (the in-memory twin of SCOPE_SQL)', () => {
  it('a region covers the halls of its region and every region below, nothing else', () => {
    expect(scopeCoversHall({ kind: 'region', regionCode: '440902' }, hall, parentOf)).toBe(true);
    expect(scopeCoversHall({ kind: 'region', regionCode: '4409' }, hall, parentOf)).toBe(true);
    expect(scopeCoversHall({ kind: 'region', regionCode: '44' }, hall, parentOf)).toBe(true);
    expect(scopeCoversHall({ kind: 'region', regionCode: '440903' }, hall, parentOf)).toBe(false);
    expect(scopeCoversHall({ kind: 'region', regionCode: '4410' }, hall, parentOf)).toBe(false);
  });
  it('hall, all and none', () => {
    expect(scopeCoversHall({ kind: 'hall', hallId: 'h-1' }, hall, parentOf)).toBe(true);
    expect(scopeCoversHall({ kind: 'hall', hallId: 'h-2' }, hall, parentOf)).toBe(false);
    expect(scopeCoversHall({ kind: 'all' }, hall, parentOf)).toBe(true);
    expect(scopeCoversHall({ kind: 'none' }, hall, parentOf)).toBe(false);
  });
  it('a cycle in bad region data ends the walk', () => {
    const loop = new Map([
      ['a', 'b'],
      ['b', 'a'],
    ]);
    expect(scopeCoversHall({ kind: 'region', regionCode: 'z' }, { id: 'h', regionCode: 'a' }, (c) => loop.get(c))).toBe(
      false,
    );
  });
});
