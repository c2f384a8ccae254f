'use strict';
/**
 * Call → Call and Wait for Response in a real n8n with the packed package, against the Telesign Voice simulator:
 * the execution waits (n8n's waiting state), the call events reach it through the Telesign Voice Trigger's
 * relay, and it resumes with one outcome item per call.
 */
const crypto = require('crypto');
const axios = require('axios');
const { connectN8n } = require('./harness/context');
const { DEMO_NUMBERS, importExamples } = require('./harness/examples');
const { telesignTrigger, ACTION_TYPE, newExecutions, nodesRun, output } = require('./harness/workflows');
const { TelesignSimulator, DEFAULT_ACCOUNT, postEvent } = require('../simulator');
const { REPO_ROOT } = require('./harness/install');
const { N8nServer } = require('./harness/n8n');

// The package's own marker reader and relay signer (built by the harness): the forgeries below are made with it.
const relay = require(`${REPO_ROOT}/dist/nodes/shared/telesign/waitRelay`);

let n8n;
let sim;
let credential;
let trigger;

const EXTRA_CALLEES = {
	15551230021: { digits: ['', ''] }, // answers, presses nothing (twice)
	15551230022: { digits: ['', '1'] }, // presses 1 on the repeat
	15551230023: { answer: 'failed' },
	15551230024: { digits: ['1'], talkMs: 0 },
};

function actionsOf(call) {
	return call.entries.filter((e) => e.type === 'action').map((e) => e.method);
}

/** A workflow: Webhook (alert in) → Telesign Voice (Call and Wait) [→ extra nodes]. */
function callAndWaitWorkflow(name, parameters, { extraNodes = [], extraConnections = {}, settings } = {}) {
	const path = `cw-${crypto.randomUUID()}`;
	const webhook = {
		id: crypto.randomUUID(),
		name: 'Alert In',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: crypto.randomUUID(),
		parameters: { httpMethod: 'POST', path, responseMode: 'onReceived' },
	};
	const call = {
		id: crypto.randomUUID(),
		name: 'Call and Wait',
		type: ACTION_TYPE,
		typeVersion: 1,
		position: [220, 0],
		parameters: {
			resource: 'call',
			operation: 'sendAndWait',
			to: '={{ $json.body.to }}',
			callerIdNumber: DEMO_NUMBERS.callerId,
			message: '={{ $json.body.message }}',
			...parameters,
		},
		credentials: { telesignVoiceApi: credential },
	};
	const workflow = {
		name,
		nodes: [webhook, call, ...extraNodes],
		connections: { 'Alert In': { main: [[{ node: 'Call and Wait', type: 'main', index: 0 }]] }, ...extraConnections },
		settings,
	};
	return { workflow, path };
}

async function deploy(name, parameters, o) {
	const { workflow, path } = callAndWaitWorkflow(name, parameters, o);
	const created = await n8n.createWorkflow(workflow, { credentials: { telesignVoiceApi: credential } });
	const url = `${n8n.baseUrl}/webhook/${path}`;
	await n8n.waitForWebhook(url);
	return { id: created.id, url, nodes: created.nodes };
}

async function lastExecution(workflowId, { status = ['success', 'error'], timeoutMs = 60_000 } = {}) {
	const started = Date.now();
	for (;;) {
		const list = await n8n.executions(workflowId, { includeData: true });
		const done = list.filter((e) => status.includes(e.status)).sort((a, b) => Number(b.id) - Number(a.id));
		if (done.length > 0) return done[0];
		if (Date.now() - started > timeoutMs) throw new Error(`no finished execution of ${workflowId} after ${timeoutMs} ms: ${JSON.stringify(list.map((e) => [e.id, e.status]))}`);
		await new Promise((resolve) => setTimeout(resolve, 300));
	}
}

/** The finished (not waiting) executions of a workflow once there are n, newest first. */
async function finishedRuns(workflowId, n, timeoutMs = 60_000) {
	const started = Date.now();
	for (;;) {
		const list = (await n8n.executions(workflowId)).filter((e) => ['success', 'error'].includes(e.status));
		if (list.length >= n) return list.sort((a, b) => Number(b.id) - Number(a.id));
		if (Date.now() - started > timeoutMs) throw new Error(`${list.length}/${n} finished executions of ${workflowId}`);
		await new Promise((resolve) => setTimeout(resolve, 300));
	}
}

function outputOf(execution, node = 'Call and Wait') {
	const runs = execution.data.resultData.runData[node];
	return runs[runs.length - 1].data.main[0];
}

beforeAll(async () => {
	n8n = connectN8n();
	sim = new TelesignSimulator({ ownedNumbers: [DEMO_NUMBERS.callerId], callees: { ...DEMO_NUMBERS.callees, ...EXTRA_CALLEES }, webhookTimeoutMs: 20_000 });
	await sim.start();
	credential = await n8n.createCredential(`Telesign (call and wait ${Date.now()})`, 'telesignVoiceApi', {
		customerId: DEFAULT_ACCOUNT.customerId,
		apiKey: DEFAULT_ACCOUNT.apiKey,
		authMethod: 'basic',
		baseUrl: sim.url,
	});
	const node = telesignTrigger('Telesign Events', { events: ['call_completed'], respond: 'immediately' });
	const created = await n8n.createWorkflow(
		{ name: `Telesign events (call and wait ${Date.now()})`, nodes: [node], connections: {} },
		{ credentials: { telesignVoiceApi: credential } },
	);
	trigger = { id: created.id, url: n8n.webhookUrl(node) };
	await n8n.waitForWebhook(trigger.url);
});

afterAll(async () => {
	await sim?.stop();
	if (trigger) await n8n.deactivate(trigger.id).catch(() => undefined);
});

beforeEach(() => {
	sim.reset();
	sim.configure({ webhookUrl: trigger.url });
});

test('answered + key 1: speak with collect_digits → hangup; resumes with acknowledged', async () => {
	const wf = await deploy(`cw key 1 ${Date.now()}`, { responseType: 'keyPress', acknowledgeKey: '1' });
	const res = await axios.post(wf.url, { to: DEMO_NUMBERS.presses1, message: 'Disk full on db-1. Press 1 to acknowledge.' });
	expect(res.status).toBe(200);
	const execution = await lastExecution(wf.id);
	expect(execution.status).toBe('success');
	const [item] = outputOf(execution);
	expect(item.json).toMatchObject({ answered: true, acknowledged: true, digits: '1', status: 'hangup', to: DEMO_NUMBERS.presses1 });
	const call = sim.call(item.json.reference_id);
	expect(actionsOf(call)).toEqual(['speak', 'hangup']);
	const speak = call.entries.find((e) => e.type === 'action' && e.method === 'speak');
	expect(speak.params).toEqual({ tts: { message: 'Disk full on db-1. Press 1 to acknowledge.', language: 'en-US' }, collect_digits: { max: 1 } });
	expect(item.json.events.map((e) => e.event)).toEqual(['dial_completed', 'speak_completed', 'call_completed']);
	expect(item.pairedItem).toEqual({ item: 0 });
});

test('answered + wrong key, approval: approved false, no repeat', async () => {
	const wf = await deploy(`cw wrong key ${Date.now()}`, {
		responseType: 'approval',
		approvalOptions: { values: { approvalType: 'double', approveKey: '1', declineKey: '2' } },
		options: { closingMessage: 'Thank you.' },
	});
	await axios.post(wf.url, { to: DEMO_NUMBERS.presses9, message: 'Deploy to production? Press 1 to approve, 2 to decline.' });
	const [item] = outputOf(await lastExecution(wf.id));
	expect(item.json).toMatchObject({ answered: true, acknowledged: false, approved: false, digits: '9', status: 'hangup' });
	expect(actionsOf(sim.call(item.json.reference_id))).toEqual(['speak', 'speak', 'hangup']);
});

test('approval: key 2 declines, key 1 approves (approved is what n8n\'s AI Agent reads)', async () => {
	const wf = await deploy(`cw approval ${Date.now()}`, {
		responseType: 'approval',
		approvalOptions: { values: { approvalType: 'double' } },
	});
	await axios.post(wf.url, { to: DEMO_NUMBERS.presses2, message: 'Approve?' });
	const [declined] = outputOf(await lastExecution(wf.id));
	expect(declined.json).toMatchObject({ answered: true, approved: false, digits: '2' });
	await axios.post(wf.url, { to: DEMO_NUMBERS.presses1, message: 'Approve?' });
	const runs = await finishedRuns(wf.id, 2);
	expect(runs.map((r) => r.status)).toEqual(['success', 'success']);
	expect(outputOf(runs[0])[0].json).toMatchObject({ answered: true, approved: true, acknowledged: true, digits: '1' });
});

test('answered + nothing pressed: the message is repeated, then hang up', async () => {
	const wf = await deploy(`cw nothing ${Date.now()}`, { responseType: 'keyPress', options: { repeatMessage: 1 } });
	await axios.post(wf.url, { to: '15551230021', message: 'Press 1.' });
	const [item] = outputOf(await lastExecution(wf.id));
	expect(item.json).toMatchObject({ answered: true, acknowledged: false, digits: null, status: 'hangup' });
	expect(actionsOf(sim.call(item.json.reference_id))).toEqual(['speak', 'speak', 'hangup']);
});

test('nothing on the first prompt, 1 on the repeat: acknowledged', async () => {
	const wf = await deploy(`cw repeat ${Date.now()}`, { responseType: 'keyPress', options: { repeatMessage: 2 } });
	await axios.post(wf.url, { to: '15551230022', message: 'Press 1.' });
	const [item] = outputOf(await lastExecution(wf.id));
	expect(item.json).toMatchObject({ answered: true, acknowledged: true, digits: '1' });
	expect(actionsOf(sim.call(item.json.reference_id))).toEqual(['speak', 'speak', 'hangup']);
});

test('callee hangs up during the message', async () => {
	const wf = await deploy(`cw hangs up ${Date.now()}`, {});
	await axios.post(wf.url, { to: DEMO_NUMBERS.hangsUp, message: 'Press 1.' });
	const [item] = outputOf(await lastExecution(wf.id));
	expect(item.json).toMatchObject({ answered: true, acknowledged: false, digits: null, status: 'hangup', hung_up_during_message: true });
});

test.each([
	['busy', DEMO_NUMBERS.busy],
	['no_answer', DEMO_NUMBERS.noAnswer],
	['failed', '15551230023'],
])('not answered: %s', async (status, to) => {
	const wf = await deploy(`cw ${status} ${Date.now()}`, {});
	await axios.post(wf.url, { to, message: 'Press 1.' });
	const [item] = outputOf(await lastExecution(wf.id));
	expect(item.json).toMatchObject({ answered: false, acknowledged: false, digits: null, status });
	expect(actionsOf(sim.call(item.json.reference_id))).toEqual([]);
});

test('speak only (Response Type None), with a closing message', async () => {
	const wf = await deploy(`cw none ${Date.now()}`, { responseType: 'none', options: { closingMessage: 'Goodbye.' } });
	await axios.post(wf.url, { to: DEMO_NUMBERS.answers, message: 'The backup finished.' });
	const [item] = outputOf(await lastExecution(wf.id));
	expect(item.json).toMatchObject({ answered: true, acknowledged: true, digits: null, status: 'hangup' });
	const call = sim.call(item.json.reference_id);
	expect(actionsOf(call)).toEqual(['speak', 'speak', 'hangup']);
	expect(call.entries.find((e) => e.type === 'action').params).toEqual({ tts: { message: 'The backup finished.', language: 'en-US' } });
});

test('dial refused: the same clear error as Call → Dial, nothing waits', async () => {
	const wf = await deploy(`cw refused ${Date.now()}`, { callerIdNumber: '15559999999' });
	await axios.post(wf.url, { to: DEMO_NUMBERS.answers, message: 'Press 1.' });
	const execution = await lastExecution(wf.id);
	expect(execution.status).toBe('error');
	expect(execution.data.resultData.error.message).toMatch(/caller_id_number_not_owned|Caller ID/i);
	expect(sim.dialsPlaced()).toHaveLength(0);
});

test('two calls of one execution in parallel: resumes once both ended, one item per input item, in order', async () => {
	const split = {
		id: crypto.randomUUID(),
		name: 'Each Number',
		type: 'n8n-nodes-base.splitOut',
		typeVersion: 1,
		position: [110, 0],
		parameters: { fieldToSplitOut: 'body.calls', options: {} },
	};
	const { workflow, path } = callAndWaitWorkflow(`cw two ${Date.now()}`, { to: '={{ $json.to }}', message: '={{ $json.message }}' });
	workflow.nodes.push(split);
	workflow.connections = {
		'Alert In': { main: [[{ node: 'Each Number', type: 'main', index: 0 }]] },
		'Each Number': { main: [[{ node: 'Call and Wait', type: 'main', index: 0 }]] },
	};
	const created = await n8n.createWorkflow(workflow, { credentials: { telesignVoiceApi: credential } });
	const url = `${n8n.baseUrl}/webhook/${path}`;
	await n8n.waitForWebhook(url);
	sim.configure({ ringMs: 300 });
	await axios.post(url, { calls: [{ to: DEMO_NUMBERS.busy, message: 'A' }, { to: DEMO_NUMBERS.presses1, message: 'B' }, { to: DEMO_NUMBERS.presses9, message: 'C' }] });
	const items = outputOf(await lastExecution(created.id));
	expect(items.map((i) => [i.json.to, i.json.status, i.json.acknowledged, i.pairedItem.item])).toEqual([
		[DEMO_NUMBERS.busy, 'busy', false, 0],
		[DEMO_NUMBERS.presses1, 'hangup', true, 1],
		[DEMO_NUMBERS.presses9, 'hangup', false, 2],
	]);
});

test('two executions waiting at once are each resumed by their own call; the call log sees both call_completed', async () => {
	const wf = await deploy(`cw two executions ${Date.now()}`, {});
	const before = (await n8n.executions(trigger.id, { includeData: false })).length;
	sim.configure({ ringMs: 1500 });
	await Promise.all([
		axios.post(wf.url, { to: DEMO_NUMBERS.presses1, message: 'first' }),
		axios.post(wf.url, { to: DEMO_NUMBERS.presses9, message: 'second' }),
	]);
	const runs = await finishedRuns(wf.id, 2);
	expect(runs.map((r) => r.status)).toEqual(['success', 'success']);
	const byTo = Object.fromEntries(runs.map((r) => [outputOf(r)[0].json.to, outputOf(r)[0].json]));
	expect(byTo[DEMO_NUMBERS.presses1]).toMatchObject({ acknowledged: true, digits: '1' });
	expect(byTo[DEMO_NUMBERS.presses9]).toMatchObject({ acknowledged: false, digits: '9' });
	// Each execution resumed with the call it placed (its own input item).
	for (const run of runs) {
		const input = run.data.resultData.runData['Alert In'][0].data.main[0][0].json.body;
		expect(outputOf(run)[0].json.to).toBe(input.to);
	}
	const logged = await n8n.waitForExecutions(trigger.id, before + 2);
	expect(logged.length).toBeGreaterThanOrEqual(before + 2);
});

function resumeUrlOf(externalId) {
	const marker = relay.parseMarker(externalId);
	return { marker, url: `${n8n.baseUrl}/webhook-waiting/${marker.executionId}/${marker.nodeId}?signature=${marker.signature}` };
}

async function waitForDial(timeoutMs = 10_000) {
	const started = Date.now();
	while (sim.dialsPlaced().length === 0) {
		if (Date.now() - started > timeoutMs) throw new Error('no dial');
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	return sim.dialsPlaced()[0];
}

test('a request to the resume URL that did not pass the trigger never steers the call', async () => {
	const wf = await deploy(`cw forged ${Date.now()}`, {});
	sim.configure({ ringMs: 3000 });
	await axios.post(wf.url, { to: DEMO_NUMBERS.presses9, message: 'Press 1.' });
	const dial = await waitForDial();
	const { url } = resumeUrlOf(dial.external_id);
	const forged = (event, data) => Buffer.from(JSON.stringify({ event, reference_id: dial.reference_id, external_id: dial.external_id, data }));
	const completed = forged('call_completed', { status: 'hangup', duration: 1, answered_on_utc: '2026-01-01T00:00:00.000' });
	const pressed = forged('speak_completed', { status: 'speak_successful', collected_digits: '1' });
	const otherKey = relay.deriveRelayKey(Buffer.from('not the account key').toString('base64'), DEFAULT_ACCOUNT.customerId);
	const attempts = [
		await postEvent(url, completed), // no relay signature at all
		await postEvent(url, completed, { apiKey: DEFAULT_ACCOUNT.apiKey, customerId: DEFAULT_ACCOUNT.customerId }), // Telesign-signed, not relayed
		await postEvent(url, pressed, { headers: relay.signRelay(otherKey, 'event', pressed, Date.now()) }), // relay-signed with another key
		await postEvent(url, pressed, { headers: relay.signRelay(relay.deriveRelayKey(DEFAULT_ACCOUNT.apiKey, DEFAULT_ACCOUNT.customerId), 'event', pressed, Date.now() - 10 * 60_000) }), // too old
	];
	expect(attempts.map((a) => a.status)).toEqual([401, 401, 401, 401]);
	// Unsigned at the trigger: refused by its usual verification.
	expect((await postEvent(trigger.url, completed)).status).toBe(401);
	const waiting = await n8n.executions(wf.id, { includeData: false });
	expect(waiting.map((e) => e.status)).toEqual(['waiting']);
	// The real call goes on and decides the outcome.
	const [item] = outputOf(await lastExecution(wf.id));
	expect(item.json).toMatchObject({ answered: true, acknowledged: false, digits: '9', status: 'hangup' });
});

test('an event of a call whose execution is gone is answered with hangup and starts nothing', async () => {
	const wf = await deploy(`cw gone ${Date.now()}`, {});
	await axios.post(wf.url, { to: DEMO_NUMBERS.presses1, message: 'Press 1.' });
	await lastExecution(wf.id);
	const dial = sim.dialsPlaced()[0];
	const before = (await n8n.executions(trigger.id, { includeData: false })).length;
	const late = { event: 'speak_completed', reference_id: dial.reference_id, external_id: dial.external_id, data: { collected_digits: '1' } };
	const res = await postEvent(trigger.url, late, { apiKey: DEFAULT_ACCOUNT.apiKey, customerId: DEFAULT_ACCOUNT.customerId });
	expect(res.status).toBe(200);
	expect(JSON.parse(res.body)).toEqual({ jsonrpc: '2.0', method: 'hangup', params: {} });
	await new Promise((resolve) => setTimeout(resolve, 1000));
	expect((await n8n.executions(trigger.id, { includeData: false })).length).toBe(before);
});

test('stopping a waiting execution stops following its call: the next event is answered with hangup', async () => {
	const wf = await deploy(`cw stopped ${Date.now()}`, {});
	sim.configure({ ringMs: 4000 });
	await axios.post(wf.url, { to: DEMO_NUMBERS.presses1, message: 'Press 1.' });
	await waitForDial();
	const [waiting] = await n8n.executions(wf.id, { includeData: false });
	expect(waiting.status).toBe('waiting');
	const rest = await n8n.restSession();
	const stopped = await rest.post(`/executions/${waiting.id}/stop`, {});
	expect(stopped.status).toBe(200);
	const call = await sim.waitForCall(sim.dialsPlaced()[0].reference_id, { timeoutMs: 30_000 });
	expect(actionsOf(call)).toEqual(['hangup']);
	const [after] = await n8n.executions(wf.id, { includeData: false });
	expect(after.status).toBe('canceled');
});

test('Telesign never reports back within Limit Wait Time: status "timeout" with what to check', async () => {
	const wf = await deploy(`cw timeout ${Date.now()}`, { options: { limitWaitTime: { values: { limitType: 'afterTimeInterval', resumeAmount: 2, resumeUnit: 'seconds' } } } });
	sim.configure({ webhookUrl: 'http://127.0.0.1:9/nowhere' });
	await axios.post(wf.url, { to: DEMO_NUMBERS.presses1, message: 'Press 1.', user: 'x' });
	const execution = await lastExecution(wf.id, { timeoutMs: 150_000 });
	expect(execution.status).toBe('success');
	const [item] = outputOf(execution);
	expect(item.json).toMatchObject({ answered: false, acknowledged: false, digits: null, status: 'timeout', to: DEMO_NUMBERS.presses1 });
	expect(item.json.message).toMatch(/Telesign Voice Trigger is active/);
	expect(item.json.reference_id).toEqual(expect.any(String));
}, 180_000);

test('n8n restarted while a call waits (before it rings, and while the message is spoken): resumed by the new process', async () => {
	// A second n8n of its own (port + 2), so the restart does not disturb the shared one.
	process.env.E2E_SKIP_BUILD = '1'; // the global setup built dist already
	const own = new N8nServer({ port: Number(process.env.E2E_N8N_PORT || 5688) + 2 });
	const ownSim = new TelesignSimulator({ ownedNumbers: [DEMO_NUMBERS.callerId], callees: DEMO_NUMBERS.callees, ringMs: 25_000, webhookTimeoutMs: 20_000 });
	await ownSim.start();
	try {
		await own.start();
		const shared = { n8n, credential };
		n8n = own;
		try {
			credential = await own.createCredential('Telesign (restart)', 'telesignVoiceApi', {
				customerId: DEFAULT_ACCOUNT.customerId,
				apiKey: DEFAULT_ACCOUNT.apiKey,
				authMethod: 'basic',
				baseUrl: ownSim.url,
			});
			const node = telesignTrigger('Telesign Events', { events: ['call_completed'], respond: 'immediately' });
			await own.createWorkflow({ name: 'Telesign events (restart)', nodes: [node], connections: {} }, { credentials: { telesignVoiceApi: credential } });
			const triggerUrl = own.webhookUrl(node);
			await own.waitForWebhook(triggerUrl);
			ownSim.configure({ webhookUrl: triggerUrl });
			const wf = await deploy('cw restart', {});
			await axios.post(wf.url, { to: DEMO_NUMBERS.presses1, message: 'Press 1.' });
			const started = Date.now();
			while ((await own.executions(wf.id, { includeData: false })).every((e) => e.status !== 'waiting')) {
				if (Date.now() - started > 15_000) throw new Error('execution never waited');
				await new Promise((resolve) => setTimeout(resolve, 200));
			}
			const pidBefore = own.child.pid;
			await own.stop();
			await own.start();
			expect(own.child.pid).not.toBe(pidBefore);
			await own.waitForWebhook(triggerUrl);
			// The callee answers only now (25 s after the dial): every event reaches the restarted n8n.
			const execution = await lastExecution(wf.id, { timeoutMs: 90_000 });
			expect(execution.status).toBe('success');
			expect(outputOf(execution)[0].json).toMatchObject({ answered: true, acknowledged: true, digits: '1', status: 'hangup' });

			// Restarted in the middle of a call: the message is being spoken (25 s) when n8n goes down. The steps
			// before the restart were in the old process's memory; the key pressed after it still counts.
			ownSim.reset();
			ownSim.configure({ webhookUrl: triggerUrl, ringMs: 0, mediaMs: 25_000 });
			await axios.post(wf.url, { to: DEMO_NUMBERS.presses1, message: 'Press 1.' });
			const speaking = Date.now();
			while (!ownSim.calls()[0]?.entries.some((e) => e.type === 'action' && e.method === 'speak')) {
				if (Date.now() - speaking > 15_000) throw new Error('the message was never spoken');
				await new Promise((resolve) => setTimeout(resolve, 100));
			}
			await own.stop();
			await own.start();
			await own.waitForWebhook(triggerUrl);
			const runs = await finishedRuns(wf.id, 2, 90_000);
			expect(runs[0].status).toBe('success');
			const item = outputOf(runs[0])[0].json;
			expect(item).toMatchObject({ answered: true, acknowledged: true, digits: '1', status: 'hangup' });
			expect(item.events.map((e) => e.event)).toEqual(['speak_completed', 'call_completed']);
			expect(actionsOf(ownSim.calls()[0])).toEqual(['speak', 'hangup']);
		} finally {
			n8n = shared.n8n;
			credential = shared.credential;
		}
	} finally {
		await own.stop();
		await ownSim.stop();
	}
}, 300_000);

describe('examples/on-call-escalation.json (imported as a user would)', () => {
	let ex;
	beforeAll(async () => {
		ex = await importExamples(n8n, { simulatorUrl: sim.url, account: DEFAULT_ACCOUNT, which: ['escalation'], reuse: false });
	});
	afterAll(async () => {
		for (const w of ex?.workflows || []) await n8n.deactivate(w.id).catch(() => undefined);
	});
	beforeEach(() => sim.configure({ webhookUrl: ex.escalationWebhookUrl }));

	/**
	 * The n-th (0-based) finished run that placed a call (the trigger's call log runs, and alerts answered 400,
	 * are others).
	 */
	async function escalationRun(workflowId, n) {
		const started = Date.now();
		for (;;) {
			const runs = (await n8n.executions(workflowId))
				.filter((e) => ['success', 'error'].includes(e.status) && e.data.resultData.runData['Call On-Call'])
				.sort((a, b) => Number(a.id) - Number(b.id));
			if (runs.length > n) {
				expect([runs[n].status, runs[n].data.resultData.error?.message]).toEqual(['success', undefined]);
				return runs[n];
			}
			if (Date.now() - started > 60_000) throw new Error(`escalation run ${n} not finished`);
			await new Promise((resolve) => setTimeout(resolve, 300));
		}
	}

	test('the first on-call engineer presses 9, the second presses 1: escalated and acknowledged by the second', async () => {
		const { id } = ex.workflows[0];
		// The caller is answered before the calls are made (the execution then waits for them): 202, whom it calls.
		sim.configure({ ringMs: 3000 });
		const accepted = await axios.post(ex.escalationUrl, { message: 'Checkout is down.', oncall: [DEMO_NUMBERS.presses9, DEMO_NUMBERS.presses1] }, { timeout: 60_000 });
		expect(accepted.status).toBe(202);
		expect(accepted.data).toEqual({ status: 'calling', first: DEMO_NUMBERS.presses9, next_if_not_acknowledged: DEMO_NUMBERS.presses1 });
		expect(sim.calls().every((c) => !c.entries.some((e) => e.type === 'event'))).toBe(true); // nobody has answered yet
		const execution = await escalationRun(id, 0);
		expect(outputOf(execution, 'Escalation Result')[0].json).toMatchObject({ acknowledged: true, acknowledged_by: DEMO_NUMBERS.presses1, status: 'hangup' });
		expect(sim.dialsPlaced().map((d) => d.to)).toEqual([DEMO_NUMBERS.presses9, DEMO_NUMBERS.presses1]);
		const speak = sim.calls()[0].entries.find((e) => e.type === 'action' && e.method === 'speak');
		expect(speak.params.tts.message).toBe('Checkout is down. Press 1 to acknowledge.');
	});

	test('the first engineer acknowledges: nobody else is called', async () => {
		const { id } = ex.workflows[0];
		const accepted = await axios.post(ex.escalationUrl, { message: 'Disk full.', oncall: [DEMO_NUMBERS.presses1, `+1 (555) 123-0012`] });
		expect(accepted.status).toBe(202);
		const execution = await escalationRun(id, 1);
		expect(outputOf(execution, 'Escalation Result')[0].json).toMatchObject({ acknowledged: true, acknowledged_by: DEMO_NUMBERS.presses1 });
		expect(sim.dialsPlaced().map((d) => d.to)).toEqual([DEMO_NUMBERS.presses1]);
	});

	test('a missing message or a bad on-call number → 400 naming the input field and what is allowed, nobody called', async () => {
		const { id } = ex.workflows[0];
		const since = await newExecutions(n8n, id);
		const post = (body) => axios.post(ex.escalationUrl, body, { validateStatus: () => true, timeout: 60_000 });
		const good = [DEMO_NUMBERS.presses1, DEMO_NUMBERS.presses2];
		const cases = [
			[{ oncall: good }, 'message', /^message: give the text to speak to the on-call engineer/],
			[{ message: '   ', oncall: good }, 'message', /^message: give the text to speak/],
			[{ message: 'Disk full.' }, 'oncall', /^oncall: give a list of two phone numbers, the first on-call engineer and the one to call if the first does not acknowledge/],
			[{ message: 'Disk full.', oncall: DEMO_NUMBERS.presses1 }, 'oncall', /^oncall: give a list of two phone numbers/],
			[{ message: 'Disk full.', oncall: [DEMO_NUMBERS.presses1] }, 'oncall', /^oncall: give a list of two phone numbers/],
			[{ message: 'Disk full.', oncall: [DEMO_NUMBERS.presses1, '555-CALL-NOW'] }, 'oncall', /^oncall: "555-CALL-NOW" is not a phone number: use the full international number with country code, 7 to 15 digits/],
		];
		const answers = [];
		for (const [body, field, error] of cases) {
			const res = await post(body);
			answers.push(res.data);
			expect([res.status, res.data]).toEqual([400, { field, error: expect.stringMatching(error) }]);
		}
		expect(sim.dialsPlaced()).toHaveLength(0);
		// What the user sees in the executions: each run answered by Reject Alert with the text of Check Alert.
		const runs = await since.waitFor(cases.length);
		expect(runs.map((r) => r.status)).toEqual(cases.map(() => 'success'));
		runs.forEach((run, i) => {
			expect(nodesRun(run)).toEqual(expect.arrayContaining(['Check Alert', 'Reject Alert']));
			expect(nodesRun(run)).not.toContain('Call On-Call');
			expect(output(run, 'Check Alert').problem).toBe(answers[i].error);
		});
	});
});

test('the real n8n offers the node as a Human-in-the-loop tool for its AI Agent (…telesignVoiceHitlTool)', async () => {
	const rest = await n8n.restSession();
	const listed = await rest.get('/../types/nodes.json');
	expect(listed.status).toBe(200);
	const hitl = listed.data.find((type) => type.name === 'n8n-nodes-telesign-voice.telesignVoiceHitlTool');
	expect(hitl).toBeDefined();
	// What n8n's createHitlTools made of it: resource/operation hidden and fixed, responseType forced to approval,
	// approvalOptions kept, message filled by the tool call, an ai_tool output for the Agent.
	const byName = (name) => hitl.properties.filter((p) => p.name === name);
	// (one Operation field per resource in this node: each becomes the same hidden "sendAndWait")
	expect(byName('operation').length).toBeGreaterThan(0);
	for (const operation of byName('operation')) expect(operation).toMatchObject({ type: 'hidden', default: 'sendAndWait' });
	expect(byName('resource')).toEqual([expect.objectContaining({ type: 'hidden', default: 'call' })]);
	expect(byName('responseType')).toEqual([expect.objectContaining({ type: 'hidden', default: 'approval' })]);
	expect(byName('approvalOptions')).toHaveLength(1);
	expect(byName('message')).toEqual([expect.objectContaining({ default: expect.stringContaining('$tool') })]);
	expect(byName('to').length).toBeGreaterThan(0);
	expect(JSON.stringify(hitl.outputs)).toMatch(/ai_tool/);
});

describe('n8n\'s AI Agent asks for approval by phone (the generated Human-in-the-loop tool, driven end to end)', () => {
	const http = require('http');
	let fakeModel;
	const seen = [];

	/** A scripted OpenAI-compatible chat model: first a call of the gated tool, then a final answer. */
	beforeAll(async () => {
		fakeModel = http.createServer((req, res) => {
			let raw = '';
			req.on('data', (chunk) => (raw += chunk));
			req.on('end', () => {
				const body = raw ? JSON.parse(raw) : {};
				seen.push({ url: req.url, body });
				const answered = (body.messages || []).some((m) => m.role === 'tool');
				const tool = body.tools?.[0]?.function;
				const args = tool?.parameters?.properties?.toolParameters ? { toolParameters: { input: '6*7' } } : { input: '6*7' };
				const message = answered
					? { role: 'assistant', content: `Done: ${body.messages.filter((m) => m.role === 'tool').map((m) => m.content).join(' | ')}` }
					: { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: tool?.name, arguments: JSON.stringify(args) } }] };
				res.setHeader('content-type', 'application/json');
				res.end(JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, message, finish_reason: answered ? 'stop' : 'tool_calls' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }));
			});
		});
		await new Promise((resolve) => fakeModel.listen(0, '127.0.0.1', resolve));
	});
	afterAll(async () => fakeModel && (await new Promise((resolve) => fakeModel.close(resolve))));

	async function runAgent(approver) {
		const openAi = await n8n.createCredential(`fake model ${Date.now()}`, 'openAiApi', { apiKey: 'sk-test', url: `http://127.0.0.1:${fakeModel.address().port}/v1` });
		const path = `hitl-${crypto.randomUUID()}`;
		const node = (name, type, typeVersion, parameters, extra = {}) => ({ id: crypto.randomUUID(), name, type, typeVersion, position: [0, 0], parameters, ...extra });
		const workflow = {
			name: `hitl ${Date.now()}`,
			nodes: [
				node('Ask', 'n8n-nodes-base.webhook', 2, { httpMethod: 'POST', path, responseMode: 'onReceived' }, { webhookId: crypto.randomUUID() }),
				node('Agent', '@n8n/n8n-nodes-langchain.agent', 3.1, { promptType: 'define', text: '={{ $json.body.question }}', options: {} }),
				node('Model', '@n8n/n8n-nodes-langchain.lmChatOpenAi', 1.2, { model: { __rl: true, mode: 'id', value: 'gpt-4o-mini' }, options: {} }, { credentials: { openAiApi: openAi } }),
				node('Calculator', '@n8n/n8n-nodes-langchain.toolCalculator', 1, {}),
				node('Approve by Phone', 'n8n-nodes-telesign-voice.telesignVoiceHitlTool', 1, { to: approver, callerIdNumber: DEMO_NUMBERS.callerId, approvalOptions: { values: { approvalType: 'double' } } }, { credentials: { telesignVoiceApi: credential } }),
			],
			connections: {
				Ask: { main: [[{ node: 'Agent', type: 'main', index: 0 }]] },
				Model: { ai_languageModel: [[{ node: 'Agent', type: 'ai_languageModel', index: 0 }]] },
				Calculator: { ai_tool: [[{ node: 'Approve by Phone', type: 'ai_tool', index: 0 }]] },
				'Approve by Phone': { ai_tool: [[{ node: 'Agent', type: 'ai_tool', index: 0 }]] },
			},
		};
		const created = await n8n.createWorkflow(workflow, { credentials: { telesignVoiceApi: credential, openAiApi: openAi } });
		const url = `${n8n.baseUrl}/webhook/${path}`;
		await n8n.waitForWebhook(url);
		await axios.post(url, { question: 'What is 6 times 7? Use the calculator.' });
		const execution = await lastExecution(created.id, { timeoutMs: 90_000 });
		expect(execution.status).toBe('success');
		return execution;
	}

	test('the agent wants to run a tool; the approver presses 1: the call is made, the tool runs, the agent answers', async () => {
		seen.length = 0;
		const execution = await runAgent(DEMO_NUMBERS.presses1);
		const [call] = sim.calls();
		expect(call.to).toBe(DEMO_NUMBERS.presses1);
		expect(actionsOf(call)).toEqual(['speak', 'hangup']);
		expect(call.entries.find((e) => e.method === 'speak').params.tts.message).toMatch(/wants to run this tool/);
		// What processHitlResponses reads: `approved` on the HITL node's ai_tool output.
		const hitlRuns = execution.data.resultData.runData['Approve by Phone'];
		expect(hitlRuns[hitlRuns.length - 1].data.ai_tool[0][0].json).toMatchObject({ answered: true, approved: true, digits: '1', status: 'hangup' });
		expect(Object.keys(execution.data.resultData.runData)).toEqual(expect.arrayContaining(['Approve by Phone', 'Calculator']));
		expect(outputOf(execution, 'Agent')[0].json.output).toBe('Done: [{"response":"42"}]'); // the Calculator's result
		expect(seen.filter((s) => s.url.endsWith('/chat/completions'))).toHaveLength(2);
	});

	test('the approver presses 2: the tool does not run, the agent is told it was declined', async () => {
		seen.length = 0;
		const execution = await runAgent(DEMO_NUMBERS.presses2);
		expect(sim.calls().map((c) => c.to)).toEqual([DEMO_NUMBERS.presses2]);
		expect(Object.keys(execution.data.resultData.runData)).not.toContain('Calculator');
		expect(outputOf(execution, 'Agent')[0].json.output).toMatch(/^Done: .*rejected the tool call/);
	});
});
