// GET /api/events?pattern=order.* — Server-Sent Events from the bus.
// The browser's EventSource reconnects on its own and sends Last-Event-ID:
// it then gets exactly the events it missed, then live ones.
import { eventStreamResponse } from 'eventwire/next';
import { bus } from '../../../lib/bus';

// A native addon: never the edge runtime.
export const runtime = 'nodejs';
// A stream, never a cached response (needed on Next 14; the default from 15).
export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  // `pattern` query parameters choose the events (default here: order.**);
  // request.signal ends the stream and its subscription when the tab closes.
  return eventStreamResponse(bus(), request, { pattern: 'order.**', heartbeatMs: 15000 });
}
