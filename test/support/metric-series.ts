// The series a PromQL expression reads, and whether a scrape of /metrics has them: pure helpers of the tests that
// hold the chart's alerts and dashboard against the worker's real metrics (test/integration/demo.test.ts).

/** One sample of the Prometheus text format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A label matcher of a selector: `label op "value"`. */
export interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

/** One series selector of an expression, and the labels the expression needs it to carry. */
export interface Selector {
  metric: string;
  matchers: Matcher[];
  /** Labels the expression groups or joins by (`by (...)`, `on (...)`) or a legend shows: each selector must carry them. */
  needs: string[];
}

/** Parses the Prometheus text format into samples (comments and blank lines skipped). */
export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match || line.startsWith('#')) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1] ?? ''] = pair[2] ?? '';
    samples.push({ name: match[1] ?? '', labels, value: Number(match[3]) });
  }
  return samples;
}

/** Words of PromQL that are not metric names: binary operators and modifiers. */
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan']);

/**
 * The series selectors of a PromQL expression (or of a Grafana `label_values(metric, label)` query), each with
 * the labels the expression needs: those of `by (...)` and `on (...)`, and the `{{label}}`s of `legend`.
 * Function names, range and subquery brackets (`[5m]`, `[$__rate_interval]`), numbers and strings are skipped.
 */
export function selectorsOf(expr: string, legend = ''): Selector[] {
  const legendLabels = [...legend.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1] ?? '');
  const labelValues = /^\s*label_values\(\s*([a-zA-Z_:][\w:]*)\s*,\s*(\w+)\s*\)\s*$/.exec(expr);
  if (labelValues) return [{ metric: labelValues[1] ?? '', matchers: [], needs: [labelValues[2] ?? ''] }];
  const grouping = new Set<string>(legendLabels);
  let rest = expr.replace(/\[[^\]]*\]/g, ' ');
  rest = rest.replace(/\b(by|on|without|ignoring|group_left|group_right)\s*\(([^)]*)\)/g, (_all, word: string, list: string) => {
    if (word === 'by' || word === 'on') for (const label of list.split(',')) if (label.trim()) grouping.add(label.trim());
    return ' ';
  });
  const selectors: Selector[] = [];
  for (const match of rest.matchAll(/([a-zA-Z_:][\w:]*)\s*(\{[^}]*\})?\s*(\()?/g)) {
    const [, name = '', braces, call] = match;
    const before = rest.slice(0, match.index);
    if (call || KEYWORDS.has(name.toLowerCase()) || /[\d.$]$/.test(before) || isInsideString(before)) continue;
    selectors.push({ metric: name, matchers: matchersOf(braces ?? ''), needs: [...grouping] });
  }
  return selectors;
}

function isInsideString(before: string): boolean {
  return (before.match(/"/g) ?? []).length % 2 === 1;
}

function matchersOf(braces: string): Matcher[] {
  return [...braces.matchAll(/(\w+)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)].map((m) => ({ label: m[1] ?? '', op: m[2] as Matcher['op'], value: m[3] ?? '' }));
}

/** Whether a sample's labels satisfy a matcher. A value holding a Grafana variable (`$namespace`) asks only for the label. */
function matches(labels: Record<string, string>, matcher: Matcher): boolean {
  const actual = labels[matcher.label];
  if (matcher.value.includes('$')) return actual !== undefined;
  const regex = (): RegExp => new RegExp(`^(?:${matcher.value})$`);
  switch (matcher.op) {
    case '=':
      return (actual ?? '') === matcher.value;
    case '!=':
      return (actual ?? '') !== matcher.value;
    case '=~':
      return regex().test(actual ?? '');
    case '!~':
      return !regex().test(actual ?? '');
  }
}

/**
 * What a scrape lacks for `selector`: `undefined` when some sample has the metric's name, satisfies every
 * matcher and carries every needed label; otherwise a sentence naming the metric and what is missing.
 */
export function missingSeries(selector: Selector, samples: readonly Sample[]): string | undefined {
  const named = samples.filter((sample) => sample.name === selector.metric);
  if (named.length === 0) return `no series named ${selector.metric}`;
  const matching = named.filter((sample) => selector.matchers.every((matcher) => matches(sample.labels, matcher)));
  if (matching.length === 0) return `no ${selector.metric} series with ${selector.matchers.map((m) => `${m.label}${m.op}"${m.value}"`).join(', ')}`;
  const lacking = selector.needs.filter((label) => !matching.some((sample) => sample.labels[label] !== undefined));
  return lacking.length ? `${selector.metric} lacks label ${lacking.join(', ')}` : undefined;
}
