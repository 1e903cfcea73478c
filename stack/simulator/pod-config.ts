import { publicKeyOfSeed } from '../../activities/node-key.js';
import { checkCoreConfig, type ConfigProblem } from '../../domain/core-config-rules.js';

// The strict half of the simulator: what a real stellar-core would make of the config a pod mounts. It is
// read exactly where stellar-core would find it: the ConfigMap volume the container mounts (key
// `stellar-core.cfg`), with NODE_SEED from the Secret that the container's env references, joined the way
// the validator start script joins them (domain/validator-objects.ts validatorStartScript). The config is
// checked with the same rules the workflows use (domain/core-config-rules.ts).

/** The config file a stellar-core container reads, inside the ConfigMap volume it mounts. */
export const CONFIG_KEY = 'stellar-core.cfg';

/** The env var through which a validator gets its seed (from a Secret). */
export const SEED_ENV = 'NODE_SEED';

/** Why a pod's stellar-core does not run. */
export interface ConfigRefusal {
  /**
   * `CrashLoopBackOff`: stellar-core started and exited 1 on its config; the kubelet restarts it with
   * back-off. `CreateContainerConfigError`: the kubelet could not build the container's environment (a
   * missing seed Secret or key). `ContainerCreating`: the kubelet waits for the ConfigMap to mount. In the
   * last two, stellar-core never ran.
   */
  waiting: 'CrashLoopBackOff' | 'CreateContainerConfigError' | 'ContainerCreating';
  /** The rule that refused it (see domain/core-config-rules.ts), or `secret` / `configmap` for what the kubelet lacks. */
  rule: string;
  /** What stellar-core (or the kubelet) logs. */
  message: string;
}

/** A pod's mounted config as checked: `checked` is false for a pod that mounts no config (served as before). */
export interface ConfigVerdict {
  checked: boolean;
  refusal?: ConfigRefusal;
}

/** The parts of a pod spec that say where its config and seed come from (structurally a subset of V1Pod). */
export interface PodConfigSpec {
  containers?: {
    name?: string;
    env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name?: string; key?: string } } }[];
    volumeMounts?: { name: string; mountPath?: string }[];
  }[];
  volumes?: { name: string; configMap?: { name?: string } }[];
}

/** The ConfigMaps' `data` and the Secrets' `data` (base64) of one namespace, by name. */
export interface NamespaceObjects {
  configMaps: ReadonlyMap<string, Record<string, string>>;
  secrets: ReadonlyMap<string, Record<string, string>>;
}

/** The ConfigMaps and Secrets (names, in the pod's namespace) that `podConfigVerdict` reads for a pod: what its kubelet would fetch. */
export function podConfigSources(spec: PodConfigSpec | undefined): { configMaps: string[]; secrets: string[] } {
  const container = spec?.containers?.[0];
  const volume = configVolume(spec);
  const secret = container?.env?.find((e) => e.name === SEED_ENV)?.valueFrom?.secretKeyRef?.name;
  return { configMaps: volume?.configMap?.name ? [volume.configMap.name] : [], secrets: secret ? [secret] : [] };
}

/** The ConfigMap volume the pod's (first) container mounts. */
function configVolume(spec: PodConfigSpec | undefined): NonNullable<PodConfigSpec['volumes']>[number] | undefined {
  const container = spec?.containers?.[0];
  return (spec?.volumes ?? []).find((v) => v.configMap?.name && container?.volumeMounts?.some((m) => m.name === v.name));
}

/**
 * How stellar-core fares with the config the pod mounts, judged against the pod's network passphrase.
 * stellar-core's `run` command loads the config inside a try block and, on any exception, logs
 * `Got an exception: <what>` then exits 1 (stellar/stellar-core src/main/CommandLine.cpp, function `run`);
 * the message here is that log line.
 */
export function podConfigVerdict(spec: PodConfigSpec | undefined, network: string, objects: NamespaceObjects): ConfigVerdict {
  const container = spec?.containers?.[0];
  const volume = configVolume(spec);
  const mount = container?.volumeMounts?.find((m) => m.name === volume?.name);
  if (!container || !volume?.configMap?.name) return { checked: false };
  const configMap = objects.configMaps.get(volume.configMap.name);
  if (!configMap) {
    const message = `MountVolume.SetUp failed for volume "${volume.name}" : configmap "${volume.configMap.name}" not found`;
    return { checked: true, refusal: { waiting: 'ContainerCreating', rule: 'configmap', message } };
  }
  const text = configMap[CONFIG_KEY];
  if (text === undefined) {
    // Config::load (stellar/stellar-core src/main/Config.cpp): "No config file <name> found".
    const message = `Got an exception: No config file ${mount?.mountPath ?? ''}/${CONFIG_KEY} found`;
    return { checked: true, refusal: { waiting: 'CrashLoopBackOff', rule: 'config-file', message } };
  }
  const seed = seedOf(container.env ?? [], objects.secrets);
  if (seed && 'missing' in seed) return { checked: true, refusal: { waiting: 'CreateContainerConfigError', rule: 'secret', message: seed.missing } };
  const config = seed ? `${SEED_ENV}="${seed.value} self"\n${text}` : text;
  const problems = checkCoreConfig(config, { network, selfPublicKey: seed ? publicKeyOfSeed(seed.value) : undefined });
  const first: ConfigProblem | undefined = problems[0];
  if (!first) return { checked: true };
  return { checked: true, refusal: { waiting: 'CrashLoopBackOff', rule: first.rule, message: `Got an exception: ${first.message}` } };
}

/**
 * The seed a container's NODE_SEED env resolves to, or the kubelet's error when its Secret or key is
 * missing (the kubelet then refuses to create the container: CreateContainerConfigError). Undefined when
 * the container has no NODE_SEED (a watcher: stellar-core makes up a random seed).
 */
function seedOf(env: NonNullable<NonNullable<PodConfigSpec['containers']>[number]['env']>, secrets: NamespaceObjects['secrets']): { value: string } | { missing: string } | undefined {
  const entry = env.find((e) => e.name === SEED_ENV);
  if (!entry) return undefined;
  if (entry.value !== undefined) return { value: entry.value };
  const ref = entry.valueFrom?.secretKeyRef;
  if (!ref?.name) return undefined;
  const secret = secrets.get(ref.name);
  if (!secret) return { missing: `secret "${ref.name}" not found` };
  const encoded = secret[ref.key ?? ''];
  if (encoded === undefined) return { missing: `couldn't find key ${ref.key ?? ''} in Secret ${ref.name}` };
  return { value: Buffer.from(encoded, 'base64').toString('utf8') };
}
