import { describe, expect, it } from '@jest/globals';
import { formatWalLsn, laterWalLsn, parseWalLsn, walReached, WalLsnFormatError } from '../../domain/wal-lsn.js';

describe('parseWalLsn and formatWalLsn', () => {
  it.each([
    ['0/0', 0n, '0/0'],
    ['0/1', 1n, '0/1'],
    ['16/B374D848', (0x16n << 32n) + 0xb374d848n, '16/B374D848'],
    ['16/b374d848', (0x16n << 32n) + 0xb374d848n, '16/B374D848'],
    ['0/3000060', 0x3000060n, '0/3000060'],
    ['00000001/00000000', 1n << 32n, '1/0'],
    ['FFFFFFFF/FFFFFFFF', (1n << 64n) - 1n, 'FFFFFFFF/FFFFFFFF'],
  ])('%s is %s and prints as %s', (text, value, printed) => {
    expect(parseWalLsn(text)).toBe(value);
    expect(formatWalLsn(value)).toBe(printed);
  });

  it.each([[''], ['16'], ['/1'], ['1/'], ['1/2/3'], ['G/0'], ['123456789/0'], ['0/123456789'], [' 0/1'], ['0/1 '], ['-1/0'], ['0x1/0']])(
    'refuses %j',
    (text) => {
      expect(() => parseWalLsn(text)).toThrow(WalLsnFormatError);
    },
  );
});

describe('walReached', () => {
  it.each([
    ['0/5', '0/5', true],
    ['0/6', '0/5', true],
    ['0/4', '0/5', false],
    ['1/0', '0/FFFFFFFF', true],
    ['0/FFFFFFFF', '1/0', false],
    // Compared as numbers, not as text: '0/A0' > '0/9F0' and '2/10' > '10/2' as strings.
    ['0/A0', '0/9F0', false],
    ['2/10', '10/2', false],
  ])('replayed to %s, token %s: %s', (position, target, reached) => {
    expect(walReached(parseWalLsn(position), parseWalLsn(target))).toBe(reached);
  });
});

describe('laterWalLsn', () => {
  it.each([
    [undefined, undefined, undefined],
    [5n, undefined, 5n],
    [undefined, 7n, 7n],
    [5n, 7n, 7n],
    [9n, 7n, 9n],
  ])('later of %s and %s is %s', (a, b, later) => {
    expect(laterWalLsn(a, b)).toBe(later);
  });
});
