/** Handing control back to the event loop from a long-running loop. */

/**
 * A turn of the event loop, as cheap as the platform allows: `setImmediate` in Node (a few µs;
 * `setTimeout(0)` waits at least 1 ms), a `MessageChannel` message in browsers (timers are
 * clamped to 4 ms there), `setTimeout` elsewhere.
 */
export function macrotask(): Promise<void> {
  const g = globalThis as { setImmediate?: (fn: () => void) => unknown; MessageChannel?: typeof MessageChannel };
  if (g.setImmediate) return new Promise((resolve) => g.setImmediate!(resolve));
  if (g.MessageChannel) {
    return new Promise((resolve) => {
      const channel = new g.MessageChannel!();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
