/**
 * Regenerates the README parameter table and serverless/ssm-defaults.yml from shared/config/catalog.ts.
 * With `--check` it changes nothing and exits 1 when either file is out of date.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { renderParameterSection, renderSsmDefaults, replaceReadmeSection } from '../shared/config/render-docs.js';

const root = new URL('../', import.meta.url);
const check = process.argv.includes('--check');

async function readOrEmpty(file: URL): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

interface Target {
  path: string;
  render: (current: string) => string;
}

const targets: Target[] = [
  { path: 'README.md', render: (readme) => replaceReadmeSection(readme, renderParameterSection()) },
  { path: 'serverless/ssm-defaults.yml', render: () => renderSsmDefaults() },
];

let stale = 0;
for (const { path, render } of targets) {
  const file = new URL(path, root);
  const current = await readOrEmpty(file);
  const wanted = render(current);
  if (current === wanted) {
    console.log(`${path}: up to date`);
  } else if (check) {
    console.error(`${path}: out of date with shared/config/catalog.ts; run npx tsx scripts/params.ts`);
    stale++;
  } else {
    await writeFile(file, wanted);
    console.log(`${path}: rewritten`);
  }
}
process.exitCode = stale > 0 ? 1 : 0;
