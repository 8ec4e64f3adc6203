import express, { type Express } from 'express';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HallError } from '../../contracts/index.ts';
import { errorHandler } from './errors.ts';
import { useSessionCache } from './auth.ts';
import { authRoutes } from './routes/auth-routes.ts';
import { hallRoutes } from './routes/hall-routes.ts';
import { provisioningRoutes } from './routes/provisioning-routes.ts';
import { deviceRoutes } from './routes/device-routes.ts';
import { brokerHookRoutes } from './routes/broker-hook-routes.ts';
import { permissionRoutes } from './routes/permission-routes.ts';
import { auditRoutes } from './routes/audit-routes.ts';
import { piiRoutes } from './routes/pii-routes.ts';
import type { RouteDeps } from './routes/deps.ts';
import { queueRoutes } from './routes/queue-routes.ts';
import { configRoutes } from './routes/config-routes.ts';
import { indicatorRoutes } from './routes/indicator-routes.ts';
import { analyticsRoutes } from './routes/analytics-routes.ts';
import { modelRoutes } from './routes/model-routes.ts';

const DASHBOARD = fileURLToPath(new URL('../../dist/dashboard/', import.meta.url));

export interface HttpDeps extends RouteDeps {
  readiness(): Promise<{ ready: boolean; db: boolean; mqtt: boolean; clickhouse: boolean }>;
}

/** Express app: health, metrics, the REST API and the built dashboard at `/`. */
export function createHttpApp(deps: HttpDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(useSessionCache(deps.sessions, deps.halls));
  // Strict CSP (docs/authentication.md "Web hardening"): scripts and style sheets only from
  // this origin, no inline script, no eval. The built dashboard has no inline <script> or <style>.
  // `style-src-attr 'unsafe-inline'` only lets ECharts' tooltip HTML keep its style="" attributes;
  // it allows no script. connect-src 'self' covers the same-origin ws(s):// Socket.IO uses (CSP3).
  // No upgrade-insecure-requests: the demo is plain HTTP on a LAN and would lose its own assets.
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          'script-src-attr': ["'none'"],
          'style-src': ["'self'"],
          'style-src-attr': ["'unsafe-inline'"],
          'connect-src': ["'self'"],
          'img-src': ["'self'", 'data:'],
          'font-src': ["'self'"],
          'frame-ancestors': ["'none'"],
          'upgrade-insecure-requests': null,
        },
      },
      // Served over plain HTTP on a LAN in the demo; HTTPS deployments add HSTS at the proxy (docs/operations.md).
      strictTransportSecurity: false,
    }),
  );
  app.use(express.json({ limit: '64kb' }));
  // API answers carry tokens and personal data: never cached. Sessions are bearer tokens in the
  // Authorization header, never cookies, so there is no ambient credential for CSRF to use;
  // adding cookie sessions needs CSRF protection first (docs/authentication.md).
  app.use('/api', (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const r = await deps.readiness();
    const ok = r.ready && r.db && r.mqtt && r.clickhouse;
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not-ready', ...r });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  app.use(authRoutes(deps));
  app.use(hallRoutes(deps));
  app.use(provisioningRoutes(deps));
  app.use(deviceRoutes(deps));
  app.use(brokerHookRoutes(deps));
  app.use(permissionRoutes(deps));
  app.use(auditRoutes(deps));
  app.use(piiRoutes(deps));
  app.use(queueRoutes(deps));
  app.use(configRoutes(deps));
  app.use(indicatorRoutes(deps));
  app.use(analyticsRoutes(deps));
  app.use(modelRoutes(deps));
  app.use('/api', (_req, _res, next) => next(new HallError('HALL_ERR_NOT_FOUND', 'no such endpoint')));

  if (existsSync(DASHBOARD)) {
    app.use(express.static(DASHBOARD, { index: 'index.html', maxAge: '1h' }));
    app.get(/^\/(?!api|socket\.io|metrics).*/, (_req, res) => res.sendFile(DASHBOARD + 'index.html'));
  } else {
    app.get('/', (_req, res) => {
      res.type('text').send('Dashboard not built: run `npm run build:dashboard` (npm start does it).');
    });
  }
  app.use(errorHandler(deps.db, deps.metrics, deps.logger));
  return app;
}
