'use strict';
/**
 * Call → Call and Wait for Response in queue mode. The alert reaches the webhook processor, a worker runs the
 * execution, dials the simulator and the execution goes to n8n's waiting state (the worker is free again). The
 * simulator posts the call's events to the Telesign Voice Trigger's production URL at the webhook processors
 * (the balancer in front of them keeps one call's events on one processor); the trigger relays them to the
 * waiting execution's resume URL (also through the balancer); the last one
 * resumes it, and a worker runs it to the end. So the execution is resumed through another process than the
 * worker that started it — the job is queued again by the webhook processor.
 */
const { connectCluster, logCount, postAlert } = require('./harness/context');
const { DEMO_NUMBERS } = require('../e2e/harness/examples');
const { telesignTrigger, newExecutions } = require('../e2e/harness/workflows');
const { createTelesignCredential } = require('../e2e/harness/callAndWait');
const { TelesignSimulator } = require('../simulator');

const WORKERS = ['worker-1', 'worker-2'];
let cluster;
let sim;
let credential;
let triggerUrl;
const deployed = [];

/** Webhook (alert in, answered at once) → Telesign Voice (Call and Wait for Response, Key Press 1). */
function deployCallAndWait(name) {
	return cluster.deployCallAndWait(name, {
		credential,
		deployed,
		parameters: { responseType: 'keyPress', acknowledgeKey: '1' },
	});
}

/** Waits until n executions of the workflow are in n8n's waiting state at the same time; returns their ids. */
async function waitingExecutions(workflowId, n, timeoutMs = 30_000) {
	const started = Date.now();
	for (;;) {
		const waiting = (await cluster.main.executions(workflowId, { includeData: false })).filter(
			(e) => e.status === 'waiting',
		);
		if (waiting.length >= n) return waiting.map((e) => e.id);
		if (Date.now() - started > timeoutMs)
			throw new Error(
				`${waiting.length}/${n} executions of ${workflowId} waiting after ${timeoutMs} ms`,
			);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

const startsByRole = (executionId) => logCount(cluster, executionId, 'Worker started');
/**
 * Proof of who queued the execution's jobs: the webhook processors twice (the alert, then the resume received
 * through the trigger's relay; either processor, behind the balancer); main never.
 */
function expectQueuedTwiceByWebhookProcessor(executionId) {
	const enqueued = logCount(cluster, executionId, 'Enqueued');
	expect(Object.keys(enqueued).every((role) => cluster.webhookRoles.includes(role))).toBe(true);
	expect(Object.values(enqueued).reduce((a, b) => a + b, 0)).toBe(2);
}

/** Waits until the log lines of both runs (start and resume) of an execution are written. */
async function startsOf(executionId, timeoutMs = 10_000) {
	const started = Date.now();
	for (;;) {
		const counts = startsByRole(executionId);
		if (Object.values(counts).reduce((a, b) => a + b, 0) >= 2 || Date.now() - started > timeoutMs)
			return counts;
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

/** The executions with these ids once all of them ended (a waiting execution has stoppedAt too), in id order. */
async function ended(workflowId, ids, timeoutMs = 90_000) {
	const started = Date.now();
	for (;;) {
		const list = (await cluster.main.executions(workflowId)).filter((e) => ids.includes(e.id));
		const done = list.filter((e) => ['success', 'error', 'crashed'].includes(e.status));
		if (done.length === ids.length) return done.sort((a, b) => Number(a.id) - Number(b.id));
		if (Date.now() - started > timeoutMs)
			throw new Error(
				`executions ${ids} not ended: ${JSON.stringify(list.map((e) => [e.id, e.status]))}`,
			);
		await new Promise((resolve) => setTimeout(resolve, 300));
	}
}

function outputOf(execution) {
	const runs = execution.data.resultData.runData['Call and Wait'];
	return runs[runs.length - 1].data.main[0];
}

beforeAll(async () => {
	cluster = connectCluster();
	sim = new TelesignSimulator({
		ownedNumbers: [DEMO_NUMBERS.callerId],
		callees: DEMO_NUMBERS.callees,
		webhookTimeoutMs: 20_000,
	});
	await sim.start();
	credential = await createTelesignCredential(
		cluster.main,
		`Telesign (queue call and wait ${Date.now()})`,
		sim.url,
	);
	// The account's one events URL: the trigger (Telesign Signature) at the webhook processor.
	const node = telesignTrigger('Telesign Events', {
		events: ['call_completed'],
		respond: 'immediately',
	});
	const created = await cluster.main.createWorkflow(
		{ name: `queue: call and wait events ${Date.now()}`, nodes: [node], connections: {} },
		{ credentials: { telesignVoiceApi: credential } },
	);
	deployed.push(created.id);
	triggerUrl = cluster.triggerUrl(node, 'webhook');
	expect(triggerUrl.startsWith(`${cluster.webhookUrl}/`)).toBe(true);
	await cluster.main.waitForWebhook(triggerUrl);
});

afterAll(async () => {
	await sim?.stop();
	for (const id of deployed) await cluster.main.deactivate(id).catch(() => undefined);
});

beforeEach(() => {
	sim.reset();
	// The callee answers 2 s after the dial: long enough to see the execution waiting with no worker on it.
	sim.configure({ webhookUrl: triggerUrl, ringMs: 2000 });
});

test('a worker starts the call and the execution waits; the events through the webhook processor resume it: key 1 acknowledged', async () => {
	const wf = await deployCallAndWait(`queue: call and wait key 1 ${Date.now()}`);
	const since = await newExecutions(cluster.main, wf.id);
	const message = 'Queue mode: disk full on db-1. Press 1 to acknowledge.';
	await postAlert(wf.url, { to: DEMO_NUMBERS.presses1, message });
	const waiting = await waitingExecutions(wf.id, 1);

	const [run] = await ended(wf.id, waiting);
	expect(await since.count()).toBe(1);
	expect(run.status).toBe('success');
	const [item] = outputOf(run);
	expect(item.json).toMatchObject({
		answered: true,
		acknowledged: true,
		digits: '1',
		status: 'hangup',
		to: DEMO_NUMBERS.presses1,
	});
	expect(item.pairedItem).toEqual({ item: 0 });
	expect(item.json.events.map((e) => e.event)).toEqual([
		'dial_completed',
		'speak_completed',
		'call_completed',
	]);

	// Telesign's side: every event was answered by the webhook processor with the waiting node's actions.
	const call = sim.call(item.json.reference_id);
	expect(call.entries.filter((e) => e.type === 'action').map((e) => e.method)).toEqual([
		'speak',
		'hangup',
	]);
	expect(call.entries.find((e) => e.type === 'action' && e.method === 'speak').params).toEqual({
		tts: { message, language: 'en-US' },
		collect_digits: { max: 1 },
	});
	expect(call.entries.filter((e) => e.type === 'event').every((e) => e.webhookStatus === 200)).toBe(
		true,
	);

	// Started on a worker, resumed (queued again by the webhook processor) and finished on a worker; never on main.
	const starts = await startsOf(run.id);
	expect(Object.keys(starts).every((role) => WORKERS.includes(role))).toBe(true);
	expect(Object.values(starts).reduce((a, b) => a + b, 0)).toBe(2);
	expect(cluster.rolesThatRan(run.id)).not.toContain('main');
	for (const role of cluster.webhookRoles) expect(cluster.rolesThatRan(run.id)).not.toContain(role);
	expectQueuedTwiceByWebhookProcessor(run.id);
}, 180_000);

test('two executions waiting at once (1 and a wrong key 9): each is resumed by its own call, for its own item', async () => {
	const wf = await deployCallAndWait(`queue: call and wait two ${Date.now()}`);
	const since = await newExecutions(cluster.main, wf.id);
	sim.configure({ ringMs: 3000 });
	await Promise.all([
		postAlert(wf.url, { to: DEMO_NUMBERS.presses1, message: 'first' }),
		postAlert(wf.url, { to: DEMO_NUMBERS.presses9, message: 'second' }),
	]);
	const waiting = await waitingExecutions(wf.id, 2);

	const runs = await ended(wf.id, waiting);
	expect(await since.count()).toBe(2);
	expect(runs.map((r) => r.status)).toEqual(['success', 'success']);
	for (const run of runs) {
		const input = run.data.resultData.runData['Alert In'][0].data.main[0][0].json.body;
		const [item] = outputOf(run);
		expect(item.json.to).toBe(input.to);
		expect(item.pairedItem).toEqual({ item: 0 });
		const expected =
			input.to === DEMO_NUMBERS.presses1
				? { acknowledged: true, digits: '1' }
				: { acknowledged: false, digits: '9' };
		expect(item.json).toMatchObject({ answered: true, status: 'hangup', ...expected });
		const starts = await startsOf(run.id);
		expect(Object.keys(starts).every((role) => WORKERS.includes(role))).toBe(true);
		expect(Object.values(starts).reduce((a, b) => a + b, 0)).toBe(2);
		expectQueuedTwiceByWebhookProcessor(run.id);
	}
	expect(
		sim
			.dialsPlaced()
			.map((d) => d.to)
			.sort(),
	).toEqual([DEMO_NUMBERS.presses1, DEMO_NUMBERS.presses9].sort());
}, 180_000);
