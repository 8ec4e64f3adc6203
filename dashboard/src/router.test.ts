import { describe, expect, it, vi } from 'vitest';

// router.ts reads location.hash and listens for hashchange when it loads; the unit project runs in node.
vi.hoisted(() => {
  Object.assign(globalThis, { location: { hash: '' }, window: { addEventListener: () => undefined } });
});
const { hrefOf, parseHash } = await import('./router.ts');
type Route = ReturnType<typeof parseHash>;

describe('hash router', () => {
  const cases: [string, Route][] = [
    ['#/login', { name: 'login' }],
    ['#/halls', { name: 'halls' }],
    ['#/halls/h-east', { name: 'hall', hallId: 'h-east' }],
    ['#/console/h-east', { name: 'console', hallId: 'h-east' }],
    ['#/console/h-east/h-east-w5', { name: 'console', hallId: 'h-east', windowId: 'h-east-w5' }],
    ['#/admin', { name: 'admin' }],
    ['#/admin/h-city', { name: 'admin', hallId: 'h-city' }],
    // The leadership screen, its drill-down and one hall, and the hall operation report.
    ['#/leader', { name: 'leader' }],
    ['#/leader/440902', { name: 'leader', region: '440902' }],
    ['#/leader/hall/h-east', { name: 'leaderHall', hallId: 'h-east' }],
    ['#/report/h-east', { name: 'report', hallId: 'h-east' }],
    [
      '#/report/h-east?from=2026-03-01&to=2026-03-07',
      { name: 'report', hallId: 'h-east', from: '2026-03-01', to: '2026-03-07' },
    ],
  ];

  it.each(cases)('%s ⇄ route', (hash, route) => {
    expect(parseHash(hash)).toEqual(route);
    expect(hrefOf(route)).toBe(hash);
  });

  it('unknown or incomplete hashes fall back to the hall list', () => {
    for (const h of ['', '#', '#/', '#/nowhere', '#/console', '#/report'])
      expect(parseHash(h)).toEqual({ name: 'halls' });
    expect(parseHash('#/leader/hall')).toEqual({ name: 'leader' });
  });

  it('ids are encoded and decoded; a query only belongs to the report', () => {
    expect(hrefOf({ name: 'leaderHall', hallId: 'a b/c' })).toBe('#/leader/hall/a%20b%2Fc');
    expect(parseHash('#/leader/hall/a%20b%2Fc')).toEqual({ name: 'leaderHall', hallId: 'a b/c' });
    expect(parseHash('#/leader/440902?x=1')).toEqual({ name: 'leader', region: '440902' });
    expect(parseHash('#/report/h-east?from=2026-03-01')).toEqual({
      name: 'report',
      hallId: 'h-east',
      from: '2026-03-01',
    });
  });
});
