'use strict';
/**
 * Call → Call and Wait for Response and the n8n behaviour it relies on (nodes/TelesignVoice/actions/call/
 * callAndWait/waitingState.ts): what n8n saves with the waiting execution, what it outputs when the wait runs out,
 * and stopping the execution while the batch dials (the dial pipeline, as for Call → Dial).
 */
const { dialWorkflow, runWorkflow, outputOf } = require('./harness');
const { fakeTelesign, accepted, CALLER } = require('./setup');
const { STATE_KEY } = require('../../nodes/TelesignVoice/actions/call/callAndWait/waitingState');

const parameters = (options = {}) => ({
	resource: 'call',
	operation: 'sendAndWait',
	to: '={{ $json.phone }}',
	callerIdNumber: CALLER,
	message: '={{ $json.alert }}',
	responseType: 'keyPress',
	acknowledgeKey: '1',
	options: { concurrency: 1, ...options },
});
const people = (...phones) => phones.map((phone, i) => ({ phone, alert: `Alert ${i}. Press 1.` }));

let server;
afterEach(async () => server && (await server.fake.close()));

it("n8n keeps the waiting state: the timeout outcomes as the node's input, the calls' settings in its execution context; a timeout outputs only the outcomes", async () => {
	server = await fakeTelesign(accepted);
	const wf = dialWorkflow({
		items: people('15555550001', '15555550002'),
		parameters: parameters(),
	});
	const run = await runWorkflow({ ...wf, credentials: server.credentials }).promise;
	expect(run.waitTill).toBeInstanceOf(Date);
	// What n8n writes to its database and reads back for the webhook and for the resume.
	const saved = JSON.parse(JSON.stringify(run.data));
	const input = saved.executionData.nodeExecutionStack[0].data.main[0];
	expect(input.map((item) => [item.json.status, item.json.to, item.json.reference_id])).toEqual([
		['timeout', '15555550001', 'REF-15555550001'],
		['timeout', '15555550002', 'REF-15555550002'],
	]);
	expect(input.every((item) => !(STATE_KEY in item.json))).toBe(true);
	const state = saved.executionData.contextData['node:Telesign Voice'][STATE_KEY];
	expect(state.items.map((item) => item.call.settings.message)).toEqual([
		'Alert 0. Press 1.',
		'Alert 1. Press 1.',
	]);

	// The wait runs out: n8n resumes the saved execution (waitTill still set), disables the waiting node and
	// passes its input on (WorkflowExecute.handleWaitingState).
	expect(saved.waitTill).toBeDefined();
	const resumed = await runWorkflow({
		...wf,
		credentials: server.credentials,
		runExecutionData: saved,
	}).promise;
	expect(resumed.data.resultData.error).toBeUndefined();
	const pass = outputOf(resumed, 'Pass');
	expect(pass.map((item) => [item.json.status, item.json.to, item.json.acknowledged])).toEqual([
		['timeout', '15555550001', false],
		['timeout', '15555550002', false],
	]);
	expect(pass.every((item) => !(STATE_KEY in item.json))).toBe(true);
	// Nobody was called again by the resume.
	expect(server.fake.state.requests).toHaveLength(2);
});

it('stopping the execution stops a Call and Wait batch as it stops a Dial batch: no new dial, the unsent items "not placed", no wait', async () => {
	let execution;
	server = await fakeTelesign((req) => {
		// The user stops the execution while the first dial is at Telesign.
		if (server.fake.state.requests.length === 1) execution.cancel();
		return accepted(req);
	});
	const wf = dialWorkflow({
		items: people('15555550001', '15555550002', '15555550003'),
		parameters: parameters(),
		settings: { onError: 'continueRegularOutput' },
	});
	execution = runWorkflow({ ...wf, credentials: server.credentials });
	const run = await execution.promise;
	expect(run.status).toBe('canceled');
	const output = outputOf(run, 'Telesign Voice');
	// The node returned (its output is recorded): its pool has settled, so no later dial can start.
	expect(output).toHaveLength(3);
	expect(server.fake.state.requests).toHaveLength(1);
	for (const item of output.slice(1)) {
		expect(item.json.error).toMatch(/No call was placed: the execution was stopped/);
		expect(item.json.details.call_may_have_been_placed).toBe(false);
	}
	expect(run.waitTill).toBeUndefined();
});
