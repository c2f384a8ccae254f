'use strict';
/**
 * Call and Wait (see callAndWait.e2e.test.js) in the example workflow examples/on-call-escalation.json, imported
 * as a user would: call the first on-call engineer, escalate to the second when not acknowledged.
 */
const axios = require('axios');
const { callAndWaitSuite, outputOf } = require('./harness/callAndWait');
const { DEMO_NUMBERS, importExamples } = require('./harness/examples');
const { newExecutions, nodesRun, output } = require('./harness/workflows');
const { DEFAULT_ACCOUNT } = require('../simulator');

const cw = callAndWaitSuite();

describe('examples/on-call-escalation.json (imported as a user would)', () => {
	let ex;
	beforeAll(async () => {
		ex = await importExamples(cw.n8n, { simulatorUrl: cw.sim.url, account: DEFAULT_ACCOUNT, which: ['escalation'], reuse: false });
	});
	afterAll(async () => {
		for (const w of ex?.workflows || []) await cw.n8n.deactivate(w.id).catch(() => undefined);
	});
	beforeEach(() => cw.sim.configure({ webhookUrl: ex.escalationWebhookUrl }));

	/**
	 * The n-th (0-based) finished run that placed a call (the trigger's call log runs, and alerts answered 400,
	 * are others).
	 */
	async function escalationRun(workflowId, n) {
		const started = Date.now();
		for (;;) {
			const runs = (await cw.n8n.executions(workflowId))
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
		cw.sim.configure({ ringMs: 3000 });
		const accepted = await axios.post(ex.escalationUrl, { message: 'Checkout is down.', oncall: [DEMO_NUMBERS.presses9, DEMO_NUMBERS.presses1] }, { timeout: 60_000 });
		expect(accepted.status).toBe(202);
		expect(accepted.data).toEqual({ status: 'calling', first: DEMO_NUMBERS.presses9, next_if_not_acknowledged: DEMO_NUMBERS.presses1 });
		expect(cw.sim.calls().every((c) => !c.entries.some((e) => e.type === 'event'))).toBe(true); // nobody has answered yet
		const execution = await escalationRun(id, 0);
		expect(outputOf(execution, 'Escalation Result')[0].json).toMatchObject({ acknowledged: true, acknowledged_by: DEMO_NUMBERS.presses1, status: 'hangup' });
		expect(cw.sim.dialsPlaced().map((d) => d.to)).toEqual([DEMO_NUMBERS.presses9, DEMO_NUMBERS.presses1]);
		const speak = cw.sim.calls()[0].entries.find((e) => e.type === 'action' && e.method === 'speak');
		expect(speak.params.tts.message).toBe('Checkout is down. Press 1 to acknowledge.');
	});

	test('the first engineer acknowledges: nobody else is called', async () => {
		const { id } = ex.workflows[0];
		const accepted = await axios.post(ex.escalationUrl, { message: 'Disk full.', oncall: [DEMO_NUMBERS.presses1, `+1 (555) 123-0012`] });
		expect(accepted.status).toBe(202);
		const execution = await escalationRun(id, 1);
		expect(outputOf(execution, 'Escalation Result')[0].json).toMatchObject({ acknowledged: true, acknowledged_by: DEMO_NUMBERS.presses1 });
		expect(cw.sim.dialsPlaced().map((d) => d.to)).toEqual([DEMO_NUMBERS.presses1]);
	});

	test('a missing message or a bad on-call number → 400 naming the input field and what is allowed, nobody called', async () => {
		const { id } = ex.workflows[0];
		const since = await newExecutions(cw.n8n, id);
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
		expect(cw.sim.dialsPlaced()).toHaveLength(0);
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
