'use strict';
const crypto = require('crypto');
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
		JSON.stringify({
			port: server.port,
			userFolder: server.userFolder,
			apiKey: server.apiKey,
			logPath: server.logPath,
			pid: server.child.pid,
			// One id per run: the reliability suite's files derive their shared secrets from it and tag their parts with it.
			runId: crypto.randomBytes(16).toString('hex'),
		}),
	);
	globalThis.__N8N_SERVER__ = server;
};
module.exports.STATE_FILE = STATE_FILE;
