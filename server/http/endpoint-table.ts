import type { Application, RequestHandler } from 'express';
import type { Permission } from '../domain/access/permissions.ts';

/**
 * The endpoint half of the permission table, read from the Express router
 * itself: each `authorize(...)` handler carries the permission it checks, so
 * `GET /api/permissions` lists what the code enforces, not a hand-kept copy.
 * An API route without `authorize` shows `permission: null` (public, or a
 * broker hook with its own secret); the authorization matrix test pins them.
 */
export interface EndpointRule {
  method: string;
  path: string;
  permission: Permission | null;
  hallScoped: boolean;
}
export type TaggedHandler = RequestHandler & { permission?: Permission; hallScoped?: boolean };

interface Layer {
  route?: { path: string | RegExp; methods: Record<string, boolean>; stack: { handle: TaggedHandler }[] };
  handle?: { stack?: Layer[] };
}

export function endpointTable(app: Application): EndpointRule[] {
  const out: EndpointRule[] = [];
  const walk = (stack: Layer[] | undefined) => {
    for (const l of stack ?? []) {
      if (l.route) {
        // Non-string paths are the dashboard's catch-all, not API endpoints.
        if (typeof l.route.path !== 'string') continue;
        const tagged = l.route.stack.find((s) => s.handle.permission);
        for (const m of Object.keys(l.route.methods)) {
          out.push({
            method: m.toUpperCase(),
            path: l.route.path as string,
            permission: tagged?.handle.permission ?? null,
            hallScoped: tagged?.handle.hallScoped ?? false,
          });
        }
      } else if (l.handle?.stack) walk(l.handle.stack);
    }
  };
  walk((app as unknown as { router?: { stack: Layer[] } }).router?.stack);
  // The dashboard's fallback route has a RegExp path (present once the dashboard is built).
  return out
    .filter((e) => typeof e.path === 'string' && e.path.startsWith('/api/'))
    .sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}
