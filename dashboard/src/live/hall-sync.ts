import type { HallSnapshot } from '@contracts/hall.ts';
import type { HallDelta } from '@contracts/socket.ts';
import { applyDelta } from '../../../contracts/apply-delta.ts';

/**
 * Keeps one hall's state in step with the server: snapshot on join, deltas in
 * `seq` order, and a fresh snapshot (`hall:resync`) whenever a gap shows.
 * No Vue and no socket here: the transport is injected, so the buffering and
 * replay rules are unit-tested (hall-sync.test.ts).
 */

/** Where snapshots come from; the store backs this with Socket.IO acks. */
export interface SnapshotSource {
  join(hallId: string): Promise<HallSnapshot>;
  resync(hallId: string): Promise<HallSnapshot>;
}

export type SyncKind = 'join' | 'resync';

export interface SyncHooks {
  /** Every new state (after join, resync or an applied delta). */
  onState(state: HallSnapshot): void;
  onError(err: unknown, kind: SyncKind): void;
  /** True while a snapshot is on its way (deltas are buffered meanwhile). */
  onLoading?(loading: boolean): void;
}

/**
 * Delay before the n-th resync in a row that did not end in a clean state, so
 * a server whose snapshot lags behind its deltas is not hammered.
 */
export function resyncDelayMs(streak: number): number {
  return streak === 0 ? 0 : Math.min(250 * 2 ** (streak - 1), 5000);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class HallSync {
  private state: HallSnapshot | null = null;
  /** Non-null while a snapshot is loading: deltas wait here and are replayed on top of it. */
  private buffer: HallDelta[] | null = null;
  /** Bumped by every load and by stop(); a reply for an older generation is dropped. */
  private generation = 0;
  private resyncStreak = 0;

  constructor(
    readonly hallId: string,
    private readonly source: SnapshotSource,
    private readonly hooks: SyncHooks,
  ) {}

  get snapshot(): HallSnapshot | null {
    return this.state;
  }

  /** Join (first connect and every reconnect): the fresh snapshot always replaces the state. */
  join(): Promise<void> {
    return this.load('join', []);
  }

  /** Forget in-flight requests and buffered deltas (socket gone); the last state stays visible. */
  stop(): void {
    this.generation++;
    this.setBuffer(null);
  }

  receive(delta: HallDelta): void {
    if (delta.hallId !== this.hallId) return;
    if (this.buffer) {
      this.buffer.push(delta);
      return;
    }
    if (!this.state) return; // not joined yet: the join's snapshot will contain it
    const out = applyDelta(this.state, delta);
    if (out.kind === 'applied') {
      this.state = out.state;
      this.resyncStreak = 0;
      this.hooks.onState(out.state);
    } else if (out.kind === 'gap') {
      void this.load('resync', [delta]);
    }
  }

  /** A snapshot the server pushed by itself (`hall:snapshot`): taken only if it is not older. */
  offer(snapshot: HallSnapshot): void {
    if (snapshot.hallId !== this.hallId || this.buffer) return;
    if (this.state && snapshot.seq < this.state.seq) return;
    this.state = snapshot;
    this.hooks.onState(snapshot);
  }

  private async load(kind: SyncKind, pending: HallDelta[]): Promise<void> {
    const gen = ++this.generation;
    // Deltas already waiting for an older load are kept: replay drops the ones the snapshot contains.
    this.setBuffer([...(this.buffer ?? []), ...pending]);
    try {
      if (kind === 'resync') {
        const wait = resyncDelayMs(this.resyncStreak++);
        if (wait > 0) await sleep(wait);
        if (gen !== this.generation) return;
      } else {
        this.resyncStreak = 0;
      }
      const snapshot = await this.source[kind](this.hallId);
      if (gen !== this.generation) return; // superseded by a newer join/resync or stop()
      this.replay(snapshot);
    } catch (err) {
      if (gen !== this.generation) return;
      // Keep the old state; the next delta shows the gap again and retries (with backoff).
      this.setBuffer(null);
      this.hooks.onError(err, kind);
    }
  }

  /** Snapshot first, then the deltas that arrived while it travelled. */
  private replay(snapshot: HallSnapshot): void {
    const pending = this.buffer ?? [];
    this.setBuffer(null);
    let state = snapshot;
    for (let i = 0; i < pending.length; i++) {
      const out = applyDelta(state, pending[i]!);
      if (out.kind === 'applied') state = out.state;
      if (out.kind === 'gap') {
        // Still missing deltas: show what we have and ask again with the rest buffered.
        this.state = state;
        this.hooks.onState(state);
        void this.load('resync', pending.slice(i));
        return;
      }
    }
    this.state = state;
    this.resyncStreak = 0;
    this.hooks.onState(state);
  }

  private setBuffer(buffer: HallDelta[] | null): void {
    const was = this.buffer !== null;
    this.buffer = buffer;
    if (was !== (buffer !== null)) this.hooks.onLoading?.(buffer !== null);
  }
}
