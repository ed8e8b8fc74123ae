import { chunks } from './chunks.js';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import type { EC2Client, Instance } from '@aws-sdk/client-ec2';
import type { InstanceAddress } from '../model/asg.js';
import type { InstancePort } from './ports.js';
import { callAws } from './errors.js';

/** EC2 accepts at most 200 values in one filter. */
const IDS_PER_CALL = 200;

/** Left out when EC2 gives none (or an unparsable one): callers then treat the launch age as unknown. */
function launchTimeOf(instance: Instance): { launchedAt?: number } {
  const ms = instance.LaunchTime?.getTime();
  return ms !== undefined && Number.isFinite(ms) ? { launchedAt: ms } : {};
}

function toAddress(instance: Instance): InstanceAddress | null {
  if (!instance.InstanceId) return null;
  return {
    instanceId: instance.InstanceId,
    // Terminated instances report empty strings: treat them as no address at all.
    privateIp: instance.PrivateIpAddress || null,
    privateDnsName: instance.PrivateDnsName || null,
    ...launchTimeOf(instance),
  };
}

export function createInstancePort(client: EC2Client): InstancePort {
  return {
    async addresses(instanceIds) {
      const unique = [...new Set(instanceIds)];
      const out: InstanceAddress[] = [];
      for (const batch of chunks(unique, IDS_PER_CALL)) {
        let nextToken: string | undefined;
        do {
          // A filter rather than InstanceIds: an id that no longer exists is left out instead of
          // failing the whole call with InvalidInstanceID.NotFound.
          const page = await callAws(`DescribeInstances(${batch.length} ids)`, () =>
            client.send(
              new DescribeInstancesCommand({
                Filters: [{ Name: 'instance-id', Values: batch }],
                NextToken: nextToken,
              }),
            ),
          );
          for (const reservation of page.Reservations ?? []) {
            for (const instance of reservation.Instances ?? []) {
              const address = toAddress(instance);
              if (address) out.push(address);
            }
          }
          nextToken = page.NextToken || undefined;
        } while (nextToken);
      }
      return out;
    },
  };
}
