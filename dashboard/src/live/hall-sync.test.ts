import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HallSnapshot } from '@contracts/hall.ts';
import { HallSync, resyncDelayMs, type SnapshotSource } from './hall-sync.ts';
import { snapshot, ticketIssued } from './test-fixtures.ts';

/** A snapshot source whose replies the test releases by hand. */
function manualSource() {
  const calls: { kind: 'join' | 'resync'; resolve: (s: HallSnapshot) => void; reject: (e: unknown) => void }[] = [];
  const ask = (kind: 'join' | 'resync') => () =>
    new Promise<HallSnapshot>((resolve, reject) => {
      calls.push({ kind, resolve, reject });
    });
  const source: SnapshotSource = { join: ask('join'), resync: ask('resync') };
  return { source, calls };
}

function setup() {
  const { source, calls } = manualSource();
  const states: HallSnapshot[] = [];
  const errors: unknown[] = [];
  const sync = new HallSync('h1', source, { onState: (s) => states.push(s), onError: (e) => errors.push(e) });
  return { sync, calls, states, errors, last: () => states.at(-1) };
}

const flush = () => new Promise<void>((r) => setTimeout(r, 0));

afterEach(() => {
  vi.useRealTimers();
});

describe('HallSync', () => {
  it('replays deltas that arrived while the join snapshot travelled, dropping duplicates', async () => {
    const { sync, calls, last } = setup();
    const joined = sync.join();
    sync.receive(ticketIssued(10, 'A012')); // already in the snapshot
    sync.receive(ticketIssued(11, 'A013'));
    calls[0]!.resolve(snapshot(10));
    await joined;
    expect(last()?.seq).toBe(11);
    expect(last()?.queues[0]?.lastTicketNo).toBe('A013');
  });

  it('on a gap asks hall:resync, buffers meanwhile and replaces the state with the fresh snapshot', async () => {
    const { sync, calls, last } = setup();
    const joined = sync.join();
    calls[0]!.resolve(snapshot(10));
    await joined;
    sync.receive(ticketIssued(13, 'A015')); // 11 and 12 missing
    expect(calls.map((c) => c.kind)).toEqual(['join', 'resync']);
    sync.receive(ticketIssued(14, 'A016')); // buffered
    calls[1]!.resolve({ ...snapshot(13), queues: snapshot().queues.map((q) => ({ ...q, lastTicketNo: 'fresh' })) });
    await flush();
    expect(last()?.seq).toBe(14);
    expect(last()?.queues[0]?.lastTicketNo).toBe('A016');
    expect(last()?.queues[1]?.lastTicketNo).toBe('fresh');
  });

  it('backs off when resyncs keep coming back behind', async () => {
    vi.useFakeTimers();
    const { sync, calls } = setup();
    const joined = sync.join();
    calls[0]!.resolve(snapshot(10));
    await joined;
    sync.receive(ticketIssued(20, 'A020'));
    expect(calls).toHaveLength(2); // first resync immediately
    calls[1]!.resolve(snapshot(15)); // still behind 20
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(2); // waiting before asking again
    await vi.advanceTimersByTimeAsync(resyncDelayMs(1));
    expect(calls).toHaveLength(3);
    expect(calls[2]!.kind).toBe('resync');
  });

  it('reports a failed resync and retries on the next delta', async () => {
    vi.useFakeTimers();
    const { sync, calls, errors, last } = setup();
    const joined = sync.join();
    calls[0]!.resolve(snapshot(10));
    await joined;
    sync.receive(ticketIssued(12, 'A014'));
    calls[1]!.reject(new Error('timeout'));
    await vi.advanceTimersByTimeAsync(0);
    expect(errors).toHaveLength(1);
    expect(last()?.seq).toBe(10);
    sync.receive(ticketIssued(13, 'A015'));
    await vi.advanceTimersByTimeAsync(resyncDelayMs(1));
    expect(calls.map((c) => c.kind)).toEqual(['join', 'resync', 'resync']);
  });

  it('a rejoin after reconnect replaces the state even when its seq is lower', async () => {
    const { sync, calls, last } = setup();
    let joined = sync.join();
    calls[0]!.resolve(snapshot(10));
    await joined;
    sync.stop();
    joined = sync.join();
    calls[1]!.resolve(snapshot(2)); // e.g. the server was reset
    await joined;
    expect(last()?.seq).toBe(2);
  });

  it('drops the reply of a request that stop() superseded', async () => {
    const { sync, calls, states } = setup();
    const joined = sync.join();
    sync.stop();
    calls[0]!.resolve(snapshot(10));
    await joined;
    expect(states).toHaveLength(0);
  });

  it('takes a pushed hall:snapshot only when it is not older', async () => {
    const { sync, calls, last } = setup();
    const joined = sync.join();
    calls[0]!.resolve(snapshot(10));
    await joined;
    sync.offer(snapshot(8));
    expect(last()?.seq).toBe(10);
    sync.offer(snapshot(12));
    expect(last()?.seq).toBe(12);
  });
});
