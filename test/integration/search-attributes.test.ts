import crypto from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { ensureSearchAttributes } from '../../worker/search-attributes.js';
import { Connection } from '@temporalio/client';
import { stack } from './support.js';

describe('search attribute registration by the worker (for a Temporal server of your own)', () => {
  it('adds the missing ones as Keyword, and adds nothing the second time', async () => {
    const connection = await Connection.connect({ address: stack().temporal.address });
    const name = `StewardTest${crypto.randomBytes(3).toString('hex')}`;
    try {
      expect(await ensureSearchAttributes(connection, stack().temporal.namespace, ['StewardKind', name])).toEqual([name]);
      const listed = await connection.operatorService.listSearchAttributes({ namespace: stack().temporal.namespace });
      expect(listed.customAttributes?.[name]).toBe(2); // INDEXED_VALUE_TYPE_KEYWORD
      expect(await ensureSearchAttributes(connection, stack().temporal.namespace, ['StewardKind', name])).toEqual([]);
    } finally {
      await connection.close();
    }
  });

  it('says what to do when the server refuses', async () => {
    const connection = await Connection.connect({ address: stack().temporal.address });
    try {
      await expect(ensureSearchAttributes(connection, 'no-such-namespace', ['StewardKind'])).rejects.toThrow(/Temporal namespace no-such-namespace .*search-attribute create/);
    } finally {
      await connection.close();
    }
  });
});
