import type { RunEvent } from "../contracts/run-events";

/**
 * Where the engine publishes what a run tells its watchers (lib/contracts/run-events.ts defines
 * the events). The engine publishes without knowing who listens (log, database, server-sent
 * events, Redis): one interface, an implementation per transport.
 */
export interface RunEventSink {
  publish(event: RunEvent): void;
}

export const noEvents: RunEventSink = { publish() {} };
