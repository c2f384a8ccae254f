'use strict';
/**
 * The calls of category 6 (6-callAndWait.e2e.test.js), played from Telesign's side: the events a call's
 * Telesign posts (with the data the simulator posts, test/simulator/callFlow.js), what the relaying trigger must
 * answer to each, and the outcome item the waiting execution must resume with.
 *
 * Every scripted call uses one setting: Key Press, Acknowledge Key "1", Max Digits 1, Repeat Message 1, no
 * closing message (CLOSING_PARAMETERS adds one), and the message `Press 1 (<number>)`.
 */
const CALLER_ID = '15550000001';

const PARAMETERS = {
	responseType: 'keyPress',
	acknowledgeKey: '1',
	maxDigits: 1,
	options: { repeatMessage: 1 },
};
const CLOSING = 'Thank you, goodbye.';
const CLOSING_PARAMETERS = {
	...PARAMETERS,
	options: { repeatMessage: 1, closingMessage: CLOSING },
};

const messageFor = (to) => `Press 1 (${to})`;

/** The actions the trigger answers Telesign with (n8n's JSON answer, parsed). */
const answers = {
	prompt: (to) => ({
		jsonrpc: '2.0',
		method: 'speak',
		params: { tts: { message: messageFor(to), language: 'en-US' }, collect_digits: { max: 1 } },
	}),
	closing: () => ({
		jsonrpc: '2.0',
		method: 'speak',
		params: { tts: { message: CLOSING, language: 'en-US' } },
	}),
	hangup: () => ({ jsonrpc: '2.0', method: 'hangup', params: {} }),
	/** call_completed: Telesign ignores the answer; the trigger answers an empty object. */
	none: () => ({}),
};

/** The events of a call: [event, data]. */
const events = {
	dial: (dial, status = 'answered') => ['dial_completed', { to: dial.to, from: CALLER_ID, status }],
	speak: (digits) => [
		'speak_completed',
		digits === undefined
			? { status: 'speak_successful' }
			: { status: 'speak_successful', collected_digits: digits },
	],
	completed: (dial, { answered = true, status = 'hangup' } = {}) => [
		'call_completed',
		{
			duration: answered ? 12 : 0,
			created_on_utc: '2026-01-01T10:00:00.000',
			answered_on_utc: answered ? '2026-01-01T10:00:05.000' : null,
			ended_on_utc: '2026-01-01T10:00:17.000',
			status,
			to: dial.to,
			from: CALLER_ID,
			direction: 'outbound',
		},
	],
};

/** The outcome's `events` entries. */
const step = {
	dial: { event: 'dial_completed', status: 'answered', answer: 'prompt' },
	speak: (digits, answer) => ({
		event: 'speak_completed',
		status: 'speak_successful',
		...(digits ? { digits } : {}),
		answer,
	}),
	completed: { event: 'call_completed', status: 'hangup', answer: 'nothing' },
};

/** Acknowledged with key 1, hung up by the callee after the prompt was answered. */
const acknowledged = (steps) => ({
	answered: true,
	acknowledged: true,
	digits: '1',
	status: 'hangup',
	duration: 12,
	events: steps,
});

/**
 * Duplicated events, one call (item) per case, played in this order in one execution: each step is
 * [event, expected answer, note]; `repeat: true` marks the duplicate (it must change nothing in the outcome).
 */
function duplicateCases() {
	return [
		{
			name: 'dial_completed posted twice: the repeat is answered with the same prompt, recorded once',
			script: (d) => [
				[events.dial(d), answers.prompt(d.to)],
				[events.dial(d), answers.prompt(d.to), 'repeat'],
				[events.speak('1'), answers.hangup()],
				[events.completed(d), answers.none()],
			],
			outcome: acknowledged([step.dial, step.speak('1', 'hangup'), step.completed]),
		},
		{
			name: 'speak_completed with digits "1" posted twice: the repeat is answered hangup again, the key press counted once',
			script: (d) => [
				[events.dial(d), answers.prompt(d.to)],
				[events.speak('1'), answers.hangup()],
				[events.speak('1'), answers.hangup(), 'repeat'],
				[events.completed(d), answers.none()],
			],
			outcome: acknowledged([step.dial, step.speak('1', 'hangup'), step.completed]),
		},
		{
			name: 'speak_completed without digits posted twice: the repeat is answered with the same prompt, not taken for a second unanswered prompt',
			script: (d) => [
				[events.dial(d), answers.prompt(d.to)],
				[events.speak(''), answers.prompt(d.to)],
				[events.speak(''), answers.prompt(d.to), 'repeat'],
				[events.speak('1'), answers.hangup()],
				[events.completed(d), answers.none()],
			],
			outcome: acknowledged([
				step.dial,
				step.speak(undefined, 'prompt'),
				step.speak('1', 'hangup'),
				step.completed,
			]),
		},
		{
			name: 'call_completed posted twice while other calls of the execution go on: both answered {}, recorded once, nothing resumes early',
			script: (d) => [
				[events.dial(d), answers.prompt(d.to)],
				[events.speak('1'), answers.hangup()],
				[events.completed(d), answers.none()],
				[events.completed(d), answers.none(), 'repeat'],
			],
			outcome: acknowledged([step.dial, step.speak('1', 'hangup'), step.completed]),
			stillWaiting: true,
		},
		{
			name: 'every event posted twice in a row, the last call_completed (which resumes the execution) too',
			script: (d) => [
				[events.dial(d), answers.prompt(d.to)],
				[events.dial(d), answers.prompt(d.to), 'repeat'],
				[events.speak('1'), answers.hangup()],
				[events.speak('1'), answers.hangup(), 'repeat'],
				[events.completed(d), answers.none()],
				[events.completed(d), answers.none(), 'repeat after the execution resumed'],
			],
			outcome: acknowledged([step.dial, step.speak('1', 'hangup'), step.completed]),
		},
	];
}

/** With a closing message: the repeat of the answered speak_completed is answered hangup (followedCalls.ts). */
function closingCase() {
	return {
		name: 'with a closing message, speak_completed "1" posted twice: the first answer is the closing message, the repeat is answered hangup (documented: nothing is asked any more), counted once',
		script: (d) => [
			[events.dial(d), answers.prompt(d.to)],
			[events.speak('1'), answers.closing()],
			[events.speak('1'), answers.hangup(), 'repeat'],
			[events.speak(), answers.hangup()],
			[events.completed(d), answers.none()],
		],
		outcome: acknowledged([
			step.dial,
			step.speak('1', 'closing'),
			step.speak(undefined, 'hangup'),
			step.completed,
		]),
	};
}

module.exports = {
	CALLER_ID,
	PARAMETERS,
	CLOSING_PARAMETERS,
	messageFor,
	answers,
	events,
	step,
	acknowledged,
	duplicateCases,
	closingCase,
};
