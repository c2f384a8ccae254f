'use strict';
/**
 * On-call lists in Call and Wait, run by n8n's engine (see callAndWait.engine.test.js for how a waiting execution's
 * webhook is driven): execute() dials the chain's first calls through the dial pipeline; each relayed event is
 * answered by the waiting node's webhook(), which dials the next person when a call ends without the acknowledging
 * answer; the execution resumes once, with one outcome item per input item.
 */

const { dialWorkflow, postToWaitingNode, runWorkflow, outputOf } = require('./harness');
const { fakeTelesign, CALLER } = require('./setup');
const { clearCredentialCache } = require('../../nodes/shared/credentialCache');
const {
	forgetAllChains,
} = require('../../nodes/TelesignVoice/actions/call/callAndWait/followedChains');
const { forgetAll } = require('../../nodes/TelesignVoice/actions/call/callAndWait/followedCalls');
const { parseMarker } = require('../../nodes/shared/relay');

const A = '15555550001';
const B = '15555550002';
const C = '15555550003';
const REFUSED = '15555550004';

let server;
let dialCount = 0;
function telesign(req) {
	if (req.json.params.to === REFUSED)
		return { status: 400, body: { status: 'invalid_phone_number', reference_id: 'REF-REFUSED' } };
	dialCount += 1;
	return { status: 200, body: { reference_id: `REF-${dialCount}`, status: 'dial_accepted' } };
}

beforeEach(() => {
	clearCredentialCache();
	forgetAll();
	forgetAllChains();
	dialCount = 0;
});
afterEach(async () => {
	if (server) await server.fake.close();
});

const parameters = (to, extra = {}, options = {}) => ({
	resource: 'call',
	operation: 'sendAndWait',
	to,
	callerIdNumber: CALLER,
	message: 'Checkout is down. Press 1 to acknowledge.',
	responseType: 'keyPress',
	acknowledgeKey: '1',
	...extra,
	options: { repeatMessage: 0, ...options },
});

/** Every dial request Telesign got, in order: number, marker (with its step), and the reference_id answered. */
function dials() {
	let accepted = 0;
	return server.fake.state.requests.map((request) => {
		const { to, external_id: externalId } = request.json.params;
		const referenceId = to === REFUSED ? 'REF-REFUSED' : `REF-${++accepted}`;
		return { to, externalId, referenceId, marker: parseMarker(externalId) };
	});
}

/** One relayed event (`skewMs`: the relay's own timestamp, so that two relays of one event differ as two trigger runs' do). */
async function relay(setup, call, event, data, skewMs = 0) {
	const raw = Buffer.from(
		JSON.stringify({ event, reference_id: call.referenceId, external_id: call.externalId, data }),
	);
	const { result, reply } = await postToWaitingNode({
		wf: setup.wf,
		runData: setup.run.data,
		credentials: server.credentials,
		signature: call.marker.signature,
		raw,
		relayMs: Date.now() + skewMs,
	});
	expect(reply.status).toBe(200);
	return { result, action: JSON.parse(reply.body.toString()).action };
}

const ended = (answered) => ({
	status: 'hangup',
	duration: answered ? 9 : 0,
	answered_on_utc: answered ? '2026-01-01T00:00:01' : null,
});

/** A whole call: answered or not, the key pressed (or none), and its end. Returns the last webhook result. */
async function callGoes(setup, call, { status = 'answered', digits } = {}) {
	await relay(setup, call, 'dial_completed', { status });
	if (status === 'answered') {
		await relay(setup, call, 'speak_completed', { collected_digits: digits ?? '' });
		if (digits !== undefined) await relay(setup, call, 'speak_completed', {}); // after the closing message
	}
	return (await relay(setup, call, 'call_completed', ended(status === 'answered'))).result;
}

async function start(items, params, settings) {
	server = await fakeTelesign(telesign);
	const wf = dialWorkflow({ items, parameters: params, settings });
	const run = await runWorkflow({ ...wf, credentials: server.credentials }).promise;
	return { wf, run: { ...run, data: JSON.parse(JSON.stringify(run.data)) } };
}

async function resume(setup, workflowData) {
	const entry = setup.run.data.executionData.nodeExecutionStack[0];
	entry.node.disabled = true;
	entry.data.main = workflowData;
	entry.metadata = { ...entry.metadata, forwardAllOutputs: true };
	setup.run.data.waitTill = undefined;
	const resumed = await runWorkflow({
		...setup.wf,
		credentials: server.credentials,
		executionId: 'exec-1',
		runExecutionData: setup.run.data,
	}).promise;
	expect(resumed.data.resultData.error).toBeUndefined();
	return outputOf(resumed, 'Pass');
}

describe('One After Another', () => {
	test('busy → pressed 9 → presses 1: each next person dialled by the webhook (step in the marker), acknowledged by the third', async () => {
		const setup = await start([{}], parameters(`${A}, ${B}\n${C}`, {}, { externalId: 'INC-7' }));
		expect(setup.run.waitTill).toBeInstanceOf(Date);
		expect(dials().map((d) => [d.to, d.marker.step, d.marker.userExternalId])).toEqual([
			[A, 0, 'INC-7'],
		]);

		expect(await callGoes(setup, dials()[0], { status: 'busy' })).toEqual({
			noWebhookResponse: true,
		});
		expect(dials().map((d) => [d.to, d.marker.step])).toEqual([
			[A, 0],
			[B, 1],
		]);
		await callGoes(setup, dials()[1], { digits: '9' });
		expect(dials().map((d) => [d.to, d.marker.step])).toEqual([
			[A, 0],
			[B, 1],
			[C, 2],
		]);
		const last = await callGoes(setup, dials()[2], { digits: '1' });
		expect(dials()).toHaveLength(3); // acknowledged: nobody else

		const [outcome] = await resume(setup, last.workflowData);
		expect(outcome.json).toMatchObject({
			acknowledged: true,
			acknowledged_by: {
				to: C,
				round: 1,
				digits: '1',
				at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			},
			status: 'acknowledged',
			reference_id: 'REF-3',
			external_id: 'INC-7',
			recipients: [A, B, C],
		});
		expect(outcome.json.attempts).toEqual([
			{
				to: A,
				round: 1,
				reference_id: 'REF-1',
				answered: false,
				status: 'busy',
				digits: null,
				hung_up_during_message: false,
			},
			{
				to: B,
				round: 1,
				reference_id: 'REF-2',
				answered: true,
				status: 'hangup',
				digits: '9',
				hung_up_during_message: false,
			},
			{
				to: C,
				round: 1,
				reference_id: 'REF-3',
				answered: true,
				status: 'hangup',
				digits: '1',
				hung_up_during_message: false,
			},
		]);
		expect(outcome.pairedItem).toEqual({ item: 0 });
	});

	test('a duplicated call_completed (Telesign posts it again) never dials the next person twice', async () => {
		const setup = await start([{}], parameters([A, B, C]));
		const first = dials()[0];
		await relay(setup, first, 'dial_completed', { status: 'no_answer' });
		await relay(setup, first, 'call_completed', ended(false));
		await relay(setup, first, 'call_completed', ended(false), 1); // the same event again
		expect(dials().map((d) => d.to)).toEqual([A, B]);
	});

	test('two relays of one call_completed at the same moment dial the next person once (the second is a repeat)', async () => {
		const setup = await start([{}], parameters([A, B, C]));
		const first = dials()[0];
		await relay(setup, first, 'dial_completed', { status: 'no_answer' });
		await Promise.all([
			relay(setup, first, 'call_completed', ended(false)),
			relay(setup, first, 'call_completed', ended(false), 1),
		]);
		expect(dials().map((d) => d.to)).toEqual([A, B]);
	});

	test('an event of a later step tells a process that has not followed the chain where it is (another webhook process)', async () => {
		const setup = await start([{}], parameters([A, B, C]));
		await callGoes(setup, dials()[0], { status: 'busy' });
		const second = dials()[1];
		forgetAll();
		forgetAllChains(); // another n8n process: nothing of the chain in memory, only the marker and the saved plan
		await relay(setup, second, 'dial_completed', { status: 'answered' });
		await relay(setup, second, 'speak_completed', { collected_digits: '1' });
		await relay(setup, second, 'speak_completed', {});
		const last = await relay(setup, second, 'call_completed', ended(true));
		expect(dials().map((d) => d.to)).toEqual([A, B]);
		const [outcome] = await resume(setup, last.result.workflowData);
		expect(outcome.json.acknowledged_by).toMatchObject({ to: B, round: 1 });
		expect(outcome.json.attempts).toEqual([
			// Followed by "the other process": who and which round, the reference_id execute() got, no details.
			{
				to: A,
				round: 1,
				reference_id: 'REF-1',
				answered: null,
				status: null,
				digits: null,
				hung_up_during_message: null,
				details_missing: true,
			},
			{
				to: B,
				round: 1,
				reference_id: 'REF-2',
				answered: true,
				status: 'hangup',
				digits: '1',
				hung_up_during_message: false,
			},
		]);
	});

	test('a refused dial is an attempt with its status and the chain goes on at once', async () => {
		const setup = await start([{}], parameters([A, REFUSED, C]));
		const last = await (async () => {
			await callGoes(setup, dials()[0], { status: 'no_answer' });
			expect(dials().map((d) => d.to)).toEqual([A, REFUSED, C]); // C dialled right after the refusal
			return await callGoes(setup, dials()[2], { digits: '1' });
		})();
		const [outcome] = await resume(setup, last.workflowData);
		expect(outcome.json.acknowledged_by).toMatchObject({ to: C });
		expect(outcome.json.attempts.map((a) => [a.to, a.status, a.reference_id])).toEqual([
			[A, 'no_answer', 'REF-1'],
			[REFUSED, 'invalid_phone_number', 'REF-REFUSED'],
			[C, 'hangup', 'REF-2'],
		]);
		expect(outcome.json.attempts[1].error).toMatch(/invalid_phone_number|phone number/i);
	});

	test('two rounds: nobody in round 1, the first person acknowledges in round 2', async () => {
		const setup = await start([{}], parameters([A, B], {}, { moreRounds: 1 }));
		await callGoes(setup, dials()[0], { status: 'no_answer' });
		await callGoes(setup, dials()[1], {}); // answered, nothing pressed
		expect(dials().map((d) => [d.to, d.marker.step])).toEqual([
			[A, 0],
			[B, 1],
			[A, 2],
		]);
		const last = await callGoes(setup, dials()[2], { digits: '1' });
		const [outcome] = await resume(setup, last.workflowData);
		expect(outcome.json).toMatchObject({
			acknowledged: true,
			acknowledged_by: { to: A, round: 2 },
			rounds: 2,
		});
		expect(outcome.json.attempts.map((a) => [a.to, a.round, a.status])).toEqual([
			[A, 1, 'no_answer'],
			[B, 1, 'hangup'],
			[A, 2, 'hangup'],
		]);
	});

	test('nobody acknowledges after every round: not_acknowledged with the reason, resumed after the last call', async () => {
		const setup = await start([{}], parameters([A, B]));
		expect((await callGoes(setup, dials()[0], { status: 'busy' })).workflowData).toBeUndefined();
		const last = await callGoes(setup, dials()[1], { digits: '7' });
		expect(dials()).toHaveLength(2);
		const [outcome] = await resume(setup, last.workflowData);
		expect(outcome.json).toMatchObject({
			acknowledged: false,
			acknowledged_by: null,
			status: 'not_acknowledged',
			reason: 'Nobody acknowledged: 2 recipients called in 1 round (2 calls).',
		});
	});

	test('approval: the first decline decides; nobody else is called', async () => {
		const approval = {
			responseType: 'approval',
			approvalOptions: { values: { approvalType: 'double', approveKey: '1', declineKey: '2' } },
		};
		const setup = await start([{}], parameters([A, B], approval));
		const last = await callGoes(setup, dials()[0], { digits: '2' });
		expect(dials()).toHaveLength(1);
		const [outcome] = await resume(setup, last.workflowData);
		expect(outcome.json).toMatchObject({
			approved: false,
			status: 'declined',
			decided_by: { to: A, digits: '2', round: 1 },
			acknowledged_by: null,
		});
	});

	test('Key Messages: the key pressed chooses what is said before the hang-up', async () => {
		const setup = await start(
			[{}],
			parameters(
				[A, B],
				{},
				{ keyMessages: { values: [{ key: '2', message: 'We will call the next engineer.' }] } },
			),
		);
		await relay(setup, dials()[0], 'dial_completed', { status: 'answered' });
		const after = await relay(setup, dials()[0], 'speak_completed', { collected_digits: '2' });
		expect(after.action.params.tts.message).toBe('We will call the next engineer.');
	});
});

describe('All at Once', () => {
	test('everyone is dialled by execute(); the second presses 1 and wins; the others hear the message, are hung up and never count', async () => {
		const setup = await start(
			[{}],
			parameters(
				[A, B, C],
				{ strategy: 'allAtOnce' },
				{ endedByOthersMessage: 'Someone else has it.' },
			),
		);
		expect(dials().map((d) => [d.to, d.marker.step])).toEqual([
			[A, 0],
			[B, 1],
			[C, 2],
		]);
		const [a, b, c] = dials();
		await relay(setup, a, 'dial_completed', { status: 'answered' });
		await relay(setup, b, 'dial_completed', { status: 'answered' });
		await relay(setup, b, 'speak_completed', { collected_digits: '1' });
		// A presses 1 too, but after B: told it was taken, hung up.
		const late = await relay(setup, a, 'speak_completed', { collected_digits: '1' });
		expect(late.action).toMatchObject({
			method: 'speak',
			params: { tts: { message: 'Someone else has it.' } },
		});
		expect(late.action.params.collect_digits).toBeUndefined();
		expect((await relay(setup, a, 'speak_completed', {})).action.method).toBe('hangup');
		// C answers only now: the message at once, no prompt.
		expect(
			(await relay(setup, c, 'dial_completed', { status: 'answered' })).action.params.tts.message,
		).toBe('Someone else has it.');
		await relay(setup, b, 'speak_completed', {});
		await relay(setup, a, 'call_completed', ended(true));
		expect(
			(await relay(setup, b, 'call_completed', ended(true))).result.workflowData,
		).toBeUndefined(); // C is still on the line
		const last = await relay(setup, c, 'call_completed', ended(true));
		expect(dials()).toHaveLength(3);
		const [outcome] = await resume(setup, last.result.workflowData);
		expect(outcome.json).toMatchObject({
			acknowledged: true,
			acknowledged_by: { to: B, digits: '1' },
			strategy: 'allAtOnce',
		});
		expect(outcome.json.attempts.map((x) => [x.to, x.ended_by_others === true])).toEqual([
			[A, true],
			[B, false],
			[C, true],
		]);
	});

	test('the last two calls of a round end at the same moment: the next round is dialled once', async () => {
		const setup = await start(
			[{}],
			parameters([A, B], { strategy: 'allAtOnce' }, { moreRounds: 1 }),
		);
		const [a, b] = dials();
		await relay(setup, a, 'dial_completed', { status: 'no_answer' });
		await relay(setup, b, 'dial_completed', { status: 'busy' });
		await Promise.all([
			relay(setup, a, 'call_completed', ended(false)),
			relay(setup, b, 'call_completed', ended(false)),
		]);
		expect(dials().map((d) => [d.to, d.marker.step])).toEqual([
			[A, 0],
			[B, 1],
			[A, 2],
			[B, 3],
		]);
	});

	test('nobody in round 1: round 2 is dialled when the last call of round 1 ended', async () => {
		const setup = await start(
			[{}],
			parameters([A, B], { strategy: 'allAtOnce' }, { moreRounds: 1 }),
		);
		await callGoes(setup, dials()[0], { status: 'no_answer' });
		expect(dials()).toHaveLength(2);
		await callGoes(setup, dials()[1], { status: 'busy' });
		expect(dials().map((d) => [d.to, d.marker.step])).toEqual([
			[A, 0],
			[B, 1],
			[A, 2],
			[B, 3],
		]);
	});
});

describe('before anything is dialled', () => {
	test('a bad Recipients entry fails the node naming the entry; nobody is called', async () => {
		const setup = await start([{}], parameters(`${A}, ${B}, +1 555`));
		expect(setup.run.waitTill).toBeUndefined();
		expect(setup.run.data.resultData.error.message).toMatch(
			/^Recipients entry 3 "\+1 555" is not a phone number/,
		);
		expect(server.fake.state.requests).toHaveLength(0);
	});

	test('every dial of a list refused: the item fails with the first refusal and its attempts (Continue On Fail)', async () => {
		const setup = await start(
			[{}],
			parameters([REFUSED], { strategy: 'allAtOnce' }, { moreRounds: 1 }),
			{ onError: 'continueRegularOutput' },
		);
		expect(setup.run.waitTill).toBeUndefined();
		const [item] = outputOf(setup.run, 'Pass');
		expect(item.json.error).toMatch(/invalid_phone_number|phone number/i);
		expect(item.json.details.attempts.map((a) => [a.to, a.round, a.status])).toEqual([
			[REFUSED, 1, 'invalid_phone_number'],
			[REFUSED, 2, 'invalid_phone_number'],
		]);
	});
});
