import { Registry, Counter, Histogram, Gauge, collectDefaultMetrics } from 'prom-client';

/** One registry per application instance, so tests can run several in one process. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    ingestMessages: new Counter({
      name: 'hall_ingest_messages_total',
      help: 'MQTT messages read by the ingest, by type and result',
      labelNames: ['type', 'result'] as const,
      registers: [registry],
    }),
    refused: new Counter({
      name: 'hall_refused_total',
      help: 'Refused input by source and error code (each one is also a dead letter)',
      labelNames: ['source', 'code'] as const,
      registers: [registry],
    }),
    mqttToSocket: new Histogram({
      name: 'hall_mqtt_to_socket_seconds',
      help: 'From the ingest receiving a device message to the Socket.IO delta being emitted',
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    commandSeconds: new Histogram({
      name: 'hall_command_seconds',
      help: 'Command transaction time by type',
      labelNames: ['type'] as const,
      buckets: [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1],
      registers: [registry],
    }),
    sockets: new Gauge({ name: 'hall_socket_connections', help: 'Open Socket.IO connections', registers: [registry] }),
    deltas: new Counter({
      name: 'hall_socket_deltas_total',
      help: 'Deltas emitted to hall rooms',
      registers: [registry],
    }),
    relayEvents: new Counter({
      name: 'hall_relay_events_total',
      help: 'Events the outbox relay delivered to ClickHouse (acknowledged batches)',
      registers: [registry],
    }),
    relayErrors: new Counter({
      name: 'hall_relay_errors_total',
      help: 'Failed outbox relay steps (ClickHouse or PostgreSQL unavailable); the batch is retried',
      registers: [registry],
    }),
    sessionLookups: new Counter({
      name: 'hall_session_cache_lookups_total',
      help: 'Session look-ups (REST requests, socket handshakes) by where the answer came from: hit (memory), miss (PostgreSQL), idle_reread (looked idle in memory, read again)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    hallViews: new Counter({
      name: 'hall_view_reads_total',
      help: 'Hall snapshots (socket join/resync, REST) by how they were answered: read (memory), build (first read of a hall), refresh (figures re-read), repair (missing events read from the outbox)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    sharedReads: new Counter({
      name: 'hall_shared_reads_total',
      help: 'Leadership reads by whether they ran (miss), joined one running (shared) or took a recent answer (hit)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    socketRefusals: new Counter({
      name: 'hall_socket_admission_refusals_total',
      help: 'Socket handshakes and joins turned away to come back later: busy (admission rate), token_cap (too many sockets on one session), join_flood (too many joins on one socket)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    relayLag: new Gauge({
      name: 'hall_relay_lag_events',
      help: 'Committed events not yet in ClickHouse, as of the last relay step',
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
