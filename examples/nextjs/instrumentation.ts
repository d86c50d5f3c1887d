// Runs once when the Next.js server starts: create the bus (and start its
// server, if configured) before the first request. Edge runtimes load this
// file too, and cannot load a native addon: only import eventwire on Node.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { bus } = await import('./lib/bus');
    bus();
  }
}
