'use strict';
/**
 * Call → Call and Wait for Response run by n8n's engine: WorkflowExecute puts the execution into the waiting
 * state, the waiting node's webhook() runs in n8n-core's own WebhookContext over the persisted waiting data (what
 * n8n's /webhook-waiting/<execution>/<node> does for each relayed event), and the execution resumes with the
 * webhook's items the way n8n resumes it (waiting node disabled, its input replaced, forwardAllOutputs).
 */

const { dialWorkflow, postToWaitingNode, runWorkflow, outputOf } = require('./harness');
const { fakeTelesign, accepted, CALLER } = require('./setup');
const { TelesignVoice } = require('../../nodes/TelesignVoice/TelesignVoice.node');
const { clearCredentialCache } = require('../../nodes/shared/credentialCache');
const { parseMarker, verifyRelayHeaders } = require('../../nodes/shared/relay');

const ALICE = '15555550001';
const BOB = '15555550002';
const RESET = '15555550003';
const REFUSED = '15555550004';
const SEEN = "={{ $('Start').item.json.name }}";

function telesign(req) {
	if (req.json.params.to === RESET) return { status: 0, destroy: true };
	if (req.json.params.to === REFUSED)
		return { status: 400, body: { status: 'invalid_parameter', reference_id: 'REF-REFUSED' } };
	return accepted(req);
}

const waitParameters = (options = {}) => ({
	resource: 'call',
	operation: 'sendAndWait',
	to: '={{ $json.phone }}',
	callerIdNumber: CALLER,
	message: '={{ $json.alert }}',
	responseType: 'keyPress',
	acknowledgeKey: '1',
	options: { concurrency: 1, ...options },
});

let server;
beforeEach(() => clearCredentialCache());
afterEach(async () => {
	jest.restoreAllMocks();
	if (server) await server.fake.close();
});

/** The calls placed, by number: their reference_id and marker (what Telesign repeats in every event). */
function placedCalls() {
	const calls = {};
	for (const request of server.fake.state.requests) {
		const { to, external_id: externalId } = request.json.params;
		calls[to] = { referenceId: `REF-${to}`, externalId, marker: parseMarker(externalId) };
	}
	return calls;
}

/**
 * One relayed event, as n8n's waiting webhook handles it: the workflow from the execution's data, the node's
 * webhook() in n8n-core's WebhookContext with the waiting run data, the resume signature in the query.
 */
async function relay(wf, run, call, event, data) {
	const raw = Buffer.from(
		JSON.stringify({ event, reference_id: call.referenceId, external_id: call.externalId, data }),
	);
	return await post(wf, run, call.marker.signature, raw, 'event');
}

/** A signed request to the waiting node's webhook: a relayed event, or a time-limit request (timeLimit.ts). */
async function post(wf, run, signature, raw, kind) {
	const { result, reply, key } = await postToWaitingNode({
		wf,
		runData: run.data,
		credentials: server.credentials,
		signature,
		raw,
		kind,
	});
	const signed = verifyRelayHeaders({
		key,
		kind: 'answer',
		body: reply.body,
		headers: reply.headers,
		nowMs: Date.now(),
	});
	expect(signed).toEqual({ valid: true });
	return { result, action: JSON.parse(reply.body.toString()).action };
}

/** What n8n does with the webhook's items: the waiting node passes them on and the execution goes on. */
async function resume(wf, run, workflowData) {
	const entry = run.data.executionData.nodeExecutionStack[0];
	entry.node.disabled = true;
	entry.data.main = workflowData;
	entry.metadata = { ...entry.metadata, forwardAllOutputs: true };
	run.data.waitTill = undefined;
	return await runWorkflow({
		...wf,
		credentials: server.credentials,
		executionId: 'exec-1',
		runExecutionData: run.data,
	}).promise;
}

/** The run as n8n reads it back from its database while it waits (a JSON copy: no shared objects). */
function persisted(run) {
	return { ...run, data: JSON.parse(JSON.stringify(run.data)) };
}

async function startWaiting(people, options) {
	server = await fakeTelesign(telesign);
	const wf = dialWorkflow({ items: people, parameters: waitParameters(options), seen: SEEN });
	const started = runWorkflow({ ...wf, credentials: server.credentials });
	const run = await started.promise;
	return { wf, run: persisted(run) };
}

it('waits; relayed events are answered from the persisted waiting items; resumes once with one paired outcome per item', async () => {
	const people = [
		{ name: 'alice', phone: ALICE, alert: 'Disk full on db-1. Press 1.' },
		{ name: 'bob', phone: BOB, alert: 'Disk full on db-2. Press 1.' },
	];
	const { wf, run } = await startWaiting(people);
	expect(run.waitTill).toBeInstanceOf(Date);
	expect(run.data.resultData.error).toBeUndefined();
	expect(run.data.executionData.nodeExecutionStack[0].node.name).toBe('Telesign Voice');
	expect(outputOf(run, 'Pass')).toEqual([]);
	const calls = placedCalls();
	expect(Object.keys(calls).sort()).toEqual([ALICE, BOB]);

	// Each event reads its own item: Bob's call speaks Bob's alert, whichever order events come in.
	const bobAnswered = await relay(wf, run, calls[BOB], 'dial_completed', { status: 'answered' });
	expect(bobAnswered.action).toMatchObject({
		method: 'speak',
		params: { tts: { message: 'Disk full on db-2. Press 1.' }, collect_digits: { max: 1 } },
	});
	const aliceAnswered = await relay(wf, run, calls[ALICE], 'dial_completed', {
		status: 'answered',
	});
	expect(aliceAnswered.action.params.tts.message).toBe('Disk full on db-1. Press 1.');
	expect(
		(await relay(wf, run, calls[ALICE], 'speak_completed', { collected_digits: '1' })).action
			.method,
	).toBe('hangup');
	expect(
		(await relay(wf, run, calls[BOB], 'speak_completed', { collected_digits: '9' })).action.method,
	).toBe('hangup');
	const aliceEnds = await relay(wf, run, calls[ALICE], 'call_completed', {
		status: 'hangup',
		duration: 12,
		answered_on_utc: 'x',
	});
	expect(aliceEnds.result).toEqual({ noWebhookResponse: true }); // Bob's call is still going
	const bobEnds = await relay(wf, run, calls[BOB], 'call_completed', {
		status: 'hangup',
		duration: 9,
		answered_on_utc: 'x',
	});
	expect(bobEnds.result.workflowData).toBeDefined();

	const resumed = await resume(wf, run, bobEnds.result.workflowData);
	expect(resumed.waitTill).toBeUndefined();
	expect(resumed.data.resultData.error).toBeUndefined();
	const pass = outputOf(resumed, 'Pass');
	expect(
		pass.map((item) => [
			item.json.to,
			item.json.acknowledged,
			item.json.digits,
			item.json.duration,
			item.json.seen,
		]),
	).toEqual([
		[ALICE, true, '1', 12, 'alice'],
		[BOB, false, '9', 9, 'bob'],
	]);
});

it('at the time limit the webhook resumes with what is known of each call; n8n passes the outcomes on', async () => {
	const people = [
		{ name: 'alice', phone: ALICE, alert: 'A' },
		{ name: 'bob', phone: BOB, alert: 'B' },
	];
	const { wf, run } = await startWaiting(people);
	const calls = placedCalls();
	await relay(wf, run, calls[ALICE], 'dial_completed', { status: 'answered' });
	await relay(wf, run, calls[ALICE], 'speak_completed', { collected_digits: '4' });
	// The limit saved with the execution names the wait the request ends.
	const { limit } =
		run.data.executionData.contextData['node:Telesign Voice'].telesignVoiceWaitingCall;
	expect(limit.resumeUrl).toContain(`signature=${calls[ALICE].marker.signature}`);
	const nodeId = wf.nodes.find((node) => node.name === 'Telesign Voice').id;
	const raw = Buffer.from(
		JSON.stringify({
			time_limit: {
				node_id: nodeId,
				signature: calls[ALICE].marker.signature,
				at_ms: limit.atMs,
				calls: [],
			},
		}),
	);
	const end = await post(wf, run, calls[ALICE].marker.signature, raw, 'timeLimit');
	const resumed = await resume(wf, run, end.result.workflowData);
	const pass = outputOf(resumed, 'Pass');
	expect(
		pass.map((item) => [
			item.json.seen,
			item.json.status,
			item.json.answered,
			item.json.digits,
			item.json.missing_facts,
		]),
	).toEqual([
		['alice', 'timeout', true, '4', []],
		['bob', 'timeout', false, null, ['answered', 'digits', 'events']],
	]);
});

it('Continue On Fail: a refused dial is an error item in place, the other call waits, and the outcome keeps the item order', async () => {
	const people = [
		{ name: 'refused', phone: REFUSED, alert: 'A' },
		{ name: 'alice', phone: ALICE, alert: 'B' },
	];
	server = await fakeTelesign(telesign);
	const wf = dialWorkflow({
		items: people,
		parameters: waitParameters(),
		settings: { onError: 'continueRegularOutput' },
		seen: SEEN,
	});
	const run = persisted(await runWorkflow({ ...wf, credentials: server.credentials }).promise);
	expect(run.waitTill).toBeInstanceOf(Date);
	const alice = placedCalls()[ALICE];
	await relay(wf, run, alice, 'dial_completed', { status: 'no_answer' });
	const end = await relay(wf, run, alice, 'call_completed', {
		status: 'hangup',
		duration: 0,
		answered_on_utc: null,
	});
	const resumed = await resume(wf, run, end.result.workflowData);
	const pass = outputOf(resumed, 'Pass');
	expect(pass.map((item) => item.json.seen)).toEqual(['refused', 'alice']);
	expect(pass[0].json.error).toMatch(/invalid_parameter|refused|400/i);
	expect(pass[0].json.details).toMatchObject({
		call_may_have_been_placed: false,
		answered: false,
		acknowledged: false,
	});
	expect(pass[1].json).toMatchObject({
		to: ALICE,
		answered: false,
		acknowledged: false,
		status: 'no_answer',
	});
});

it('a refused dial without Continue On Fail stops the node before the execution waits; nobody else is called', async () => {
	const { run } = await startWaiting([
		{ name: 'refused', phone: REFUSED, alert: 'A' },
		{ name: 'alice', phone: ALICE, alert: 'B' },
	]);
	expect(run.waitTill).toBeUndefined();
	expect(run.data.resultData.error.message).toMatch(/invalid_parameter|refused|400/i);
	expect(server.fake.state.requests.map((request) => request.json.params.to)).toEqual([REFUSED]);
});

it('Retry On Fail never dials again: n8n runs the node 3 times, every try stops at the call that may have been placed, and nobody is called twice', async () => {
	server = await fakeTelesign(telesign);
	// Each try of Retry On Fail is one call of the node's execute() by n8n's WorkflowExecute (its runData keeps
	// only the last try), so the tries are counted there.
	const tries = jest.spyOn(TelesignVoice.prototype, 'execute');
	const wf = dialWorkflow({
		items: [
			{ name: 'alice', phone: ALICE, alert: 'A' },
			{ name: 'reset', phone: RESET, alert: 'B' },
		],
		parameters: waitParameters(),
		settings: { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 },
	});
	const run = await runWorkflow({ ...wf, credentials: server.credentials }).promise;
	expect(tries).toHaveBeenCalledTimes(3);
	// One request per person over all three tries: the fake Telesign never saw a second dial.
	const dialled = server.fake.state.requests.map((request) => request.json.params.to);
	expect(dialled.sort()).toEqual([ALICE, RESET]);
	expect(run.waitTill).toBeUndefined();
	const { error } = run.data.resultData;
	expect(error.message).toMatch(/may have been placed/);
	// The last try reported the first try's dial instead of sending it again.
	expect(error.description).toMatch(
		/The node ran again \(n8n's Retry On Fail\); this dial was not sent again\./,
	);
});
