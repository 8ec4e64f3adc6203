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
  /** Window callers (呼叫器, issue 4) that sign in and serve; absent in files written before issue 4. */
  callers: z.array(simCallerSchema).default([]),
});
export type SimCaller = z.infer<typeof simCallerSchema>;
export type SimFile = z.infer<typeof simFileSchema>;
