/**
 * Wait for `cond` to hold, checked every `everyMs`: for events in other processes (a router
 * replaced, a request answered) that no callback reports here. Throws naming the condition.
 */
export async function until(cond: () => boolean, timeoutMs = 30_000, everyMs = 20): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`still not so after ${timeoutMs} ms: ${cond.toString()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
