'use client';
// Live orders over Server-Sent Events. SSE events carry their type as the
// event name ("event: order.placed"), so listen per type: `onmessage` only
// sees events without a name.
import { useEffect, useState } from 'react';

type Envelope = { id: string; type: string; data: unknown; timestamp: number };

const TYPES = ['order.placed', 'order.paid'];

export default function Page() {
  const [events, setEvents] = useState<Envelope[]>([]);
  const [status, setStatus] = useState('connecting');

  useEffect(() => {
    // EventSource reconnects by itself (after the server's `retry:`) and
    // sends Last-Event-ID, so nothing is missed across reconnects.
    const source = new EventSource('/api/events?pattern=order.*');
    const onEvent = (e: MessageEvent<string>) => {
      const env = JSON.parse(e.data) as Envelope;
      setEvents((list) => [env, ...list].slice(0, 50));
    };
    for (const type of TYPES) source.addEventListener(type, onEvent);
    source.addEventListener('eventwire.gap', () => setStatus('resumed with a gap: some events were too old'));
    source.addEventListener('eventwire.dropped', (e) => {
      setStatus(`skipped ${JSON.parse((e as MessageEvent<string>).data).count} low-priority events`);
    });
    source.onopen = () => setStatus('live');
    source.onerror = () => setStatus('reconnecting');
    return () => source.close();
  }, []);

  return (
    <main>
      <h1>Orders</h1>
      <p>
        {status} · <button onClick={() => fetch('/api/orders', { method: 'POST' })}>Place an order</button>
      </p>
      <ul>
        {events.map((e) => (
          <li key={e.id}>
            <code>{e.id}</code> {e.type} {JSON.stringify(e.data)}
          </li>
        ))}
      </ul>
    </main>
  );
}
