'use strict';
/**
 * The README's first workflow, examples/outbound-alert-call.json, imported as a user would: an alert comes in,
 * one Call and Wait node calls, speaks the message (of any length) and waits for a key press, and the example's
 * own Telesign Voice Trigger (Authentication = Telesign Signature) relays the call's events to the waiting
 * execution. The simulator posts every event to that trigger, as Telesign posts to an account's one URL.
 */
const axios = require('axios');
const { callAndWaitSuite, actionsOf, outputOf } = require('./harness/callAndWait');
const { DEMO_NUMBERS, importExamples } = require('./harness/examples');
const { newExecutions, nodesRun, output } = require('./harness/workflows');
const { DEFAULT_ACCOUNT } = require('../simulator');

const CALL_NODE = 'Call with the Alert';
const cw = callAndWaitSuite();

describe('examples/outbound-alert-call.json (imported as a user would)', () => {
	let ex;
	let alert;
	beforeAll(async () => {
		ex = await importExamples(cw.n8n, {
			simulatorUrl: cw.sim.url,
			account: DEFAULT_ACCOUNT,
			which: ['alert'],
			reuse: false,
		});
		[alert] = ex.workflows;
	});
	afterAll(async () => {
		for (const w of ex?.workflows || []) await cw.n8n.deactivate(w.id).catch(() => undefined);
	});
	// The example's own trigger is the account's events URL (not the suite's relay trigger).
	beforeEach(() => cw.sim.configure({ webhookUrl: ex.alertWebhookUrl }));

	/** The alert runs that placed a call, once there are n, oldest first (the trigger's own call_completed runs are others). */
	async function alertRuns(n) {
		const started = Date.now();
		for (;;) {
			const runs = (await cw.n8n.executions(alert.id))
				.filter(
					(e) => ['success', 'error'].includes(e.status) && e.data.resultData.runData[CALL_NODE],
				)
				.sort((a, b) => Number(a.id) - Number(b.id));
			if (runs.length >= n) return runs;
			if (Date.now() - started > 60_000) throw new Error(`${runs.length}/${n} alert runs finished`);
			await new Promise((resolve) => setTimeout(resolve, 300));
		}
	}

	test('an alert longer than an External ID can carry: 202 at once, the callee hears it whole, presses 1, the run resumes acknowledged', async () => {
		const message =
			`Disk space on db-1 is below 5 percent. ${'The nightly backup of the orders database could not be written. '.repeat(4)}`.trim();
		expect(message.length).toBeGreaterThan(128);
		const accepted = await axios.post(
			ex.alertUrl,
			{ to: DEMO_NUMBERS.presses1, message },
			{ timeout: 60_000 },
		);
		expect([accepted.status, accepted.data]).toEqual([
			202,
			{ status: 'calling', to: DEMO_NUMBERS.presses1 },
		]);

		const [run] = await alertRuns(1);
		expect([run.status, run.data.resultData.error?.message]).toEqual(['success', undefined]);
		const [outcome] = outputOf(run, CALL_NODE);
		expect(outcome.json).toMatchObject({
			answered: true,
			acknowledged: true,
			digits: '1',
			status: 'hangup',
			to: DEMO_NUMBERS.presses1,
		});

		const call = cw.sim.call(outcome.json.reference_id);
		expect(actionsOf(call)).toEqual(['speak', 'speak', 'hangup']);
		const [prompt, closing] = call.entries.filter(
			(e) => e.type === 'action' && e.method === 'speak',
		);
		expect(prompt.params).toEqual({
			tts: { message: `${message} Press 1 to acknowledge.`, language: 'en-US' },
			collect_digits: { max: 1 },
		});
		expect(closing.params.tts.message).toBe('Thank you. Goodbye.');
		// Every event went to the example's trigger, which answered each one (the relay worked).
		const events = call.entries.filter((e) => e.type === 'event');
		expect(events.map((e) => e.event)).toEqual([
			'dial_completed',
			'speak_completed',
			'speak_completed',
			'call_completed',
		]);
		expect(
			events.every((e) => e.webhookUrl === ex.alertWebhookUrl && e.webhookStatus === 200),
		).toBe(true);
	});

	test('a busy callee: the run resumes with answered false and the dial status, nothing spoken', async () => {
		await axios.post(
			ex.alertUrl,
			{ to: DEMO_NUMBERS.busy, message: 'Checkout is down.' },
			{ timeout: 60_000 },
		);
		const runs = await alertRuns(2);
		const [outcome] = outputOf(runs[1], CALL_NODE);
		expect(outcome.json).toMatchObject({
			answered: false,
			acknowledged: false,
			digits: null,
			status: 'busy',
			to: DEMO_NUMBERS.busy,
		});
		expect(actionsOf(cw.sim.call(outcome.json.reference_id))).toEqual([]);
	});

	test('no number, a bad number or no message → 400 naming the field and what is allowed, nobody called', async () => {
		const since = await newExecutions(cw.n8n, alert.id);
		const post = (body) =>
			axios.post(ex.alertUrl, body, { validateStatus: () => true, timeout: 60_000 });
		const cases = [
			[{ message: 'Disk full.' }, 'to', /^to: give the number to call, with country code/],
			[
				{ to: '555-CALL-NOW', message: 'Disk full.' },
				'to',
				/^to: "555-CALL-NOW" is not a phone number: use the full international number with country code, 7 to 15 digits/,
			],
			[{ to: DEMO_NUMBERS.presses1 }, 'message', /^message: give the text to speak \(any length\)/],
			[{ to: DEMO_NUMBERS.presses1, message: '  ' }, 'message', /^message: give the text to speak/],
		];
		for (const [body, field, error] of cases) {
			const res = await post(body);
			expect([res.status, res.data]).toEqual([400, { field, error: expect.stringMatching(error) }]);
		}
		expect(cw.sim.dialsPlaced()).toHaveLength(0);
		// The example's trigger shares the workflow: only the alert's runs count.
		const runs = await since.waitFor(cases.length, 60_000, 'Alert Received');
		for (const run of runs) {
			expect(nodesRun(run)).toEqual(expect.arrayContaining(['Check Alert', 'Reject Alert']));
			expect(nodesRun(run)).not.toContain(CALL_NODE);
			expect(output(run, 'Check Alert').problem).not.toBe('');
		}
	});
});
