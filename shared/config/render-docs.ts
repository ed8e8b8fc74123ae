/** Renders the README parameter section and the seeded defaults from the catalog (see scripts/params.ts). */
import { CATALOG, describeDefault, describeRule, kindLabel, type ParameterSpec } from './catalog.js';

export const README_START = '<!-- ssm-parameters:start -->';
export const README_END = '<!-- ssm-parameters:end -->';

function relativePath(spec: ParameterSpec): string {
  return spec.scope === 'global' ? spec.name : `pools/<pool>/${spec.name}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** The lines that go between the README markers. */
export function renderParameterSection(): string {
  const rows = CATALOG.map((spec) => {
    const meaning = `${spec.meaning} Must be ${describeRule(spec)}.`;
    return `| \`${relativePath(spec)}\` | ${spec.scope} | ${kindLabel(spec)} | ${describeDefault(spec)} | ${cell(meaning)} |`;
  });
  return [
    '',
    'Generated from `shared/config/catalog.ts` by `npx tsx scripts/params.ts`; edit the catalog, not this table.',
    '',
    'Names are relative to the prefix. Each distinct `<pool>` under `pools/` is a pool (the value of the pool',
    'attribute on its agents) and must set `asg-name`. An unknown name is an error too (with a suggestion when it looks like a',
    'typo), so a misspelt parameter never leaves a default silently in force: under `pools/<pool>/` it blocks that',
    'pool, under `defaults/` every pool, elsewhere it is a global problem.',
    '',
    '| Parameter | Scope | Type | Default | Meaning and rule |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

/** Puts `section` between the markers of `readme`; throws when the markers are missing. */
export function replaceReadmeSection(readme: string, section: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) {
    throw new Error(`README.md must contain ${README_START} followed by ${README_END}`);
  }
  return `${readme.slice(0, start + README_START.length)}\n${section}${readme.slice(end)}`;
}

function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
}

/** CloudFormation logical id, e.g. `SsmMesosTimeoutMs` or `SsmDefaultCpusLowerPercent`. */
export function logicalId(spec: ParameterSpec): string {
  return `Ssm${spec.scope === 'pool' ? 'Default' : ''}${pascalCase(spec.name)}`;
}

/** Parameters deploy creates: those with a built-in default (never a SecureString, which CloudFormation cannot create). */
export function seededParameters(): ParameterSpec[] {
  return CATALOG.filter((spec) => spec.default !== undefined && !spec.secret);
}

/** serverless/ssm-defaults.yml: a `Resources:` fragment that serverless.yml includes. */
export function renderSsmDefaults(): string {
  const lines = [
    '# Generated from shared/config/catalog.ts by `npx tsx scripts/params.ts`; edit the catalog, not this file.',
    'Resources:',
  ];
  for (const spec of seededParameters()) {
    const name = spec.scope === 'global' ? spec.name : `defaults/${spec.name}`;
    // JSON strings are valid YAML double-quoted scalars.
    lines.push(
      `  ${logicalId(spec)}:`,
      '    Type: AWS::SSM::Parameter',
      '    Properties:',
      `      Name: ${JSON.stringify(`\${self:custom.ssmPrefix}${name}`)}`,
      '      Type: String',
      '      Tier: Standard',
      `      Value: ${JSON.stringify(spec.default)}`,
      `      Description: ${JSON.stringify(spec.meaning)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
