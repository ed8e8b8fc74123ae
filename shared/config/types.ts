import type { Credentials } from './catalog.js';
import type { ResourceName } from '../model/resources.js';

export interface Threshold {
  /** Scale in only when utilisation is below this (percent of capacity). */
  lowerPercent: number;
  /** Scale out until utilisation is at or below this (percent of capacity). */
  upperPercent: number;
}

export interface PoolConfig {
  /** Value of the pool attribute on the agents. */
  name: string;
  /** The Auto Scaling groups that hold the pool's agents (one or more, distinct); the pool is sized as their sum. */
  asgNames: string[];
  minAgents: number;
  maxAgents: number;
  thresholds: Readonly<Record<ResourceName, Threshold>>;
  /** Room for this many percent more tasks of the biggest app must exist (per agent). */
  headroomPercent: number;
  cooldownUpSeconds: number;
  cooldownDownSeconds: number;
  /** Scale-in must have been wanted continuously for this long. */
  scaleInStabilisationSeconds: number;
  /** Seconds ahead a rising requirement is projected (0: off). */
  trendLeadSeconds: number;
  maxStepUp: number;
  maxStepDown: number;
  /** Compute and show the plan, change nothing. */
  dryRun: boolean;
  /** Leave the pool exactly as it is. */
  paused: boolean;
  /** Settle loop: how often to check, and how long to wait at most, after an action. */
  settleIntervalSeconds: number;
  settleTimeoutSeconds: number;
  /** Safe scale-in: which agents may go, how many drain at once, and how a drain ends. */
  drain: DrainConfig;
}

export interface DrainConfig {
  busyAgents: boolean;
  maxDraining: number;
  checkSeconds: number;
  deadlineSeconds: number;
  forceAtDeadline: boolean;
  graceSeconds: number;
  markGone: boolean;
  minAgentAgeSeconds: number;
  unregisteredGraceSeconds: number;
}

export interface MesosConfig {
  /** One or more master base URLs; the leader is discovered among them. */
  masterUrls: string[];
  /** Marathon base URL, or null when Marathon is not read. */
  marathonUrl: string | null;
  /** HTTP basic auth (from a SecureString parameter), or null. Never logged. */
  credentials: Credentials | null;
  timeoutMs: number;
  /** Agent attribute that names the pool. */
  poolAttribute: string;
}

/** A parameter that failed validation. The pool it belongs to is left untouched. */
export interface ConfigProblem {
  /** Full SSM parameter name. */
  parameter: string;
  /** Pool affected, or null for a global parameter (then every pool is left untouched). */
  pool: string | null;
  message: string;
}

export interface AutoscalerConfig {
  /** SSM path prefix, e.g. `/mesos-autoscaler/prod/`. */
  prefix: string;
  mesos: MesosConfig;
  /** Global pause switch. */
  paused: boolean;
  /** Pools whose configuration is valid. */
  pools: PoolConfig[];
  problems: ConfigProblem[];
}
