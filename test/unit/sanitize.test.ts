import { describe, expect, it } from '@jest/globals';
import { mergeConditions } from '../../domain/conditions.js';
import { parseCoreInfo } from '../../domain/core-info.js';
import { MAX_UNTRUSTED_LENGTH, sanitizeUntrusted } from '../../domain/sanitize.js';

describe('sanitizeUntrusted', () => {
  it.each([
    ['plain text stays', 'Synced!', 'Synced!'],
    ['NUL is removed', 'bad\u0000body', 'badbody'],
    ['escape sequences lose their ESC', '\u001b[31mred\u001b[0m', '[31mred[0m'],
    ['line breaks and tabs become one space', 'a\r\n\tb', 'a b'],
    ['DEL and C1 controls are removed', 'a\u007Fb\u0085c\u009Bd', 'abcd'],
    ['bidi overrides are removed', 'user\u202Eevil\u2066x\u2069', 'userevilx'],
    ['a lone surrogate is removed', 'a\uD800b', 'ab'],
    ['a surrogate pair (emoji) stays', 'ok \u{1F600}', 'ok \u{1F600}'],
    ['empty stays empty', '', ''],
  ])('%s', (_case, input, expected) => {
    expect(sanitizeUntrusted(input)).toBe(expected);
  });

  it.each([
    [MAX_UNTRUSTED_LENGTH, MAX_UNTRUSTED_LENGTH, false],
    [MAX_UNTRUSTED_LENGTH + 1, MAX_UNTRUSTED_LENGTH, true],
    [10_000, MAX_UNTRUSTED_LENGTH, true],
  ])('a %i-character text comes out at %i characters (cut: %p)', (length, expected, cut) => {
    const out = sanitizeUntrusted('x'.repeat(length));
    expect(Array.from(out)).toHaveLength(expected);
    expect(out.endsWith('…')).toBe(cut);
  });

  it('cuts by code points, never inside a surrogate pair', () => {
    const out = sanitizeUntrusted('\u{1F600}'.repeat(10), 4);
    expect(out).toBe('\u{1F600}\u{1F600}\u{1F600}…');
  });
});

describe('untrusted text on its way to a condition', () => {
  it('a NUL-laden /info error body reaches the probe error cleaned', () => {
    const body = JSON.stringify({ error: `core is \u0000\u0007broken\n${'!'.repeat(1000)}` });
    const message = parseCoreInfo(body).error?.message ?? '';
    expect(message).not.toMatch(/[\u0000-\u001F]/);
    expect(Array.from(message).length).toBeLessThanOrEqual(MAX_UNTRUSTED_LENGTH);
    expect(message.startsWith('core is broken !')).toBe(true);
  });

  it('a body that is not JSON is quoted cleaned and short', () => {
    const message = parseCoreInfo(`\u0000\u0001<html>${'x'.repeat(500)}`).error?.message ?? '';
    expect(message).toMatch(/^\/info answered with a body that is not JSON: <html>x+…$/);
    expect(message).not.toContain('\u0000');
  });

  it('mergeConditions cleans and bounds every message', () => {
    const [merged] = mergeConditions(undefined, [{ type: 'Ready', status: 'False', reason: 'BadResponse', message: `a\u0000b${'y'.repeat(2000)}`, observedGeneration: 1 }], 'T1');
    expect(merged?.message.startsWith('ab')).toBe(true);
    expect(Array.from(merged?.message ?? '')).toHaveLength(1024);
  });
});
