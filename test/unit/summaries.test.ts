import { describe, expect, it } from '@jest/globals';
import { describeObjects } from '../../domain/summaries.js';

const object = (kind: string, name: string) => ({ apiVersion: 'v1', kind, metadata: { name, namespace: 'ns' } });

describe('describeObjects', () => {
  it.each([
    [[], 'nothing'],
    [[object('StatefulSet', 'pool')], 'StatefulSet pool'],
    [[object('StatefulSet', 'pool'), object('Service', 'a'), object('Service', 'b'), object('ConfigMap', 'c')], 'StatefulSet pool, 2 Services, ConfigMap c'],
  ])('%j reads as %s', (objects, text) => {
    expect(describeObjects(objects)).toBe(text);
  });
});
