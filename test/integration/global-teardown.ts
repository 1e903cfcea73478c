import { stopStack } from '../../stack/index.js';
import { TEST_STACK } from './global-setup.js';

/** Stops the suite's stack (set STEWARD_KEEP_STACK=1 to leave it running for a look). */
export default async function globalTeardown(): Promise<void> {
  if (process.env.STEWARD_KEEP_STACK === '1') return;
  await stopStack(TEST_STACK);
}
