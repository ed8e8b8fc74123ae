import { readFileSync } from 'node:fs';
import { CATALOG } from '../../../shared/config/catalog.js';
import {
  README_END,
  README_START,
  logicalId,
  renderParameterSection,
  renderSsmDefaults,
  replaceReadmeSection,
  seededParameters,
} from '../../../shared/config/render-docs.js';

const root = new URL('../../../', import.meta.url);
const REGENERATE = 'out of date with shared/config/catalog.ts: run `npx tsx scripts/params.ts`';

describe('generated parameter docs', () => {
  it('README.md parameter section matches the catalog', () => {
    const readme = readFileSync(new URL('README.md', root), 'utf8');
    const wanted = replaceReadmeSection(readme, renderParameterSection());
    if (readme !== wanted) throw new Error(`README.md is ${REGENERATE}`);
  });

  it('serverless/ssm-defaults.yml matches the catalog', () => {
    const seeded = readFileSync(new URL('serverless/ssm-defaults.yml', root), 'utf8');
    if (seeded !== renderSsmDefaults()) throw new Error(`serverless/ssm-defaults.yml is ${REGENERATE}`);
  });
});

describe('renderParameterSection', () => {
  it('has one table row per catalog entry, per-pool ones under pools/<pool>/', () => {
    const rows = renderParameterSection()
      .split('\n')
      .filter((line) => line.startsWith('| `'));
    expect(rows).toHaveLength(CATALOG.length);
    expect(rows).toContain(
      '| `pools/<pool>/max-agents` | pool | integer | 10 | The autoscaler never goes above this many agents (capacity units when the group has instance weights). Must be a whole number, at least 0. |',
    );
    expect(rows).toContain(
      '| `pools/<pool>/min-agents` | pool | integer | 0 | The autoscaler never goes below this many agents (capacity units when the group has instance weights). Must be a whole number, at least 0, and at most max-agents. |',
    );
    expect(rows.find((r) => r.startsWith('| `mesos/master-urls`'))).toContain('| required |');
    expect(rows.find((r) => r.startsWith('| `marathon/url`'))).toContain('| none |');
  });
});

describe('replaceReadmeSection', () => {
  it('replaces only what lies between the markers', () => {
    const readme = `# Title\n\n${README_START}\nold table\n${README_END}\n\nMore text.\n`;
    expect(replaceReadmeSection(readme, 'new table\n')).toBe(`# Title\n\n${README_START}\nnew table\n${README_END}\n\nMore text.\n`);
  });

  it('refuses a README without both markers', () => {
    expect(() => replaceReadmeSection('# Title\n', 'x')).toThrow(README_START);
    expect(() => replaceReadmeSection(`${README_END}\n${README_START}\n`, 'x')).toThrow(README_END);
  });
});

describe('renderSsmDefaults', () => {
  it('seeds exactly the parameters with a default, never credentials or a required one', () => {
    const names = seededParameters().map((s) => `${s.scope}:${s.name}`);
    expect(names).not.toContain('global:mesos/credentials');
    expect(names).not.toContain('global:mesos/master-urls');
    expect(names).not.toContain('pool:asg-name');
    expect(names).not.toContain('global:marathon/url');
    expect(names).toHaveLength(CATALOG.filter((s) => s.default !== undefined).length);
  });

  it('derives unique CloudFormation logical ids from the names', () => {
    const ids = seededParameters().map(logicalId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9]+$/);
    expect(ids).toEqual(expect.arrayContaining(['SsmMesosTimeoutMs', 'SsmPaused', 'SsmDefaultCpusLowerPercent', 'SsmDefaultPaused']));
  });

  it('writes global ones at the prefix and per-pool ones under defaults/', () => {
    const yaml = renderSsmDefaults();
    expect(yaml).toContain(
      [
        '  SsmMesosTimeoutMs:',
        '    Type: AWS::SSM::Parameter',
        '    Properties:',
        '      Name: "${self:custom.ssmPrefix}mesos/timeout-ms"',
        '      Type: String',
        '      Tier: Standard',
        '      Value: "5000"',
        '      Description: "Timeout of each HTTP request to Mesos and Marathon, in milliseconds."',
      ].join('\n'),
    );
    expect(yaml).toContain('  SsmDefaultCpusLowerPercent:\n');
    expect(yaml).toContain('      Name: "${self:custom.ssmPrefix}defaults/cpus-lower-percent"\n      Type: String\n      Tier: Standard\n      Value: "88"\n');
    expect(yaml.startsWith('# ')).toBe(true);
    expect(yaml.split('\n')[1]).toBe('Resources:');
  });
});
