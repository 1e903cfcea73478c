import fs from 'node:fs';
import path from 'node:path';
import type { KubeRest } from '../../kube/rest.js';
import { STORAGE_CLASS } from './cluster-objects.js';

/** The label of the volumes this provisioner made (it deletes only those). */
export const PROVISIONER_LABEL = 'app.kubernetes.io/managed-by=steward-local-provisioner';

interface Claim {
  metadata: { name: string; namespace: string; uid: string };
  spec: { storageClassName?: string; accessModes?: string[]; resources?: { requests?: { storage?: string } }; volumeName?: string };
  status?: { phase?: string };
}

interface Volume {
  metadata: { name: string };
  status?: { phase?: string };
}

/**
 * One pass of the local volume provisioner: every Pending claim of the local StorageClass gets a
 * hostPath PersistentVolume pre-bound to it (the PV controller completes the binding), and Released
 * volumes are deleted (their reclaim policy is Delete). Returns how many volumes it created.
 */
export async function provisionOnce(kube: KubeRest, volumeRoot: string): Promise<number> {
  const claims = await kube.request<{ items: Claim[] }>('GET', '/api/v1/persistentvolumeclaims');
  let created = 0;
  for (const claim of claims.items) {
    if (claim.status?.phase !== 'Pending' || claim.spec.volumeName || claim.spec.storageClassName !== STORAGE_CLASS) continue;
    const name = `pvc-${claim.metadata.uid}`;
    if (await kube.getOptional(`/api/v1/persistentvolumes/${name}`)) continue;
    const dir = path.join(volumeRoot, name);
    fs.mkdirSync(dir, { recursive: true });
    await kube.request('POST', '/api/v1/persistentvolumes', { body: {
      apiVersion: 'v1', kind: 'PersistentVolume',
      metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'steward-local-provisioner' } },
      spec: {
        capacity: { storage: claim.spec.resources?.requests?.storage ?? '1Gi' },
        accessModes: claim.spec.accessModes ?? ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Delete',
        storageClassName: STORAGE_CLASS,
        hostPath: { path: dir, type: 'DirectoryOrCreate' },
        claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: claim.metadata.namespace, name: claim.metadata.name, uid: claim.metadata.uid },
      },
    } });
    created += 1;
  }
  const volumes = await kube.request<{ items: Volume[] }>('GET', '/api/v1/persistentvolumes', { query: { labelSelector: PROVISIONER_LABEL } });
  for (const volume of volumes.items) {
    if (volume.status?.phase === 'Released' || volume.status?.phase === 'Failed') {
      await kube.delete(`/api/v1/persistentvolumes/${volume.metadata.name}`);
      fs.rmSync(path.join(volumeRoot, volume.metadata.name), { recursive: true, force: true });
    }
  }
  return created;
}
