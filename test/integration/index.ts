import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

/**
 * The `@vscode/test-electron` contract: VS Code loads this module in the extension
 * host and awaits `run()`. Here it runs under code-server (test/vscode/run-integration.js);
 * on a desktop the same suite runs under @vscode/test-electron (test/vscode/run-electron.js).
 */
export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 30000 });
  // The runner starts VS Code a second time on the same profile and folder with
  // PAPER_DIGEST_SUITE=warm, to check the start from the saved index.
  const only = process.env.PAPER_DIGEST_SUITE;
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.suite.js'))
    .filter((f) => (only ? f === `${only}.suite.js` : f !== 'warm.suite.js'))
    .sort();
  for (const file of files) mocha.addFile(join(__dirname, file));
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  console.log(`${failures === 0 ? 'integration suite passed' : `${failures} integration test(s) failed`}`);
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}
