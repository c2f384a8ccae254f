'use strict';
/**
 * On-call lists in one Call and Wait node (see callAndWait.e2e.test.js for the set-up): the example workflow
 * examples/on-call-escalation.json imported as a user would, and the strategies, rounds, approval and a stop in
 * the middle on small "Alert In → Call and Wait" workflows. The simulator's scripted callees answer; the waiting
 * node dials each next person itself.
 */
const axios = require('axios');
const { callAndWaitSuite, actionsOf, outputOf, delay } = require('./harness/callAndWait');
const { DEMO_NUMBERS, importExamples } = require('./harness/examples');
const { newExecutions, nodesRun, output } = require('./harness/workflows');
const { DEFAULT_ACCOUNT } = require('../simulator');

const SILENT = '15551239001'; // answers, never presses a key
const cw = callAndWaitSuite({ callees: { [SILENT]: { digits: [] } } });

/** The messages spoken in a call, in order. */
const spoken = (call) =>
	call.entries
		.filter((e) => e.type === 'action' && e.method === 'speak')
		.map((e) => e.params.tts.message);

describe('examples/on-call-escalation.json (imported as a user would)', () => {
	let ex;
	beforeAll(async () => {
		ex = await importExamples(cw.n8n, {
			simulatorUrl: cw.sim.url,
			account: DEFAULT_ACCOUNT,
			which: ['escalation'],
			reuse: false,
		});
	});
	afterAll(async () => {
		for (const w of ex?.workflows || []) await cw.n8n.deactivate(w.id).catch(() => undefined);
	});
	beforeEach(() => cw.sim.configure({ webhookUrl: ex.escalationWebhookUrl }));

	/** The finished run that called the list (the trigger's own call log runs are executions of the example too). */
	async function escalationRun(workflowId) {
		const started = Date.now();
		for (;;) {
			const runs = (await cw.n8n.executions(workflowId)).filter(
				(e) =>
					['success', 'error'].includes(e.status) && e.data.resultData.runData['Call On-Call List'],
			);
			if (runs.length > 0) return runs[0];
			if (Date.now() - started > 60_000) throw new Error('the escalation run did not finish');
			await delay(300);
		}
	}

	test('a 3-person chain: busy, then pressed 9, then the third presses 1 — one node, each next person called by the waiting node', async () => {
		const { id } = ex.workflows[0];
		const oncall = [DEMO_NUMBERS.busy, DEMO_NUMBERS.presses9, DEMO_NUMBERS.presses1];
		const accepted = await axios.post(
			ex.escalationUrl,
			{ message: 'Checkout is down.', oncall },
			{ timeout: 60_000 },
		);
		expect([accepted.status, accepted.data]).toEqual([
			202,
			{ status: 'calling', oncall, strategy: 'one after another, 2 rounds' },
		]);
		const execution = await escalationRun(id);
		expect([execution.status, execution.data.resultData.error?.message]).toEqual([
			'success',
			undefined,
		]);
		expect(outputOf(execution, 'Escalation Result')[0].json).toEqual({
			acknowledged: true,
			acknowledged_by: DEMO_NUMBERS.presses1,
			round: 1,
			status: 'acknowledged',
			calls: [
				`${DEMO_NUMBERS.busy}: busy`,
				`${DEMO_NUMBERS.presses9}: pressed 9`,
				`${DEMO_NUMBERS.presses1}: pressed 1`,
			],
			message: 'Checkout is down.',
		});
		const [outcome] = outputOf(execution, 'Call On-Call List');
		expect(
			outcome.json.attempts.map((a) => [a.to, a.round, a.answered, a.status, a.digits]),
		).toEqual([
			[DEMO_NUMBERS.busy, 1, false, 'busy', null],
			[DEMO_NUMBERS.presses9, 1, true, 'hangup', '9'],
			[DEMO_NUMBERS.presses1, 1, true, 'hangup', '1'],
		]);
		const dials = cw.sim.dialsPlaced();
		expect(dials.map((d) => d.to)).toEqual(oncall); // nobody twice, nobody after the acknowledgement
		expect(outcome.json.attempts.map((a) => a.reference_id)).toEqual(
			dials.map((d) => d.reference_id),
		);
		const third = await cw.sim.waitForCall(dials[2].reference_id);
		expect(spoken(third)).toEqual([
			'Checkout is down. Press 1 to acknowledge, 2 to pass it on.',
			'Thank you, you own the incident.',
		]);
	});

	test('a missing message or a bad on-call number → 400 naming the input field, nobody called', async () => {
		const { id } = ex.workflows[0];
		const since = await newExecutions(cw.n8n, id);
		const post = (body) =>
			axios.post(ex.escalationUrl, body, { validateStatus: () => true, timeout: 60_000 });
		const cases = [
			[{ oncall: [DEMO_NUMBERS.presses1] }, 'message', /^message: give the text to speak/],
			[
				{ message: 'Disk full.' },
				'oncall',
				/^oncall: give the on-call list, 1 to 50 phone numbers/,
			],
			[{ message: 'Disk full.', oncall: [] }, 'oncall', /^oncall: give the on-call list/],
			[
				{ message: 'Disk full.', oncall: [DEMO_NUMBERS.presses1, '555-CALL-NOW'] },
				'oncall',
				/^oncall: "555-CALL-NOW" is not a phone number/,
			],
		];
		for (const [body, field, error] of cases) {
			const res = await post(body);
			expect([res.status, res.data]).toEqual([400, { field, error: expect.stringMatching(error) }]);
		}
		expect(cw.sim.dialsPlaced()).toHaveLength(0);
		// The example's trigger shares the workflow: only the alert's runs count.
		const runs = await since.waitFor(cases.length, 60_000, 'Alert Received');
		runs.forEach((run) => expect(nodesRun(run)).not.toContain('Call On-Call List'));
		expect(output(runs[0], 'Check Alert').problem).toMatch(/^message:/);
	});
});

describe('strategies, rounds, approval and a stop (one Call and Wait node)', () => {
	const deploy = (name, parameters) =>
		cw.deploy(`${name} ${Date.now()}`, { to: '={{ $json.body.oncall }}', ...parameters });

	test('All at Once, three callees: everyone rings, the second presses 1 and wins, the others are ended and never count', async () => {
		const wf = await deploy('escalation all at once', {
			strategy: 'allAtOnce',
			options: { repeatMessage: 3, endedByOthersMessage: 'Someone else has it. Goodbye.' },
		});
		const oncall = [SILENT, DEMO_NUMBERS.presses1, DEMO_NUMBERS.noAnswer];
		await axios.post(wf.url, { oncall, message: 'Disk full. Press 1.' });
		const execution = await cw.lastExecution(wf.id);
		const [outcome] = outputOf(execution);
		expect(outcome.json).toMatchObject({
			acknowledged: true,
			acknowledged_by: { to: DEMO_NUMBERS.presses1, round: 1, digits: '1' },
			strategy: 'allAtOnce',
		});
		expect(outcome.json.attempts.map((a) => [a.to, a.status, a.ended_by_others === true])).toEqual([
			[SILENT, 'hangup', true],
			[DEMO_NUMBERS.presses1, 'hangup', false],
			[DEMO_NUMBERS.noAnswer, 'no_answer', false],
		]);
		const dials = cw.sim.dialsPlaced();
		// All three by the node's execute(), sent together (so in any order), nobody again.
		expect(dials.map((d) => d.to).sort()).toEqual([...oncall].sort());
		const silent = await cw.sim.waitForCall(dials.find((d) => d.to === SILENT).reference_id);
		expect(spoken(silent).slice(-1)).toEqual(['Someone else has it. Goodbye.']);
		expect(actionsOf(silent).slice(-1)).toEqual(['hangup']);
	});

	test('two rounds of One After Another, nobody acknowledges: everyone called twice, then not_acknowledged with the reason', async () => {
		const wf = await deploy('escalation rounds', { options: { moreRounds: 1, repeatMessage: 0 } });
		const oncall = [DEMO_NUMBERS.noAnswer, DEMO_NUMBERS.presses9];
		await axios.post(wf.url, { oncall, message: 'Disk full. Press 1.' });
		const [outcome] = outputOf(await cw.lastExecution(wf.id));
		expect(outcome.json).toMatchObject({
			acknowledged: false,
			acknowledged_by: null,
			status: 'not_acknowledged',
			rounds: 2,
		});
		expect(outcome.json.reason).toBe(
			'Nobody acknowledged: 2 recipients called in 2 rounds (4 calls).',
		);
		expect(outcome.json.attempts.map((a) => [a.to, a.round, a.status, a.digits])).toEqual([
			[DEMO_NUMBERS.noAnswer, 1, 'no_answer', null],
			[DEMO_NUMBERS.presses9, 1, 'hangup', '9'],
			[DEMO_NUMBERS.noAnswer, 2, 'no_answer', null],
			[DEMO_NUMBERS.presses9, 2, 'hangup', '9'],
		]);
		expect(cw.sim.dialsPlaced().map((d) => d.to)).toEqual([...oncall, ...oncall]);
	});

	test('approval: the first person to decide declines — approved false, decided by them, nobody else called', async () => {
		const wf = await deploy('escalation approval', {
			responseType: 'approval',
			approvalOptions: { values: { approvalType: 'double', approveKey: '1', declineKey: '2' } },
		});
		await axios.post(wf.url, {
			oncall: [DEMO_NUMBERS.presses2, DEMO_NUMBERS.presses1],
			message: 'Approve the deploy? 1 yes, 2 no.',
		});
		const [outcome] = outputOf(await cw.lastExecution(wf.id));
		expect(outcome.json).toMatchObject({
			approved: false,
			status: 'declined',
			decided_by: { to: DEMO_NUMBERS.presses2, digits: '2', round: 1 },
			acknowledged_by: null,
		});
		expect(cw.sim.dialsPlaced().map((d) => d.to)).toEqual([DEMO_NUMBERS.presses2]);
	});

	test('a stop in the middle ends the chain: the ringing call is hung up at its next event and nobody else is called', async () => {
		const wf = await deploy('escalation stopped', {});
		cw.sim.configure({ ringMs: 4000 });
		await axios.post(wf.url, {
			oncall: [SILENT, DEMO_NUMBERS.presses1],
			message: 'Disk full. Press 1.',
		});
		const started = Date.now();
		while (cw.sim.dialsPlaced().length === 0 && Date.now() - started < 30_000) await delay(100);
		const [waiting] = await cw.n8n.executions(wf.id, { includeData: false });
		expect(waiting.status).toBe('waiting');
		const rest = await cw.n8n.restSession();
		expect((await rest.post(`/executions/${waiting.id}/stop`, {})).status).toBe(200);
		const first = await cw.sim.waitForCall(cw.sim.dialsPlaced()[0].reference_id, {
			timeoutMs: 30_000,
		});
		expect(actionsOf(first)).toEqual(['hangup']); // answered, and hung up: no prompt
		// Nothing else may happen now; give a wrong second dial the time it would need to show (no event to wait for).
		await delay(1500);
		expect(cw.sim.dialsPlaced().map((d) => d.to)).toEqual([SILENT]);
		const [after] = await cw.n8n.executions(wf.id, { includeData: false });
		expect(after.status).toBe('canceled');
	});
});
