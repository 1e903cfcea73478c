/**
 * What a workflow remembers belongs to one object, named by its UID. A resource deleted and created again
 * under the same name is a new object: the memory of the old one (an autoscaled count, rollout history)
 * must not steer it. `memoryUid` is the UID the memory was built for; a memory with none (carried by runs
 * from before this rule) is taken to be the observed object's.
 */
export function memoryForObject<M>(memory: M | undefined, memoryUid: string | undefined, uid: string): { memory: M | undefined; memoryUid: string; replaced: boolean } {
  const same = memoryUid === undefined || memoryUid === uid;
  return { memory: same ? memory : undefined, memoryUid: uid, replaced: !same };
}
