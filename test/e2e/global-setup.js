'use strict';
const fs = require('fs');
const path = require('path');
const { N8nServer } = require('./harness/n8n');
const { REPO_ROOT } = require('./harness/install');

const STATE_FILE = path.join(REPO_ROOT, 'test', '.out', 'e2e-n8n.json');

module.exports = async function globalSetup() {
	const server = new N8nServer({ port: Number(process.env.E2E_N8N_PORT || 5688) });
	await server.start();
	fs.mkdirSync(path.dirname(STATE_FILE), { recursive: true });
	fs.writeFileSync(
		STATE_FILE,
		JSON.stringify({ port: server.port, userFolder: server.userFolder, apiKey: server.apiKey, logPath: server.logPath, pid: server.child.pid }),
	);
	globalThis.__N8N_SERVER__ = server;
};
module.exports.STATE_FILE = STATE_FILE;
