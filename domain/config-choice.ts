import type { ConditionInput } from './conditions.js';
import { checkCoreConfig, type ConfigContext, type ConfigProblem } from './core-config-rules.js';

// What to roll out when stellar-core would refuse the config a spec asks for. A refused config makes every
// pod that starts on it exit at once (it crash-loops), so it is not rolled out over a config that works:
// the live config (the one the ConfigMap holds) is kept, and the resource's status says which rule refused
// the new one. Only when there is no good config to keep (a new resource, or the live one is refused too)
// is the refused one applied: it is what the user asked for, and its pods show the refusal.

/** The config to apply, and why it is not the one the spec asks for, if it is not. */
export interface ConfigChoice {
  /** The config text to write into the ConfigMap (and hash into the pod template). */
  config: string;
  /** The first problem of the desired config (stellar-core stops on the first one), when it is refused. */
  refused?: ConfigProblem;
  /** True when the live config is kept instead of the refused one. */
  kept: boolean;
}

/**
 * Chooses between the desired config and the live one (undefined when none is applied yet): the desired
 * one when stellar-core accepts it; else the live one when stellar-core accepts that; else the desired one.
 */
export function chooseConfig(desired: string, live: string | undefined, context: ConfigContext): ConfigChoice {
  const [refused] = checkCoreConfig(desired, context);
  if (!refused) return { config: desired, kept: false };
  const liveIsGood = live !== undefined && live !== desired && checkCoreConfig(live, context).length === 0;
  return liveIsGood ? { config: live, refused, kept: true } : { config: desired, refused, kept: false };
}

/**
 * The `Degraded` condition of a refused config: the rule, the key and stellar-core's message, what was
 * done about it (the last good config kept in `configMap`, or applied anyway), and what to do.
 * Undefined when the config is accepted.
 */
export function configRefusedCondition(choice: ConfigChoice, resource: string, configMap: string, generation: number): ConditionInput | undefined {
  const problem = choice.refused;
  if (!problem) return undefined;
  const key = problem.key ? `, key ${problem.key}` : '';
  const done = choice.kept
    ? `the last good config stays in ConfigMap ${configMap} and nothing is rolled out`
    : `there is no good config to keep, so it is applied and its pods crash-loop as stellar-core exits`;
  const message = `stellar-core would refuse the config of ${resource} (rule ${problem.rule}${key}): ${problem.message}; ${done}. Fix coreConfigOverride (or quorumSet) in the spec.`;
  return { type: 'Degraded', status: 'True', reason: 'ConfigRefused', message, observedGeneration: generation };
}
