import type { HallSnapshot } from '@contracts/hall.ts';
import type { DomainEvent, HallDelta } from '@contracts/socket.ts';

/**
 * Applies one `hall:delta` to a hall snapshot. Pure and Vue-free so the
 * sequencing rules (DESIGN.md principle 2: every event carries the hall's
 * `seq`) can be tested without a browser or a socket.
 *
 * Only type imports from contracts: they are erased, so the bundle carries no
 * zod and the root vitest config needs no `@contracts` alias.
 */

/** How many recent tickets the wall keeps (newest first). */
export const RECENT_TICKETS_MAX = 20;

export type DeltaOutcome =
  /** `seq` was the next one: here is the new state. */
  | { kind: 'applied'; state: HallSnapshot }
  /** Already contained in the state (redelivery, or sent while the snapshot was read). */
  | { kind: 'duplicate' }
  /** Deltas are missing between the state and this one: fetch a fresh snapshot. */
  | { kind: 'gap'; expected: number; received: number }
  /** Another hall's delta: never mix halls. */
  | { kind: 'foreign' };

export function applyDelta(state: HallSnapshot, delta: HallDelta): DeltaOutcome {
  if (delta.hallId !== state.hallId) return { kind: 'foreign' };
  if (delta.seq <= state.seq) return { kind: 'duplicate' };
  if (delta.seq !== state.seq + 1) return { kind: 'gap', expected: state.seq + 1, received: delta.seq };
  return { kind: 'applied', state: { ...applyEvent(state, delta.event), seq: delta.seq } };
}

/**
 * The state after one event, leaving `seq` alone. Returns new objects only
 * along the changed path, so Vue watchers (the chart) see what changed.
 * Event types this dashboard does not know yet return the state unchanged:
 * the server may ship new events before the wall shows them.
 */
export function applyEvent(state: HallSnapshot, event: DomainEvent): HallSnapshot {
  switch (event.type) {
    case 'ticket.issued': {
      const d = event.data;
      const queues = state.queues.map((q) =>
        q.id === d.queueId ? { ...q, waiting: d.waiting, issuedToday: d.issuedToday, lastTicketNo: d.ticketNo } : q);
      const recentTickets = [{ ticketNo: d.ticketNo, queueId: d.queueId, issuedAt: event.at }, ...state.recentTickets]
        .slice(0, RECENT_TICKETS_MAX);
      return { ...state, queues, recentTickets, at: event.at };
    }
    case 'device.online':
    case 'device.offline': {
      const online = event.type === 'device.online';
      const { deviceId, kind } = event.data;
      return {
        ...state,
        devices: upsertDevice(state, deviceId, kind, (d) => ({
          ...d, online, lastSeenAt: online ? event.at : d.lastSeenAt,
        })),
        at: event.at,
      };
    }
    case 'device.status': {
      const { deviceId, kind, status } = event.data;
      // Presence comes only from device.online/offline, as on the server, so the wall and a
      // fresh snapshot always agree.
      return {
        ...state,
        devices: upsertDevice(state, deviceId, kind, (d) => ({ ...d, status, lastSeenAt: event.at })),
        at: event.at,
      };
    }
    default:
      return state;
  }
}

type DeviceRow = HallSnapshot['devices'][number];

/** Updates a device row; a device registered after the snapshot was read gets a new row. */
function upsertDevice(state: HallSnapshot, id: string, kind: DeviceRow['kind'], change: (d: DeviceRow) => DeviceRow): DeviceRow[] {
  const i = state.devices.findIndex((d) => d.id === id);
  if (i < 0) return [...state.devices, change({ id, kind, online: false, lastSeenAt: null, status: null })];
  return state.devices.map((d, j) => (j === i ? change(d) : d));
}
