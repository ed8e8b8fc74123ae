import { z } from 'zod';

/** EventBridge detail-types the interruptions function reacts to (the rules in serverless.yml send only these). */
const DetailTypes = {
  spotInterruption: 'EC2 Spot Instance Interruption Warning',
  rebalanceRecommendation: 'EC2 Instance Rebalance Recommendation',
  terminateLifecycleAction: 'EC2 Instance-terminate Lifecycle Action',
} as const;

/** An instance AWS is about to take away, or wants to. `time` is when AWS emitted the event, epoch ms. */
export type InterruptionEvent =
  | {
      kind: 'spot-interruption';
      eventId: string;
      time: number;
      instanceId: string;
      /** What EC2 will do to the instance two minutes after the warning. */
      instanceAction: 'terminate' | 'stop' | 'hibernate';
    }
  | { kind: 'rebalance-recommendation'; eventId: string; time: number; instanceId: string }
  | {
      kind: 'terminate-lifecycle-action';
      eventId: string;
      time: number;
      instanceId: string;
      asgName: string;
      hookName: string;
      token: string | null;
    };

export type ParsedInterruptionEvent =
  | { status: 'ok'; event: InterruptionEvent }
  /** Valid, but not an event this function handles: drop it. */
  | { status: 'ignored'; reason: string }
  /** Can never be handled: fail the record so that it ends in the dead-letter queue. */
  | { status: 'malformed'; problem: string };

const instanceId = z.string().regex(/^i-[0-9a-f]+$/, 'an EC2 instance id (i-...)');
const envelope = {
  id: z.string().min(1),
  time: z.iso.datetime({ offset: true }),
};

const spotSchema = z.object({
  ...envelope,
  source: z.literal('aws.ec2'),
  detail: z.object({ 'instance-id': instanceId, 'instance-action': z.enum(['terminate', 'stop', 'hibernate']) }),
});

const rebalanceSchema = z.object({
  ...envelope,
  source: z.literal('aws.ec2'),
  detail: z.object({ 'instance-id': instanceId }),
});

const lifecycleSchema = z.object({
  ...envelope,
  source: z.literal('aws.autoscaling'),
  detail: z.object({
    EC2InstanceId: instanceId,
    AutoScalingGroupName: z.string().min(1),
    LifecycleHookName: z.string().min(1),
    LifecycleTransition: z.literal('autoscaling:EC2_INSTANCE_TERMINATING'),
    LifecycleActionToken: z.string().min(1).optional(),
  }),
});

function malformed(detailType: string, error: z.ZodError): ParsedInterruptionEvent {
  return { status: 'malformed', problem: `invalid "${detailType}" event: ${z.prettifyError(error)}` };
}

function fromJson(json: unknown): ParsedInterruptionEvent {
  const detailType = (json as { 'detail-type'?: unknown } | null)?.['detail-type'];
  if (typeof detailType !== 'string') return { status: 'malformed', problem: 'not an EventBridge event: no "detail-type"' };

  if (detailType === DetailTypes.spotInterruption) {
    const parsed = spotSchema.safeParse(json);
    if (!parsed.success) return malformed(detailType, parsed.error);
    const { id, time, detail } = parsed.data;
    return {
      status: 'ok',
      event: {
        kind: 'spot-interruption',
        eventId: id,
        time: Date.parse(time),
        instanceId: detail['instance-id'],
        instanceAction: detail['instance-action'],
      },
    };
  }
  if (detailType === DetailTypes.rebalanceRecommendation) {
    const parsed = rebalanceSchema.safeParse(json);
    if (!parsed.success) return malformed(detailType, parsed.error);
    const { id, time, detail } = parsed.data;
    return { status: 'ok', event: { kind: 'rebalance-recommendation', eventId: id, time: Date.parse(time), instanceId: detail['instance-id'] } };
  }
  if (detailType === DetailTypes.terminateLifecycleAction) {
    const parsed = lifecycleSchema.safeParse(json);
    if (!parsed.success) return malformed(detailType, parsed.error);
    const { id, time, detail } = parsed.data;
    return {
      status: 'ok',
      event: {
        kind: 'terminate-lifecycle-action',
        eventId: id,
        time: Date.parse(time),
        instanceId: detail.EC2InstanceId,
        asgName: detail.AutoScalingGroupName,
        hookName: detail.LifecycleHookName,
        token: detail.LifecycleActionToken ?? null,
      },
    };
  }
  return { status: 'ignored', reason: `detail-type "${detailType}" is not an interruption this function handles` };
}

/** Validates an SQS record body holding one EventBridge event, at the boundary. */
export function parseInterruptionEvent(body: string): ParsedInterruptionEvent {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    return { status: 'malformed', problem: `body is not JSON: ${(err as Error).message}` };
  }
  return fromJson(json);
}
