import type { ClickHouseClient } from '@clickhouse/client';
import type { Config } from '../../contracts/index.ts';
import type { Clock } from '../domain/clock.ts';
import type { HallDayState, HallQueueConfig } from '../domain/queue/index.ts';
import type { Logger } from '../logger.ts';
import type { Db } from '../store/pool.ts';

/**
 * The live queue as the read models see it: the hall's state, configuration
 * and name, read without a lock (a screen, not an operation). The queue
 * service (server/commands/queue-service.ts `view`) is one; the read models
 * only read it.
 */
export interface LiveHalls {
  view(
    hallId: string,
  ): Promise<{ readonly state: HallDayState; readonly config: HallQueueConfig; readonly hallName: string }>;
}

/** What the read models read from: PostgreSQL, ClickHouse, the live queue, the clock and the configuration. */
export interface ReadModelDeps {
  db: Db;
  analytics: ClickHouseClient;
  clock: Clock;
  config: Config;
  queue: LiveHalls;
  logger: Logger;
}
