/**
 * The models are deployed at every start; the log says which became a new
 * version and which the engine kept unchanged.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../config/logger';
import { startTestEngine, type TestEngine } from '../test-support/engine';
import { connectSdk, type ZeebeClient } from '../test-support/zeebe-client';
import { deployProcesses, processesDir } from './deploy-processes';

jest.setTimeout(60_000);

let te: TestEngine;
let zbc: ZeebeClient;
beforeAll(async () => {
  te = await startTestEngine();
  zbc = connectSdk(te.port);
}, 120_000);
afterAll(async () => {
  await zbc?.close();
  await te?.stop();
});

async function deployLogging(dir?: string): Promise<string[]> {
  const lines: string[] = [];
  await deployProcesses(zbc, createLogger('info', { write: (line: string) => void lines.push(line) }), dir);
  return lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
}

const FORMS = ['arbitrate', 'conclude', 'handle-part', 'handle', 'review', 'verify'].map((name) => `${name}.form`);

test('"deployed" only for a new version; a model the engine already has is "unchanged"; the forms go first', async () => {
  expect(await deployLogging()).toEqual([...FORMS.map((form) => `deployed ${form} (version 1)`), 'deployed route-event.dmn (version 1)', 'deployed grid-event.bpmn (version 1)']);
  expect(await deployLogging()).toEqual([...FORMS.map((form) => `${form} unchanged (version 1)`), 'route-event.dmn unchanged (version 1)', 'grid-event.bpmn unchanged (version 1)']);

  const changed = await mkdtemp(path.join(tmpdir(), 'models-'));
  try {
    await cp(processesDir(), changed, { recursive: true });
    const bpmn = path.join(changed, 'grid-event.bpmn');
    await writeFile(bpmn, `${await readFile(bpmn, 'utf8')}\n<!-- edited -->\n`);
    const verify = path.join(changed, 'forms', 'verify.form');
    await writeFile(verify, (await readFile(verify, 'utf8')).replace('"label": "Note"', '"label": "What you saw"'));
    expect(await deployLogging(changed)).toEqual([
      ...FORMS.map((form) => (form === 'verify.form' ? 'deployed verify.form (version 2)' : `${form} unchanged (version 1)`)),
      'route-event.dmn unchanged (version 1)',
      'deployed grid-event.bpmn (version 2)',
    ]);
  } finally {
    await rm(changed, { recursive: true, force: true });
  }
});
