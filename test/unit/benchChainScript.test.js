'use strict';
/** The bench's on-call list script and checks (bench/lib/callAndWait/chainScript.js): pure, no n8n. */
const script = require('../../bench/lib/callAndWait/chainScript');

const dial = (to, n) => ({ to, reference_id: `REF${n}`, external_id: `m:${n}` });
const chain = (flavour, recipients) => ({
	flavour,
	recipients,
	dials: recipients.slice(0, 2).map((to, i) => dial(to, `${to}-${i}`)),
});

describe('the first call of a chain, ended without acknowledgement', () => {
	test('chains alternate between a busy line and a callee who presses nothing', () => {
		expect([0, 1, 2, 3].map(script.flavourOf)).toEqual(['busy', 'noKey', 'busy', 'noKey']);
	});

	test('busy: dial_completed "busy" must get no action, then call_completed says busy with no answer time', () => {
		const d = dial('15552000001', 1);
		const [only, ...more] = script.eventsBeforeEnd(d, 'busy');
		expect(more).toEqual([]);
		expect(only.body).toMatchObject({
			event: 'dial_completed',
			reference_id: 'REF1',
			external_id: 'm:1',
			data: { to: d.to, status: 'busy' },
		});
		expect(only.check('{}')).toBe(true);
		expect(only.check('{"jsonrpc":"2.0","method":"hangup","params":{}}')).toBe(false);
		expect(only.check('not json')).toBe(false);
		expect(script.endOfCall(d, 'busy')).toMatchObject({
			event: 'call_completed',
			reference_id: 'REF1',
			data: { status: 'busy', duration: 0, answered_on_utc: null, to: d.to },
		});
	});

	test('nothing pressed: answered → the prompt, speak_completed without digits → hangup, then call_completed "hangup"', () => {
		const d = dial('15552000002', 2);
		const events = script.eventsBeforeEnd(d, 'noKey');
		expect(
			events.map((e) => [e.body.event, e.body.data.status, e.body.data.collected_digits]),
		).toEqual([
			['dial_completed', 'answered', undefined],
			['speak_completed', 'speak_successful', ''],
		]);
		const prompt =
			'{"jsonrpc":"2.0","method":"speak","params":{"tts":{"message":"x"},"collect_digits":{"max":1}}}';
		const hangup = '{"jsonrpc":"2.0","method":"hangup","params":{}}';
		expect(events.map((e) => [e.check(prompt), e.check(hangup)])).toEqual([
			[true, false],
			[false, true],
		]);
		expect(script.endOfCall(d, 'noKey').data.status).toBe('hangup');
		expect(() => script.eventsBeforeEnd(d, 'voicemail')).toThrow(/unknown first-call flavour/);
	});

	test("the floor's body is the same event without the Call and Wait marker", () => {
		const body = script.floorEndOfCall(7, 'busy');
		expect(body.event).toBe('call_completed');
		expect(body.external_id).toBeUndefined();
		expect(body.data.status).toBe('busy');
	});
});

describe('dialProblems: each chain dials its 1st and 2nd number once, nobody after', () => {
	const chains = [chain('busy', ['1', '2', '3']), chain('noKey', ['4', '5', '6'])];
	const dials = ['1', '4', '2', '5'].map((to, n) => dial(to, n));

	test('right dials: nothing to report', () => {
		expect(script.dialProblems(dials, chains)).toEqual([]);
	});

	test('a second dial to the same next person', () => {
		expect(script.dialProblems([...dials, dial('5', 9)], chains)).toEqual([
			'5 dials for 2 chains (expected 4)',
			'5 (person 2 of a chain) dialled 2×, expected 1×',
		]);
	});

	test('a dial after the acknowledgement, a next person never dialled, a stranger', () => {
		const wrong = [dial('1', 0), dial('4', 1), dial('2', 2), dial('3', 3), dial('9', 4)];
		expect(script.dialProblems(wrong, chains)).toEqual([
			'5 dials for 2 chains (expected 4)',
			'3 (person 3 of a chain) dialled 1×, expected 0×',
			'5 (person 2 of a chain) dialled 0×, expected 1×',
			'9 is in no chain, dialled 1×',
		]);
	});
});

describe("outcomeProblem: the chain's one outcome item", () => {
	const c = chain('busy', ['1', '2', '3']);
	const right = () => ({
		acknowledged: true,
		status: 'acknowledged',
		to: '2',
		acknowledged_by: { to: '2', round: 1, digits: '1', at: '2026-12-05T13:00:00.000Z' },
		attempts: [
			{
				to: '1',
				round: 1,
				reference_id: c.dials[0].reference_id,
				answered: false,
				status: 'busy',
				digits: null,
				hung_up_during_message: false,
			},
			{
				to: '2',
				round: 1,
				reference_id: c.dials[1].reference_id,
				answered: true,
				status: 'hangup',
				digits: '1',
				hung_up_during_message: false,
			},
		],
	});

	test('acknowledged by the second person with both attempts: right', () => {
		expect(script.outcomeProblem(right(), c)).toBeUndefined();
	});

	test('each wrong detail is reported', () => {
		const cases = [
			(o) => (o.acknowledged = false),
			(o) => (o.acknowledged_by.to = '1'),
			(o) => (o.attempts[0].status = 'hangup'), // the busy call reported as answered and hung up
			(o) => (o.attempts[1].reference_id = 'OTHER'),
			(o) =>
				o.attempts.push({
					to: '3',
					round: 1,
					reference_id: 'X',
					answered: false,
					status: 'busy',
					digits: null,
				}),
		];
		for (const change of cases) {
			const o = right();
			change(o);
			expect(script.outcomeProblem(o, c)).toMatch(/^chain 1 → 2 \(busy\): /);
		}
	});

	test('a callee who pressed nothing: the first attempt answered, hung up, no digits', () => {
		const n = chain('noKey', ['1', '2']);
		const o = right();
		o.attempts[0] = {
			...o.attempts[0],
			reference_id: n.dials[0].reference_id,
			answered: true,
			status: 'hangup',
		};
		o.attempts[1].reference_id = n.dials[1].reference_id;
		expect(script.outcomeProblem(o, n)).toBeUndefined();
		expect(script.outcomeProblem(o, { ...n, flavour: 'busy' })).toBeDefined();
	});
});
