// The app's one bus. Every server module gets it through here, so the options
// are the same whichever module runs first (instrumentation.ts normally).
import { getEventBus } from 'eventwire/next';
import type { EventBusOptions } from 'eventwire';

/** The events of this app: names checked by tsc, payloads typed. */
export type AppEvents = {
  'order.placed': { orderId: string; total: number };
  'order.paid': { orderId: string };
};

const options: EventBusOptions = {
  // The engine's history: what a reconnecting browser can catch up on.
  history: { size: 10000, maxAgeMs: 60 * 60 * 1000 },
  // Uncomment to also serve WebSocket clients (eventwire/client) on :8080/ws.
  // server: { port: 8080, host: '0.0.0.0' },
};

export function bus() {
  return getEventBus<AppEvents>(options);
}
