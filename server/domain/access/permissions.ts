import type { Role } from '../../../contracts/index.ts';

/**
 * THE permission table (GB/T 22239-2019 8.1.4.2): what each role may do. Every REST endpoint,
 * Socket.IO room and command names one permission from here and checks it on
 * the server, together with the user's scope (scope.ts). Listed at
 * `GET /api/permissions` and in docs/security.md.
 *
 * 三权分立 (GB/T 22239-2019 8.1.4.2 d, separate system, security and audit
 * administration): `sysadmin` runs the system (halls, devices, configuration)
 * but manages no accounts and reads no audit; `secadmin` manages accounts,
 * roles and keys but runs nothing; `auditadmin` only reads and exports the
 * audit log. Seed 001 §1.1.1.17: "every service point manages only its own
 * software and hardware": scope narrows each permission to the user's hall
 * or region.
 */
export const permissions = {
  'hall.read': 'see halls in scope and their live state (wall, snapshot, hall room)',
  'permission.read': 'read this permission table',
  'device.manage': 'register, rotate, revoke and list devices of halls in scope',
  'config.manage': 'change halls, departments, items, queues, windows of halls in scope',
  'user.manage': 'create, disable and unlock accounts in scope; assign roles',
  'security.manage': 'rotate keys, revoke sessions, set security policy',
  'audit.read': 'read the audit log',
  'audit.export': 'export the audit log',
  'pii.view': 'see full ID numbers, names and phones of applicants in scope (audited)',
  'queue.operate': 'operate a window: call, recall, skip, transfer, complete (issue 4)',
  'queue.supervise': 'supervise a hall: pause windows, move tickets, read all queues (issue 4)',
  'review.handle': 'handle reviews and rectification (好差评)',
  'appointment.manage': 'manage appointments and their rules',
  'indicator.read': 'read indicators and models of halls in scope (issue 5)',
  'data.export': 'export indicator and report data of halls in scope',
} as const;
export type Permission = keyof typeof permissions;
export const permissionNames = Object.keys(permissions) as Permission[];

const STAFF_COMMON: Permission[] = ['hall.read', 'permission.read'];

export const rolePermissions: Readonly<Record<Role, readonly Permission[]>> = Object.freeze({
  sysadmin: ['hall.read', 'permission.read', 'device.manage', 'config.manage', 'indicator.read'],
  secadmin: ['permission.read', 'user.manage', 'security.manage'],
  auditadmin: ['permission.read', 'audit.read', 'audit.export'],
  leader: [...STAFF_COMMON, 'indicator.read', 'data.export'],
  supervisor: [...STAFF_COMMON, 'queue.supervise', 'pii.view', 'indicator.read', 'data.export', 'review.handle'],
  staff: [...STAFF_COMMON, 'queue.operate', 'pii.view'],
  reviewer: [...STAFF_COMMON, 'review.handle'],
  appointment: [...STAFF_COMMON, 'appointment.manage', 'pii.view'],
});

export function can(role: Role, p: Permission): boolean {
  return rolePermissions[role].includes(p);
}

/** Roles that must sign in with a second factor (TOTP) once one is enrolled or required (GB/T 22239-2019 8.1.4.1 d). */
export const adminRoles: readonly Role[] = ['sysadmin', 'secadmin', 'auditadmin'];
