'use strict';
/**
 * What the bench starts and must stop (n8n servers, child processes, queue clusters) — also on errors, signals
 * and the time limit — and how it starts n8n, packs the package and creates the Telesign credential.
 */
const fs = require('fs');

const { N8nServer } = require('../../test/e2e/harness/n8n');
const { REPO_ROOT, buildAndPack } = require('../../test/e2e/harness/install');
const { stopCluster } = require('../../test/queue/harness/cluster');
const { tarballComplete } = require('./package-metrics');
const { CONFIG, ACCOUNT } = require('./config');
const { log } = require('./log');

const owned = { servers: new Set(), children: [], clusters: new Set() };
let cleaning;

function cleanup() {
	if (!cleaning) {
		cleaning = (async () => {
			for (const c of owned.children) c.kill();
			await Promise.all([...owned.servers].map((s) => s.stop().catch(() => undefined)));
			for (const servers of owned.clusters)
				await stopCluster(servers, CONFIG.port + 10).catch(() => undefined);
		})();
	}
	return cleaning;
}

/** Stops everything on Ctrl-C, termination and uncaught errors. */
function installCleanupHandlers() {
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		process.once(signal, () => {
			log(`${signal}: stopping n8n and the child processes`);
			cleanup().finally(() => process.exit(130));
		});
	}
	process.once('uncaughtException', (error) => {
		log(`uncaught: ${error.stack}`);
		cleanup().finally(() => process.exit(1));
	});
}

async function startN8n(port, extraEnv, { tarball } = {}) {
	// The task-runner broker listens even with runners off (default port 5679, shared with other n8n instances).
	const n8n = new N8nServer({
		port,
		tarball,
		env: {
			N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL || 'warn',
			N8N_RUNNERS_BROKER_PORT: String(port + 1),
			...extraEnv,
		},
	});
	owned.servers.add(n8n);
	await n8n.start();
	log(`n8n on ${n8n.baseUrl} (pid ${n8n.child.pid}, log ${n8n.logPath})`);
	return n8n;
}

async function stopN8n(n8n) {
	await n8n.stop();
	owned.servers.delete(n8n);
}

/**
 * Builds and packs the package (the harness's buildAndPack, which N8nServer.start() then reuses), checking
 * that the tarball holds every compiled module: others share this working tree and may be rebuilding dist/
 * at the same moment. A broken tarball is deleted and the build done again.
 */
function packVerified(attempts = 3) {
	for (let i = 1; ; i++) {
		let tarball;
		try {
			tarball = buildAndPack();
			if (tarballComplete(REPO_ROOT, tarball)) return tarball;
		} catch (error) {
			if (i >= attempts) throw error;
		}
		if (i >= attempts)
			throw new Error('could not pack a complete package (dist/ changing while packing?)');
		log(
			`the packed tarball is incomplete (dist/ rebuilt meanwhile?): building again (${i}/${attempts})`,
		);
		if (tarball) fs.rmSync(tarball, { force: true });
	}
}

async function createTelesignCredential(n8n, simUrl, authMethod) {
	return await n8n.createCredential(
		`Telesign (bench simulator, ${authMethod})`,
		'telesignVoiceApi',
		{
			customerId: ACCOUNT.customerId,
			apiKey: ACCOUNT.apiKey,
			authMethod,
			baseUrl: simUrl,
		},
	);
}

module.exports = {
	owned,
	cleanup,
	installCleanupHandlers,
	startN8n,
	stopN8n,
	packVerified,
	createTelesignCredential,
};
