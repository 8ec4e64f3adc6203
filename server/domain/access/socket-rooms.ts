import type { Permission } from './permissions.ts';

/**
 * Socket.IO rooms and commands with the permission each needs; the hall is
 * checked against the user's scope as well (docs/security.md).
 */
export const socketRooms: readonly { event: string; room: string; permission: Permission; scope: 'hall' }[] = [
  { event: 'hall:join', room: 'hall:{hallId}', permission: 'hall.read', scope: 'hall' },
  { event: 'hall:resync', room: 'hall:{hallId}', permission: 'hall.read', scope: 'hall' },
];
