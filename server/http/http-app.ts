import express, { type Express } from 'express';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HallError } from '../../contracts/index.ts';
import { errorHandler } from './errors.ts';
import { authRoutes } from './routes/auth-routes.ts';
import { hallRoutes } from './routes/hall-routes.ts';
import { provisioningRoutes } from './routes/provisioning-routes.ts';
import { brokerHookRoutes } from './routes/broker-hook-routes.ts';
import { permissionRoutes } from './routes/permission-routes.ts';
import type { RouteDeps } from './routes/deps.ts';

const DASHBOARD = fileURLToPath(new URL('../../dist/dashboard/', import.meta.url));

export interface HttpDeps extends RouteDeps {
  readiness(): Promise<{ ready: boolean; db: boolean; mqtt: boolean; clickhouse: boolean }>;
}

/** Express app: health, metrics, the REST API and the built dashboard at `/`. */
export function createHttpApp(deps: HttpDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: { 'connect-src': ["'self'", 'ws:', 'wss:'], 'img-src': ["'self'", 'data:'], 'style-src': ["'self'", "'unsafe-inline'"] },
    },
    // Served over plain HTTP on a LAN in the demo; HTTPS deployments add HSTS at the proxy (docs/operations.md).
    strictTransportSecurity: false,
  }));
  app.use(express.json({ limit: '64kb' }));

  app.get('/healthz', (_req, res) => { res.json({ status: 'ok' }); });
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
  app.use(brokerHookRoutes(deps));
  app.use(permissionRoutes(deps));
  app.use('/api', (_req, _res, next) => next(new HallError('HALL_ERR_NOT_FOUND', 'no such endpoint')));

  if (existsSync(DASHBOARD)) {
    app.use(express.static(DASHBOARD, { index: 'index.html', maxAge: '1h' }));
    app.get(/^\/(?!api|socket\.io|metrics).*/, (_req, res) => res.sendFile(DASHBOARD + 'index.html'));
  } else {
    app.get('/', (_req, res) => { res.type('text').send('Dashboard not built: run `npm run build:dashboard` (npm start does it).'); });
  }
  app.use(errorHandler(deps.db, deps.metrics, deps.logger));
  return app;
}
