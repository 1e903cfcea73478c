// Reading the README's kubectl lines and what kubectl prints: pure helpers of test/integration/readme-kubectl.test.ts.

/** One `kubectl` line of a fenced code block, with the `## ` section it sits in. */
export interface ReadmeLine {
  section: string;
  command: string;
}

/**
 * Every line starting with `kubectl ` inside the ```bash / ```sh blocks of the `## ` sections from `from` up to
 * (not including) `to`, in order, with the trailing ` # comment` removed.
 */
export function readmeKubectlLines(markdown: string, from: string, to: string): ReadmeLine[] {
  const lines: ReadmeLine[] = [];
  let section = '';
  let inRange = false;
  let inShellBlock = false;
  let inOtherBlock = false;
  for (const raw of markdown.split('\n')) {
    const fence = /^\s*```(\w*)/.exec(raw);
    if (fence) {
      if (inShellBlock || inOtherBlock) {
        inShellBlock = false;
        inOtherBlock = false;
      } else if (fence[1] === 'bash' || fence[1] === 'sh') inShellBlock = true;
      else inOtherBlock = true;
      continue;
    }
    if (!inShellBlock && !inOtherBlock && raw.startsWith('## ')) {
      section = raw.slice(3).trim();
      if (section === from) inRange = true;
      if (section === to) inRange = false;
      continue;
    }
    const command = raw.replace(/\s+#\s.*$/, '').trim();
    if (inRange && inShellBlock && command.startsWith('kubectl ')) lines.push({ section, command });
  }
  return lines;
}

/** A printer column of a CRD (`additionalPrinterColumns`). */
export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  priority?: number;
}

/**
 * The value at a printer column's JSONPath, as kubectl's table prints it: `<none>` when absent. Supports the forms
 * our CRDs use: `.a.b.c` and `.a.list[?(@.key=="value")].field`.
 */
export function printedValue(object: unknown, jsonPath: string): string {
  let current: unknown = object;
  for (const step of jsonPath.match(/\.[A-Za-z_]\w*|\[\?\(@\.\w+=="[^"]*"\)\]/g) ?? []) {
    const filter = /^\[\?\(@\.(\w+)=="([^"]*)"\)\]$/.exec(step);
    if (filter) current = Array.isArray(current) ? current.find((item) => (item as Record<string, unknown>)?.[filter[1]!] === filter[2]) : undefined;
    else current = current && typeof current === 'object' ? (current as Record<string, unknown>)[step.slice(1)] : undefined;
  }
  if (current === undefined || current === null) return '<none>';
  return typeof current === 'object' ? JSON.stringify(current) : String(current);
}

/**
 * A `kubectl get` table as rows of cells keyed by header. Columns are found by the header's start offsets
 * (kubectl pads with spaces and headers may hold one space, such as `AVG LAG`).
 */
export function parseTable(output: string): Record<string, string>[] {
  const [header, ...rows] = output.split('\n').filter((line) => line.trim() !== '');
  if (!header) return [];
  const starts = [...header.matchAll(/(?:^|\s{2,})(\S+(?: \S+)*)/g)].map((m) => ({ name: m[1]!, at: m.index! + m[0].indexOf(m[1]!) }));
  return rows.map((row) =>
    Object.fromEntries(starts.map((column, i) => [column.name, row.slice(column.at, starts[i + 1]?.at ?? row.length).trim()])),
  );
}

/** The key/value items of the `Conditions:` list of `kubectl describe` (the generic describer prints status as nested fields). */
export function describedConditions(output: string): Record<string, string>[] {
  const lines = output.split('\n');
  const start = lines.findIndex((line) => /^\s+Conditions:\s*$/.test(line));
  if (start < 0) return [];
  const indent = /^\s*/.exec(lines[start]!)![0].length;
  const items: Record<string, string>[] = [];
  for (const line of lines.slice(start + 1)) {
    const field = /^(\s+)([A-Z][A-Za-z ]*):\s+(.*)$/.exec(line);
    if (!field || field[1]!.length <= indent) break;
    const current = items[items.length - 1];
    if (!current || field[2]! in current) items.push({ [field[2]!]: field[3]!.trim() });
    else current[field[2]!] = field[3]!.trim();
  }
  return items;
}

/** The rows of the `Events:` table of `kubectl describe` (empty for `<none>`). */
export function describedEvents(output: string): Record<string, string>[] {
  const at = output.indexOf('\nEvents:');
  if (at < 0) return [];
  const body = output.slice(at + '\nEvents:'.length).split('\n').filter((line) => !/^\s*-+(\s+-+)*\s*$/.test(line));
  return parseTable(body.map((line) => line.replace(/^ {2}/, '')).join('\n'));
}
