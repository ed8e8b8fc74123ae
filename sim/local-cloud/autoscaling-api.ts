import { createHash, randomUUID } from 'node:crypto';
import type { AsgInstance, AsgState, ScalingActivity } from '../../shared/model/asg.js';
import { instanceNotFound } from '../cluster/auto-scaling-group.js';
import type { AwsBackend } from './aws-backend.js';
import { indices, list, optionalBoolean, optionalInteger, required, requiredBoolean, requiredInteger } from './query-params.js';
import type { SimLifecycleActionRef } from '../types.js';
import { ACCOUNT_ID, type RequestContext } from './request-context.js';
import { simCall } from './sim-errors.js';
import { WireError } from './wire-error.js';
import { el, isoTime, wrap } from './xml.js';

const XMLNS = 'http://autoscaling.amazonaws.com/doc/2011-01-01/';
/** AWS's defaults and limits for the two paged calls. */
const GROUP_PAGE = { default: 50, max: 100 };
const ACTIVITY_PAGE = { default: 100, max: 100 };

/** The awsQuery envelope. The SDK only reads the child named exactly `{Op}Result`; null for calls without output. */
function envelope(action: string, result: string | null, requestId: string): string {
  const body = result === null ? '' : `<${action}Result>${result}</${action}Result>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${XMLNS}">${body}<ResponseMetadata>${el('RequestId', requestId)}</ResponseMetadata></${action}Response>`;
}

export function autoScalingErrorXml(error: WireError, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${XMLNS}"><Error>${el('Type', error.fault)}${el('Code', error.code)}${el('Message', error.message)}</Error>${el('RequestId', requestId)}</ErrorResponse>`;
}

/** A stable UUID-shaped id per group name, as real group ARNs carry one. */
function groupUuid(name: string): string {
  const h = createHash('md5').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function groupArn(name: string, region: string): string {
  return `arn:aws:autoscaling:${region}:${ACCOUNT_ID}:autoScalingGroup:${groupUuid(name)}:autoScalingGroupName/${name}`;
}

/** Page bounds from MaxRecords/NextToken; the token is the offset of the next record. */
function page(params: URLSearchParams, limits: { default: number; max: number }): { offset: number; size: number } {
  const size = optionalInteger(params, 'MaxRecords') ?? limits.default;
  if (size < 1 || size > limits.max) {
    throw new WireError('ValidationError', `1 validation error detected: Value '${size}' at 'maxRecords' failed to satisfy constraint: Member must have value between 1 and ${limits.max}`);
  }
  const token = params.get('NextToken');
  if (token === null || token === '') return { offset: 0, size };
  if (!/^\d+$/.test(token)) throw new WireError('InvalidNextToken', 'The token is invalid.');
  return { offset: Number(token), size };
}

/** The records of one page, and the token of the next when there is one (none on the last page). */
function paged<T>(items: readonly T[], bounds: { offset: number; size: number }): { items: T[]; nextToken: string | null } {
  const end = bounds.offset + bounds.size;
  return { items: items.slice(bounds.offset, end), nextToken: end < items.length ? String(end) : null };
}

function nextTokenXml(token: string | null): string {
  return token === null ? '' : el('NextToken', token);
}

/** `tag:<key>`, `tag-key` and `tag-value`, the filters DescribeAutoScalingGroups knows. */
function matchesFilters(group: AsgState, params: URLSearchParams): boolean {
  return indices(params, 'Filters.member').every((n) => {
    const name = params.get(`Filters.member.${n}.Name`) ?? '';
    const values = list(params, `Filters.member.${n}.Values.member`);
    const tags = Object.entries(group.tags);
    if (name.startsWith('tag:')) {
      const value = group.tags[name.slice(4)];
      return value !== undefined && values.includes(value);
    }
    if (name === 'tag-key') return tags.some(([k]) => values.includes(k));
    if (name === 'tag-value') return tags.some(([, v]) => values.includes(v));
    throw new WireError('ValidationError', `Filter name '${name}' is invalid.`);
  });
}

function instanceXml(instance: AsgInstance): string {
  return wrap(
    'member',
    el('InstanceId', instance.instanceId) +
      (instance.instanceType === null ? '' : el('InstanceType', instance.instanceType)) +
      el('AvailabilityZone', instance.availabilityZone) +
      el('LifecycleState', instance.lifecycleState) +
      el('HealthStatus', instance.healthStatus) +
      el('ProtectedFromScaleIn', instance.protectedFromScaleIn) +
      el('WeightedCapacity', String(instance.weight)),
  );
}

function groupXml(group: AsgState, region: string, createdTime: number): string {
  const zones = [...new Set(group.instances.map((i) => i.availabilityZone))];
  if (zones.length === 0) zones.push(`${region}a`);
  const tags = Object.entries(group.tags).map(([key, value]) =>
    wrap('member', el('ResourceId', group.name) + el('ResourceType', 'auto-scaling-group') + el('Key', key) + el('Value', value) + el('PropagateAtLaunch', true)),
  );
  const suspended = group.suspendedProcesses.map((p) =>
    wrap('member', el('ProcessName', p) + el('SuspensionReason', `User suspended at ${isoTime(createdTime)}`)),
  );
  return wrap(
    'member',
    el('AutoScalingGroupName', group.name) +
      el('AutoScalingGroupARN', groupArn(group.name, region)) +
      el('MinSize', group.minSize) +
      el('MaxSize', group.maxSize) +
      el('DesiredCapacity', group.desiredCapacity) +
      el('DefaultCooldown', 300) +
      wrap('AvailabilityZones', zones.map((z) => el('member', z)).join('')) +
      '<LoadBalancerNames/><TargetGroupARNs/>' +
      el('HealthCheckType', 'EC2') +
      el('HealthCheckGracePeriod', 300) +
      el('CreatedTime', isoTime(createdTime)) +
      wrap('Instances', group.instances.map(instanceXml).join('')) +
      wrap('SuspendedProcesses', suspended.join('')) +
      wrap('Tags', tags.join('')) +
      wrap('TerminationPolicies', el('member', 'Default')) +
      el('NewInstancesProtectedFromScaleIn', false) +
      '<EnabledMetrics/>',
  );
}

function activityXml(activity: ScalingActivity, groupName: string, region: string): string {
  return (
    el('ActivityId', activity.activityId) +
    el('AutoScalingGroupName', groupName) +
    el('AutoScalingGroupARN', groupArn(groupName, region)) +
    el('Description', activity.description) +
    el('Cause', activity.cause) +
    el('StartTime', isoTime(activity.startTime)) +
    (activity.endTime === null ? '' : el('EndTime', isoTime(activity.endTime))) +
    el('StatusCode', activity.statusCode) +
    el('Progress', activity.endTime === null ? 0 : 100) +
    el('Details', '{}')
  );
}

/** The action a CompleteLifecycleAction or RecordLifecycleActionHeartbeat names. */
function lifecycleRef(params: URLSearchParams): SimLifecycleActionRef {
  const token = params.get('LifecycleActionToken');
  return {
    asgName: required(params, 'AutoScalingGroupName'),
    hookName: required(params, 'LifecycleHookName'),
    instanceId: params.get('InstanceId') ?? '',
    ...(token === null || token === '' ? {} : { token }),
  };
}

/**
 * EC2 Auto Scaling (awsQuery 2011-01-01) over the simulated pool's groups: the calls the
 * autoscaler makes, its lifecycle hook's included. Returns the response XML; throws WireError.
 */
export function createAutoScalingApi(backend: AwsBackend): (action: string, params: URLSearchParams, context: RequestContext) => string {
  const { cluster } = backend;
  // The simulated groups exist from the moment the endpoint serves them.
  const createdTime = backend.now();

  function describeGroups(params: URLSearchParams, context: RequestContext): string {
    const names = list(params, 'AutoScalingGroupNames.member');
    const bounds = page(params, GROUP_PAGE);
    const groups = simCall(() => cluster.describeGroups(names.length === 0 ? undefined : names)).filter((g) => matchesFilters(g, params));
    const { items, nextToken } = paged(groups, bounds);
    return wrap('AutoScalingGroups', items.map((g) => groupXml(g, context.region, createdTime)).join('')) + nextTokenXml(nextToken);
  }

  /** The named group's activities, or every group's when none is named, newest first. */
  function describeActivities(params: URLSearchParams, context: RequestContext): string {
    const groupName = params.get('AutoScalingGroupName');
    const ids = list(params, 'ActivityIds.member');
    const bounds = page(params, ACTIVITY_PAGE);
    const names = groupName === null ? simCall(() => cluster.describeGroups()).map((g) => g.name) : [groupName];
    // One more than the page shows whether a next page exists; an id filter needs them all.
    const wanted = ids.length > 0 ? Number.MAX_SAFE_INTEGER : bounds.offset + bounds.size + 1;
    const activities = names
      .flatMap((group) => simCall(() => cluster.activities(group, wanted)).map((activity) => ({ activity, group })))
      .filter(({ activity }) => ids.length === 0 || ids.includes(activity.activityId))
      .sort((a, b) => b.activity.startTime - a.activity.startTime);
    const { items, nextToken } = paged(activities, bounds);
    return wrap('Activities', items.map(({ activity, group }) => wrap('member', activityXml(activity, group, context.region))).join('')) + nextTokenXml(nextToken);
  }

  function setDesiredCapacity(params: URLSearchParams): null {
    const name = required(params, 'AutoScalingGroupName');
    const desired = requiredInteger(params, 'DesiredCapacity');
    // HonorCooldown is accepted: the simulated group keeps no cooldown of its own.
    optionalBoolean(params, 'HonorCooldown');
    simCall(() => cluster.setDesiredCapacity(name, desired));
    return null;
  }

  /** Returns the activity the cluster recorded for the termination, or describes one itself when it recorded none. */
  function terminateInstance(params: URLSearchParams, context: RequestContext): string {
    const instanceId = required(params, 'InstanceId');
    const decrement = requiredBoolean(params, 'ShouldDecrementDesiredCapacity');
    const holder = simCall(() => cluster.describeGroups())
      .flatMap((group) => group.instances.filter((i) => i.instanceId === instanceId).map((instance) => ({ group, weight: instance.weight })))[0];
    if (holder === undefined) throw new WireError('ValidationError', instanceNotFound(instanceId).message);
    const { group, weight } = holder;
    const before = simCall(() => cluster.activities(group.name, 1))[0]?.activityId;
    simCall(() => cluster.terminateInstance(instanceId, decrement));
    const newest = simCall(() => cluster.activities(group.name, 1))[0];
    const now = backend.now();
    const activity: ScalingActivity =
      newest !== undefined && newest.activityId !== before
        ? newest
        : {
            activityId: randomUUID(),
            description: `Terminating EC2 instance: ${instanceId}`,
            cause: `At ${isoTime(now)} instance ${instanceId} was taken out of service in response to a user request${decrement ? `, shrinking the capacity from ${group.desiredCapacity} to ${group.desiredCapacity - weight}` : ''}.`,
            startTime: now,
            endTime: null,
            statusCode: 'InProgress',
          };
    return wrap('Activity', activityXml(activity, group.name, context.region));
  }

  function completeLifecycleAction(params: URLSearchParams): string {
    const result = required(params, 'LifecycleActionResult');
    if (result !== 'CONTINUE' && result !== 'ABANDON') {
      throw new WireError('ValidationError', `1 validation error detected: Value '${result}' at 'lifecycleActionResult' failed to satisfy constraint: Member must be CONTINUE or ABANDON`);
    }
    simCall(() => cluster.completeLifecycleAction({ ...lifecycleRef(params), result }));
    return '';
  }

  return (action, params, context) => {
    switch (action) {
      case 'CompleteLifecycleAction':
        return envelope(action, completeLifecycleAction(params), context.requestId);
      case 'RecordLifecycleActionHeartbeat':
        simCall(() => cluster.recordLifecycleActionHeartbeat(lifecycleRef(params)));
        return envelope(action, '', context.requestId);
      case 'DescribeAutoScalingGroups':
        return envelope(action, describeGroups(params, context), context.requestId);
      case 'DescribeScalingActivities':
        return envelope(action, describeActivities(params, context), context.requestId);
      case 'SetDesiredCapacity':
        return envelope(action, setDesiredCapacity(params), context.requestId);
      case 'TerminateInstanceInAutoScalingGroup':
        return envelope(action, terminateInstance(params, context), context.requestId);
      default:
        throw new WireError('InvalidAction', `The action ${action} is not valid for this web service.`);
    }
  };
}
