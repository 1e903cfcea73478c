// Reads of sources that many resources share (history archive roots, Horizon): within a short window, every
// pool that names the same URL gets one answer, from one request. An archive's root moves once per
// checkpoint (64 ledgers, about 5 minutes) and Horizon's tip once per ledger (about 5 s), so an answer up to
// a second old changes no decision, while 1,000 pools at a 30 s interval would otherwise send 33 requests a
// second to the same public archive.
import type { HttpClient, HttpResult, RequestLimits } from './http-client.js';

/** How long one answer is reused. */
export const SHARED_READ_MS = 1000;

interface Entry {
  expiresAt: number;
  answer: Promise<HttpResult>;
}

const byClient = new WeakMap<HttpClient, Map<string, Entry>>();

/**
 * `http.get(url, limits)`, or the answer (or the request in flight) of the same client for the same URL
 * from less than SHARED_READ_MS ago. `now` is for tests.
 */
export function sharedGet(http: HttpClient, url: string, limits: Partial<RequestLimits>, now: () => number = Date.now): Promise<HttpResult> {
  let entries = byClient.get(http);
  if (!entries) {
    entries = new Map();
    byClient.set(http, entries);
  }
  const at = now();
  const held = entries.get(url);
  if (held && held.expiresAt > at) return held.answer;
  // Expired entries go on the next miss: the map holds at most the URLs read in the last window.
  for (const [key, entry] of entries) if (entry.expiresAt <= at) entries.delete(key);
  const answer = http.get(url, limits);
  entries.set(url, { expiresAt: at + SHARED_READ_MS, answer });
  return answer;
}
