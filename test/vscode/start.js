// `npm start`: the extension on the bundled digest with the sample notes in examples/notes.
// In your own VS Code when `code` is on the PATH; otherwise in a real VS Code in the
// browser (code-server on 127.0.0.1), whose address is printed. Ctrl-C stops it.
const { spawn, spawnSync } = require('node:child_process');
const path = require('node:path');
const { ROOT, startCodeServer, workbenchUrl, copyWorkspace } = require('./codeServer');

const NOTES = path.join(ROOT, 'examples', 'notes');

function hasCode() {
  return spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0;
}

async function main() {
  if (hasCode() && !process.env.PAPER_DIGEST_USE_CODE_SERVER) {
    console.log(`Opening ${NOTES} in VS Code with Paper Digest loaded from ${ROOT}`);
    spawn('code', [`--extensionDevelopmentPath=${ROOT}`, NOTES], { stdio: 'inherit' });
    return;
  }
  const install = spawnSync('bash', [path.join(__dirname, 'install-code-server.sh')], { stdio: 'inherit' });
  if (install.status !== 0) process.exit(install.status ?? 1);
  // A session a person works in: its profile and notes stay after it (see temporaryFolder).
  process.env.PAPER_DIGEST_KEEP_TEMP ??= '1';
  const server = await startCodeServer();
  // A copy, so that trying things out never edits the examples in the repository.
  const folder = copyWorkspace(NOTES);
  console.log(`Paper Digest is running in VS Code (code-server) with sample notes in ${folder}.`);
  console.log(`Open this address in a browser on this machine:\n\n  ${workbenchUrl(server.url, folder)}\n\nPress Ctrl-C to stop.`);
  const stop = () => {
    server.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  setInterval(() => {}, 1 << 30);
}

main().catch((error) => {
  console.error(error.message || error);
  process.exit(1);
});
