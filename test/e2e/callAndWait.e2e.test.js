'use strict';
/**
 * Call → Call and Wait for Response in a real n8n with the packed package, against the Telesign Voice simulator:
 * the execution waits (n8n's waiting state), the call events reach it through the Telesign Voice Trigger's
 * relay, and it resumes with one outcome item per call. This file: the outcomes a call can have, and several
 * calls at once (callAndWait.lifecycle: what else can happen to a waiting execution; callAndWait.escalation and
 * callAndWait.agent: the example workflow and n8n's AI Agent).
 */
const crypto = require('crypto');
const axios = require('axios');
const { callAndWaitSuite, actionsOf, outputOf } = require('./harness/callAndWait');
const { DEMO_NUMBERS } = require('./harness/examples');

const cw = callAndWaitSuite({
	callees: {
		15551230021: { digits: ['', ''] }, // answers, presses nothing (twice)
		15551230022: { digits: ['', '1'] }, // presses 1 on the repeat
		15551230023: { answer: 'failed' },
		15551230024: { digits: ['1'], talkMs: 0 },
	},
});

test('answered + key 1: speak with collect_digits → hangup; resumes with acknowledged', async () => {
	const wf = await cw.deploy(`cw key 1 ${Date.now()}`, {
		responseType: 'keyPress',
		acknowledgeKey: '1',
	});
	const res = await axios.post(wf.url, {
		to: DEMO_NUMBERS.presses1,
		message: 'Disk full on db-1. Press 1 to acknowledge.',
	});
	expect(res.status).toBe(200);
	const execution = await cw.lastExecution(wf.id);
	expect(execution.status).toBe('success');
	const [item] = outputOf(execution);
	expect(item.json).toMatchObject({
		answered: true,
		acknowledged: true,
		digits: '1',
		status: 'hangup',
		to: DEMO_NUMBERS.presses1,
	});
	const call = cw.sim.call(item.json.reference_id);
	expect(actionsOf(call)).toEqual(['speak', 'hangup']);
	const speak = call.entries.find((e) => e.type === 'action' && e.method === 'speak');
	expect(speak.params).toEqual({
		tts: { message: 'Disk full on db-1. Press 1 to acknowledge.', language: 'en-US' },
		collect_digits: { max: 1 },
	});
	expect(item.json.events.map((e) => e.event)).toEqual([
		'dial_completed',
		'speak_completed',
		'call_completed',
	]);
	expect(item.pairedItem).toEqual({ item: 0 });
});

test('answered + wrong key, approval: approved false, no repeat', async () => {
	const wf = await cw.deploy(`cw wrong key ${Date.now()}`, {
		responseType: 'approval',
		approvalOptions: { values: { approvalType: 'double', approveKey: '1', declineKey: '2' } },
		options: { closingMessage: 'Thank you.' },
	});
	await axios.post(wf.url, {
		to: DEMO_NUMBERS.presses9,
		message: 'Deploy to production? Press 1 to approve, 2 to decline.',
	});
	const [item] = outputOf(await cw.lastExecution(wf.id));
	expect(item.json).toMatchObject({
		answered: true,
		acknowledged: false,
		approved: false,
		digits: '9',
		status: 'hangup',
	});
	expect(actionsOf(cw.sim.call(item.json.reference_id))).toEqual(['speak', 'speak', 'hangup']);
});

test("approval: key 2 declines, key 1 approves (approved is what n8n's AI Agent reads)", async () => {
	const wf = await cw.deploy(`cw approval ${Date.now()}`, {
		responseType: 'approval',
		approvalOptions: { values: { approvalType: 'double' } },
	});
	await axios.post(wf.url, { to: DEMO_NUMBERS.presses2, message: 'Approve?' });
	const [declined] = outputOf(await cw.lastExecution(wf.id));
	expect(declined.json).toMatchObject({ answered: true, approved: false, digits: '2' });
	await axios.post(wf.url, { to: DEMO_NUMBERS.presses1, message: 'Approve?' });
	const runs = await cw.finishedRuns(wf.id, 2);
	expect(runs.map((r) => r.status)).toEqual(['success', 'success']);
	expect(outputOf(runs[0])[0].json).toMatchObject({
		answered: true,
		approved: true,
		acknowledged: true,
		digits: '1',
	});
});

test('answered + nothing pressed: the message is repeated, then hang up', async () => {
	const wf = await cw.deploy(`cw nothing ${Date.now()}`, {
		responseType: 'keyPress',
		options: { repeatMessage: 1 },
	});
	await axios.post(wf.url, { to: '15551230021', message: 'Press 1.' });
	const [item] = outputOf(await cw.lastExecution(wf.id));
	expect(item.json).toMatchObject({
		answered: true,
		acknowledged: false,
		digits: null,
		status: 'hangup',
	});
	expect(actionsOf(cw.sim.call(item.json.reference_id))).toEqual(['speak', 'speak', 'hangup']);
});

test('nothing on the first prompt, 1 on the repeat: acknowledged', async () => {
	const wf = await cw.deploy(`cw repeat ${Date.now()}`, {
		responseType: 'keyPress',
		options: { repeatMessage: 2 },
	});
	await axios.post(wf.url, { to: '15551230022', message: 'Press 1.' });
	const [item] = outputOf(await cw.lastExecution(wf.id));
	expect(item.json).toMatchObject({ answered: true, acknowledged: true, digits: '1' });
	expect(actionsOf(cw.sim.call(item.json.reference_id))).toEqual(['speak', 'speak', 'hangup']);
});

test('callee hangs up during the message', async () => {
	const wf = await cw.deploy(`cw hangs up ${Date.now()}`, {});
	await axios.post(wf.url, { to: DEMO_NUMBERS.hangsUp, message: 'Press 1.' });
	const [item] = outputOf(await cw.lastExecution(wf.id));
	expect(item.json).toMatchObject({
		answered: true,
		acknowledged: false,
		digits: null,
		status: 'hangup',
		hung_up_during_message: true,
	});
});

test.each([
	['busy', DEMO_NUMBERS.busy],
	['no_answer', DEMO_NUMBERS.noAnswer],
	['failed', '15551230023'],
])('not answered: %s', async (status, to) => {
	const wf = await cw.deploy(`cw ${status} ${Date.now()}`, {});
	await axios.post(wf.url, { to, message: 'Press 1.' });
	const [item] = outputOf(await cw.lastExecution(wf.id));
	expect(item.json).toMatchObject({ answered: false, acknowledged: false, digits: null, status });
	expect(actionsOf(cw.sim.call(item.json.reference_id))).toEqual([]);
});

test('speak only (Response Type None), with a closing message', async () => {
	const wf = await cw.deploy(`cw none ${Date.now()}`, {
		responseType: 'none',
		options: { closingMessage: 'Goodbye.' },
	});
	await axios.post(wf.url, { to: DEMO_NUMBERS.answers, message: 'The backup finished.' });
	const [item] = outputOf(await cw.lastExecution(wf.id));
	expect(item.json).toMatchObject({
		answered: true,
		acknowledged: true,
		digits: null,
		status: 'hangup',
	});
	const call = cw.sim.call(item.json.reference_id);
	expect(actionsOf(call)).toEqual(['speak', 'speak', 'hangup']);
	expect(call.entries.find((e) => e.type === 'action').params).toEqual({
		tts: { message: 'The backup finished.', language: 'en-US' },
	});
});

test('dial refused: the same clear error as Call → Dial, nothing waits', async () => {
	const wf = await cw.deploy(`cw refused ${Date.now()}`, { callerIdNumber: '15559999999' });
	await axios.post(wf.url, { to: DEMO_NUMBERS.answers, message: 'Press 1.' });
	const execution = await cw.lastExecution(wf.id);
	expect(execution.status).toBe('error');
	expect(execution.data.resultData.error.message).toMatch(/caller_id_number_not_owned|Caller ID/i);
	expect(cw.sim.dialsPlaced()).toHaveLength(0);
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
	const wf = await cw.deploy(
		`cw two ${Date.now()}`,
		{ to: '={{ $json.to }}', message: '={{ $json.message }}' },
		{
			extraNodes: [split],
			extraConnections: {
				'Alert In': { main: [[{ node: 'Each Number', type: 'main', index: 0 }]] },
				'Each Number': { main: [[{ node: 'Call and Wait', type: 'main', index: 0 }]] },
			},
		},
	);
	cw.sim.configure({ ringMs: 300 });
	await axios.post(wf.url, {
		calls: [
			{ to: DEMO_NUMBERS.busy, message: 'A' },
			{ to: DEMO_NUMBERS.presses1, message: 'B' },
			{ to: DEMO_NUMBERS.presses9, message: 'C' },
		],
	});
	const items = outputOf(await cw.lastExecution(wf.id));
	expect(
		items.map((i) => [i.json.to, i.json.status, i.json.acknowledged, i.pairedItem.item]),
	).toEqual([
		[DEMO_NUMBERS.busy, 'busy', false, 0],
		[DEMO_NUMBERS.presses1, 'hangup', true, 1],
		[DEMO_NUMBERS.presses9, 'hangup', false, 2],
	]);
});

test('two executions waiting at once are each resumed by their own call; the call log sees both call_completed', async () => {
	const wf = await cw.deploy(`cw two executions ${Date.now()}`, {});
	const before = (await cw.n8n.executions(cw.trigger.id, { includeData: false })).length;
	cw.sim.configure({ ringMs: 1500 });
	await Promise.all([
		axios.post(wf.url, { to: DEMO_NUMBERS.presses1, message: 'first' }),
		axios.post(wf.url, { to: DEMO_NUMBERS.presses9, message: 'second' }),
	]);
	const runs = await cw.finishedRuns(wf.id, 2);
	expect(runs.map((r) => r.status)).toEqual(['success', 'success']);
	const byTo = Object.fromEntries(runs.map((r) => [outputOf(r)[0].json.to, outputOf(r)[0].json]));
	expect(byTo[DEMO_NUMBERS.presses1]).toMatchObject({ acknowledged: true, digits: '1' });
	expect(byTo[DEMO_NUMBERS.presses9]).toMatchObject({ acknowledged: false, digits: '9' });
	// Each execution resumed with the call it placed (its own input item).
	for (const run of runs) {
		const input = run.data.resultData.runData['Alert In'][0].data.main[0][0].json.body;
		expect(outputOf(run)[0].json.to).toBe(input.to);
	}
	const logged = await cw.n8n.waitForExecutions(cw.trigger.id, before + 2);
	expect(logged.length).toBeGreaterThanOrEqual(before + 2);
});
