// POST /api/orders — places an order: publishes order.placed on the bus, so
// every open /api/events stream receives it.
import { bus } from '../../../lib/bus';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function POST(): Promise<Response> {
  const orderId = `ord_${Math.random().toString(36).slice(2, 8)}`;
  const total = Math.round(Math.random() * 20000) / 100;
  const id = await bus().publish('order.placed', { orderId, total }, { priority: 'normal' });
  return Response.json({ id, orderId, total }, { status: 201 });
}
