/**
 * The queue engine (排队叫号, 001 §1.1.1.15–17, DOMAIN.md "Queue and
 * calling"): pure functions of (state, command, now, config). What the
 * persistence / MQTT adapter uses.
 */
export * from './config.ts';
export * from './state.ts';
export * from './events.ts';
export * from './commands.ts';
export { applyCommand } from './engine.ts';
export { takeTicket } from './take.ts';
export { callNext, callTicket, recall, skip, reactivate } from './calling.ts';
export { startService, completeService, transfer } from './service.ts';
export { changeWindowStatus } from './window-status.ts';
export { pickNext, callOrderFor, callableBy, returnIsDue, type Candidate } from './pick-next.ts';
export {
  estimateWait,
  estimateAll,
  estimateFor,
  waitingAheadOf,
  queueCapacity,
  serviceStats,
  type WaitEstimate,
  type ServiceStats,
} from './wait-estimate.ts';
export { hallPressure, PRESSURE_LEVELS, PRESSURE_LABELS_ZH, type Pressure, type PressureLevel } from './pressure.ts';
