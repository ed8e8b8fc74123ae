import { createHash } from 'node:crypto';
import type { AsgInstance, InstanceAddress } from '../../shared/model/asg.js';
import type { AwsBackend } from './aws-backend.js';
import { indices, list, optionalInteger } from './query-params.js';
import { ACCOUNT_ID, type RequestContext } from './request-context.js';
import { simCall } from './sim-errors.js';
import { WireError } from './wire-error.js';
import { el, esc, wrap } from './xml.js';

const XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

export function ec2ErrorXml(error: WireError, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>${el('Code', error.code)}${el('Message', error.message)}</Error></Errors>${el('RequestID', requestId)}</Response>`;
}

interface InstanceState {
  code: number;
  name: 'pending' | 'running' | 'shutting-down' | 'terminated';
}

/** The EC2 state behind an ASG lifecycle state; an instance the group no longer lists is terminated. */
function stateOf(instance: AsgInstance | undefined): InstanceState {
  const lifecycle = instance?.lifecycleState;
  if (lifecycle === undefined || lifecycle === 'Terminated') return { code: 48, name: 'terminated' };
  if (lifecycle.startsWith('Pending')) return { code: 0, name: 'pending' };
  // Terminating:Wait holds the instance running until the lifecycle hook completes.
  if (lifecycle === 'Terminating' || lifecycle === 'Terminating:Proceed') return { code: 32, name: 'shutting-down' };
  return { code: 16, name: 'running' };
}

interface Described {
  address: InstanceAddress;
  /** The instance as its group lists it, and the group; undefined once no group does. */
  member: AsgInstance | undefined;
  groupName: string | undefined;
  state: InstanceState;
}

/** The filters DescribeInstances callers here use; any other name is refused as EC2 refuses unknown ones. */
const FILTERS: Record<string, (d: Described) => string | null> = {
  'instance-id': (d) => d.address.instanceId,
  'instance-state-name': (d) => d.state.name,
  'private-ip-address': (d) => d.address.privateIp,
  'private-dns-name': (d) => d.address.privateDnsName,
};

function reservationXml(d: Described): string {
  const { address, member, groupName, state } = d;
  const reservationId = `r-${createHash('md5').update(address.instanceId).digest('hex').slice(0, 17)}`;
  const tags = groupName === undefined ? '' : wrap('item', el('key', 'aws:autoscaling:groupName') + el('value', groupName));
  const instance =
    el('instanceId', address.instanceId) +
    wrap('instanceState', el('code', state.code) + el('name', state.name)) +
    wrap('privateDnsName', address.privateDnsName === null ? '' : esc(address.privateDnsName)) +
    (address.privateIp === null ? '' : el('privateIpAddress', address.privateIp)) +
    (address.launchedAt === undefined ? '' : el('launchTime', new Date(address.launchedAt).toISOString())) +
    (member?.instanceType ? el('instanceType', member.instanceType) : '') +
    (member === undefined ? '' : wrap('placement', el('availabilityZone', member.availabilityZone))) +
    wrap('tagSet', tags);
  return wrap('item', el('reservationId', reservationId) + el('ownerId', ACCOUNT_ID) + '<groupSet/>' + wrap('instancesSet', wrap('item', instance)));
}

/**
 * EC2 (ec2Query 2016-11-15): DescribeInstances over the simulated pool's instances, by `InstanceId.N`
 * and/or `Filter.N` (instance-id, instance-state-name, private-ip-address, private-dns-name),
 * paged with MaxResults/NextToken. Returns the response XML; throws WireError.
 */
export function createEc2Api(backend: AwsBackend): (action: string, params: URLSearchParams, context: RequestContext) => string {
  const { cluster } = backend;

  function describeInstances(params: URLSearchParams, context: RequestContext): string {
    const ids = list(params, 'InstanceId');
    const filters = indices(params, 'Filter').map((n) => {
      const name = params.get(`Filter.${n}.Name`) ?? '';
      const read = FILTERS[name];
      if (read === undefined) throw new WireError('InvalidParameterValue', `The filter '${name}' is invalid`);
      return { read, values: list(params, `Filter.${n}.Value`) };
    });
    const maxResults = optionalInteger(params, 'MaxResults', 'InvalidParameterValue');
    if (maxResults !== null && ids.length > 0) {
      throw new WireError('InvalidParameterCombination', 'The parameter instancesSet cannot be used with the parameter maxResults');
    }
    if (maxResults !== null && (maxResults < 5 || maxResults > 1000)) {
      throw new WireError('InvalidParameterValue', `Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value greater than 5.`);
    }
    const token = params.get('NextToken');
    if (token !== null && token !== '' && !/^\d+$/.test(token)) throw new WireError('InvalidParameterValue', 'The token is not valid');

    const members = new Map(simCall(() => cluster.describeGroups()).flatMap((g) => g.instances.map((instance) => [instance.instanceId, { instance, groupName: g.name }] as const)));
    // Without explicit ids: the groups' instances plus any id a filter names (a terminated one is still described).
    const idFilterValues = indices(params, 'Filter').flatMap((n) => (params.get(`Filter.${n}.Name`) === 'instance-id' ? list(params, `Filter.${n}.Value`) : []));
    const candidates = ids.length > 0 ? ids : [...new Set([...members.keys(), ...idFilterValues])];
    const addresses = simCall(() => cluster.addresses(candidates));
    if (ids.length > 0) {
      const known = new Set(addresses.map((a) => a.instanceId));
      const missing = ids.filter((id) => !known.has(id));
      if (missing.length === 1) throw new WireError('InvalidInstanceID.NotFound', `The instance ID '${missing[0]}' does not exist`);
      if (missing.length > 1) throw new WireError('InvalidInstanceID.NotFound', `The instance IDs '${missing.join(', ')}' do not exist`);
    }
    const described = addresses
      .map((address): Described => {
        const member = members.get(address.instanceId);
        return { address, member: member?.instance, groupName: member?.groupName, state: stateOf(member?.instance) };
      })
      .filter((d) => filters.every((f) => {
        const value = f.read(d);
        return value !== null && f.values.includes(value);
      }));

    const offset = token === null || token === '' ? 0 : Number(token);
    const end = maxResults === null ? described.length : offset + maxResults;
    const shown = described.slice(offset, end);
    const next = end < described.length ? el('nextToken', String(end)) : '';
    return (
      `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeInstancesResponse xmlns="${XMLNS}">${el('requestId', context.requestId)}` +
      wrap('reservationSet', shown.map(reservationXml).join('')) +
      `${next}</DescribeInstancesResponse>`
    );
  }

  return (action, params, context) => {
    if (action === 'DescribeInstances') return describeInstances(params, context);
    throw new WireError('InvalidAction', `The action ${action} is not valid for this web service.`);
  };
}
