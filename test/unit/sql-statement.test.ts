import { describe, expect, it } from '@jest/globals';
import { classifyStatement, SqlTokenError, tokenizeSql, type StatementTarget } from '../../domain/sql-statement.js';

const R: StatementTarget = 'replica';
const P: StatementTarget = 'primary';

const table: [string, string, StatementTarget][] = [
  // Plain reads and the shapes a naive regex misses.
  ['plain SELECT', 'SELECT * FROM accounts WHERE id = $1', R],
  ['lower case with whitespace', '  \n\tselect 1  ', R],
  ['trailing semicolon', 'SELECT 1;', R],
  ['trailing semicolons and comment', 'SELECT 1; ; -- done', R],
  ['leading line comment', '-- fetch the ledger\nSELECT max(sequence) FROM ledgers', R],
  ['leading block comment', '/* app=horizon */ SELECT 1', R],
  ['nested block comment', '/* outer /* inner */ still comment */ SELECT 1', R],
  ['parenthesised SELECT', '(SELECT 1)', R],
  ['doubly parenthesised', '((SELECT 1))', R],
  ['parenthesised UNION', '(SELECT 1) UNION (SELECT 2)', R],
  ['VALUES', 'VALUES (1, 2), (3, 4)', R],
  ['TABLE t', 'TABLE accounts', R],
  ['SHOW', 'SHOW server_version', R],
  ['WITH ... SELECT', 'WITH recent AS (SELECT * FROM ledgers ORDER BY sequence DESC LIMIT 10) SELECT count(*) FROM recent', R],
  ['WITH RECURSIVE with column list', 'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 5) SELECT * FROM n', R],
  ['WITH MATERIALIZED, two CTEs', 'WITH a AS MATERIALIZED (SELECT 1), b AS NOT MATERIALIZED (SELECT 2) SELECT * FROM a, b', R],
  ['EXPLAIN SELECT', 'EXPLAIN SELECT * FROM accounts', R],
  ['EXPLAIN ANALYZE SELECT', 'EXPLAIN ANALYZE SELECT * FROM accounts', R],
  ['EXPLAIN with options', 'EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT 1', R],
  ['COPY table TO STDOUT', 'COPY accounts TO STDOUT', R],
  ['COPY query TO STDOUT', 'COPY (SELECT id FROM accounts) TO STDOUT WITH (FORMAT csv)', R],
  ['keyword in a string literal', "SELECT * FROM events WHERE kind = 'delete' OR note = 'insert into x'", R],
  ['escaped quote in a string', "SELECT 'it''s an UPDATE; DELETE FROM t'", R],
  ['E string with backslash escape', "SELECT E'it\\'s; DELETE FROM t'", R],
  ['dollar-quoted string', 'SELECT $body$ DELETE FROM t; $body$', R],
  ['keyword as a quoted identifier', 'SELECT "update", "delete" FROM audit', R],
  ['semicolon inside a comment', 'SELECT 1 /* ; DROP TABLE t */', R],
  ['FOR as part of SUBSTRING', "SELECT substring('abcdef' FROM 2 FOR 3)", R],
  ['read-only functions', 'SELECT now(), random(), lower(name), pg_last_wal_replay_lsn() FROM accounts', R],
  // Writes, DDL and anything with side effects.
  ['INSERT', "INSERT INTO accounts (id) VALUES ('a')", P],
  ['UPDATE', 'UPDATE accounts SET balance = 0', P],
  ['DELETE', 'DELETE FROM accounts', P],
  ['MERGE', 'MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE', P],
  ['TRUNCATE', 'TRUNCATE accounts', P],
  ['DDL', 'CREATE TABLE t (id int)', P],
  ['CREATE TEMP TABLE', 'CREATE TEMP TABLE scratch AS SELECT 1', P],
  ['data-modifying CTE (DELETE)', 'WITH gone AS (DELETE FROM sessions RETURNING id) SELECT count(*) FROM gone', P],
  ['data-modifying CTE (INSERT) after a read CTE', 'WITH a AS (SELECT 1), b AS (INSERT INTO t VALUES (1) RETURNING *) SELECT * FROM a', P],
  ['WITH ... INSERT', 'WITH src AS (SELECT 1 AS id) INSERT INTO t SELECT id FROM src', P],
  ['data-modifying CTE behind a leading comment', '/* report */ WITH x AS (UPDATE t SET a = 1 RETURNING a) SELECT * FROM x', P],
  ['SELECT FOR UPDATE', 'SELECT * FROM accounts WHERE id = 1 FOR UPDATE', P],
  ['SELECT FOR SHARE', 'SELECT * FROM accounts FOR SHARE', P],
  ['SELECT FOR NO KEY UPDATE', 'SELECT * FROM accounts FOR NO KEY UPDATE SKIP LOCKED', P],
  ['SELECT FOR KEY SHARE', 'SELECT * FROM accounts FOR KEY SHARE', P],
  ['SELECT INTO', 'SELECT * INTO backup FROM accounts', P],
  ['nextval', "SELECT nextval('accounts_id_seq')", P],
  ['schema-qualified nextval', "SELECT pg_catalog.nextval('s')", P],
  ['setval', "SELECT setval('s', 42)", P],
  ['currval needs the session that called nextval', "SELECT currval('s')", P],
  ['advisory lock', 'SELECT pg_advisory_lock(42)', P],
  ['try advisory xact lock', 'SELECT pg_try_advisory_xact_lock(1)', P],
  ['pg_notify', "SELECT pg_notify('chan', 'payload')", P],
  ['txid_current', 'SELECT txid_current()', P],
  ['set_config', "SELECT set_config('search_path', 'x', false)", P],
  ['LISTEN', 'LISTEN ledger_closed', P],
  ['NOTIFY', "NOTIFY ledger_closed, 'x'", P],
  ['UNLISTEN', 'UNLISTEN *', P],
  ['LOCK', 'LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE', P],
  ['EXPLAIN ANALYZE DELETE', 'EXPLAIN ANALYZE DELETE FROM accounts', P],
  ['EXPLAIN (ANALYZE) INSERT', 'EXPLAIN (ANALYZE, COSTS OFF) INSERT INTO t VALUES (1)', P],
  ['EXPLAIN of a volatile call', "EXPLAIN ANALYZE SELECT nextval('s')", P],
  ['COPY FROM STDIN', 'COPY accounts FROM STDIN', P],
  ['COPY TO a server file', "COPY accounts TO '/tmp/accounts.csv'", P],
  ['COPY of a data-modifying query', 'COPY (DELETE FROM t RETURNING *) TO STDOUT', P],
  ['multi-statement string', 'SELECT 1; SELECT 2', P],
  ['read then write', 'SELECT 1; DELETE FROM accounts', P],
  ['BEGIN', 'BEGIN', P],
  ['BEGIN READ ONLY alone', 'BEGIN READ ONLY', P],
  ['START TRANSACTION', 'START TRANSACTION', P],
  ['COMMIT', 'COMMIT', P],
  ['ROLLBACK', 'ROLLBACK', P],
  ['SET', "SET search_path TO horizon", P],
  ['DO block', "DO $$ BEGIN PERFORM 1; END $$", P],
  ['CALL', 'CALL refresh_stats()', P],
  ['VACUUM', 'VACUUM accounts', P],
  ['DECLARE CURSOR', 'DECLARE c CURSOR FOR SELECT 1', P],
  ['empty string', '', P],
  ['only a comment', '-- nothing here', P],
  ['unterminated string', "SELECT 'oops", P],
  ['unterminated comment', 'SELECT 1 /* oops', P],
  ['unterminated quoted identifier', 'SELECT "oops', P],
  ['unknown statement', 'FROBNICATE everything', P],
  ['column named after a write keyword (conservative)', 'SELECT t.update FROM t', P],
];

describe('classifyStatement', () => {
  it('has a table of at least 40 statements covering both targets', () => {
    expect(table.length).toBeGreaterThanOrEqual(40);
    expect(table.some(([, , target]) => target === R)).toBe(true);
    expect(table.some(([, , target]) => target === P)).toBe(true);
  });

  it.each(table)('%s -> %s', (_name, sql, target) => {
    expect(classifyStatement(sql).target).toBe(target);
  });

  it('explains its decision', () => {
    expect(classifyStatement('WITH x AS (DELETE FROM t RETURNING 1) SELECT * FROM x').reason).toBe('data-modifying DELETE');
    expect(classifyStatement('SELECT 1; SELECT 2').reason).toBe('multiple statements');
    expect(classifyStatement('SELECT 1').reason).toBe('read-only SELECT');
  });

  it('sends calls of caller-listed functions to the primary', () => {
    expect(classifyStatement('SELECT archive_ledger(1)').target).toBe(R);
    expect(classifyStatement('SELECT archive_ledger(1)', { writeFunctions: ['archive_ledger'] }).target).toBe(P);
  });
});

const transactionControl: [string, string | undefined][] = [
  ['BEGIN', 'BEGIN'],
  ['begin isolation level serializable', 'BEGIN'],
  ['/* app */ Begin -- open\n', 'BEGIN'],
  ['BEGIN;', 'BEGIN'],
  ['START TRANSACTION READ ONLY', 'START TRANSACTION'],
  ['commit', 'COMMIT'],
  ['COMMIT AND CHAIN', 'COMMIT'],
  ['END', 'END'],
  ['end transaction', 'END'],
  ['ROLLBACK', 'ROLLBACK'],
  ['ROLLBACK TO SAVEPOINT s1', 'ROLLBACK'],
  ['abort', 'ABORT'],
  ['SAVEPOINT s1', 'SAVEPOINT'],
  ['RELEASE SAVEPOINT s1', 'RELEASE'],
  ["PREPARE TRANSACTION 'tx1'", 'PREPARE TRANSACTION'],
  ["BEGIN; UPDATE accounts SET balance = 0; COMMIT", 'BEGIN'],
  ["SELECT 1; COMMIT", 'COMMIT'],
  // Not transaction control: two-phase commit finishers run in autocommit, words inside literals or bodies.
  ["COMMIT PREPARED 'tx1'", undefined],
  ["ROLLBACK PREPARED 'tx1'", undefined],
  ['PREPARE q AS SELECT 1', undefined],
  ["SELECT 'begin'", undefined],
  ['DO $$ BEGIN PERFORM 1; END $$', undefined],
  ['SELECT "commit" FROM t', undefined],
  ['START something', undefined],
  ['SELECT 1', undefined],
];

describe('classifyStatement transaction control', () => {
  it.each(transactionControl)('%s -> %s', (sql, command) => {
    const result = classifyStatement(sql);
    expect(result.transactionControl).toBe(command);
    if (command) expect(result.target).toBe(P);
  });
});

describe('tokenizeSql', () => {
  it('drops comments and whitespace and lower-cases words', () => {
    expect(tokenizeSql('/* a */ SELECT "Col" -- b\n FROM t')).toEqual([
      { kind: 'word', text: 'select' },
      { kind: 'quoted', text: 'Col' },
      { kind: 'word', text: 'from' },
      { kind: 'word', text: 't' },
    ]);
  });

  it('reads parameters, numbers and dollar-quoted strings', () => {
    expect(tokenizeSql('$1 + 2.5e3 || $q$x$q$').map((token) => token.kind)).toEqual(['param', 'punct', 'number', 'punct', 'punct', 'string']);
  });

  it('throws SqlTokenError on unterminated text', () => {
    expect(() => tokenizeSql("'open")).toThrow(SqlTokenError);
    expect(() => tokenizeSql('$tag$ open')).toThrow(SqlTokenError);
  });
});
