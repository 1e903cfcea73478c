import { describe, expect, it } from '@jest/globals';
import { isMarkedStopped, STOPPED_ANNOTATION, stopMarkPatch } from '../../domain/stop-mark.js';

describe('the stop mark', () => {
  it.each([
    [undefined, false],
    [{}, false],
    [{ annotations: {} }, false],
    [{ annotations: { [STOPPED_ANNOTATION]: 'true' } }, true],
    [{ annotations: { [STOPPED_ANNOTATION]: 'false' } }, false],
    [{ annotations: { [STOPPED_ANNOTATION]: 'yes' } }, false],
    [{ annotations: { other: 'true' } }, false],
  ])('metadata %j is stopped: %p', (metadata, stopped) => {
    expect(isMarkedStopped(metadata)).toBe(stopped);
  });

  it.each([
    [true, { metadata: { annotations: { 'steward.stellar.org/stopped': 'true' } } }],
    [false, { metadata: { annotations: { 'steward.stellar.org/stopped': null } } }],
  ])('the merge patch for stopped=%p names only the annotation: %j', (stopped, patch) => {
    expect(stopMarkPatch(stopped)).toEqual(patch);
  });
});
