import { z } from 'zod';
import type { Plan } from '../model/plan.js';
import type { FinishDrainsMessage, FinishDrainsRequest, RecordDrainMessage, ScaleMessage } from '../model/workflow.js';

const capacity = z.number().int().nonnegative();
const seconds = z.number().int().nonnegative();

const drainSchema = z.object({
  busyAgents: z.boolean(),
  maxDraining: z.number().int().positive(),
  checkSeconds: seconds,
  deadlineSeconds: seconds,
  forceAtDeadline: z.boolean(),
  graceSeconds: seconds,
  markGone: z.boolean(),
  minAgentAgeSeconds: seconds,
  unregisteredGraceSeconds: seconds,
}) satisfies z.ZodType<Plan['drain']>;

const planSchema = z.object({
  pool: z.string().min(1),
  asgNames: z.array(z.string().min(1)).min(1),
  action: z.enum(['none', 'scale-out', 'scale-in']),
  fromDesired: capacity,
  weighted: z.boolean().optional(),
  targetDesired: capacity,
  reasons: z.array(z.string()),
  because: z.string().optional(),
  signals: z.array(
    z.object({
      name: z.string(),
      value: z.union([z.number(), z.string(), z.boolean(), z.null()]),
      wantsAgents: z.number().optional(),
      detail: z.string().optional(),
    }),
  ),
  boundBy: z.string().nullable(),
  dryRun: z.boolean(),
  computedAt: z.number(),
  executionId: z.string().min(1),
  reactivate: z.array(z.string()),
  drain: drainSchema,
}) satisfies z.ZodType<Plan>;

const finishSchema = z.object({
  pool: z.string().min(1),
  asgNames: z.array(z.string().min(1)).min(1),
  executionId: z.string().min(1),
  ready: z.array(z.string()),
  expired: z.array(z.string()),
  drain: drainSchema,
}) satisfies z.ZodType<FinishDrainsRequest>;

const recordMessageSchema = z.object({
  record: z.object({
    pool: z.string().min(1),
    agentId: z.string().min(1),
    instanceId: z.string().min(1),
    hostname: z.string(),
    ip: z.string(),
    executionId: z.string().min(1),
    startedAt: z.number(),
    deadline: z.number(),
    mode: z.enum(['soft', 'hard']),
  }),
}) satisfies z.ZodType<RecordDrainMessage>;

const planMessageSchema = z.object({ taskToken: z.string().min(1), plan: planSchema });
const finishMessageSchema = z.object({ taskToken: z.string().min(1), finish: finishSchema });

export type ParsedScaleMessage =
  | { ok: true; message: ScaleMessage | FinishDrainsMessage | RecordDrainMessage }
  | { ok: false; problem: string; /** Present when the body names a task that waits for an answer. */ taskToken: string | null };

/** Validates an SQS record body at the boundary; a token is recovered even when the plan is invalid. */
export function parseScaleMessage(body: string): ParsedScaleMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    return { ok: false, problem: `body is not JSON: ${(err as Error).message}`, taskToken: null };
  }
  // Chosen by shape first, so a rejection names what is wrong in that kind of message.
  const has = (key: string) => typeof json === 'object' && json !== null && key in json;
  const parsed = (has('record') ? recordMessageSchema : has('finish') ? finishMessageSchema : planMessageSchema).safeParse(json);
  if (parsed.success) return { ok: true, message: parsed.data };
  const token = (json as { taskToken?: unknown } | null)?.taskToken;
  return {
    ok: false,
    problem: `invalid scale message: ${z.prettifyError(parsed.error)}`,
    taskToken: typeof token === 'string' && token.length > 0 ? token : null,
  };
}
