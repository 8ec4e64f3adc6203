import { z } from 'zod';
import { deviceCredentialsSchema } from './rest.ts';

/**
 * The simulator's device list, written by the server when it seeds the demo
 * city (DATA_DIR/sim-devices.json, mode 0600) and read by `npm run sim`.
 */
export const simCallerSchema = z.object({
  /** A caller device listed in `devices`. */
  deviceId: z.string(),
  /** The window it is bound to (devices.window_id) and signs in at. */
  windowId: z.string(),
  /** Demo staff account of the hall and its caller PIN (demo only, like the demo password). */
  account: z.string(),
  pin: z.string(),
});
export const simFileSchema = z.object({
  devices: z.array(deviceCredentialsSchema),
  /** Item codes per hall, for ticket requests. */
  items: z.record(z.string(), z.array(z.string())),
  /** Window callers (呼叫器, 001 §1.1.1.16) that sign in and serve; absent in files written before callers existed. */
  callers: z.array(simCallerSchema).default([]),
});
export type SimCaller = z.infer<typeof simCallerSchema>;

/**
 * How the device simulator paces its citizens (DEMO_PACE). `hall-clock`
 * follows the halls' working day (DOMAIN.md: windows work in office hours),
 * so at 19:00 or 03:00 Beijing time only a trickle arrives.
 * `always` ignores the time of day and sends the peak rate at every hour, so
 * a demo started in the evening is not an empty wall; the wall says so.
 */
export const demoPaceSchema = z.enum(['always', 'hall-clock']);
export type DemoPace = z.infer<typeof demoPaceSchema>;
export type SimFile = z.infer<typeof simFileSchema>;
