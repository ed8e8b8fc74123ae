import fc from 'fast-check';
import { CATALOG, POOL_PARAMETERS } from '../../../shared/config/catalog.js';
import { parseConfig } from '../../../shared/config/load.js';
import type { AutoscalerConfig, PoolConfig } from '../../../shared/config/types.js';
import { AutoscalerError, ErrorNames } from '../../../shared/model/errors.js';

const PREFIX = '/mesos-autoscaler/prod/';

/** Parameters relative to the prefix → the map SSM would return (full names). */
function ssm(relative: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(relative).map(([name, value]) => [PREFIX + name, value]));
}

const BASE = { 'mesos/master-urls': 'http://m1:5050', 'pools/batch/asg-name': 'batch-asg' };

function parse(relative: Record<string, string>): AutoscalerConfig {
  return parseConfig(PREFIX, ssm(relative));
}

function pool(config: AutoscalerConfig, name: string): PoolConfig | undefined {
  return config.pools.find((p) => p.name === name);
}

function messages(config: AutoscalerConfig): string[] {
  return config.problems.map((p) => p.message);
}

describe('parseConfig: values and precedence', () => {
  it('applies every built-in default to a pool that sets only its ASG', () => {
    const config = parse(BASE);
    expect(config).toEqual({
      prefix: PREFIX,
      mesos: { masterUrls: ['http://m1:5050'], marathonUrl: null, credentials: null, timeoutMs: 5000, poolAttribute: 'pool' },
      paused: false,
      problems: [],
      pools: [
        {
          name: 'batch',
          asgNames: ['batch-asg'],
          minAgents: 0,
          maxAgents: 10,
          thresholds: {
            cpus: { lowerPercent: 88, upperPercent: 95 },
            mem: { lowerPercent: 88, upperPercent: 95 },
            disk: { lowerPercent: 88, upperPercent: 95 },
            gpus: { lowerPercent: 88, upperPercent: 95 },
          },
          headroomPercent: 0,
          cooldownUpSeconds: 0,
          cooldownDownSeconds: 0,
          scaleInStabilisationSeconds: 300,
          trendLeadSeconds: 180,
          maxStepUp: 100,
          maxStepDown: 20,
          dryRun: false,
          paused: false,
          settleIntervalSeconds: 30,
          settleTimeoutSeconds: 600,
          drain: {
            busyAgents: true, maxDraining: 10, checkSeconds: 30, deadlineSeconds: 3600, forceAtDeadline: false,
            graceSeconds: 300, markGone: true, minAgentAgeSeconds: 600, unregisteredGraceSeconds: 900,
          },
        },
      ],
    });
  });

  it('maps every per-pool parameter onto its PoolConfig field', () => {
    const config = parse({
      ...BASE,
      'pools/batch/min-agents': '1',
      'pools/batch/max-agents': '40',
      'pools/batch/cpus-lower-percent': '11',
      'pools/batch/cpus-upper-percent': '12',
      'pools/batch/mem-lower-percent': '21',
      'pools/batch/mem-upper-percent': '22',
      'pools/batch/disk-lower-percent': '31',
      'pools/batch/disk-upper-percent': '32',
      'pools/batch/gpus-lower-percent': '41',
      'pools/batch/gpus-upper-percent': '42.5',
      'pools/batch/headroom-percent': '35',
      'pools/batch/cooldown-up-seconds': '61',
      'pools/batch/cooldown-down-seconds': '62',
      'pools/batch/scale-in-stabilisation-seconds': '63',
      'pools/batch/trend-lead-seconds': '64',
      'pools/batch/max-step-up': '4',
      'pools/batch/max-step-down': '3',
      'pools/batch/dry-run': 'true',
      'pools/batch/paused': 'TRUE',
      'pools/batch/settle-interval-seconds': '15',
      'pools/batch/settle-timeout-seconds': '900',
      'pools/batch/drain-busy-agents': 'false',
      'pools/batch/max-draining': '7',
      'pools/batch/drain-check-seconds': '20',
      'pools/batch/drain-deadline-seconds': '1800',
      'pools/batch/drain-force-at-deadline': 'true',
      'pools/batch/drain-grace-seconds': '120',
      'pools/batch/drain-mark-gone': 'false',
      'pools/batch/min-agent-age-seconds': '300',
      'pools/batch/unregistered-grace-seconds': '1200',
    });
    expect(config.problems).toEqual([]);
    expect(pool(config, 'batch')).toEqual({
      name: 'batch',
      asgNames: ['batch-asg'],
      minAgents: 1,
      maxAgents: 40,
      thresholds: {
        cpus: { lowerPercent: 11, upperPercent: 12 },
        mem: { lowerPercent: 21, upperPercent: 22 },
        disk: { lowerPercent: 31, upperPercent: 32 },
        gpus: { lowerPercent: 41, upperPercent: 42.5 },
      },
      headroomPercent: 35,
      cooldownUpSeconds: 61,
      cooldownDownSeconds: 62,
      scaleInStabilisationSeconds: 63,
      trendLeadSeconds: 64,
      maxStepUp: 4,
      maxStepDown: 3,
      dryRun: true,
      paused: true,
      settleIntervalSeconds: 15,
      settleTimeoutSeconds: 900,
      drain: {
        busyAgents: false, maxDraining: 7, checkSeconds: 20, deadlineSeconds: 1800, forceAtDeadline: true,
        graceSeconds: 120, markGone: false, minAgentAgeSeconds: 300, unregisteredGraceSeconds: 1200,
      },
    });
  });

  it('reads the global parameters, trimming and normalising them', () => {
    const config = parse({
      ...BASE,
      'mesos/master-urls': ' http://m1:5050/ , https://m2.example.internal:5050 ',
      'mesos/credentials': 'ops:secret',
      'mesos/timeout-ms': ' 250 ',
      'mesos/pool-attribute': 'node_pool',
      'marathon/url': 'http://marathon:8080/',
      paused: ' False ',
    });
    expect(config.problems).toEqual([]);
    expect(config.mesos).toEqual({
      masterUrls: ['http://m1:5050', 'https://m2.example.internal:5050'],
      marathonUrl: 'http://marathon:8080',
      credentials: { username: 'ops', password: 'secret' },
      timeoutMs: 250,
      poolAttribute: 'node_pool',
    });
    expect(config.paused).toBe(false);
  });

  it('treats a blank marathon/url as Marathon not being read', () => {
    expect(parse({ ...BASE, 'marathon/url': '  ' }).mesos.marathonUrl).toBeNull();
  });

  it('reads the global kill switch without dropping the pools', () => {
    const config = parse({ ...BASE, paused: 'true' });
    expect(config.paused).toBe(true);
    expect(config.pools.map((p) => p.name)).toEqual(['batch']);
  });

  it('applies defaults/ to every pool that does not set the parameter', () => {
    const config = parse({
      ...BASE,
      'pools/gpu/asg-name': 'gpu-asg',
      'defaults/max-agents': '50',
      'defaults/dry-run': 'true',
    });
    expect(config.problems).toEqual([]);
    expect(pool(config, 'batch')).toMatchObject({ maxAgents: 50, dryRun: true });
    expect(pool(config, 'gpu')).toMatchObject({ maxAgents: 50, dryRun: true });
  });

  it('lets a pool value win over defaults/', () => {
    const config = parse({
      ...BASE,
      'pools/gpu/asg-name': 'gpu-asg',
      'pools/gpu/max-agents': '7',
      'defaults/max-agents': '50',
    });
    expect(pool(config, 'gpu')?.maxAgents).toBe(7);
    expect(pool(config, 'batch')?.maxAgents).toBe(50);
  });

  it('discovers pools as the distinct segments under pools/, in name order', () => {
    const config = parse({
      'mesos/master-urls': 'http://m1:5050',
      'pools/zeta/asg-name': 'z',
      'pools/alpha/asg-name': 'a',
      'pools/alpha/max-agents': '3',
    });
    expect(config.pools.map((p) => p.name)).toEqual(['alpha', 'zeta']);
  });

  it('ignores names outside the prefix', () => {
    const raw = ssm(BASE);
    raw.set('/mesos-autoscaler/staging/pools/batch/max-agents', 'ten');
    expect(parseConfig(PREFIX, raw).problems).toEqual([]);
  });

  it('returns no pools and no problems when no pool is configured', () => {
    expect(parse({ 'mesos/master-urls': 'http://m1:5050' })).toMatchObject({ pools: [], problems: [] });
  });

  it('refuses a prefix that is not a path ending in /', () => {
    for (const prefix of ['/mesos-autoscaler/prod', 'mesos-autoscaler/prod/', '/', '']) {
      expect(() => parseConfig(prefix, new Map())).toThrow(AutoscalerError);
      try {
        parseConfig(prefix, new Map());
      } catch (error) {
        expect((error as AutoscalerError).name).toBe(ErrorNames.InvalidConfig);
      }
    }
  });
});

describe('parseConfig: each broken rule names the parameter, the value and the rule', () => {
  const poolCases: Array<[string, Record<string, string>, string]> = [
    ['a count that is not a number', { 'pools/batch/max-agents': 'ten' }, 'pools/batch/max-agents = "ten": must be a whole number'],
    ['a fractional count', { 'pools/batch/max-agents': '2.5' }, 'pools/batch/max-agents = "2.5": must be a whole number'],
    ['a negative count', { 'pools/batch/min-agents': '-1' }, 'pools/batch/min-agents = "-1": must be at least 0'],
    ['a huge count', { 'pools/batch/max-agents': '99999999999999999999' }, 'pools/batch/max-agents = "99999999999999999999": is too large'],
    ['min above max', { 'pools/batch/min-agents': '5', 'pools/batch/max-agents': '3' }, 'pools/batch/min-agents = "5": must be at most max-agents (3)'],
    ['a percent above 100', { 'pools/batch/cpus-lower-percent': '101' }, 'pools/batch/cpus-lower-percent = "101": must be from 0 to 100'],
    ['a negative percent', { 'pools/batch/headroom-percent': '-5' }, 'pools/batch/headroom-percent = "-5": must be from 0 to 100'],
    ['a percent that is not a number', { 'pools/batch/mem-upper-percent': '80%' }, 'pools/batch/mem-upper-percent = "80%": must be a number from 0 to 100'],
    ['lower equal to upper', { 'pools/batch/cpus-lower-percent': '80', 'pools/batch/cpus-upper-percent': '80' }, 'pools/batch/cpus-lower-percent = "80": must be below cpus-upper-percent (80)'],
    ['lower above the built-in upper', { 'pools/batch/disk-lower-percent': '96' }, 'pools/batch/disk-lower-percent = "96": must be below disk-upper-percent (95, the built-in default)'],
    ['upper below the built-in lower', { 'pools/batch/gpus-upper-percent': '40' }, 'pools/batch/gpus-upper-percent = "40": must be above gpus-lower-percent (88, the built-in default)'],
    ['a boolean that is not true/false', { 'pools/batch/dry-run': 'yes' }, 'pools/batch/dry-run = "yes": must be true or false'],
    ['a boolean written as a digit', { 'pools/batch/paused': '1' }, 'pools/batch/paused = "1": must be true or false'],
    ['a zero step up', { 'pools/batch/max-step-up': '0' }, 'pools/batch/max-step-up = "0": must be at least 1'],
    ['a zero step down', { 'pools/batch/max-step-down': '0' }, 'pools/batch/max-step-down = "0": must be at least 1'],
    ['a settle interval below 5 s', { 'pools/batch/settle-interval-seconds': '4' }, 'pools/batch/settle-interval-seconds = "4": must be at least 5'],
    ['a settle timeout below the interval', { 'pools/batch/settle-timeout-seconds': '10' }, 'pools/batch/settle-timeout-seconds = "10": must be at least settle-interval-seconds (30, the built-in default)'],
    ['a negative cooldown', { 'pools/batch/cooldown-up-seconds': '-5' }, 'pools/batch/cooldown-up-seconds = "-5": must be at least 0'],
    ['fractional seconds', { 'pools/batch/scale-in-stabilisation-seconds': '1.5' }, 'pools/batch/scale-in-stabilisation-seconds = "1.5": must be a whole number'],
    ['a blank ASG name', { 'pools/batch/asg-name': '   ' }, 'pools/batch/asg-name = "   ": must not be blank'],
    ['an over-long ASG name', { 'pools/batch/asg-name': 'a'.repeat(256) }, 'must be at most 255 characters'],
  ];

  it.each(poolCases)('%s blocks the pool', (_label, broken, expected) => {
    const config = parse({ ...BASE, ...broken });
    expect(config.pools).toEqual([]);
    expect(config.problems).toHaveLength(1);
    expect(config.problems[0]!.pool).toBe('batch');
    expect(config.problems[0]!.message).toContain(expected);
    expect(config.problems[0]!.message.startsWith(config.problems[0]!.parameter)).toBe(true);
    expect(config.problems[0]!.parameter.startsWith(`${PREFIX}pools/batch/`)).toBe(true);
  });

  it('gives the whole message in the documented form', () => {
    expect(messages(parse({ ...BASE, 'pools/batch/max-agents': 'ten' }))).toEqual([
      '/mesos-autoscaler/prod/pools/batch/max-agents = "ten": must be a whole number',
    ]);
  });

  const globalCases: Array<[string, Record<string, string>, string]> = [
    ['a timeout below 100 ms', { 'mesos/timeout-ms': '99' }, 'mesos/timeout-ms = "99": must be from 100 to 60000'],
    ['a timeout above 60 s', { 'mesos/timeout-ms': '60001' }, 'mesos/timeout-ms = "60001": must be from 100 to 60000'],
    ['a timeout that is not a number', { 'mesos/timeout-ms': '5s' }, 'mesos/timeout-ms = "5s": must be a whole number'],
    ['a master URL with another scheme', { 'mesos/master-urls': 'ftp://m1:5050' }, 'mesos/master-urls = "ftp://m1:5050": entry 1 must use http or https'],
    ['a master URL that does not parse', { 'mesos/master-urls': 'http://m1:5050,m2 5050' }, 'mesos/master-urls = "http://m1:5050,m2 5050": entry 2 must be an http(s) URL'],
    ['an empty master URL entry', { 'mesos/master-urls': 'http://a:5050,,http://b:5050' }, 'mesos/master-urls = "http://a:5050,,http://b:5050": entry 2 is empty'],
    ['no master URL at all', { 'mesos/master-urls': ' , ' }, 'mesos/master-urls = " , ": must list at least one http(s) URL'],
    ['a master URL with a query', { 'mesos/master-urls': 'http://m1:5050/?x=1' }, 'mesos/master-urls = "http://m1:5050/?x=1": entry 1 must not have a query or a fragment'],
    ['a Marathon URL without a scheme', { 'marathon/url': 'marathon:8080' }, 'marathon/url = "marathon:8080": must use http or https'],
    ['a blank pool attribute', { 'mesos/pool-attribute': ' ' }, 'mesos/pool-attribute = " ": must not be blank'],
    ['a kill switch that is not true/false', { paused: 'on' }, 'paused = "on": must be true or false'],
  ];

  it.each(globalCases)('%s is a global problem that leaves every pool untouched', (_label, broken, expected) => {
    const config = parse({ ...BASE, 'pools/gpu/asg-name': 'gpu-asg', ...broken });
    expect(config.pools).toEqual([]);
    expect(config.problems).toHaveLength(1);
    expect(config.problems[0]!.pool).toBeNull();
    expect(config.problems[0]!.message).toContain(PREFIX + expected);
  });

  it('reports a missing mesos/master-urls as a global problem', () => {
    const config = parse({ 'pools/batch/asg-name': 'batch-asg' });
    expect(config.pools).toEqual([]);
    expect(config.problems).toEqual([
      {
        parameter: `${PREFIX}mesos/master-urls`,
        pool: null,
        message: `${PREFIX}mesos/master-urls is missing: it is required and has no default`,
      },
    ]);
  });

  it('reports a missing asg-name for a pool that only sets other parameters', () => {
    const config = parse({ ...BASE, 'pools/gpu/max-agents': '4' });
    expect(config.pools.map((p) => p.name)).toEqual(['batch']);
    expect(config.problems).toEqual([
      {
        parameter: `${PREFIX}pools/gpu/asg-name`,
        pool: 'gpu',
        message: `${PREFIX}pools/gpu/asg-name is missing: it is required and has no default`,
      },
    ]);
  });

  it('keeps a valid pool when another pool is invalid', () => {
    const config = parse({ ...BASE, 'pools/gpu/asg-name': 'gpu-asg', 'pools/gpu/max-agents': 'ten' });
    expect(config.pools.map((p) => p.name)).toEqual(['batch']);
    expect(config.problems.map((p) => p.pool)).toEqual(['gpu']);
  });

  it('reports every problem of a pool, not just the first', () => {
    const config = parse({ ...BASE, 'pools/batch/max-agents': 'ten', 'pools/batch/dry-run': 'maybe' });
    expect(config.problems.map((p) => p.parameter).sort()).toEqual([
      `${PREFIX}pools/batch/dry-run`,
      `${PREFIX}pools/batch/max-agents`,
    ]);
  });

  it('still reports pool problems alongside a global problem', () => {
    const config = parse({ ...BASE, 'mesos/timeout-ms': '1', 'pools/batch/max-agents': 'ten' });
    expect(config.pools).toEqual([]);
    expect(config.problems.map((p) => p.pool)).toEqual([null, 'batch']);
  });

  it('blames a bad defaults/ value on each pool that inherits it, not on a pool that overrides it', () => {
    const config = parse({
      ...BASE,
      'pools/gpu/asg-name': 'gpu-asg',
      'pools/gpu/max-agents': '4',
      'defaults/max-agents': 'ten',
    });
    expect(config.pools.map((p) => p.name)).toEqual(['gpu']);
    expect(config.problems).toEqual([
      {
        parameter: `${PREFIX}defaults/max-agents`,
        pool: 'batch',
        message: `${PREFIX}defaults/max-agents = "ten": must be a whole number`,
      },
    ]);
  });

  it('names the value the operator set when a pool value conflicts with defaults/', () => {
    const config = parse({ ...BASE, 'defaults/min-agents': '5', 'pools/batch/max-agents': '3' });
    expect(messages(config)).toEqual([
      `${PREFIX}pools/batch/max-agents = "3": must be at least min-agents (5 from ${PREFIX}defaults/min-agents)`,
    ]);
  });

  it('refuses asg-name under defaults/ for every pool, since each pool needs its own ASG', () => {
    const config = parse({ ...BASE, 'pools/gpu/asg-name': 'gpu-asg', 'defaults/asg-name': 'shared' });
    expect(config.pools).toEqual([]);
    expect(config.problems.map((p) => [p.pool, p.parameter])).toEqual([
      ['batch', `${PREFIX}defaults/asg-name`],
      ['gpu', `${PREFIX}defaults/asg-name`],
    ]);
    expect(config.problems[0]!.message).toContain('cannot be set under defaults/');
  });

  it('blocks both pools when they name the same ASG', () => {
    const config = parse({ ...BASE, 'pools/gpu/asg-name': 'batch-asg', 'pools/web/asg-name': 'web-asg' });
    expect(config.pools.map((p) => p.name)).toEqual(['web']);
    expect(config.problems).toEqual([
      {
        parameter: `${PREFIX}pools/batch/asg-name`,
        pool: 'batch',
        message: `${PREFIX}pools/batch/asg-name = "batch-asg": batch-asg is also an ASG of pool gpu; each pool needs its own ASGs`,
      },
      {
        parameter: `${PREFIX}pools/gpu/asg-name`,
        pool: 'gpu',
        message: `${PREFIX}pools/gpu/asg-name = "batch-asg": batch-asg is also an ASG of pool batch; each pool needs its own ASGs`,
      },
    ]);
  });
});

describe('parseConfig: pools sharing an ASG', () => {
  it('blocks the valid pool too when the other pool naming its ASG is invalid for another reason', () => {
    const config = parse({ ...BASE, 'pools/gpu/asg-name': ' batch-asg ', 'pools/gpu/max-agents': 'ten' });
    expect(config.pools).toEqual([]);
    expect(config.problems.map((p) => [p.pool, p.parameter])).toEqual([
      ['batch', `${PREFIX}pools/batch/asg-name`],
      ['gpu', `${PREFIX}pools/gpu/asg-name`],
      ['gpu', `${PREFIX}pools/gpu/max-agents`],
    ]);
  });
});

describe('parseConfig: a pool of several ASGs', () => {
  it('reads a comma-separated list in order, trimming each name', () => {
    const config = parse({ ...BASE, 'pools/batch/asg-name': ' batch-a , batch-b,batch-c ' });
    expect(config.problems).toEqual([]);
    expect(pool(config, 'batch')?.asgNames).toEqual(['batch-a', 'batch-b', 'batch-c']);
  });

  it.each([
    ['batch-a,,batch-b', 'entry 2 is empty'],
    ['batch-a,', 'entry 2 is empty'],
    [' , ', 'must not be blank'],
    ['batch-a,batch-b,batch-a', 'lists batch-a twice'],
    [`batch-a,${'x'.repeat(256)}`, 'entry 2 must be at most 255 characters'],
  ])('refuses %j: %s', (value, rule) => {
    const config = parse({ ...BASE, 'pools/batch/asg-name': value });
    expect(config.pools).toEqual([]);
    expect(messages(config)).toEqual([expect.stringMatching(new RegExp(`^${PREFIX}pools/batch/asg-name = ".*": ${rule}$`))]);
  });

  it('blocks both pools when one of their lists shares a group, naming it', () => {
    const config = parse({ ...BASE, 'pools/batch/asg-name': 'batch-a,shared', 'pools/gpu/asg-name': 'shared, gpu-a' });
    expect(config.pools).toEqual([]);
    expect(messages(config)).toEqual([
      `${PREFIX}pools/batch/asg-name = "batch-a,shared": shared is also an ASG of pool gpu; each pool needs its own ASGs`,
      `${PREFIX}pools/gpu/asg-name = "shared, gpu-a": shared is also an ASG of pool batch; each pool needs its own ASGs`,
    ]);
  });
});

describe('parseConfig: unknown parameters', () => {
  it('blocks the pool with a misspelt parameter and suggests the right name', () => {
    const config = parse({ ...BASE, 'pools/gpu/asg-name': 'gpu-asg', 'pools/batch/max-agnets': '40' });
    expect(config.pools.map((p) => p.name)).toEqual(['gpu']);
    expect(config.problems).toEqual([
      {
        parameter: `${PREFIX}pools/batch/max-agnets`,
        pool: 'batch',
        message: `${PREFIX}pools/batch/max-agnets: unknown parameter; did you mean ${PREFIX}pools/batch/max-agents?`,
      },
    ]);
  });

  it('makes an unknown global parameter a global problem, with a suggestion', () => {
    const config = parse({ ...BASE, 'mesos/master-url': 'http://m9:5050' });
    expect(config.pools).toEqual([]);
    expect(config.problems).toEqual([
      {
        parameter: `${PREFIX}mesos/master-url`,
        pool: null,
        message: `${PREFIX}mesos/master-url: unknown parameter; did you mean ${PREFIX}mesos/master-urls?`,
      },
    ]);
  });

  it('suggests pools/ for a per-pool parameter put under a misspelt folder', () => {
    const config = parse({ ...BASE, 'pool/batch/max-agents': '4' });
    expect(messages(config)).toEqual([
      `${PREFIX}pool/batch/max-agents: unknown parameter; did you mean ${PREFIX}pools/batch/max-agents?`,
    ]);
  });

  it('blocks every pool for an unknown name under defaults/', () => {
    const config = parse({ ...BASE, 'pools/gpu/asg-name': 'gpu-asg', 'defaults/cpu-upper-percent': '70' });
    expect(config.pools).toEqual([]);
    expect(config.problems.map((p) => p.pool)).toEqual(['batch', 'gpu']);
    expect(config.problems[0]!.message).toBe(
      `${PREFIX}defaults/cpu-upper-percent: unknown parameter; did you mean ${PREFIX}defaults/cpus-upper-percent?`,
    );
  });

  it('makes no suggestion when nothing is close', () => {
    expect(messages(parse({ ...BASE, 'pools/batch/colour': 'blue' }))).toEqual([
      `${PREFIX}pools/batch/colour: unknown parameter`,
    ]);
  });

  it('treats a parameter directly under pools/ as an unknown global parameter', () => {
    const config = parse({ ...BASE, 'pools/batch': 'x' });
    expect(config.problems.map((p) => [p.parameter, p.pool])).toEqual([[`${PREFIX}pools/batch`, null]]);
  });
});

describe('parseConfig: credentials', () => {
  it('splits at the first colon, so the password may contain colons', () => {
    expect(parse({ ...BASE, 'mesos/credentials': 'user:pa:ss' }).mesos.credentials).toEqual({ username: 'user', password: 'pa:ss' });
  });

  it('is null when the parameter is absent', () => {
    expect(parse(BASE).mesos.credentials).toBeNull();
  });

  it.each(['nocolon', ':password-only', 'user-only:', '  '])('rejects %j without showing it', (value) => {
    const config = parse({ ...BASE, 'mesos/credentials': value });
    expect(config.pools).toEqual([]);
    expect(config.problems).toEqual([
      {
        parameter: `${PREFIX}mesos/credentials`,
        pool: null,
        message: `${PREFIX}mesos/credentials = (value hidden): must be username:password with both parts non-empty`,
      },
    ]);
  });

  it('never puts a secret into any message, even next to many other problems', () => {
    const secrets = ['s3cr3t-Pa55', 'hunter2', 'typo-secret'];
    const config = parse({
      ...BASE,
      'mesos/credentials': `admin:${secrets[0]}`,
      'mesos/master-urls': `http://bob:${secrets[1]}@m1:5050`,
      'mesos/credential': `admin:${secrets[2]}`,
      'mesos/timeout-ms': 'x',
      'pools/batch/max-agents': 'ten',
    });
    expect(config.problems.length).toBeGreaterThanOrEqual(4);
    const text = JSON.stringify(config.problems);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).toContain('entry 1 must not contain a user name or password');
    expect(text).toContain(`did you mean ${PREFIX}mesos/credentials?`);
  });

  it('does not show a rejected credentials value even in part', () => {
    const config = parse({ ...BASE, 'mesos/credentials': 'operator-name:' });
    expect(JSON.stringify(config.problems)).not.toContain('operator-name');
  });
});

describe('parseConfig: never throws on any parameter values', () => {
  const relativeNames = [
    ...CATALOG.filter((s) => s.scope === 'global').map((s) => s.name),
    ...POOL_PARAMETERS.flatMap((s) => [`pools/a/${s.name}`, `pools/b/${s.name}`, `defaults/${s.name}`]),
  ];
  const name = fc.oneof(
    fc.constantFrom(...relativeNames).map((n) => PREFIX + n),
    fc.string().map((n) => PREFIX + n),
    fc.string(),
  );
  const value = fc.oneof(
    fc.string(),
    fc.constantFrom('true', 'FALSE', '0', '5', '10', '100', 'http://m:5050', 'u:p', ' ', '-1'),
    fc.integer().map(String),
    fc.double().map(String),
  );

  it('returns problems instead, and only returns pools that satisfy every rule', () => {
    fc.assert(
      fc.property(fc.dictionary(name, value, { maxKeys: 40 }), (entries) => {
        // On top of a valid base, so that many runs still return pools whose values can be checked.
        const raw = new Map([...ssm({ ...BASE, 'pools/a/asg-name': 'a-asg' }), ...Object.entries(entries)]);
        const config = parseConfig(PREFIX, raw);
        for (const problem of config.problems) {
          expect(problem.message.startsWith(problem.parameter)).toBe(true);
        }
        if (config.problems.some((p) => p.pool === null)) expect(config.pools).toEqual([]);
        for (const p of config.pools) {
          expect(config.problems.some((problem) => problem.pool === p.name)).toBe(false);
          expect(p.minAgents).toBeLessThanOrEqual(p.maxAgents);
          expect(p.settleIntervalSeconds).toBeGreaterThanOrEqual(5);
          for (const t of Object.values(p.thresholds)) expect(t.lowerPercent).toBeLessThan(t.upperPercent);
        }
      }),
      { numRuns: 300 },
    );
  });
});
