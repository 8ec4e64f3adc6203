import type { Config } from '../../../contracts/index.ts';
import type { Clock } from '../../domain/clock.ts';
import type { Db } from '../../store/pool.ts';
import type { Logger } from '../../logger.ts';
import type { Metrics } from '../../metrics.ts';
import type { PiiCipher } from '../../security/pii.ts';
import type { QueueService } from '../../commands/queue-service.ts';
import type { ReadModels } from '../../queries/read-models.ts';
import type { SessionCache } from '../../queries/session-cache.ts';
import type { HallViews } from '../../queries/hall-views.ts';
import type { HallDirectory } from '../../queries/hall-directory.ts';

export interface RouteDeps {
  db: Db;
  clock: Clock;
  config: Config;
  logger: Logger;
  metrics: Metrics;
  pii: PiiCipher;
  queue: QueueService;
  /** The leadership screens' read models (server/queries/read-models.ts): the analytics, indicator and model routes answer from them. */
  readModels: ReadModels;
  /** Session look-ups from memory (docs/authentication.md "Sessions"); without it every request reads PostgreSQL. */
  sessions?: SessionCache;
  /** Hall snapshots from memory (docs/architecture.md "Reads from memory"). */
  views: HallViews;
  /** Halls and regions in memory: the hall-scope check of every hall-scoped route. */
  halls: HallDirectory;
}
