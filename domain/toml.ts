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
