'use strict';
/**
 * What a queue-mode test file gets: `main` (an N8nServer connected to the running main process, for n8n's
 * public API: credentials, workflows, executions), the base URLs of main and of the webhook side (the balancer
 * in front of the two webhook processors, `webhookRoles`), the log files and pids of every process, and
 * helpers to tell which process ran an execution and which webhook processor answered which request.
 *
 * Adding a test file: create test/queue/<name>.queue.test.js, call connectCluster() in beforeAll, create its
 * own workflows (fresh webhook ids) and simulator, and deactivate its workflows in afterAll. The cluster is shared.
 */
const fs = require('fs');
const { N8nServer, delay } = require('../../e2e/harness/n8n');
const { readState, RECOMMENDED_QUEUE_ENV } = require('./cluster');
const { balancerRequests } = require('./balancer');
const { DEMO_NUMBERS } = require('../../e2e/harness/examples');
const { callAndWaitWorkflow } = require('../../e2e/harness/workflows');

function connectCluster() {
	const state = readState();
	if (!state || !state.apiKey)
		throw new Error('no queue cluster is running (run through test/queue/jest.config.js)');
	const mainEntry = state.n8n.find((p) => p.role === 'main');
	const main = new N8nServer({ port: mainEntry.port, userFolder: mainEntry.userFolder });
	main.apiKey = state.apiKey;
	main.logPath = mainEntry.logPath;
	main.child = { pid: mainEntry.pid, exitCode: null };
	const logs = Object.fromEntries(state.n8n.map((p) => [p.role, p.logPath]));
	return {
		main,
		mainUrl: state.mainUrl,
		webhookUrl: state.webhookUrl,
		/** The webhook processors' roles ("webhook", "webhook-2" behind the balancer). */
		webhookRoles: state.n8n.filter((p) => p.role.startsWith('webhook')).map((p) => p.role),
		/** Every n8n process: [{role, pid}]. */
		processes: state.n8n.map((p) => ({ role: p.role, pid: p.pid })),
		/** What the balancer forwarded so far: [{seq, role, kind, path, event, referenceId, status}] (balancer.js). */
		balancerRequests: () => balancerRequests(state.balancerUrl),
		/** Sets the balancer's policy ('call' or 'request'). */
		balancerPolicy: (policy) => balancerRequests(state.balancerUrl, policy),
		logs,
		/** Production webhook URL of a trigger node at the webhook processor (default) or at main. */
		triggerUrl: (node, at = 'webhook') =>
			main.webhookUrl(node, 'telesign-voice', at === 'main' ? state.mainUrl : state.webhookUrl),
		/** The roles ("worker-1", …) whose log says they ran the execution (n8n logs "Worker started execution <id>"). */
		rolesThatRan: (executionId) => whoRan(logs, executionId),
		/**
		 * Creates a Webhook → Call and Wait workflow (e2e harness/workflows.js) through main and waits until its
		 * production URL answers at the webhook side; `deployed` collects the id for the file's afterAll.
		 */
		deployCallAndWait: async (name, { credential, parameters, deployed }) => {
			const { workflow, path } = callAndWaitWorkflow(name, {
				callerId: DEMO_NUMBERS.callerId,
				credential,
				parameters,
			});
			const created = await main.createWorkflow(workflow, {
				credentials: { telesignVoiceApi: credential },
			});
			deployed.push(created.id);
			const url = `${state.webhookUrl}/webhook/${path}`;
			await main.waitForWebhook(url);
			return { id: created.id, url };
		},
	};
}

/** Posts an alert to a deployed workflow's webhook (it answers at once; the call goes on in the background). */
async function postAlert(url, body) {
	const res = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(30_000),
	});
	if (res.status !== 200) throw new Error(`the alert to ${url} was answered ${res.status}`);
}

function whoRan(logs, executionId) {
	const pattern = new RegExp(`started execution ${executionId}\\b`, 'i');
	return Object.entries(logs)
		.filter(([, file]) => {
			try {
				return pattern.test(fs.readFileSync(file, 'utf8'));
			} catch {
				return false;
			}
		})
		.map(([role]) => role);
}

/**
 * How many times each process's log of `cluster` says `<verb> execution <id>` (a resumed execution is queued and
 * started again): which process queued and which ran an execution.
 */
function logCount(cluster, executionId, verb) {
	const pattern = new RegExp(`${verb} execution ${executionId}\\b`, 'gi');
	const counts = {};
	for (const [role, file] of Object.entries(cluster.logs)) {
		const found = (fs.readFileSync(file, 'utf8').match(pattern) || []).length;
		if (found > 0) counts[role] = found;
	}
	return counts;
}

module.exports = { connectCluster, delay, logCount, postAlert, RECOMMENDED_QUEUE_ENV };
