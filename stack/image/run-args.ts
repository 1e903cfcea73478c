import YAML from 'yaml';

/** Where Kubernetes mounts a pod's ServiceAccount credentials (token, ca.crt, namespace). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

interface Container {
  name: string;
  env?: { name: string; value?: string }[];
  securityContext?: { runAsUser?: number; readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[] } };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface DeploymentDoc {
  spec: { template: { spec: { securityContext?: { runAsUser?: number }; containers: Container[]; volumes?: { name: string; emptyDir?: object }[] } } };
}

/** How the Deployment runs the worker container, as `podman run` options and environment. */
export interface DeploymentRun {
  /** `--user`, `--read-only`, `--cap-drop`, `--security-opt`, `--tmpfs` for its emptyDir mounts. */
  options: string[];
  /** The container's literal environment. */
  env: Record<string, string>;
}

/**
 * Reads the worker container of a Deployment manifest (deploy/deployment.yaml) and says how podman runs
 * it the same way: the pod's or container's `runAsUser`, a read-only root filesystem without podman's own
 * writable /tmp, /run and /var/tmp (only the manifest's emptyDir mounts are writable, as tmpfs), dropped
 * capabilities and no privilege escalation. Throws an Error naming what the manifest lacks.
 */
export function deploymentRun(manifest: string, containerName = 'worker'): DeploymentRun {
  const doc = YAML.parse(manifest) as DeploymentDoc;
  const pod = doc.spec.template.spec;
  const container = pod.containers.find((c) => c.name === containerName);
  if (!container) throw new Error(`the Deployment has no container '${containerName}'`);
  const security = container.securityContext ?? {};
  const user = security.runAsUser ?? pod.securityContext?.runAsUser;
  if (user === undefined) throw new Error(`the Deployment's container '${containerName}' sets no runAsUser: the image's user would run it`);
  const options = [`--user=${user}`];
  if (security.readOnlyRootFilesystem) options.push('--read-only', '--read-only-tmpfs=false');
  for (const cap of security.capabilities?.drop ?? []) options.push(`--cap-drop=${cap.toLowerCase()}`);
  if (security.allowPrivilegeEscalation === false) options.push('--security-opt=no-new-privileges');
  const emptyDirs = new Set((pod.volumes ?? []).filter((v) => v.emptyDir).map((v) => v.name));
  for (const mount of container.volumeMounts ?? []) {
    if (!emptyDirs.has(mount.name)) throw new Error(`the Deployment mounts volume '${mount.name}', which is not an emptyDir: podman cannot stand in for it`);
    options.push(`--tmpfs=${mount.mountPath}:rw,mode=1777`);
  }
  const env: Record<string, string> = {};
  for (const variable of container.env ?? []) if (variable.value !== undefined) env[variable.name] = variable.value;
  return { options, env };
}
