import { Router } from 'express';
import { roles } from '../../../contracts/index.ts';
import { permissions, rolePermissions } from '../../domain/access/permissions.ts';
import { socketRooms } from '../../domain/access/socket-rooms.ts';
import { authorize } from '../auth.ts';
import { endpointTable } from '../endpoint-table.ts';
import type { RouteDeps } from './deps.ts';

/** The one permission table, as data (GB/T 22239-2019 8.1.4.2): roles, what each may do, and which check each endpoint and room makes. */
export function permissionRoutes({ db, clock }: RouteDeps): Router {
  const r = Router();
  r.get('/api/permissions', authorize(db, clock, 'permission.read'), (req, res) => {
    res.json({
      permissions,
      roles: Object.fromEntries(roles.map((role) => [role, rolePermissions[role]])),
      endpoints: endpointTable(req.app),
      rooms: socketRooms,
    });
  });
  return r;
}
