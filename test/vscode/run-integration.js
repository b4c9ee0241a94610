// Runs the integration suite (test/integration, the @vscode/test-electron `run()`
// contract) inside a real VS Code extension host: code-server, driven by Chromium.
// The workbench reports the suite's result through codeAutomationExit(code).
const path = require('node:path');
const util = require('node:util');
const { ROOT, startCodeServer, workbenchUrl, launchBrowser, copyWorkspace } = require('./codeServer');

let lastServer;

// The workbench's own start-up chatter, and the marketplace it cannot reach offline.
const WORKBENCH_NOISE = /^(Resolving connection|Resolved connection|Creating a socket|Updating additional|\[Service Worker\]|ChatSessionStore)|open-vsx\.org/;
const TIMEOUT_MS = Number(process.env.PAPER_DIGEST_TEST_TIMEOUT_MS || 240000);

/** One VS Code session running the suite; resolves to its exit code. */
async function runSession(folder, previous, env) {
  const verbose = !!process.env.PAPER_DIGEST_VERBOSE;
  const server = await startCodeServer({ dataDir: previous?.dataDir, port: previous?.port, env, log: (line) => verbose && process.stderr.write(line) });
  lastServer = server;
  let context;
  try {
    context = await launchBrowser(server.dataDir);
    const page = context.pages()[0] || (await context.newPage());
    const exitCode = new Promise((resolve) => {
      page.exposeFunction('codeAutomationExit', (code) => resolve(code));
    });
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = util.format(...(Array.isArray(args) ? args : [args]));
      if (!verbose && WORKBENCH_NOISE.test(text)) return;
      // Mocha's reporter writes through console.log in the extension host.
      if (type === 'log' || type === 'info') process.stdout.write(`${text}\n`);
      else if (verbose || type === 'error') process.stderr.write(`[${type}] ${text}\n`);
    });
    const testsPath = path.join(ROOT, 'out', 'test', 'integration', 'index.js');
    await page.goto(workbenchUrl(server.url, folder, { testsPath }));
    const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), TIMEOUT_MS));
    const result = await Promise.race([exitCode, timeout]);
    if (result === 'timeout') {
      await page.screenshot({ path: path.join(ROOT, 'out', 'integration-timeout.png') }).catch(() => {});
      console.error(`integration tests did not finish within ${TIMEOUT_MS} ms (screenshot: out/integration-timeout.png)`);
      return 1;
    }
    return result;
  } finally {
    await context?.close().catch(() => {});
    await server.stop();
  }
}

async function main() {
  const folder = copyWorkspace(path.join(ROOT, 'examples', 'notes'));
  const first = await runSession(folder, undefined, {});
  if (first !== 0) return first;
  // The same profile and folder again: the library must come from the saved index.
  console.log('\nSecond start, same profile and folder:');
  return runSession(folder, lastServer, { PAPER_DIGEST_SUITE: 'warm' });
}
main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
