/** A TOML value the stellar-core configuration uses. */
export type TomlValue = string | number | boolean | string[];

/** Quotes a string as a TOML basic string. */
export function tomlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Formats a value: strings quoted, string arrays as TOML arrays of strings (never tables). */
export function tomlValue(value: TomlValue): string {
  if (Array.isArray(value)) return `[${value.map(tomlString).join(', ')}]`;
  return typeof value === 'string' ? tomlString(value) : String(value);
}

/** Lines `KEY=value` for the entries whose value is defined. */
export function tomlLines(entries: Record<string, TomlValue | undefined>): string[] {
  return Object.entries(entries).flatMap(([key, value]) => (value === undefined ? [] : [`${key}=${tomlValue(value)}`]));
}

/** A TOML document: values, tables and arrays of tables (what a stellar-core config holds). */
export type TomlTable = { [key: string]: TomlNode };
/** A node of a TOML document. */
export type TomlNode = TomlValue | number[] | boolean[] | TomlTable | TomlTable[];

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

function tomlKey(key: string): string {
  return BARE_KEY.test(key) ? key : tomlString(key);
}

function isTomlTable(node: TomlNode | undefined): node is TomlTable {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

function isTableArray(node: TomlNode | undefined): node is TomlTable[] {
  return Array.isArray(node) && node.length > 0 && node.every((item) => isTomlTable(item as TomlNode));
}

function inlineValue(node: TomlNode): string {
  if (Array.isArray(node)) return `[${(node as (string | number | boolean)[]).map((v) => inlineValue(v)).join(', ')}]`;
  return tomlValue(node as TomlValue);
}

/**
 * Renders a document: its plain keys first (`KEY=value`), then its tables as `[PATH]` and its arrays of
 * tables as `[[PATH]]`, nested tables with dotted paths, in insertion order. Deterministic for equal input.
 */
export function renderToml(doc: TomlTable, path: string[] = []): string[] {
  const lines: string[] = [];
  const nested: [string, TomlNode][] = [];
  for (const [key, node] of Object.entries(doc)) {
    if (isTomlTable(node) || isTableArray(node)) nested.push([key, node]);
    else lines.push(`${tomlKey(key)}=${inlineValue(node)}`);
  }
  for (const [key, node] of nested) {
    const header = [...path, key].map(tomlKey).join('.');
    const tables = isTableArray(node) ? node : [node as TomlTable];
    for (const table of tables) {
      const body = renderToml(table, [...path, key]);
      const plain = Object.values(table).some((child) => !isTomlTable(child) && !isTableArray(child));
      if (plain || isTableArray(node)) lines.push('', isTableArray(node) ? `[[${header}]]` : `[${header}]`);
      lines.push(...body);
    }
  }
  return lines;
}
