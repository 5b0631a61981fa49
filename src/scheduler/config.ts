// The part of KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1) k8ts reads:
// the first profile's schedulerName, percentageOfNodesToScore, and NodeResourcesFitArgs'
// scoringStrategy. Everything else is accepted and ignored.

import { parse } from 'yaml';
import type { NodeResourcesFitArgs, ScoringStrategyType } from './plugins/noderesources/fit.js';

export interface SchedulerConfig {
  /** Pods naming this scheduler (or none) are ours. Default 'default-scheduler'. */
  schedulerName?: string;
  /** 0 (default) means adaptive, as in Kubernetes. */
  percentageOfNodesToScore?: number;
  nodeResourcesFit?: NodeResourcesFitArgs;
}

export class SchedulerConfigError extends Error {
  override name = 'SchedulerConfigError';
  readonly code = 'SCHEDULER_CONFIG';
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses the YAML text of a KubeSchedulerConfiguration; throws SchedulerConfigError. */
export function parseSchedulerConfig(text: string): SchedulerConfig {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new SchedulerConfigError(`scheduler config is not YAML: ${(err as Error).message}`, { cause: err });
  }
  if (!isObj(doc)) throw new SchedulerConfigError('scheduler config must be a KubeSchedulerConfiguration object');
  if (doc.kind !== undefined && doc.kind !== 'KubeSchedulerConfiguration') throw new SchedulerConfigError(`scheduler config has kind ${String(doc.kind)}, want KubeSchedulerConfiguration`);
  const out: SchedulerConfig = {};
  const pct = doc.percentageOfNodesToScore;
  if (pct !== undefined && pct !== null) {
    if (typeof pct !== 'number' || pct < 0 || pct > 100) throw new SchedulerConfigError('percentageOfNodesToScore must be between 0 and 100');
    out.percentageOfNodesToScore = pct;
  }
  const profiles = Array.isArray(doc.profiles) ? doc.profiles : [];
  const profile = profiles.find(isObj);
  if (!profile) return out;
  if (typeof profile.schedulerName === 'string') out.schedulerName = profile.schedulerName;
  // A profile's own percentage (v1 allows one per profile) wins over the global one.
  if (typeof profile.percentageOfNodesToScore === 'number') out.percentageOfNodesToScore = profile.percentageOfNodesToScore;
  for (const pc of Array.isArray(profile.pluginConfig) ? profile.pluginConfig : []) {
    if (!isObj(pc) || pc.name !== 'NodeResourcesFit' || !isObj(pc.args)) continue;
    const ss = pc.args.scoringStrategy;
    if (!isObj(ss)) continue;
    const type = ss.type;
    if (type !== undefined && type !== 'LeastAllocated' && type !== 'MostAllocated') {
      throw new SchedulerConfigError(`scoringStrategy.type ${JSON.stringify(type)} is not supported (want LeastAllocated or MostAllocated)`);
    }
    const resources = Array.isArray(ss.resources)
      ? ss.resources.filter(isObj).map((r) => ({ name: String(r.name), weight: typeof r.weight === 'number' ? r.weight : 1 }))
      : undefined;
    out.nodeResourcesFit = { scoringStrategy: { type: type as ScoringStrategyType | undefined, resources } };
  }
  return out;
}
