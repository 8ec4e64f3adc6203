import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { startStack, type Stack } from '../helpers/stack.ts';
import { HallError } from '../../contracts/index.ts';
import { createQueueService, type QueueService } from '../../server/commands/queue-service.ts';
import { commandOf, type WindowOp } from '../../server/commands/window-ops.ts';
import type { Clock } from '../../server/domain/clock.ts';

/**
 * The adapter's half of the property tests: random operation
 * sequences from the hall's windows run through the queue service on the
 * real embedded PostgreSQL, with time moving across a midnight. After each
 * sequence a SECOND service (a cold process: no cache) reads the hall from
 * the database, and its state must equal what the first one holds in memory —
 * every engine field survives the write and the reload, the day roll
 * included — and the outbox holds one gapless seq per event.
 */
const HALL = 'h-east';
const ITEMS = ['ZH-001', 'ZH-002', 'GA-001', 'RS-001', 'SC-001', 'BDC-001'];

class StepClock implements Clock {
  t = Date.parse('2026-11-30T01:00:00Z'); // 09:00 in the hall (Asia/Shanghai)
  now(): Date {
    return new Date(this.t);
  }
}

type Step =
  { k: 'take'; item: number; green: boolean } | { k: 'op'; w: number; op: WindowOp } | { k: 'advance'; min: number };
const opArb: fc.Arbitrary<WindowOp> = fc.oneof(
  fc.constant({ op: 'next' } as const),
  fc.constant({ op: 'next' } as const),
  fc.constant({ op: 'recall' } as const),
  fc.constant({ op: 'skip' } as const),
  fc.constant({ op: 'start' } as const),
  fc.constantFrom('done', 'refused', 'incomplete').map((outcome) => ({ op: 'complete', outcome }) as const),
  fc.constantFrom('open', 'open', 'pause', 'resume', 'close').map((op) => ({ op }) as WindowOp),
  fc
    .constantFrom(`${HALL}-qA`, `${HALL}-qB`, `${HALL}-qC`)
    .map((toQueueId) => ({ op: 'transfer', toQueueId }) as const),
);
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ k: fc.constant('take' as const), item: fc.nat(ITEMS.length - 1), green: fc.boolean() }),
  },
  { weight: 6, arbitrary: fc.record({ k: fc.constant('op' as const), w: fc.integer({ min: 1, max: 3 }), op: opArb }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('advance' as const), min: fc.integer({ min: 1, max: 400 }) }) },
);

describe('queue state survives PostgreSQL: random sequences, cold reload equals memory', () => {
  let s: Stack;
  let q: QueueService;
  const clock = new StepClock();
  beforeAll(async () => {
    s = await startStack({}, undefined, { clock });
    q = s.app.queue;
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });

  it('holds for random sequences', async () => {
    let runs = 0;
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 20, maxLength: 60 }), async (steps) => {
        runs++;
        const seq0 = (await s.app.db.query<{ seq: number }>('SELECT seq FROM halls WHERE id = $1', [HALL])).rows[0]!
          .seq;
        let events = 0;
        // Three windows open and a few tickets first, so that most random steps act on something.
        const start: Step[] = [1, 2, 3].map((w) => ({ k: 'op', w, op: { op: 'open' } }) as Step);
        for (let i = 0; i < 4; i++) start.push({ k: 'take', item: i % 2, green: false });
        for (const st of [...start, ...steps]) {
          try {
            if (st.k === 'advance') {
              clock.t += st.min * 60_000;
              continue;
            }
            const r =
              st.k === 'take'
                ? await q.run(HALL, {
                    type: 'take',
                    ticketId: randomUUID(),
                    itemCode: ITEMS[st.item]!,
                    class: st.green ? 'green' : 'walk-in',
                  })
                : await q.run(HALL, (state) => commandOf(`${HALL}-w${st.w}`, st.op, state));
            if (!r.duplicate) {
              events += r.events.length;
              for (const e of r.events) seen.add(e.type);
            }
          } catch (e) {
            if (!(e instanceof HallError)) throw e;
          }
        }
        const warm = await q.view(HALL);
        const cold = await createQueueService({ db: s.app.db, clock, tz: 'Asia/Shanghai' }).view(HALL);
        expect(cold.version).toBe(warm.version);
        expect(cold.state).toEqual(warm.state);
        const seqs = (
          await s.app.db.query<{ seq: number }>('SELECT seq FROM outbox WHERE hall_id = $1 AND seq > $2 ORDER BY seq', [
            HALL,
            seq0,
          ])
        ).rows.map((r) => r.seq);
        expect(seqs).toEqual(Array.from({ length: events }, (_, i) => seq0 + 1 + i));
      }),
      { numRuns: 12, seed: Number(process.env.FC_SEED ?? 20261128) },
    );
    expect(runs).toBe(12);
    // The sequences did reach every kind of change, so every column was written and read back.
    for (const t of [
      'ticket.issued',
      'ticket.called',
      'ticket.recalled',
      'ticket.skipped',
      'service.started',
      'ticket.completed',
      'ticket.transferred',
      'window.paused',
      'window.closed',
      'day.rolled',
    ]) {
      expect(seen, t).toContain(t);
    }
  }, 300_000);
});
