/** Where a statement may run: on any replica, or only on the primary. */
export type StatementTarget = 'replica' | 'primary';

/** The classification of one SQL string, with a short human-readable reason. */
export interface StatementClass {
  target: StatementTarget;
  reason: string;
  /**
   * Set when the text holds a transaction-control statement (BEGIN, START TRANSACTION, COMMIT, END,
   * ROLLBACK, ABORT, SAVEPOINT, RELEASE, PREPARE TRANSACTION): its command, upper-cased. Such text only
   * makes sense on one connection held across calls.
   */
  transactionControl?: string;
  /**
   * For a `replica` statement: the functions it calls (see `functionCalls`), whose volatility the router
   * still has to check in the catalog. Empty when it calls none.
   */
  functions?: readonly FunctionName[];
}

/** A function call's name as written: `schema` only when qualified; unquoted parts lower-cased. */
export interface FunctionName {
  schema?: string;
  name: string;
}

/** Options for `classifyStatement`. */
export interface ClassifyOptions {
  /**
   * Extra function names (lower case, unqualified) that write or must run on the primary, such as the
   * application's own VOLATILE functions. Default: none beyond the built-in list.
   */
  writeFunctions?: readonly string[];
}

/** One lexical token of a SQL string; comments and whitespace are dropped. */
export interface SqlToken {
  kind: 'word' | 'quoted' | 'string' | 'number' | 'param' | 'punct';
  /** Words are lower-cased; quoted identifiers keep their case; strings keep their raw text. */
  text: string;
}

/** Thrown by `tokenizeSql` for text it cannot split safely (an unterminated literal or comment). */
export class SqlTokenError extends Error {
  override readonly name = 'SqlTokenError';
}

/** Built-in functions that write, take locks, depend on session state or fail during recovery. */
const PRIMARY_FUNCTIONS = new Set([
  'nextval', 'setval', 'currval', 'lastval',
  'pg_advisory_lock', 'pg_advisory_lock_shared', 'pg_try_advisory_lock', 'pg_try_advisory_lock_shared',
  'pg_advisory_xact_lock', 'pg_advisory_xact_lock_shared', 'pg_try_advisory_xact_lock',
  'pg_try_advisory_xact_lock_shared', 'pg_advisory_unlock', 'pg_advisory_unlock_shared', 'pg_advisory_unlock_all',
  'pg_notify', 'set_config', 'txid_current', 'pg_current_xact_id', 'pg_current_wal_lsn',
  'pg_current_wal_insert_lsn', 'pg_current_wal_flush_lsn', 'pg_switch_wal', 'pg_create_restore_point',
  'pg_backup_start', 'pg_backup_stop', 'pg_logical_emit_message', 'pg_create_physical_replication_slot',
  'pg_create_logical_replication_slot', 'pg_drop_replication_slot', 'pg_reload_conf', 'pg_terminate_backend',
  'pg_cancel_backend', 'pg_stat_reset', 'pg_stat_reset_shared', 'pg_stat_reset_single_table_counters',
  'lo_create', 'lo_creat', 'lo_import', 'lo_export', 'lo_unlink', 'lo_from_bytea', 'lo_put', 'lo_open',
  'lowrite', 'lo_truncate', 'dblink', 'dblink_exec',
]);

/** Keywords that, anywhere in a statement (outside literals), mean it modifies data. */
const WRITE_KEYWORDS = new Set(['insert', 'update', 'delete', 'merge', 'truncate']);

/** Statements that always go to the primary, with the reason given. */
const PRIMARY_COMMANDS = new Map([
  ['commit', 'two-phase commit'], ['rollback', 'two-phase commit'], ['prepare', 'prepared statement'],
  ['set', 'session state'], ['reset', 'session state'], ['discard', 'session state'],
  ['listen', 'notification channel'], ['unlisten', 'notification channel'], ['notify', 'notification channel'],
  ['lock', 'explicit lock'], ['call', 'procedure call'], ['do', 'anonymous code block'],
]);

/** Statements that read when they have no write hazard (checked before). */
const READ_COMMANDS = new Set(['select', 'values', 'table', 'show']);

const EXPLAIN_OPTION_WORDS = new Set(['analyze', 'analyse', 'verbose']);

/**
 * Decides where a SQL string may run. The target is `replica` only when the string is certainly one
 * read-only statement: SELECT (without INTO or a locking clause), VALUES, TABLE, SHOW, WITH whose parts
 * are all reads, EXPLAIN of such a statement, or COPY ... TO STDOUT of one; optionally in parentheses,
 * with comments anywhere. Anything else, including multi-statement strings, text that cannot be
 * tokenized, data-modifying CTEs and calls of functions that write (`nextval`, advisory locks, ...),
 * goes to the `primary`. Never throws.
 */
export function classifyStatement(sql: string, options: ClassifyOptions = {}): StatementClass {
  let tokens: SqlToken[];
  try {
    tokens = tokenizeSql(sql);
  } catch (error) {
    return primary(`cannot tokenize: ${(error as Error).message}`);
  }
  const statements = splitStatements(tokens);
  if (statements.length === 0) return primary('empty statement');
  const control = statements.map(transactionControlOf).find((command) => command !== undefined);
  if (control) return { ...primary(`transaction control (${control})`), transactionControl: control };
  if (statements.length > 1) return primary('multiple statements');
  const statement = statements[0] ?? [];
  const hazard = findWriteHazard(statement, options);
  if (hazard) return primary(hazard);
  const result = classifyTokens(statement);
  return result.target === 'replica' ? { ...result, functions: functionCalls(statement) } : result;
}

/**
 * Words that may stand before `(` without naming a function: PostgreSQL's reserved keywords, the
 * column-name keywords whose calls are syntax (COALESCE, NULLIF, GREATEST, EXTRACT, ...), and the
 * unreserved keywords of clauses that take parentheses (OVER, FILTER, GROUPING SETS, ...). See
 * src/include/parser/kwlist.h of PostgreSQL for the categories.
 */
const NOT_FUNCTION_WORDS = new Set([
  // Reserved.
  'all', 'analyse', 'analyze', 'and', 'any', 'array', 'as', 'asc', 'asymmetric', 'both', 'case', 'cast', 'check',
  'collate', 'column', 'constraint', 'create', 'current_catalog', 'current_date', 'current_role', 'current_time',
  'current_timestamp', 'current_user', 'default', 'deferrable', 'desc', 'distinct', 'do', 'else', 'end', 'except',
  'false', 'fetch', 'for', 'foreign', 'from', 'grant', 'group', 'having', 'in', 'initially', 'intersect', 'into',
  'lateral', 'leading', 'limit', 'localtime', 'localtimestamp', 'not', 'null', 'offset', 'on', 'only', 'or', 'order',
  'placing', 'primary', 'references', 'returning', 'select', 'session_user', 'some', 'symmetric', 'table', 'then',
  'to', 'trailing', 'true', 'union', 'unique', 'user', 'using', 'variadic', 'when', 'where', 'window', 'with',
  // Column-name keywords: syntax, not catalog functions.
  'between', 'bigint', 'bit', 'boolean', 'char', 'character', 'coalesce', 'dec', 'decimal', 'exists', 'extract',
  'float', 'greatest', 'grouping', 'inout', 'int', 'integer', 'interval', 'least', 'national', 'nchar', 'none',
  'normalize', 'nullif', 'numeric', 'out', 'overlay', 'position', 'precision', 'real', 'row', 'setof', 'smallint',
  'substring', 'time', 'timestamp', 'treat', 'trim', 'values', 'varchar', 'xmlattributes', 'xmlconcat',
  'xmlelement', 'xmlexists', 'xmlforest', 'xmlnamespaces', 'xmlparse', 'xmlpi', 'xmlroot', 'xmlserialize',
  'xmltable', 'json', 'json_array', 'json_arrayagg', 'json_exists', 'json_object', 'json_objectagg', 'json_query',
  'json_scalar', 'json_serialize', 'json_table', 'json_value',
  // Type-function-name and unreserved keywords before a parenthesis in a query.
  'join', 'inner', 'outer', 'cross', 'natural', 'full', 'is', 'isnull', 'notnull', 'like', 'ilike', 'similar',
  'overlaps', 'over', 'filter', 'within', 'by', 'sets', 'cube', 'rollup', 'materialized', 'recursive', 'operator',
  'escape', 'columns', 'nested', 'explain', 'copy', 'verbose', 'format',
]);

/**
 * The distinct functions a statement calls: `name(`, `schema.name(` and quoted forms (`"Name"(`), but
 * not keywords that take parentheses (`NOT_FUNCTION_WORDS`), type modifiers after `::` or `AS`
 * (`::numeric(10,2)`, `CAST(x AS varchar(3))`, `AS alias(a, b)`), the sampling method after TABLESAMPLE,
 * or a CTE's name and column list (`WITH n(x) AS (...)`). Operators are not listed.
 */
export function functionCalls(tokens: readonly SqlToken[]): FunctionName[] {
  const found = new Map<string, FunctionName>();
  for (let i = 0; i < tokens.length; i += 1) {
    if (!isPunct(tokens[i + 1], '(')) continue;
    const call = functionNameEndingAt(tokens, i);
    if (call) found.set(`${call.schema ?? ''}.${call.name}`, call);
  }
  return [...found.values()];
}

function functionNameEndingAt(tokens: readonly SqlToken[], at: number): FunctionName | undefined {
  const last = tokens[at];
  if (!last || !isFunctionName(last)) return undefined;
  const qualified = isPunct(tokens[at - 1], '.') && isFunctionName(tokens[at - 2]);
  const first = qualified ? at - 2 : at;
  if (!qualified && last.kind === 'word' && NOT_FUNCTION_WORDS.has(last.text)) return undefined;
  const before = tokens[first - 1];
  if (isWord(before, 'as') || isWord(before, 'tablesample') || (isPunct(before, ':') && isPunct(tokens[first - 2], ':'))) return undefined;
  if (namesCommonTableExpression(tokens, at + 1)) return undefined;
  const schema = qualified ? tokens[at - 2]?.text : undefined;
  return schema === undefined ? { name: last.text } : { schema, name: last.text };
}

/** True when the parenthesis at `open` is a column list followed by `AS [NOT] [MATERIALIZED] (` (a CTE). */
function namesCommonTableExpression(tokens: readonly SqlToken[], open: number): boolean {
  const close = closingParen(tokens, open);
  if (close === -1 || !isWord(tokens[close + 1], 'as')) return false;
  let i = close + 2;
  if (isWord(tokens[i], 'not')) i += 1;
  if (isWord(tokens[i], 'materialized')) i += 1;
  return isPunct(tokens[i], '(');
}

/**
 * Splits SQL text into tokens: words (lower-cased), quoted identifiers, string literals (standard,
 * `E''` with backslash escapes, dollar-quoted), numbers, `$n` parameters and punctuation. Skips
 * whitespace, `--` comments and nested `/* *\/` comments.
 * Throws `SqlTokenError` on an unterminated literal, quoted identifier or comment.
 */
export function tokenizeSql(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = 0;
  while (i < sql.length) {
    const next = readToken(sql, i);
    if (next.token) tokens.push(next.token);
    i = next.end;
  }
  return tokens;
}

interface Scan {
  token?: SqlToken;
  end: number;
}

function readToken(sql: string, start: number): Scan {
  const c = sql[start] ?? '';
  const pair = sql.slice(start, start + 2);
  if (/\s/.test(c)) return { end: start + 1 };
  if (pair === '--') return { end: lineEnd(sql, start) };
  if (pair === '/*') return { end: blockCommentEnd(sql, start) };
  if (c === "'") return stringToken(sql, start, start, false);
  if (c === '"') return quotedIdentifier(sql, start);
  if (c === '$') return dollarToken(sql, start);
  if (/[eE]/.test(c) && sql[start + 1] === "'") return stringToken(sql, start, start + 1, true);
  if (/[bBxXnN]/.test(c) && sql[start + 1] === "'") return stringToken(sql, start, start + 1, false);
  if (/[uU]/.test(c) && sql.slice(start + 1, start + 3) === "&'") return stringToken(sql, start, start + 2, false);
  if (/[uU]/.test(c) && sql.slice(start + 1, start + 3) === '&"') return quotedIdentifier(sql, start + 2);
  if (/[A-Za-z_\u0080-\uffff]/.test(c)) return wordToken(sql, start);
  if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[start + 1] ?? ''))) return numberToken(sql, start);
  return { token: { kind: 'punct', text: c }, end: start + 1 };
}

function lineEnd(sql: string, start: number): number {
  const newline = sql.indexOf('\n', start);
  return newline === -1 ? sql.length : newline + 1;
}

function blockCommentEnd(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    const pair = sql.slice(i, i + 2);
    if (pair === '/*') {
      depth += 1;
      i += 2;
    } else if (pair === '*/') {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else {
      i += 1;
    }
  }
  throw new SqlTokenError('unterminated comment');
}

/** A `'...'` literal whose opening quote is at `quote`; `''` is an escaped quote, and `\x` too when `backslash`. */
function stringToken(sql: string, start: number, quote: number, backslash: boolean): Scan {
  let i = quote + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (backslash && c === '\\') {
      i += 2;
    } else if (c === "'" && sql[i + 1] === "'") {
      i += 2;
    } else if (c === "'") {
      return { token: { kind: 'string', text: sql.slice(start, i + 1) }, end: i + 1 };
    } else {
      i += 1;
    }
  }
  throw new SqlTokenError('unterminated string literal');
}

function quotedIdentifier(sql: string, quote: number): Scan {
  let i = quote + 1;
  let text = '';
  while (i < sql.length) {
    const c = sql[i];
    if (c === '"' && sql[i + 1] === '"') {
      text += '"';
      i += 2;
    } else if (c === '"') {
      return { token: { kind: 'quoted', text }, end: i + 1 };
    } else {
      text += c;
      i += 1;
    }
  }
  throw new SqlTokenError('unterminated quoted identifier');
}

/** `$1` (a parameter) or `$tag$ ... $tag$` (a dollar-quoted string). */
function dollarToken(sql: string, start: number): Scan {
  const param = /^\$[0-9]+/.exec(sql.slice(start));
  if (param) return { token: { kind: 'param', text: param[0] }, end: start + param[0].length };
  const tag = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(sql.slice(start));
  if (!tag) return { token: { kind: 'punct', text: '$' }, end: start + 1 };
  const close = sql.indexOf(tag[0], start + tag[0].length);
  if (close === -1) throw new SqlTokenError('unterminated dollar-quoted string');
  const end = close + tag[0].length;
  return { token: { kind: 'string', text: sql.slice(start, end) }, end };
}

function wordToken(sql: string, start: number): Scan {
  const word = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/.exec(sql.slice(start));
  const text = word ? word[0] : sql[start] ?? '';
  return { token: { kind: 'word', text: text.toLowerCase() }, end: start + text.length };
}

function numberToken(sql: string, start: number): Scan {
  const number = /^[0-9._]*([eE][+-]?[0-9]+)?[A-Za-z0-9_]*/.exec(sql.slice(start));
  const text = number ? number[0] : sql[start] ?? '';
  return { token: { kind: 'number', text }, end: start + Math.max(1, text.length) };
}

/** The non-empty statements of a token list, split at top-level semicolons. */
function splitStatements(tokens: readonly SqlToken[]): SqlToken[][] {
  const statements: SqlToken[][] = [];
  let current: SqlToken[] = [];
  for (const token of tokens) {
    if (isPunct(token, ';')) {
      if (current.length > 0) statements.push(current);
      current = [];
    } else {
      current.push(token);
    }
  }
  if (current.length > 0) statements.push(current);
  return statements;
}

/** A reason the statement writes or needs the primary wherever it appears, or undefined. */
function findWriteHazard(tokens: readonly SqlToken[], options: ClassifyOptions): string | undefined {
  const extra = new Set(options.writeFunctions ?? []);
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i];
    const next = tokens[i + 1];
    if (!token) continue;
    if (token.kind === 'word' && WRITE_KEYWORDS.has(token.text)) return `data-modifying ${token.text.toUpperCase()}`;
    if (token.kind === 'word' && token.text === 'into') return 'INTO writes a table';
    if (isWord(token, 'for') && isLockStrength(tokens, i + 1)) return 'row-locking clause FOR UPDATE/SHARE';
    if (isFunctionName(token) && next && isPunct(next, '(') && (PRIMARY_FUNCTIONS.has(token.text) || extra.has(token.text))) {
      return `function ${token.text}() writes or needs the primary`;
    }
  }
  return undefined;
}

function isLockStrength(tokens: readonly SqlToken[], at: number): boolean {
  const first = tokens[at];
  const second = tokens[at + 1];
  if (isWord(first, 'update') || isWord(first, 'share')) return true;
  if (isWord(first, 'no') && isWord(second, 'key')) return true;
  return isWord(first, 'key') && isWord(second, 'share');
}

function isFunctionName(token: SqlToken | undefined): boolean {
  return token?.kind === 'word' || token?.kind === 'quoted';
}

/** Classifies one statement that has no write hazard, by its leading keyword. */
function classifyTokens(tokens: readonly SqlToken[]): StatementClass {
  const body = unwrapParentheses(tokens);
  const leading = body.findIndex((token) => !isPunct(token, '('));
  const first = body[leading];
  if (!first || first.kind !== 'word') return primary('unrecognised statement');
  const command = PRIMARY_COMMANDS.get(first.text);
  if (command) return primary(`${command} (${first.text.toUpperCase()})`);
  if (READ_COMMANDS.has(first.text)) return replica(`read-only ${first.text.toUpperCase()}`);
  if (leading > 0) return primary(`unrecognised statement in parentheses (${first.text.toUpperCase()})`);
  switch (first.text) {
    case 'with':
      return classifyWith(body);
    case 'explain':
      return classifyExplain(body);
    case 'copy':
      return classifyCopy(body);
    default:
      return primary(`unrecognised statement ${first.text.toUpperCase()}`);
  }
}

/** Commands that open, end or mark a transaction block (COMMIT/ROLLBACK PREPARED excepted: they run in autocommit). */
const TRANSACTION_COMMANDS = new Set(['begin', 'start', 'commit', 'end', 'rollback', 'abort', 'savepoint', 'release']);

/** The transaction-control command a statement starts with (upper-cased), or undefined. */
function transactionControlOf(tokens: readonly SqlToken[]): string | undefined {
  const [first, second] = tokens;
  if (!first || first.kind !== 'word') return undefined;
  if (first.text === 'prepare' && isWord(second, 'transaction')) return 'PREPARE TRANSACTION';
  if (!TRANSACTION_COMMANDS.has(first.text)) return undefined;
  if (first.text === 'start' && !isWord(second, 'transaction')) return undefined;
  if ((first.text === 'commit' || first.text === 'rollback') && isWord(second, 'prepared')) return undefined;
  return first.text === 'start' ? 'START TRANSACTION' : first.text.toUpperCase();
}

/** Removes parentheses that enclose the whole statement, as in `(SELECT 1)`. */
function unwrapParentheses(tokens: readonly SqlToken[]): readonly SqlToken[] {
  let body = tokens;
  while (body.length >= 2 && isPunct(body[0], '(') && closingParen(body, 0) === body.length - 1) {
    body = body.slice(1, -1);
  }
  return body;
}

/** The index of the parenthesis closing the one at `open`, or -1. */
function closingParen(tokens: readonly SqlToken[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i += 1) {
    if (isPunct(tokens[i], '(')) depth += 1;
    if (isPunct(tokens[i], ')')) depth -= 1;
    if (depth === 0) return i;
  }
  return -1;
}

/**
 * WITH without write hazards: each CTE is `name [(columns)] AS [[NOT] MATERIALIZED] (query)`, and the
 * main statement after the list must itself be a read. Anything else (SEARCH, CYCLE) goes to the primary.
 */
function classifyWith(tokens: readonly SqlToken[]): StatementClass {
  let i = isWord(tokens[1], 'recursive') ? 2 : 1;
  for (;;) {
    i = skipCommonTableExpression(tokens, i);
    if (i === -1) return primary('unrecognised WITH');
    if (!isPunct(tokens[i], ',')) break;
    i += 1;
  }
  const main = classifyTokens(tokens.slice(i));
  return main.target === 'replica' ? replica(`WITH ... ${main.reason}`) : primary(`WITH ... ${main.reason}`);
}

/** The index after the CTE starting at `start`, or -1 when it does not have the expected shape. */
function skipCommonTableExpression(tokens: readonly SqlToken[], start: number): number {
  let i = start;
  if (!isFunctionName(tokens[i])) return -1;
  i += 1;
  if (isPunct(tokens[i], '(')) i = closingParen(tokens, i) + 1;
  if (i === 0 || !isWord(tokens[i], 'as')) return -1;
  i += 1;
  if (isWord(tokens[i], 'not')) i += 1;
  if (isWord(tokens[i], 'materialized')) i += 1;
  if (!isPunct(tokens[i], '(')) return -1;
  const close = closingParen(tokens, i);
  return close === -1 ? -1 : close + 1;
}

/** EXPLAIN runs where the explained statement would (EXPLAIN ANALYZE really executes it). */
function classifyExplain(tokens: readonly SqlToken[]): StatementClass {
  let i = 1;
  if (isPunct(tokens[i], '(')) {
    const close = closingParen(tokens, i);
    if (close === -1) return primary('malformed EXPLAIN');
    i = close + 1;
  }
  while (tokens[i]?.kind === 'word' && EXPLAIN_OPTION_WORDS.has(tokens[i]?.text ?? '')) i += 1;
  const inner = classifyTokens(tokens.slice(i));
  return inner.target === 'replica' ? replica(`EXPLAIN of ${inner.reason}`) : primary(`EXPLAIN of ${inner.reason}`);
}

/** COPY ... TO STDOUT of a table or a read query is a read; COPY FROM and COPY TO a file are not. */
function classifyCopy(tokens: readonly SqlToken[]): StatementClass {
  let i = 1;
  if (isPunct(tokens[i], '(')) {
    const close = closingParen(tokens, i);
    if (close === -1) return primary('malformed COPY');
    const inner = classifyTokens(tokens.slice(i + 1, close));
    if (inner.target === 'primary') return primary(`COPY of ${inner.reason}`);
    i = close + 1;
  } else {
    i = skipQualifiedName(tokens, i);
    if (isPunct(tokens[i], '(')) i = closingParen(tokens, i) + 1;
  }
  if (i > 0 && isWord(tokens[i], 'to') && isWord(tokens[i + 1], 'stdout')) return replica('COPY ... TO STDOUT');
  return primary('COPY other than TO STDOUT');
}

function skipQualifiedName(tokens: readonly SqlToken[], start: number): number {
  let i = start;
  while (tokens[i]?.kind === 'word' || tokens[i]?.kind === 'quoted') {
    i += 1;
    if (!isPunct(tokens[i], '.')) break;
    i += 1;
  }
  return i;
}

function isPunct(token: SqlToken | undefined, text: string): boolean {
  return token?.kind === 'punct' && token.text === text;
}

function isWord(token: SqlToken | undefined, text: string): boolean {
  return token?.kind === 'word' && token.text === text;
}

function primary(reason: string): StatementClass {
  return { target: 'primary', reason };
}

function replica(reason: string): StatementClass {
  return { target: 'replica', reason };
}
