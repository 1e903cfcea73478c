import { describe, expect, it } from '@jest/globals';
import { parseWalLsn } from '../../domain/wal-lsn.js';
import { CausalTokenError, ReadContext } from '../../router/read-context.js';

describe('ReadContext causal token', () => {
  it('has no token before a write', () => {
    expect(new ReadContext().exportToken()).toBeUndefined();
  });

  it.each([['0/0'], ['0/3000060'], ['16/B374D848'], ['FFFFFFFF/FFFFFFFF']])('exports %s and imports it back unchanged', (lsn) => {
    const writer = new ReadContext();
    writer.recordPosition(parseWalLsn(lsn));
    const token = writer.exportToken();
    expect(token).toMatch(/^[A-Za-z0-9.]+$/);
    const reader = new ReadContext();
    reader.importToken(token ?? '');
    expect(reader.position).toBe(parseWalLsn(lsn));
    expect(reader.exportToken()).toBe(token);
  });

  it.each([
    ['0/10', '0/20', '0/20'],
    ['0/20', '0/10', '0/20'],
    ['1/0', '0/FFFFFFFF', '1/0'],
  ])('holding %s, recording or importing %s keeps %s', (held, incoming, kept) => {
    const recorded = new ReadContext();
    recorded.recordPosition(parseWalLsn(held));
    recorded.recordPosition(parseWalLsn(incoming));
    expect(recorded.position).toBe(parseWalLsn(kept));

    const imported = new ReadContext();
    imported.recordPosition(parseWalLsn(held));
    const other = new ReadContext();
    other.recordPosition(parseWalLsn(incoming));
    imported.importToken(other.exportToken() ?? '');
    expect(imported.position).toBe(parseWalLsn(kept));
  });

  it.each([[''], ['16/B374D848'], ['w1.'], ['w1.16'], ['w1.16/B374D848'], ['w1.1.2.3'], ['w2.16.B374D848'], ['w1.ZZ.0'], ['w1.123456789.0']])(
    'refuses the token %j with CausalTokenError and keeps its position',
    (token) => {
      const context = new ReadContext();
      context.recordPosition(7n);
      expect(() => context.importToken(token)).toThrow(CausalTokenError);
      expect(context.position).toBe(7n);
    },
  );

  it('pins to the primary after a write whose position is unknown, until a position is recorded', () => {
    const context = new ReadContext();
    context.markPositionUnknown();
    expect(context.positionUnknown).toBe(true);
    context.recordPosition(3n);
    expect(context.positionUnknown).toBe(false);
  });
});
