'use strict';
/**
 * What a Call and Wait e2e file (test/e2e/callAndWait*.e2e.test.js) shares: a simulator whose events go to a
 * Telesign Voice Trigger (the account's one events URL, which relays them to the waiting executions), the
 * Telesign credential, "Alert In → Call and Wait" workflows and readers of their executions.
 * `callAndWaitSuite()` registers the file's beforeAll/afterAll/beforeEach and returns them.
 */
const { connectN8n } = require('./context');
const { DEMO_NUMBERS } = require('./examples');
const { telesignTrigger, callAndWaitWorkflow } = require('./workflows');
const { TelesignSimulator, DEFAULT_ACCOUNT } = require('../../simulator');

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function actionsOf(call) {
	return call.entries.filter((e) => e.type === 'action').map((e) => e.method);
}

function outputOf(execution, node = 'Call and Wait') {
	const runs = execution.data.resultData.runData[node];
	return runs[runs.length - 1].data.main[0];
}

async function createTelesignCredential(n8n, name, simUrl) {
	return await n8n.createCredential(name, 'telesignVoiceApi', {
		customerId: DEFAULT_ACCOUNT.customerId,
		apiKey: DEFAULT_ACCOUNT.apiKey,
		authMethod: 'basic',
		baseUrl: simUrl,
	});
}

/** The account's events URL: a Telesign Voice Trigger (call_completed, Respond Immediately) that relays. */
async function deployRelayTrigger(n8n, credential, name) {
	const node = telesignTrigger('Telesign Events', {
		events: ['call_completed'],
		respond: 'immediately',
	});
	const created = await n8n.createWorkflow(
		{ name, nodes: [node], connections: {} },
		{ credentials: { telesignVoiceApi: credential } },
	);
	const url = n8n.webhookUrl(node);
	await n8n.waitForWebhook(url);
	return { id: created.id, url };
}

/** Creates and activates an "Alert In → Call and Wait" workflow in `at` (default: the shared n8n). */
async function deploy(at, name, parameters, options) {
	const { workflow, path } = callAndWaitWorkflow(name, {
		callerId: DEMO_NUMBERS.callerId,
		credential: at.credential,
		parameters,
		...options,
	});
	const created = await at.n8n.createWorkflow(workflow, {
		credentials: { telesignVoiceApi: at.credential },
	});
	const url = `${at.n8n.baseUrl}/webhook/${path}`;
	await at.n8n.waitForWebhook(url);
	return { id: created.id, url, nodes: created.nodes };
}

/** The newest execution of a workflow in one of `status` (waited for). */
async function lastExecution(
	n8n,
	workflowId,
	{ status = ['success', 'error'], timeoutMs = 60_000 } = {},
) {
	const started = Date.now();
	for (;;) {
		const list = await n8n.executions(workflowId, { includeData: true });
		const done = list
			.filter((e) => status.includes(e.status))
			.sort((a, b) => Number(b.id) - Number(a.id));
		if (done.length > 0) return done[0];
		if (Date.now() - started > timeoutMs)
			throw new Error(
				`no finished execution of ${workflowId} after ${timeoutMs} ms: ${JSON.stringify(list.map((e) => [e.id, e.status]))}`,
			);
		await delay(300);
	}
}

/** The finished (not waiting) executions of a workflow once there are n, newest first. */
async function finishedRuns(n8n, workflowId, n, timeoutMs = 60_000) {
	const started = Date.now();
	for (;;) {
		const list = (await n8n.executions(workflowId)).filter((e) =>
			['success', 'error'].includes(e.status),
		);
		if (list.length >= n) return list.sort((a, b) => Number(b.id) - Number(a.id));
		if (Date.now() - started > timeoutMs)
			throw new Error(`${list.length}/${n} finished executions of ${workflowId}`);
		await delay(300);
	}
}

/**
 * The shared n8n, a simulator (DEMO_NUMBERS' callees plus `callees`) posting its events to the relay trigger,
 * reset before each test. `deploy`, `lastExecution` and `finishedRuns` work on the shared n8n unless given
 * another {n8n, credential} (a test's own n8n).
 */
function callAndWaitSuite({ callees = {} } = {}) {
	const suite = {
		deploy: (name, parameters, options, at = suite) => deploy(at, name, parameters, options),
		lastExecution: (workflowId, options, n8n = suite.n8n) =>
			lastExecution(n8n, workflowId, options),
		finishedRuns: (workflowId, n, timeoutMs, n8n = suite.n8n) =>
			finishedRuns(n8n, workflowId, n, timeoutMs),
	};
	beforeAll(async () => {
		suite.n8n = connectN8n();
		suite.sim = new TelesignSimulator({
			ownedNumbers: [DEMO_NUMBERS.callerId],
			callees: { ...DEMO_NUMBERS.callees, ...callees },
			webhookTimeoutMs: 20_000,
		});
		await suite.sim.start();
		suite.credential = await createTelesignCredential(
			suite.n8n,
			`Telesign (call and wait ${Date.now()})`,
			suite.sim.url,
		);
		suite.trigger = await deployRelayTrigger(
			suite.n8n,
			suite.credential,
			`Telesign events (call and wait ${Date.now()})`,
		);
	});
	afterAll(async () => {
		await suite.sim?.stop();
		if (suite.trigger) await suite.n8n.deactivate(suite.trigger.id).catch(() => undefined);
	});
	beforeEach(() => {
		suite.sim.reset();
		// Telesign speaks a prompt at a normal pace: an event identical to the last one that comes sooner is a repeat.
		suite.sim.configure({ webhookUrl: suite.trigger.url, speechMsPerChar: 70 });
	});
	return suite;
}

module.exports = {
	callAndWaitSuite,
	createTelesignCredential,
	deployRelayTrigger,
	actionsOf,
	outputOf,
	delay,
};
