import type { CallStep } from '../../nodes/shared/telesign/callAndWait';
import {
	TIMEOUT_MESSAGE,
	TIMEOUT_MESSAGE_WITH_EVENTS,
	buildOutcome,
	decideNext,
} from '../../nodes/shared/telesign/callAndWait';
import type { WaitSettings } from '../../nodes/shared/telesign/callAndWaitSettings';
import { buildWaitSettings } from '../../nodes/shared/telesign/callAndWaitSettings';
import { ValidationError } from '../../nodes/shared/telesign/validation';

const keyPress = (extra: Partial<Parameters<typeof buildWaitSettings>[0]> = {}) =>
	buildWaitSettings({
		message: 'Disk full. Press 1.',
		responseType: 'keyPress',
		acknowledgeKey: '1',
		repeat: 1,
		...extra,
	});

const SPEAK = (message: string, max?: number) => ({
	jsonrpc: '2.0',
	method: 'speak',
	params: { tts: { message, language: 'en-US' }, ...(max ? { collect_digits: { max } } : {}) },
});
const HANGUP = { jsonrpc: '2.0', method: 'hangup', params: {} };

/** Plays a whole call through decideNext; returns the actions answered and the steps. */
function play(settings: WaitSettings, events: Array<[string, Record<string, unknown>?]>) {
	const steps: CallStep[] = [];
	const actions: unknown[] = [];
	let ended = false;
	for (const [event, data] of events) {
		const decision = decideNext(settings, steps, { event, data });
		steps.push(decision.step);
		actions.push(decision.action ?? null);
		ended = decision.ended;
	}
	return { steps, actions, ended };
}

const completed = (status = 'hangup', answered = true) => ({
	status,
	duration: 7,
	answered_on_utc: answered ? '2026-01-01T00:00:01.000' : null,
});

describe('buildWaitSettings', () => {
	test('key press defaults: one digit, acknowledge key 1', () => {
		expect(
			buildWaitSettings({ message: 'Hi', responseType: 'keyPress', acknowledgeKey: '1' }),
		).toMatchObject({
			message: 'Hi',
			responseType: 'keyPress',
			maxDigits: 1,
			acknowledgeDigits: '1',
			repeat: 0,
		});
	});

	test.each([
		[{ message: '' }, 'Message'],
		[{ message: 'x', responseType: 'sms' }, 'Response Type'],
		[
			{ message: 'x', responseType: 'keyPress', acknowledgeKey: '12', maxDigits: 1 },
			'Acknowledge Key',
		],
		[{ message: 'x', responseType: 'keyPress', acknowledgeKey: 'A' }, 'Acknowledge Key'],
		[
			{
				message: 'x',
				responseType: 'approval',
				approvalType: 'double',
				approveKey: '1',
				declineKey: '1',
			},
			'Decline Key',
		],
		[{ message: 'x', responseType: 'approval', approveKey: '12' }, 'Approve Key'],
		[{ message: 'x', repeat: 9 }, 'Repeat Message'],
		[{ message: 'x', language: 'not a tag!' }, 'Language'],
	])('%j is refused naming %s', (input, field) => {
		let error: unknown;
		try {
			buildWaitSettings(input);
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(ValidationError);
		expect((error as ValidationError).field).toBe(field);
	});
});

describe('decideNext and buildOutcome: every way a call ends', () => {
	test('answered + the acknowledge key', () => {
		const settings = keyPress();
		const run = play(settings, [
			['dial_completed', { status: 'answered' }],
			['speak_completed', { status: 'speak_successful', collected_digits: '1' }],
			['call_completed', completed()],
		]);
		expect(run.actions).toEqual([SPEAK('Disk full. Press 1.', 1), HANGUP, null]);
		expect(run.ended).toBe(true);
		const outcome = buildOutcome(settings, run.steps, {
			referenceId: 'R',
			externalId: 'mine',
			to: '1555',
			completed: completed(),
		});
		expect(outcome).toMatchObject({
			answered: true,
			acknowledged: true,
			digits: '1',
			status: 'hangup',
			reference_id: 'R',
			external_id: 'mine',
			duration: 7,
		});
		expect(outcome).not.toHaveProperty('approved');
		expect((outcome.events as CallStep[]).map((s) => s.event)).toEqual([
			'dial_completed',
			'speak_completed',
			'call_completed',
		]);
	});

	test('answered + a wrong key: not acknowledged, the closing message, no repeat', () => {
		const settings = keyPress({ closingMessage: 'Bye.' });
		const run = play(settings, [
			['dial_completed', { status: 'answered' }],
			['speak_completed', { collected_digits: '9' }],
			['speak_completed', { status: 'speak_successful' }],
			['call_completed', completed()],
		]);
		expect(run.actions).toEqual([SPEAK('Disk full. Press 1.', 1), SPEAK('Bye.'), HANGUP, null]);
		expect(buildOutcome(settings, run.steps, { completed: completed() })).toMatchObject({
			acknowledged: false,
			digits: '9',
		});
	});

	test('answered + nothing pressed: repeated Repeat Message times, then hang up', () => {
		const settings = keyPress({ repeat: 2 });
		const run = play(settings, [
			['dial_completed', { status: 'answered' }],
			['speak_completed', { collected_digits: '' }],
			['speak_completed', {}],
			['speak_completed', {}],
			['call_completed', completed()],
		]);
		expect(run.actions).toEqual([
			SPEAK('Disk full. Press 1.', 1),
			SPEAK('Disk full. Press 1.', 1),
			SPEAK('Disk full. Press 1.', 1),
			HANGUP,
			null,
		]);
		expect(buildOutcome(settings, run.steps, { completed: completed() })).toMatchObject({
			answered: true,
			acknowledged: false,
			digits: null,
		});
	});

	test('a key pressed on a repeat counts', () => {
		const run = play(keyPress(), [
			['dial_completed', { status: 'answered' }],
			['speak_completed', {}],
			['speak_completed', { collected_digits: '1' }],
		]);
		expect(buildOutcome(keyPress(), run.steps, { completed: completed() })).toMatchObject({
			acknowledged: true,
			digits: '1',
		});
	});

	test('keys pressed during the closing message do not change the response', () => {
		const settings = keyPress({ closingMessage: 'Bye.' });
		const run = play(settings, [
			['dial_completed', { status: 'answered' }],
			['speak_completed', { collected_digits: '1' }],
			['speak_completed', { collected_digits: '7' }],
		]);
		expect(run.actions[2]).toEqual(HANGUP);
		expect(buildOutcome(settings, run.steps, { completed: completed() })).toMatchObject({
			digits: '1',
			acknowledged: true,
		});
	});

	test('the callee hangs up during the message', () => {
		const run = play(keyPress(), [
			['dial_completed', { status: 'answered' }],
			['call_completed', completed()],
		]);
		expect(buildOutcome(keyPress(), run.steps, { completed: completed() })).toMatchObject({
			answered: true,
			acknowledged: false,
			digits: null,
			status: 'hangup',
			hung_up_during_message: true,
		});
	});

	test.each(['busy', 'no_answer', 'failed'])(
		'not answered (%s): no action, status of the dial',
		(status) => {
			const run = play(keyPress(), [
				['dial_completed', { status }],
				['call_completed', completed('hangup', false)],
			]);
			expect(run.actions).toEqual([null, null]);
			expect(
				buildOutcome(keyPress(), run.steps, { completed: completed('hangup', false) }),
			).toMatchObject({
				answered: false,
				acknowledged: false,
				status,
				digits: null,
			});
		},
	);

	test('Telesign never reports the end: status timeout with what was known, nothing missing', () => {
		const run = play(keyPress(), [
			['dial_completed', { status: 'answered' }],
			['speak_completed', { collected_digits: '9' }],
		]);
		const outcome = buildOutcome(keyPress(), run.steps, { referenceId: 'R' });
		expect(outcome).toMatchObject({
			status: 'timeout',
			message: TIMEOUT_MESSAGE_WITH_EVENTS,
			duration: null,
			answered: true,
			digits: '9',
			missing_facts: [],
		});
		expect(outcome.events).toHaveLength(2);
	});

	test('no event known at the time limit: what to check, and every fact named missing', () => {
		const outcome = buildOutcome(keyPress(), [], { referenceId: 'R' });
		expect(outcome).toMatchObject({
			status: 'timeout',
			message: TIMEOUT_MESSAGE,
			answered: false,
			digits: null,
			missing_facts: ['answered', 'digits', 'events'],
		});
		expect(TIMEOUT_MESSAGE).toMatch(
			/Telesign Voice Trigger with Authentication "Telesign Signature" is active/,
		);
		expect(TIMEOUT_MESSAGE).toMatch(/registered with Telesign/);
	});

	test('a history that misses the first events (another process or a restart answered them) says what it cannot tell', () => {
		const later = play(keyPress(), [['speak_completed', { collected_digits: '1' }]]);
		expect(buildOutcome(keyPress(), later.steps, { referenceId: 'R' }).missing_facts).toEqual([
			'answered',
			'digits',
			'events',
		]);
		const ended = buildOutcome(keyPress(), later.steps, {
			referenceId: 'R',
			completed: { status: 'hangup', answered_on_utc: '2026-12-05T10:00:00.000' },
		});
		expect(ended).toMatchObject({ answered: true, missing_facts: ['digits', 'events'] });
		const whole = play(keyPress(), [
			['dial_completed', { status: 'answered' }],
			['speak_completed', { collected_digits: '1' }],
		]);
		expect(
			buildOutcome(keyPress(), whole.steps, { referenceId: 'R', completed: { status: 'hangup' } })
				.missing_facts,
		).toEqual([]);
	});

	test('approval: the approve key approves, the decline key declines, nothing is not approval', () => {
		const settings = buildWaitSettings({
			message: 'Deploy?',
			responseType: 'approval',
			approvalType: 'double',
		});
		expect(settings).toMatchObject({ acknowledgeDigits: '1', declineDigits: '2', maxDigits: 1 });
		const outcomeFor = (digits: string) =>
			buildOutcome(
				settings,
				play(settings, [
					['dial_completed', { status: 'answered' }],
					['speak_completed', { collected_digits: digits }],
				]).steps,
				{
					completed: completed(),
				},
			);
		expect(outcomeFor('1')).toMatchObject({ approved: true, acknowledged: true });
		expect(outcomeFor('2')).toMatchObject({ approved: false, acknowledged: false, digits: '2' });
		expect(outcomeFor('')).toMatchObject({ approved: false, digits: null });
	});

	test('none: speak without collecting, then hang up; acknowledged = heard to the end', () => {
		const settings = buildWaitSettings({
			message: 'Backup done.',
			responseType: 'none',
			repeat: 3,
		});
		const run = play(settings, [
			['dial_completed', { status: 'answered' }],
			['speak_completed', {}],
			['call_completed', completed()],
		]);
		expect(run.actions).toEqual([SPEAK('Backup done.'), HANGUP, null]);
		expect(buildOutcome(settings, run.steps, { completed: completed() })).toMatchObject({
			acknowledged: true,
			digits: null,
		});
	});

	test('a process that did not see the earlier events still takes the digits of a speak_completed', () => {
		const run = play(keyPress(), [
			['speak_completed', { collected_digits: '1' }],
			['call_completed', completed()],
		]);
		expect(run.actions[0]).toEqual(HANGUP);
		expect(buildOutcome(keyPress(), run.steps, { completed: completed() })).toMatchObject({
			answered: true,
			acknowledged: true,
			digits: '1',
		});
	});

	test('any key acknowledges when Acknowledge Key is empty; several digits compare whole', () => {
		const any = buildWaitSettings({ message: 'x', responseType: 'keyPress', acknowledgeKey: '' });
		const pin = buildWaitSettings({
			message: 'x',
			responseType: 'keyPress',
			acknowledgeKey: '4711',
		});
		expect(pin.maxDigits).toBe(4);
		const steps = (digits: string) =>
			play(any, [
				['dial_completed', { status: 'answered' }],
				['speak_completed', { collected_digits: digits }],
			]).steps;
		expect(buildOutcome(any, steps('5'), { completed: completed() }).acknowledged).toBe(true);
		expect(buildOutcome(pin, steps('4711'), { completed: completed() }).acknowledged).toBe(true);
		expect(buildOutcome(pin, steps('4712'), { completed: completed() }).acknowledged).toBe(false);
	});
});

describe('Key Messages', () => {
	const settings = buildWaitSettings({
		message: 'Press 1 to take it, 2 to pass.',
		responseType: 'keyPress',
		acknowledgeKey: '1',
		closingMessage: 'Goodbye.',
		keyMessages: [
			{ key: '1', message: 'Thank you, you own the incident.' },
			{ key: '2', message: 'We will call the next engineer.' },
		],
	});

	test.each([
		['1', 'Thank you, you own the incident.'],
		['2', 'We will call the next engineer.'],
		['9', 'Goodbye.'],
	])(
		'after %s the call hears %j instead of the Closing Message, then hangs up',
		(digits, spoken) => {
			const { actions } = play(settings, [
				['dial_completed', { status: 'answered' }],
				['speak_completed', { collected_digits: digits }],
				['speak_completed', {}],
			]);
			expect(actions[1]).toEqual(SPEAK(spoken));
			expect(actions[2]).toEqual(HANGUP);
		},
	);

	test.each([
		[[{ key: '', message: 'x' }], /^Key Messages entry 1 has no key/],
		[
			[{ key: '12', message: 'x' }],
			/^Key Messages entry 1 key "12" has more keys than the call collects \(1\)/,
		],
		[
			[
				{ key: '1', message: 'x' },
				{ key: '1', message: 'y' },
			],
			/^Key Messages entry 2 repeats the key "1"/,
		],
		[[{ key: '1', message: ' ' }], /Key Messages entry 1 Message/],
		[
			[{ key: 'A', message: 'x' }],
			/Key Messages entry 1 Key "A" can only hold the keys 0-9, \* and #/,
		],
	])('%j is refused', (keyMessages, message) => {
		expect(() =>
			buildWaitSettings({
				message: 'x',
				responseType: 'keyPress',
				acknowledgeKey: '1',
				keyMessages,
			}),
		).toThrow(message);
	});

	test('not with Response Type None', () => {
		expect(() =>
			buildWaitSettings({
				message: 'x',
				responseType: 'none',
				keyMessages: [{ key: '1', message: 'y' }],
			}),
		).toThrow(/Key Messages need a Response Type/);
	});
});
