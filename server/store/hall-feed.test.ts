import { describe, expect, it } from 'vitest';
import { parseHallFeed } from './hall-feed.ts';

describe('hall feed notices (migration 016)', () => {
  it('reads the three shapes and nothing else', () => {
    const event = { type: 'ticket.issued', hallId: 'h', seq: 3, at: '2026-12-02T00:00:00Z', data: {} };
    expect(parseHallFeed(JSON.stringify(event))).toEqual({ kind: 'event', event });
    expect(parseHallFeed('{"hallId":"h","seq":4,"large":true}')).toEqual({ kind: 'large', hallId: 'h', seq: 4 });
    expect(parseHallFeed('{"hallId":"h","changed":"windows"}')).toEqual({
      kind: 'changed',
      hallId: 'h',
      table: 'windows',
    });
    for (const bad of ['', 'x', 'null', '[]', '{"seq":1}', '{"hallId":"h","seq":"1"}', '{"hallId":"h","seq":1}'])
      expect(parseHallFeed(bad), bad).toBeNull();
  });
});
