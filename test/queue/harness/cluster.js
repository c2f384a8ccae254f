'use strict';
/**
 * n8n in queue mode on one machine: Postgres + Redis (services.js), then main (`n8n start`), one or two webhook
 * processors (`n8n webhook`) and two workers (`n8n worker`), each an N8nServer (test/e2e/harness/n8n.js) with
 * its own user folder and the packed package installed, all sharing one encryption key. With two webhook
 * processors, a load balancer (balancer.js, in this process) stands in front of them and `WEBHOOK_URL` names it,
 * as in a deployment: the queue suite runs that way; the bench's cluster keeps one processor and no balancer.
 *
 * Everything started is written to a state file as it starts, so teardown — or the next run, after an aborted
 * one — stops exactly what this suite started (by pid and data directory, never by process name).
 */
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const { N8nServer } = require('../../e2e/harness/n8n');
const { REPO_ROOT, log } = require('../../e2e/harness/install');
const services = require('./services');
const { Balancer } = require('./balancer');

/**
 * Main's port; the cluster uses it and the next 3 (and each + 10000), with two webhook processors the next 5 (the
 * second processor at +4 and +10004, the balancer at +5). The suite's default; the bench uses its own.
 */
const DEFAULT_BASE_PORT = Number(process.env.QUEUE_N8N_PORT || 5720);
const OUT_DIR = path.join(REPO_ROOT, 'test', '.out');
// One state file per base port: a cluster started elsewhere on other ports (the bench) is never touched.
const stateFile = (basePort) => path.join(OUT_DIR, `queue-cluster-${basePort}.json`);
const LOG_DIR = path.join(OUT_DIR, 'queue-logs');

/**
 * The settings the README recommends against lost answers in lastNode mode: n8n removes a finished job from
 * Bull at once by default, and a webhook process that subscribes to it after the worker finished never hears
 * of it. Keeping the last completed/failed jobs closes that race.
 */
const RECOMMENDED_QUEUE_ENV = {
	N8N_EXECUTIONS_QUEUE_KEEP_LAST_COMPLETED: '2000',
	N8N_EXECUTIONS_QUEUE_KEEP_LAST_FAILED: '2000',
};

function readState(basePort = DEFAULT_BASE_PORT) {
	try {
		return JSON.parse(fs.readFileSync(stateFile(basePort), 'utf8'));
	} catch {
		return undefined;
	}
}

function writeState(state) {
	fs.mkdirSync(OUT_DIR, { recursive: true });
	fs.writeFileSync(stateFile(state.basePort), JSON.stringify(state, null, 2));
}

/** Stops what a state file records (this run's, or a stale one from an aborted run). Synchronous on purpose. */
function stopRecorded(state) {
	if (!state) return;
	const logDir = path.join(LOG_DIR, String(state.basePort));
	fs.mkdirSync(logDir, { recursive: true });
	for (const p of state.n8n || []) {
		if (services.killIfMatches(p.pid, 'n8n')) log(`stopped n8n ${p.role} (pid ${p.pid})`);
		if (!p.userFolder || !fs.existsSync(p.userFolder)) continue;
		// The logs outlive the run (test/.out/queue-logs/<base port>/), the user folders do not.
		if (p.logPath && fs.existsSync(p.logPath))
			fs.copyFileSync(p.logPath, path.join(logDir, `${p.role}.log`));
		fs.rmSync(p.userFolder, { recursive: true, force: true });
	}
	if (state.redis) services.stopRedis(state.redis);
	if (state.postgres) services.stopPostgres(state.postgres);
}

function cleanupStale(basePort) {
	const stale = readState(basePort);
	if (!stale) return;
	log('queue suite: stopping what a previous run left behind');
	stopRecorded(stale);
	fs.rmSync(stateFile(basePort), { force: true });
}

/**
 * The n8n ports: main, webhook processor(s), worker 1, worker 2 (health checks); each + 10000 = its task broker.
 * A second webhook processor takes base + 4 and the balancer in front of both base + 5.
 */
function n8nPorts(base, webhookProcessors = 1) {
	const two = webhookProcessors === 2;
	return {
		main: base,
		webhook: base + 1,
		webhooks: two ? [base + 1, base + 4] : [base + 1],
		workers: [base + 2, base + 3],
		balancer: two ? base + 5 : undefined,
	};
}

async function assertPortsFree(ports, balancer) {
	for (const port of [...ports.flatMap((p) => [p, p + 10000]), ...(balancer ? [balancer] : [])]) {
		if (!(await services.portFree(port))) {
			throw new Error(
				`port ${port} is in use: set QUEUE_N8N_PORT to a free base port (uses base…base+5 and +10000)`,
			);
		}
	}
}

/**
 * Starts the whole cluster (with `webhookProcessors: 2`, two webhook processors behind a balancer). On any
 * failure, stops what was started and rethrows.
 * @returns {Promise<{state: object, servers: N8nServer[], balancer?: Balancer}>}
 */
async function startCluster({ basePort = DEFAULT_BASE_PORT, webhookProcessors = 1 } = {}) {
	cleanupStale(basePort);
	const ports = n8nPorts(basePort, webhookProcessors);
	await assertPortsFree([ports.main, ...ports.webhooks, ...ports.workers], ports.balancer);
	const brokerPorts = [ports.main, ...ports.webhooks, ...ports.workers].map((p) => p + 10000);
	const servicesFrom = Number(process.env.QUEUE_SERVICES_PORT || 15750);
	const state = { basePort, startedAt: new Date().toISOString(), n8n: [] };
	const servers = [];
	let balancer;
	try {
		const pgPort = await services.freePort(servicesFrom, servicesFrom + 9, brokerPorts);
		state.postgres = { port: pgPort };
		writeState(state);
		state.postgres = services.startPostgres(pgPort);
		writeState(state);
		state.redis = {
			port: await services.freePort(servicesFrom, servicesFrom + 9, [...brokerPorts, pgPort]),
		};
		state.redis = services.startRedis(state.redis.port);
		writeState(state);
		log(`queue suite: postgres on ${pgPort}, redis on ${state.redis.port}`);

		const webhookRoles = ports.webhooks.map((port, i) => ({
			role: i === 0 ? 'webhook' : `webhook-${i + 1}`,
			port,
		}));
		if (ports.balancer !== undefined) {
			balancer = await new Balancer({ port: ports.balancer, targets: webhookRoles }).start();
			log(
				`queue suite: balancer on ${ports.balancer} in front of webhook processors on ${ports.webhooks.join(', ')}`,
			);
		}
		// Where webhook requests go in: the balancer when there is one, else the one webhook processor.
		const webhookBase = balancer ? balancer.url : `http://127.0.0.1:${ports.webhook}`;
		const common = {
			...state.postgres.env,
			...state.redis.env,
			EXECUTIONS_MODE: 'queue',
			// Binary data (recordings' audio) in Postgres, which every process reads: n8n 2.41.1's default in queue
			// mode, set here so the suite does not depend on it. `filesystem` would keep a file in the user folder of
			// the process that wrote it (each process has its own), out of reach of the others; docs/scaling.md.
			N8N_DEFAULT_BINARY_DATA_MODE: 'database',
			N8N_ENCRYPTION_KEY: crypto.randomBytes(24).toString('hex'),
			// Production webhook URLs (and the waiting executions' resume URLs) point at the webhook processor(s).
			WEBHOOK_URL: `${webhookBase}/`,
		};
		const launch = async (role, command, port, extraEnv = {}) => {
			const server = new N8nServer({ port, command, env: { ...common, ...extraEnv } });
			servers.push(server);
			const entry = {
				role,
				pid: undefined,
				port,
				userFolder: server.userFolder,
				logPath: server.logPath,
			};
			state.n8n.push(entry);
			const started = server.start();
			entry.pid = server.child && server.child.pid;
			writeState(state);
			await started;
			return server;
		};
		// Main first: it runs the database migrations the other processes expect.
		const main = await launch('main', 'start', ports.main, RECOMMENDED_QUEUE_ENV);
		await Promise.all([
			...webhookRoles.map(({ role, port }) => launch(role, 'webhook', port, RECOMMENDED_QUEUE_ENV)),
			launch('worker-1', 'worker', ports.workers[0]),
			launch('worker-2', 'worker', ports.workers[1]),
		]);
		Object.assign(state, {
			apiKey: main.apiKey,
			mainUrl: main.baseUrl,
			webhookUrl: webhookBase,
			balancerUrl: balancer?.url,
		});
		writeState(state);
		return { state, servers, balancer };
	} catch (error) {
		await balancer?.stop().catch(() => undefined);
		await Promise.all(servers.map((s) => s.stop().catch(() => undefined)));
		stopRecorded(state);
		fs.rmSync(stateFile(basePort), { force: true });
		throw error;
	}
}

/** Stops the cluster started in this process (servers, balancer) and anything else its state file records. */
async function stopCluster(servers = [], basePort = DEFAULT_BASE_PORT, balancer = undefined) {
	await balancer?.stop().catch(() => undefined);
	await Promise.all(servers.map((s) => s.stop().catch(() => undefined)));
	stopRecorded(readState(basePort));
	fs.rmSync(stateFile(basePort), { force: true });
}

module.exports = {
	DEFAULT_BASE_PORT,
	RECOMMENDED_QUEUE_ENV,
	startCluster,
	stopCluster,
	readState,
	n8nPorts,
};
