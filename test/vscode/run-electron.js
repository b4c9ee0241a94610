// The same integration suite under @vscode/test-electron, for a desktop with internet
// access (it downloads VS Code). On machines without it, use run-integration.js.
const path = require('node:path');
const { runTests } = require('@vscode/test-electron');
const { ROOT, copyWorkspace } = require('./codeServer');

runTests({
  extensionDevelopmentPath: ROOT,
  extensionTestsPath: path.join(ROOT, 'out', 'test', 'integration', 'index.js'),
  launchArgs: [copyWorkspace(path.join(ROOT, 'examples', 'notes')), '--disable-extensions'],
}).catch((error) => {
  console.error(error);
  process.exit(1);
});
