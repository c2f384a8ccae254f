'use strict';
/**
 * The call flows of Telesign's "Make an outbound call" guide (A, B, C), failures (D), an inbound IVR (E),
 * Digest-signed dialing (F), forged events (G) and a 429 burst during a batch dial (H), run inside a real n8n
 * with the packed package, against the local Telesign Voice simulator. Each asserts on the simulator's call
 * log and on n8n's executions.
 */
const crypto = require('crypto');
const axios = require('axios');
const { connectN8n } = require('./harness/context');
const { importExamples, DEMO_NUMBERS, CALL_LOG_TABLE } = require('./harness/examples');
const {
	cloneWorkflow,
	telesignTrigger,
	respondNode,
	newExecutions,
	nodesRun,
	output,
} = require('./harness/workflows');
const { TelesignSimulator, DEFAULT_ACCOUNT, postEvent } = require('../simulator');

let n8n;
let sim;
let ex;
let outbound;
let ivr;
let callLog;

/** Methods of the actions the simulator received, in order. */
function actionsOf(call) {
	return call.entries.filter((e) => e.type === 'action').map((e) => e.method);
}
function eventsOf(call) {
	return call.entries.filter((e) => e.type === 'event').map((e) => e.event);
}

async function sendAlert(numbers, message, url = ex.dialAlertUrl) {
	const res = await axios.post(
		url,
		{ numbers, message },
		{ validateStatus: () => true, timeout: 120_000 },
	);
	expect(res.status).toBe(200);
	return Array.isArray(res.data) ? res.data : [res.data];
}

beforeAll(async () => {
	n8n = connectN8n();
	sim = new TelesignSimulator({
		ownedNumbers: [DEMO_NUMBERS.callerId],
		callees: DEMO_NUMBERS.callees,
		webhookTimeoutMs: 20_000,
	});
	await sim.start();
	ex = await importExamples(n8n, { simulatorUrl: sim.url, account: DEFAULT_ACCOUNT, reuse: false });
	[outbound, ivr, callLog] = ['advancedDial', 'ivr', 'callLog'].map((key) =>
		ex.workflows.find((w) => w.key === key),
	);
});

afterAll(async () => {
	await sim.stop();
	for (const w of ex?.workflows || []) await n8n.deactivate(w.id).catch(() => undefined);
});

beforeEach(() => {
	sim.reset();
	sim.configure({
		webhookUrl: outbound.webhookUrl,
		inboundWebhookUrl: ivr.webhookUrl,
		rateLimit: null,
		mediaMs: 0,
	});
});

test('A) outbound alert: dial → answered → speak the alert → speak_completed → hangup → call_completed', async () => {
	// The message takes 1 s to speak, so the call lasts at least a second: its duration is no default 0.
	sim.configure({ mediaMs: 1000 });
	const since = await newExecutions(n8n, outbound.id);
	const message = 'Disk space on db-1 is below 5 percent.';
	const [dial] = await sendAlert([DEMO_NUMBERS.answers], message);
	expect(dial).toMatchObject({
		status: 'dial_accepted',
		to: DEMO_NUMBERS.answers,
		caller_id_number: DEMO_NUMBERS.callerId,
		external_id: message,
	});
	expect(dial.reference_id).toEqual(expect.any(String));

	const call = await sim.waitForCall(dial.reference_id, { timeoutMs: 60_000 });
	expect(eventsOf(call)).toEqual(['dial_completed', 'speak_completed', 'call_completed']);
	expect(actionsOf(call)).toEqual(['speak', 'hangup']);
	const speak = call.entries.find((e) => e.type === 'action' && e.method === 'speak');
	expect(speak.params.tts).toEqual({ message, language: 'en-US' });
	expect(call.status).toBe('hangup');
	// The duration the simulator reported in call_completed (whole seconds from answer to end).
	const completed = call.entries.find((e) => e.type === 'event' && e.event === 'call_completed');
	expect(completed.body.data.duration).toBe(call.duration);
	expect(Number.isInteger(call.duration) && call.duration >= 1).toBe(true);

	// n8n: the alert run + one run per event, all successful, each through the expected branch.
	const runs = await since.waitFor(4);
	expect(runs.map((r) => r.status)).toEqual(['success', 'success', 'success', 'success']);
	const byEvent = Object.fromEntries(
		runs.slice(1).map((r) => [output(r, 'Telesign Events').event, r]),
	);
	expect(nodesRun(byEvent.dial_completed)).toContain('Speak the Alert');
	expect(output(byEvent.dial_completed, 'Speak the Alert')).toEqual(
		speak.params && { jsonrpc: '2.0', method: 'speak', params: speak.params },
	);
	expect(nodesRun(byEvent.speak_completed)).toContain('Hang Up');
	expect(nodesRun(byEvent.call_completed)).toContain('Call Finished');
	// The call log row carries the simulator's duration through the trigger.
	expect(output(byEvent.call_completed, 'Call Finished')).toMatchObject({
		reference_id: dial.reference_id,
		status: 'hangup',
		duration: call.duration,
	});
});

test('A2) outbound alert: a bad number or a message that does not fit → 400 naming the field and what is allowed, nothing dialed', async () => {
	const since = await newExecutions(n8n, outbound.id);
	const dials = () => sim.requests().filter((r) => r.path === '/v2/voice').length;
	const dialsBefore = dials();
	const post = (body) =>
		axios.post(ex.dialAlertUrl, body, { validateStatus: () => true, timeout: 60_000 });

	const badNumber = await post({ numbers: ['555-CALL-NOW'], message: 'Disk full' });
	expect(badNumber.status).toBe(400);
	expect(badNumber.data).toEqual({
		field: 'numbers',
		error: expect.stringMatching(
			/^numbers: "555-CALL-NOW" is not a phone number: use the full international number with country code, 7 to 15 digits/,
		),
	});
	const oneBadOfTwo = await post({
		numbers: [DEMO_NUMBERS.answers, '0555 1234'],
		message: 'Disk full',
	});
	expect(oneBadOfTwo.status).toBe(400);
	expect(oneBadOfTwo.data.error).toMatch(/^numbers: "0555 1234" is not a phone number/);
	const notAList = await post({ numbers: DEMO_NUMBERS.answers, message: 'Disk full' });
	expect(notAList.status).toBe(400);
	expect(notAList.data).toEqual({
		field: 'numbers',
		error: expect.stringMatching(/^numbers: give a non-empty list of phone numbers/),
	});
	const tooLong = await post({ numbers: [DEMO_NUMBERS.answers], message: 'x'.repeat(194) });
	expect(tooLong.status).toBe(400);
	expect(tooLong.data).toEqual({
		field: 'message',
		error:
			'message: it is 194 characters long; at most 128 are allowed (it travels with each call as its External ID)',
	});
	expect(dials()).toBe(dialsBefore);

	// What the user sees in the executions: each run answered by Reject Alert with the text of Check Alert.
	const runs = await since.waitFor(4);
	expect(runs.map((r) => r.status)).toEqual(['success', 'success', 'success', 'success']);
	for (const run of runs) {
		expect(nodesRun(run)).toContain('Reject Alert');
		expect(nodesRun(run)).not.toContain('Place Call');
	}
	expect(output(runs[0], 'Check Alert').problem).toBe(badNumber.data.error);
});

test('A3) a Respond operation with no Telesign Voice Trigger upstream succeeds but warns on the node (execution hint)', async () => {
	const path = `no-trigger-${Date.now()}`;
	const fixture = await n8n.createWorkflow({
		name: 'E2E Speak without a trigger',
		nodes: [
			{
				id: crypto.randomUUID(),
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: crypto.randomUUID(),
				parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', options: {} },
			},
			respondNode('Speak', 'speak', { message: 'Nobody hears this' }),
		],
		connections: { Webhook: { main: [[{ node: 'Speak', type: 'main', index: 0 }]] } },
	});
	try {
		const url = `${n8n.baseUrl}/webhook/${path}`;
		await n8n.waitForWebhook(url);
		const since = await newExecutions(n8n, fixture.id);
		const res = await axios.post(url, {}, { validateStatus: () => true, timeout: 60_000 });
		expect(res.status).toBe(200);
		const [run] = await since.waitFor(1);
		expect(run.status).toBe('success');
		const hints = run.data.resultData.runData.Speak[0].hints;
		expect(hints).toEqual([
			expect.objectContaining({
				type: 'warning',
				message: expect.stringMatching(/^Nothing was sent to any call/),
			}),
		]);
		expect(hints[0].message).toContain('Call → Dial');
	} finally {
		await n8n.deactivate(fixture.id);
	}
});

test('B) dial → answered → hangup at once', async () => {
	const fixture = await n8n.createWorkflow(
		{
			name: 'E2E answer and hang up',
			nodes: [
				telesignTrigger('Telesign Events', { events: ['dial_completed', 'call_completed'] }),
				respondNode('Hang Up', 'hangup'),
			],
			connections: { 'Telesign Events': { main: [[{ node: 'Hang Up', type: 'main', index: 0 }]] } },
		},
		{ credentials: { telesignVoiceApi: ex.credential } },
	);
	try {
		const url = n8n.webhookUrl(fixture.nodes[0]);
		await n8n.waitForWebhook(url);
		sim.configure({ webhookUrl: url });
		const since = await newExecutions(n8n, fixture.id);
		const [dial] = await sendAlert([DEMO_NUMBERS.answers], 'unused');
		const call = await sim.waitForCall(dial.reference_id, { timeoutMs: 60_000 });
		expect(eventsOf(call)).toEqual(['dial_completed', 'call_completed']);
		expect(actionsOf(call)).toEqual(['hangup']);
		expect(call.status).toBe('hangup');
		const runs = await since.waitFor(2);
		expect(runs.every((r) => r.status === 'success')).toBe(true);
	} finally {
		await n8n.deactivate(fixture.id);
	}
});

test('C) callee hangs up during the message → call_completed, no error', async () => {
	const since = await newExecutions(n8n, outbound.id);
	const [dial] = await sendAlert([DEMO_NUMBERS.hangsUp], 'You will not hear all of this.');
	const call = await sim.waitForCall(dial.reference_id, { timeoutMs: 60_000 });
	expect(eventsOf(call)).toEqual(['dial_completed', 'call_completed']);
	expect(actionsOf(call)).toEqual(['speak']);
	const runs = await since.waitFor(3);
	expect(runs.map((r) => r.status)).toEqual(['success', 'success', 'success']);
	expect(nodesRun(runs[2])).toContain('Call Finished');
});

test.each([
	['busy', DEMO_NUMBERS.busy],
	['no_answer', DEMO_NUMBERS.noAnswer],
])('D) %s → the workflow’s failure branch runs', async (status, number) => {
	const since = await newExecutions(n8n, outbound.id);
	const [dial] = await sendAlert([number], 'Nobody will hear this.');
	const call = await sim.waitForCall(dial.reference_id, { timeoutMs: 60_000 });
	expect(eventsOf(call)).toEqual(['dial_completed', 'call_completed']);
	expect(call.entries.find((e) => e.type === 'event').body.data.status).toBe(status);
	const runs = await since.waitFor(3);
	const failed = runs.find((r) => output(r, 'Telesign Events')?.event === 'dial_completed');
	expect(nodesRun(failed)).toContain('Call Not Answered');
	expect(nodesRun(failed)).not.toContain('Speak the Alert');
	expect(output(failed, 'Call Not Answered')).toMatchObject({
		to: number,
		status,
		alert: 'Nobody will hear this.',
	});
});

describe('E) inbound IVR answered through the respond-node mode', () => {
	test.each([
		[
			'1',
			DEMO_NUMBERS.presses1,
			['speak', 'dial', 'hangup'],
			['incoming_call', 'speak_completed', 'call_leg_completed', 'call_completed'],
		],
		[
			'2',
			DEMO_NUMBERS.presses2,
			['speak', 'play', 'hangup'],
			['incoming_call', 'speak_completed', 'play_completed', 'call_completed'],
		],
		[
			'9',
			DEMO_NUMBERS.presses9,
			['speak', 'hangup'],
			['incoming_call', 'speak_completed', 'call_completed'],
		],
	])('digit %s', async (digit, caller, actions, events) => {
		const since = await newExecutions(n8n, ivr.id);
		const ref = sim.startInboundCall({ from: caller, to: DEMO_NUMBERS.callerId });
		const call = await sim.waitForCall(ref, { timeoutMs: 60_000 });
		expect(actionsOf(call)).toEqual(actions);
		expect(eventsOf(call)).toEqual(events);
		const menu = call.entries.find((e) => e.type === 'action' && e.method === 'speak');
		expect(menu.params.collect_digits).toEqual({ max: 1 });
		if (digit === '1') {
			const bridge = call.entries.find((e) => e.type === 'action' && e.method === 'dial');
			expect(bridge.params).toMatchObject({
				to: DEMO_NUMBERS.sales,
				caller_id_number: DEMO_NUMBERS.callerId,
			});
		}
		// The IVR's trigger does not listen to call_completed: that event is acknowledged and starts nothing.
		const runs = await since.waitFor(events.length - 1);
		expect(runs.every((r) => r.status === 'success')).toBe(true);
		expect(runs.map((r) => output(r, 'Telesign Events').event)).toEqual(
			events.filter((e) => e !== 'call_completed'),
		);
		const completed = call.entries.find((e) => e.type === 'event' && e.event === 'call_completed');
		expect(completed.webhookStatus).toBe(200);
		// The workflow went on after answering: it logged the caller's choice.
		const choiceRun = runs.find((r) => output(r, 'Telesign Events')?.event === 'speak_completed');
		expect(output(choiceRun, 'Log the Choice')).toMatchObject({ reference_id: ref, choice: digit });
	});
});

test('F) Digest (TSA-signed) dialing works as well as Basic', async () => {
	const digestCredential = await n8n.createCredential(
		'Telesign Voice (simulator, Digest)',
		'telesignVoiceApi',
		{
			...DEFAULT_ACCOUNT,
			authMethod: 'digest',
			baseUrl: sim.url,
		},
	);
	const clone = cloneWorkflow(outbound.workflow, 'digest');
	const created = await n8n.createWorkflow(clone, {
		credentials: { telesignVoiceApi: digestCredential },
	});
	try {
		const alertUrl = `${n8n.baseUrl}/webhook/${clone.nodes.find((n) => n.type === 'n8n-nodes-base.webhook').parameters.path}`;
		await n8n.waitForWebhook(alertUrl);
		const triggerUrl = n8n.webhookUrl(clone.nodes.find((n) => n.name === 'Telesign Events'));
		await n8n.waitForWebhook(triggerUrl);
		sim.configure({ webhookUrl: triggerUrl });
		const [basicDial] = await sendAlert([DEMO_NUMBERS.answers], 'Basic auth call');
		const [digestDial] = await sendAlert([DEMO_NUMBERS.answers], 'Digest auth call', alertUrl);
		await sim.waitForCall(basicDial.reference_id, { timeoutMs: 60_000 });
		const call = await sim.waitForCall(digestDial.reference_id, { timeoutMs: 60_000 });
		expect(actionsOf(call)).toEqual(['speak', 'hangup']);
		const dials = sim.requests().filter((r) => r.path === '/v2/voice' && r.status === 202);
		expect(dials.map((r) => r.authMethod).sort()).toEqual(['basic', 'tsa']);
		expect(dials.find((r) => r.authMethod === 'tsa').body).toMatchObject({
			params: { external_id: 'Digest auth call' },
		});
	} finally {
		await n8n.deactivate(created.id);
	}
});

test('G) a forged event gets 401 and starts no execution', async () => {
	const since = await newExecutions(n8n, outbound.id);
	const body = JSON.stringify({
		event: 'dial_completed',
		reference_id: 'FORGED',
		external_id: 'Forged alert',
		data: { status: 'answered', to: DEMO_NUMBERS.answers, from: DEMO_NUMBERS.callerId },
	});
	const wrongKey = Buffer.from('not-the-telesign-key').toString('base64');
	const forged = await postEvent(outbound.webhookUrl, body, {
		apiKey: wrongKey,
		customerId: DEFAULT_ACCOUNT.customerId,
	});
	expect(forged.status).toBe(401);
	expect(String(forged.body)).not.toMatch(/speak|method/);
	const unsigned = await postEvent(outbound.webhookUrl, body);
	expect(unsigned.status).toBe(401);
	// A genuine event is still served afterwards, and only it starts an execution.
	const genuine = await postEvent(outbound.webhookUrl, body.replace('FORGED', 'GENUINE'), {
		apiKey: DEFAULT_ACCOUNT.apiKey,
		customerId: DEFAULT_ACCOUNT.customerId,
	});
	expect(genuine.status).toBe(200);
	const runs = await since.waitFor(1);
	expect(runs).toHaveLength(1);
	expect(runs[0].status).toBe('success');
	expect(output(runs[0], 'Telesign Events').reference_id).toBe('GENUINE');
	expect(output(runs[0], 'Speak the Alert')).toMatchObject({
		method: 'speak',
		params: { tts: { message: 'Forged alert' } },
	});
	expect(await since.count()).toBe(1);
});

test('H) a 429 burst during a batch dial of 50 numbers: every number called exactly once', async () => {
	sim.configure({
		rateLimit: { maxPerWindow: 15, windowMs: 1000, retryAfter: 1 },
		webhookUrl: callLog.webhookUrl,
	});
	const numbers = Array.from({ length: 50 }, (_, i) => `1555888${String(i).padStart(4, '0')}`);
	const results = await sendAlert(numbers, 'Batch alert');
	expect(results).toHaveLength(50);
	expect(results.map((r) => r.to)).toEqual(numbers); // output order = input order
	expect(results.every((r) => r.status === 'dial_accepted')).toBe(true);
	const limited = sim.requests().filter((r) => r.status === 429);
	expect(limited.length).toBeGreaterThan(0);
	const counts = sim.dialCounts('to');
	for (const number of numbers) expect(counts[number]).toBe(1);
	expect(sim.duplicateDials({ by: 'to' })).toEqual([]);

	// Their call_completed events land in the call log (the Data Table example).
	await sim.waitForCalls(50, { timeoutMs: 90_000 });
	const rows = await waitForRows(50);
	expect(new Set(rows.map((r) => r.to))).toEqual(new Set(numbers));
});

async function waitForRows(count, timeoutMs = 60_000) {
	const started = Date.now();
	for (;;) {
		const rows = (await n8n.dataTableRows(ex.table.id)).filter(
			(r) => r.external_id === 'Batch alert',
		);
		if (rows.length >= count || Date.now() - started > timeoutMs) return rows;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

test('call log example: call_completed becomes a Data Table row', async () => {
	sim.configure({ webhookUrl: callLog.webhookUrl });
	const [dial] = await sendAlert([DEMO_NUMBERS.answers], 'Logged call');
	const call = await sim.waitForCall(dial.reference_id, { timeoutMs: 60_000 });
	// The call-log workflow only listens to call_completed: dial_completed is acknowledged with no action,
	// so the simulated platform hangs up.
	expect(eventsOf(call)).toEqual(['dial_completed', 'call_completed']);
	const started = Date.now();
	let row;
	while (!row && Date.now() - started < 30_000) {
		row = (await n8n.dataTableRows(ex.table.id)).find((r) => r.reference_id === dial.reference_id);
		if (!row) await new Promise((resolve) => setTimeout(resolve, 300));
	}
	expect(row).toMatchObject({
		reference_id: dial.reference_id,
		external_id: 'Logged call',
		direction: 'outbound',
		to: DEMO_NUMBERS.answers,
		from: DEMO_NUMBERS.callerId,
		status: 'hangup',
		duration: call.duration,
	});
	expect(CALL_LOG_TABLE).toBe(ex.table.name);
});
