import { describe, expect, it } from '@jest/globals';
import type { HttpClient, HttpResult } from '../../activities/http-client.js';
import { SHARED_READ_MS, sharedGet } from '../../activities/shared-reads.js';

/** A client that counts its requests and answers each with its number. */
function countingClient(): HttpClient & { requests: string[] } {
  const requests: string[] = [];
  return {
    egress: 'any',
    requests,
    get: async (url): Promise<HttpResult> => {
      requests.push(url);
      return { ok: true, status: 200, body: String(requests.length), url };
    },
  };
}

const body = (result: HttpResult): string => (result.ok ? result.body : result.error.type);

describe('sharedGet: one request per source URL and window for every pool that names it', () => {
  it('answers reads of the same URL within the window from one request, in flight or done', async () => {
    const http = countingClient();
    let now = 1000;
    const clock = (): number => now;
    const first = sharedGet(http, 'https://archive/a', {}, clock);
    const concurrent = sharedGet(http, 'https://archive/a', {}, clock);
    expect(await first).toBe(await concurrent);
    now += SHARED_READ_MS - 1;
    expect(body(await sharedGet(http, 'https://archive/a', {}, clock))).toBe('1');
    expect(http.requests).toEqual(['https://archive/a']);
  });

  it('reads again once the window passed, and never shares between URLs or clients', async () => {
    const http = countingClient();
    const other = countingClient();
    let now = 0;
    const clock = (): number => now;
    expect(body(await sharedGet(http, 'https://archive/a', {}, clock))).toBe('1');
    expect(body(await sharedGet(http, 'https://archive/b', {}, clock))).toBe('2');
    expect(body(await sharedGet(other, 'https://archive/a', {}, clock))).toBe('1');
    now += SHARED_READ_MS;
    expect(body(await sharedGet(http, 'https://archive/a', {}, clock))).toBe('3');
    expect(http.requests).toEqual(['https://archive/a', 'https://archive/b', 'https://archive/a']);
    expect(other.requests).toEqual(['https://archive/a']);
  });
});
