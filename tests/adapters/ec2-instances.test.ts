import { DescribeInstancesCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createInstancePort } from '../../shared/aws/ec2-instances.js';
import { AutoscalerError, ErrorNames } from '../../shared/model/errors.js';

const ec2Mock = mockClient(EC2Client);
const port = createInstancePort(new EC2Client({}));

beforeEach(() => ec2Mock.reset());

describe('addresses', () => {
  it('asks through an instance-id filter and maps private IP and DNS name', async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          ReservationId: 'r-1',
          Instances: [
            {
              InstanceId: 'i-1',
              State: { Code: 16, Name: 'running' },
              PrivateIpAddress: '10.0.1.17',
              PrivateDnsName: 'ip-10-0-1-17.ec2.internal',
            },
          ],
        },
        // Terminated instances report empty strings.
        { ReservationId: 'r-2', Instances: [{ InstanceId: 'i-2', State: { Code: 48, Name: 'terminated' }, PrivateDnsName: '' }] },
      ],
    });

    const addresses = await port.addresses(['i-1', 'i-2', 'i-gone']);

    expect(addresses).toEqual([
      { instanceId: 'i-1', privateIp: '10.0.1.17', privateDnsName: 'ip-10-0-1-17.ec2.internal' },
      { instanceId: 'i-2', privateIp: null, privateDnsName: null },
    ]);
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeInstancesCommand, {
      Filters: [{ Name: 'instance-id', Values: ['i-1', 'i-2', 'i-gone'] }],
    });
    expect(ec2Mock.commandCalls(DescribeInstancesCommand)[0]?.args[0].input.InstanceIds).toBeUndefined();
  });

  it('adds the launch time in epoch ms when EC2 reports one', async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            { InstanceId: 'i-1', PrivateIpAddress: '10.0.1.17', LaunchTime: new Date('2025-03-01T09:00:00Z') },
            { InstanceId: 'i-2', PrivateIpAddress: '10.0.1.18', LaunchTime: new Date(Number.NaN) },
          ],
        },
      ],
    });
    const [first, second] = await port.addresses(['i-1', 'i-2']);
    expect(first?.launchedAt).toBe(Date.parse('2025-03-01T09:00:00Z'));
    expect(second).not.toHaveProperty('launchedAt');
  });

  it('splits ids into filters of at most 200 values and follows NextToken', async () => {
    const ids = Array.from({ length: 250 }, (_, i) => `i-${String(i).padStart(4, '0')}`);
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolvesOnce({ Reservations: [{ Instances: [{ InstanceId: 'i-0000', PrivateIpAddress: '10.0.0.1' }] }], NextToken: 'p2' })
      .resolvesOnce({ Reservations: [{ Instances: [{ InstanceId: 'i-0001', PrivateIpAddress: '10.0.0.2' }] }] })
      .resolvesOnce({ Reservations: [{ Instances: [{ InstanceId: 'i-0249', PrivateIpAddress: '10.0.0.3' }] }] });

    const addresses = await port.addresses(ids);

    expect(addresses.map((a) => a.instanceId)).toEqual(['i-0000', 'i-0001', 'i-0249']);
    const inputs = ec2Mock.commandCalls(DescribeInstancesCommand).map((c) => c.args[0].input);
    expect(inputs.map((i) => i.Filters?.[0]?.Values?.length)).toEqual([200, 200, 50]);
    expect(inputs.map((i) => i.NextToken)).toEqual([undefined, 'p2', undefined]);
    expect(inputs[2]?.Filters?.[0]?.Values).toEqual(ids.slice(200));
  });

  it('makes no call for no ids', async () => {
    expect(await port.addresses([])).toEqual([]);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeInstancesCommand, 0);
  });

  it('maps RequestLimitExceeded to AwsUnavailable with the AWS name', async () => {
    ec2Mock
      .on(DescribeInstancesCommand)
      .rejects(new EC2ServiceException({ name: 'RequestLimitExceeded', $fault: 'server', message: 'Request limit exceeded.', $metadata: {} }));
    const err = await port.addresses(['i-1']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AutoscalerError);
    expect((err as AutoscalerError).name).toBe(ErrorNames.AwsUnavailable);
    expect((err as AutoscalerError).message).toContain('RequestLimitExceeded: Request limit exceeded.');
  });
});
