import { createHash } from 'node:crypto';
import { encodeStrKey } from '../domain/strkey.js';

/**
 * A stellar-core seed (`S...` strkey) for the local stack only: the sha256 of `label`, so each test,
 * benchmark or demo node gets its own valid seed, the same on every run. Anyone can compute these seeds:
 * never use one on a real network. `examples/validators.yaml` holds the ones of
 * `stellar-steward local example validator-N`.
 */
export function localSeed(label: string): string {
  return encodeStrKey(Uint8Array.from(createHash('sha256').update(label).digest()), 'seed');
}
