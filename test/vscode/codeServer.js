// Starts a real VS Code (code-server 4.100.3, installed by install-code-server.sh) on
// 127.0.0.1 with throw-away profile folders, and opens its workbench in Debian's
// Chromium through playwright-core. Used by the integration runner, the UI tests
// and `npm run start:vscode`.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

/** The repository root, found from wherever this file ends up (it is also bundled into out/). */
function findRoot(dir) {
  for (let d = dir; d !== path.dirname(d); d = path.dirname(d)) {
    const manifest = path.join(d, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'paper-digest') return d;
  }
  throw new Error(`no paper-digest package.json above ${dir}`);
}
const ROOT = findRoot(__dirname);
const CODE_SERVER = path.join(ROOT, '.vscode-test', 'code-server', 'node_modules', '.bin', 'code-server');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url, child, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs} ms`);
}

/**
 * Folders this process made under the system's temporary folder (profiles, workspace copies):
 * removed when it exits, or each run would leave ~100 MB behind (the benchmark's 180 MB saved
 * index among them). PAPER_DIGEST_KEEP_TEMP=1 keeps them, to look at after a failure.
 */
const temporaryFolders = new Set();
function temporaryFolder(prefix) {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temporaryFolders.add(folder);
  return folder;
}
process.on('exit', () => {
  if (process.env.PAPER_DIGEST_KEEP_TEMP) return;
  for (const folder of temporaryFolders) {
    try {
      fs.rmSync(folder, { recursive: true, force: true });
    } catch {
      // a file still held open: the system's temporary folder is cleared eventually
    }
  }
});

/**
 * Starts code-server. Returns { url, dataDir, stop }. `settings` go into the
 * user settings.json; the workspace folder is opened by URL, not here.
 */
async function startCodeServer({ settings = {}, log = () => {}, dataDir: reuse, env = {}, port: fixedPort, workspaceTrust = false } = {}) {
  if (!fs.existsSync(CODE_SERVER)) {
    throw new Error(`code-server is not installed: run test/vscode/install-code-server.sh (looked for ${CODE_SERVER})`);
  }
  // A given dataDir is a profile to start again (its settings and extension storage kept).
  const dataDir = reuse ?? temporaryFolder('paper-digest-vscode-');
  for (const dir of ['xdg-config', 'xdg-data', 'xdg-cache', 'ext', 'User', 'tmp']) fs.mkdirSync(path.join(dataDir, dir), { recursive: true });
  fs.writeFileSync(
    path.join(dataDir, 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      // With workspaceTrust, VS Code asks whether to trust the folder (Restricted Mode if not).
      'security.workspace.trust.enabled': workspaceTrust,
      'editor.hover.delay': 200,
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'workbench.tips.enabled': false,
      'chat.commandCenter.enabled': false,
      ...settings,
    }),
  );
  // The workbench keys workspace storage by its address too: a restart that should
  // find the same extension storage must use the same port.
  const port = fixedPort ?? (await freePort());
  const child = spawn(
    CODE_SERVER,
    ['--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', ...(workspaceTrust ? [] : ['--disable-workspace-trust']), '--disable-getting-started-override', '--user-data-dir', dataDir, '--extensions-dir', path.join(dataDir, 'ext')],
    {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env, XDG_CONFIG_HOME: path.join(dataDir, 'xdg-config'), XDG_DATA_HOME: path.join(dataDir, 'xdg-data'), XDG_CACHE_HOME: path.join(dataDir, 'xdg-cache'), TMPDIR: path.join(dataDir, 'tmp') },
    },
  );
  child.stdout.on('data', (d) => log(`[code-server] ${d}`));
  child.stderr.on('data', (d) => log(`[code-server] ${d}`));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  /** Stops the server's process group; resolves once it is gone (a restart may reuse the port). */
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    return Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
  };
  try {
    await waitForHealth(url, child);
  } catch (error) {
    stop();
    throw error;
  }
  return { url, dataDir, port, stop };
}

/** The workbench URL that opens `folder` with our extension loaded from source (and optional tests). */
function workbenchUrl(base, folder, { testsPath, extensionPath = ROOT, kind } = {}) {
  const payload = [['extensionDevelopmentPath', `vscode-remote://remote${extensionPath}`]];
  // `web` runs the extension under development in the web worker extension host, as on vscode.dev.
  if (kind) payload.push(['extensionDevelopmentKind', kind]);
  if (testsPath) payload.push(['extensionTestsPath', `vscode-remote://remote${testsPath}`]);
  return `${base}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

async function launchBrowser(dataDir) {
  const { chromium } = require('playwright-core');
  return chromium.launchPersistentContext(path.join(dataDir, 'chromium'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A throw-away copy of a folder, so that tests may edit and save notes. */
function copyWorkspace(from) {
  const to = temporaryFolder('paper-digest-notes-');
  fs.cpSync(from, to, { recursive: true });
  return to;
}

module.exports = { ROOT, startCodeServer, workbenchUrl, launchBrowser, copyWorkspace, temporaryFolder };
