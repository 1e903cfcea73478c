// Pure domain logic: names, decisions and status transitions. No I/O, no clock, no randomness,
// so it runs unchanged inside deterministic Temporal workflows and in table tests.
export * from './names.js';
export * from './conditions.js';
export * from './sanitize.js';
