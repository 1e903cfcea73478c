/** The longest untrusted text kept in a condition message, in characters (code points). */
export const MAX_UNTRUSTED_LENGTH = 256;

// C0 controls (NUL included), DEL, C1 controls, and the bidi overrides/isolates that can make a line
// read differently from what it contains (CVE-2021-42574 style).
const UNPRINTABLE = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Makes text from outside (a node's `/info` body, an HTTP answer, an API message) safe to show in a
 * condition message or a log: tabs and line breaks become one space, other control characters (NUL
 * included), bidi overrides and lone surrogates are removed, and the result is cut to `maxLength`
 * code points (default {@link MAX_UNTRUSTED_LENGTH}), ending in `…` when cut. Never throws.
 */
export function sanitizeUntrusted(text: string, maxLength = MAX_UNTRUSTED_LENGTH): string {
  const cleaned = text.replace(/[\t\n\r]+/g, ' ').replace(UNPRINTABLE, '').replace(LONE_SURROGATE, '');
  const points = Array.from(cleaned);
  if (points.length <= maxLength) return cleaned;
  return `${points.slice(0, Math.max(0, maxLength - 1)).join('')}…`;
}
