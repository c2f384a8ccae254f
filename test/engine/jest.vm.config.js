/**
 * The engine tests again, under n8n's production expression engine ("vm": isolated-vm), which n8n 2.41 starts by
 * default. `npm test` runs them so (suite "engine-vm", scripts/test.js): Node 24 from the cache of
 * scripts/install-n8n.sh (`--node-only`), on which isolated-vm's prebuilt addon loads, with
 * --experimental-vm-modules (n8n-workflow loads the expression runtime with a dynamic import()) and
 * ENGINE_TEST_EXPRESSION_ENGINE=vm (test/engine/harness.js starts the engine as n8n's CLI does).
 * The unit run (jest.config.js) keeps running them under the legacy engine on Node 20, with no n8n installed.
 */
const base = require('../../jest.config');

module.exports = {
	...base,
	rootDir: '../..',
	roots: ['<rootDir>/test/engine'],
	testMatch: ['**/test/engine/**/*.engine.test.js'],
};
