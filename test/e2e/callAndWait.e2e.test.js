'use strict';
/**
 * Call → Call and Wait for Response in a real n8n with the packed package, against the Telesign Voice simulator:
 * the execution waits (n8n's waiting state), the call events reach it through the Telesign Voice Trigger's
 * relay, and it resumes with one outcome item per call.
 */
const crypto = require('crypto');
const axios = require('axios');
const { connectN8n } = require('./harness/context');
const { DEMO_NUMBERS } = require('./harness/examples');
const { telesignTrigger, ACTION_TYPE } = require('./harness/workflows');
const { TelesignSimulator, DEFAULT_ACCOUNT } = require('../simulator');

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
