import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

// The ladder of README "Architecture", as eslint.layering.cjs enforces it: each case is an
// import the rules must refuse (or allow) in a file of the named room.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const layering = require('../../eslint.layering.cjs') as (() => object[]) & {
  KNOWN_VIOLATIONS: string[];
};

const root = path.resolve(__dirname, '../..');
const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: true,
  overrideConfig: [
    { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
    ...(layering() as ESLint.Options['overrideConfig'][]),
  ] as ESLint.Options['overrideConfig'],
});

async function problems(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(root, file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

describe('the layering lint', () => {
  it.each([
    ['src/scoring/probe.ts', "import { x } from '../context';"],
    ['src/scoring/probe.ts', "import { x } from '../platform/tokens';"],
    ['src/reports/probe.ts', "import { x } from '../http/app';"],
    ['src/surveys/probe.ts', "import { x } from '../reports/report.service';"],
    ['src/collector/probe.ts', "import { x } from '../jobs/queues';"],
    ['src/dispatch/probe.ts', "import type { X } from '../jobs/queues';"],
    ['src/analytics/probe.ts', "import { x } from '../collector/response.repository';"],
    ['src/contacts/probe.ts', "import { x } from '../delighted/person.service';"],
    ['src/reports/probe.ts', "import { Router } from 'express';"],
    ['src/platform/probe.ts', "import { x } from '../../roles';"],
    ['src/config.ts', "import { x } from './platform/tokens';"],
    ['db/schema/probe.ts', "import { x } from '../../src/platform/tokens';"],
    ['src/reports/probe.ts', "import { x } from '../demo/demo.service';"],
    ['src/demo/probe.ts', "import { x } from '../jobs/queues';"],
    ['src/demo/probe.ts', "import { x } from '../dispatch/ingest.repository';"],
  ])('refuses %s: %s', async (file, source) => {
    const found = await problems(file, source);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((p) => p.startsWith('no-restricted-imports'))).toBe(true);
  });

  it.each([
    ['src/collector/probe.ts', "import { x } from '../followups/open-case.service';"],
    ['src/collector/probe.ts', "import { x } from './response.repository';"],
    ['src/reports/probe.ts', "import { x } from '../analytics/metrics.service';"],
    ['src/http/routes/probe.ts', "import { Router } from 'express';"],
    ['src/jobs/probe.ts', "import { x } from '../context';"],
    ['src/demo/probe.ts', "import { x } from '../dispatch/ingest.service';"],
    ['src/scoring/probe.ts', "import { mean } from 'simple-statistics';"],
  ])('allows %s: %s', async (file, source) => {
    expect(await problems(file, source)).toEqual([]);
  });

  it('lists only files that exist among the known violations', () => {
    // NOTE: an entry whose file is gone or mended must leave the list; the list only shrinks.
    for (const file of layering.KNOWN_VIOLATIONS) {
      expect(fs.existsSync(path.join(root, file))).toBe(true);
    }
  });
});
