import type { CallStep } from '../../nodes/shared/telesign/callAndWait';
import { decideNext } from '../../nodes/shared/telesign/callAndWait';
import type { WaitSettings } from '../../nodes/shared/telesign/callAndWaitSettings';
import { buildWaitSettings } from '../../nodes/shared/telesign/callAndWaitSettings';
import type { ChainPlan } from '../../nodes/shared/telesign/escalation';
import {
	MAX_RECIPIENTS,
	answerDecidedElsewhere,
	buildChainPlan,
	isChain,
	nextSteps,
	parseRecipients,
	stepInfo,
	verdictOf,
} from '../../nodes/shared/telesign/escalation';
import type { Attempt } from '../../nodes/shared/telesign/escalationOutcome';
import {
	attemptOf,
	buildChainOutcome,
	failedDialAttempt,
} from '../../nodes/shared/telesign/escalationOutcome';
import { ValidationError } from '../../nodes/shared/telesign/validation';

const A = '15555550001';
const B = '15555550002';
const C = '15555550003';

function refusal(run: () => unknown): ValidationError {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(ValidationError);
		return error as ValidationError;
	}
	throw new Error('not refused');
}

describe('parseRecipients', () => {
	test("one number is today's field: normalised, errors name Recipients", () => {
		expect(parseRecipients('+1 (555) 555-0001')).toEqual([A]);
		expect(parseRecipients(15555550001)).toEqual([A]);
		expect(refusal(() => parseRecipients('+1 555')).message).toMatch(
			/^Recipients "\+1 555" is too short/,
		);
	});

	test('a list: an array from an expression, or numbers separated by commas / new lines (blank entries skipped)', () => {
		expect(parseRecipients([A, '+1 555 555 0002', 15555550003])).toEqual([A, B, C]);
		expect(parseRecipients(`${A}, +1 555 555 0002,\n${C}\n`)).toEqual([A, B, C]);
		expect(parseRecipients(`${A}\r\n${B}`)).toEqual([A, B]);
	});

	test.each([
		[
			[A, B, '+1 555'],
			/^Recipients entry 3 "\+1 555" is not a phone number: is too short \(4 digits/,
		],
		[`${A}, call-me`, /^Recipients entry 2 "call-me" is not a phone number: it contains letters/],
		[[A, null], /^Recipients entry 2 "null" is not a phone number/],
		[[A, B, `+${A}`], /^Recipients entry 3 "\+15555550001" repeats entry 1: list each number once/],
		[[], /^Recipients is required/],
		['  ', /^Recipients is required|^Recipients is required/],
	])('%j is refused naming the entry', (value, message) => {
		const error = refusal(() => parseRecipients(value));
		expect(error.field).toBe('Recipients');
		expect(error.message).toMatch(message);
	});

	test(`at most ${MAX_RECIPIENTS} numbers`, () => {
		const list = Array.from({ length: MAX_RECIPIENTS + 1 }, (_, i) => String(15550000000 + i));
		expect(refusal(() => parseRecipients(list)).message).toMatch(/at most 50/);
		expect(parseRecipients(list.slice(1))).toHaveLength(MAX_RECIPIENTS);
	});
});

describe('buildChainPlan', () => {
	test('defaults: One After Another, one round; one number is not a chain', () => {
		const plan = buildChainPlan({ recipients: [A] });
		expect(plan).toEqual({ recipients: [A], strategy: 'oneAfterAnother', rounds: 1 });
		expect(isChain(plan)).toBe(false);
		expect(isChain(buildChainPlan({ recipients: [A, B] }))).toBe(true);
		expect(isChain(buildChainPlan({ recipients: [A], moreRounds: 1 }))).toBe(true);
	});

	test.each([
		[{ strategy: 'random' }, 'Strategy'],
		[{ moreRounds: 10 }, 'More Rounds'],
		[{ moreRounds: -1 }, 'More Rounds'],
	])('%j is refused naming %s', (input, field) => {
		expect(refusal(() => buildChainPlan({ recipients: [A, B], ...input })).field).toBe(field);
	});

	test('Ended By Others Message only for All at Once', () => {
		expect(
			buildChainPlan({
				recipients: [A, B],
				strategy: 'allAtOnce',
				endedByOthersMessage: ' Taken. ',
			}).endedByOthersMessage,
		).toBe('Taken.');
		expect(
			buildChainPlan({ recipients: [A, B], endedByOthersMessage: 'Taken.' }).endedByOthersMessage,
		).toBeUndefined();
	});
});

describe('nextSteps', () => {
	const one = buildChainPlan({ recipients: [A, B, C], moreRounds: 1 });
	const all = buildChainPlan({ recipients: [A, B, C], strategy: 'allAtOnce', moreRounds: 1 });
	const set = (...steps: number[]) => new Set(steps);

	test('One After Another: the next step when the last one ended, through every round, never twice', () => {
		expect(nextSteps(one, set(), set(), false)).toEqual([0]);
		expect(nextSteps(one, set(0), set(), false)).toEqual([]); // step 0 still going
		expect(nextSteps(one, set(0), set(0), false)).toEqual([1]);
		expect(nextSteps(one, set(0, 1, 2), set(0, 1, 2), false)).toEqual([3]); // round 2 starts with A again
		expect(stepInfo(one, 3)).toEqual({ to: A, round: 2 });
		expect(nextSteps(one, set(0, 1, 2, 3, 4, 5), set(0, 1, 2, 3, 4, 5), false)).toEqual([]); // all rounds done
		expect(nextSteps(one, set(0, 1), set(0), true)).toEqual([]); // decided
	});

	test('All at Once: a whole round, the next one when every call of it ended', () => {
		expect(nextSteps(all, set(), set(), false)).toEqual([0, 1, 2]);
		expect(nextSteps(all, set(0, 1, 2), set(0, 2), false)).toEqual([]);
		expect(nextSteps(all, set(0, 1, 2), set(0, 1, 2), false)).toEqual([3, 4, 5]);
		expect(nextSteps(all, set(0, 1, 2, 3, 4, 5), set(0, 1, 2, 3, 4, 5), false)).toEqual([]);
		expect(nextSteps(all, set(0, 1, 2), set(0, 1, 2), true)).toEqual([]);
	});
});

function play(
	settings: WaitSettings,
	events: Array<[string, Record<string, unknown>?]>,
): CallStep[] {
	const steps: CallStep[] = [];
	for (const [event, data] of events) steps.push(decideNext(settings, steps, { event, data }).step);
	return steps;
}

describe('verdictOf', () => {
	const keyPress = buildWaitSettings({
		message: 'Press 1',
		responseType: 'keyPress',
		acknowledgeKey: '1',
		repeat: 1,
	});
	const approval = buildWaitSettings({
		message: 'Approve?',
		responseType: 'approval',
		approvalType: 'double',
		approveKey: '1',
		declineKey: '2',
	});
	const none = buildWaitSettings({ message: 'FYI', responseType: 'none' });
	const verdict = (settings: WaitSettings, digits: string) => {
		const history = play(settings, [['dial_completed', { status: 'answered' }]]);
		return verdictOf(
			settings,
			decideNext(settings, history, {
				event: 'speak_completed',
				data: { collected_digits: digits },
			}).step,
			history,
		);
	};

	test('the acknowledge key decides; another key or nothing does not', () => {
		expect(verdict(keyPress, '1')).toBe('acknowledged');
		expect(verdict(keyPress, '9')).toBeUndefined();
		expect(verdict(keyPress, '')).toBeUndefined();
	});

	test('approval: approve and decline both decide', () => {
		expect(verdict(approval, '1')).toBe('acknowledged');
		expect(verdict(approval, '2')).toBe('declined');
		expect(verdict(approval, '5')).toBeUndefined();
	});

	test('Response Type None: hearing the message to the end acknowledges', () => {
		expect(verdict(none, '')).toBe('acknowledged');
		expect(
			verdictOf(none, { event: 'dial_completed', status: 'answered', answer: 'prompt' }, []),
		).toBeUndefined();
	});
});

describe('answerDecidedElsewhere', () => {
	const settings = buildWaitSettings({
		message: 'Press 1',
		responseType: 'keyPress',
		acknowledgeKey: '1',
	});
	const plan: ChainPlan = buildChainPlan({
		recipients: [A, B],
		strategy: 'allAtOnce',
		endedByOthersMessage: 'Someone else has it.',
	});

	test('the message once when connected, then hang up; no digits collected; nothing for a call that never connected', () => {
		const first = answerDecidedElsewhere(settings, plan, [], {
			event: 'dial_completed',
			data: { status: 'answered' },
		});
		expect(first.action).toEqual({
			jsonrpc: '2.0',
			method: 'speak',
			params: { tts: { message: 'Someone else has it.', language: 'en-US' } },
		});
		const second = answerDecidedElsewhere(settings, plan, [first.step], {
			event: 'speak_completed',
			data: { collected_digits: '1' },
		});
		expect(second.action?.method).toBe('hangup');
		expect(
			answerDecidedElsewhere(settings, plan, [], {
				event: 'dial_completed',
				data: { status: 'no_answer' },
			}).action,
		).toBeUndefined();
		expect(
			answerDecidedElsewhere(settings, plan, [], { event: 'call_completed', data: {} }).ended,
		).toBe(true);
	});

	test('without a message: hang up at once', () => {
		const silent = buildChainPlan({ recipients: [A, B], strategy: 'allAtOnce' });
		expect(
			answerDecidedElsewhere(settings, silent, [], { event: 'speak_completed', data: {} }).action
				?.method,
		).toBe('hangup');
	});
});

describe('buildChainOutcome', () => {
	const settings = buildWaitSettings({
		message: 'Press 1',
		responseType: 'keyPress',
		acknowledgeKey: '1',
		repeat: 0,
	});
	const plan = buildChainPlan({ recipients: [A, B, C], moreRounds: 1 });
	const completed = (answered: boolean) => ({
		status: 'hangup',
		duration: 5,
		answered_on_utc: answered ? '2026-01-01T00:00:00' : null,
	});

	function chain(): Map<number, Attempt> {
		const attempts = new Map<number, Attempt>();
		const busy = play(settings, [
			['dial_completed', { status: 'busy' }],
			['call_completed', completed(false)],
		]);
		attempts.set(
			0,
			attemptOf(settings, plan, 0, busy, { referenceId: 'R0', completed: completed(false) }),
		);
		const nine = play(settings, [
			['dial_completed', { status: 'answered' }],
			['speak_completed', { collected_digits: '9' }],
			['call_completed', completed(true)],
		]);
		attempts.set(
			1,
			attemptOf(settings, plan, 1, nine, { referenceId: 'R1', completed: completed(true) }),
		);
		attempts.set(
			2,
			failedDialAttempt(plan, 2, {
				status: 'invalid_phone_number',
				error: 'Telesign refused the number',
			}),
		);
		return attempts;
	}

	test('acknowledged by the fourth call (round 2): who, with what key, when, and every attempt in placing order', () => {
		const attempts = chain();
		const one = play(settings, [
			['dial_completed', { status: 'answered' }],
			['speak_completed', { collected_digits: '1' }],
			['call_completed', completed(true)],
		]);
		attempts.set(
			3,
			attemptOf(settings, plan, 3, one, { referenceId: 'R3', completed: completed(true) }),
		);
		const outcome = buildChainOutcome(
			settings,
			plan,
			attempts,
			{ step: 3, verdict: 'acknowledged', digits: '1', at: '2026-01-01T00:01:00.000Z' },
			{ userExternalId: 'INC-7' },
		);
		expect(outcome).toEqual({
			answered: true,
			acknowledged: true,
			acknowledged_by: { to: A, round: 2, digits: '1', at: '2026-01-01T00:01:00.000Z' },
			digits: '1',
			status: 'acknowledged',
			reference_id: 'R3',
			external_id: 'INC-7',
			to: A,
			recipients: [A, B, C],
			strategy: 'oneAfterAnother',
			rounds: 2,
			attempts: [
				{
					to: A,
					round: 1,
					reference_id: 'R0',
					answered: false,
					status: 'busy',
					digits: null,
					hung_up_during_message: false,
				},
				{
					to: B,
					round: 1,
					reference_id: 'R1',
					answered: true,
					status: 'hangup',
					digits: '9',
					hung_up_during_message: false,
				},
				{
					to: C,
					round: 1,
					reference_id: null,
					answered: false,
					status: 'invalid_phone_number',
					digits: null,
					hung_up_during_message: false,
					error: 'Telesign refused the number',
				},
				{
					to: A,
					round: 2,
					reference_id: 'R3',
					answered: true,
					status: 'hangup',
					digits: '1',
					hung_up_during_message: false,
				},
			],
		});
	});

	test('nobody acknowledged after every round: not_acknowledged with the reason', () => {
		const outcome = buildChainOutcome(settings, plan, chain(), undefined, {});
		expect(outcome).toMatchObject({
			acknowledged: false,
			acknowledged_by: null,
			status: 'not_acknowledged',
			reference_id: null,
			to: null,
		});
		expect(outcome.reason).toBe('Nobody acknowledged: 3 recipients called in 2 rounds (3 calls).');
	});

	test('the wait ran out: timeout, with the attempts made so far', () => {
		const outcome = buildChainOutcome(settings, plan, chain(), undefined, { timedOut: true });
		expect(outcome.status).toBe('timeout');
		expect(outcome.reason).toMatch(
			/^The wait ran out before anybody acknowledged \(3 of 6 calls placed\)/,
		);
		expect((outcome.attempts as Attempt[]).map((attempt) => attempt.to)).toEqual([A, B, C]);
	});

	test('approval: the first decline decides (approved false, decided_by), acknowledged_by stays null', () => {
		const approval = buildWaitSettings({
			message: 'Approve?',
			responseType: 'approval',
			approvalType: 'double',
		});
		const outcome = buildChainOutcome(
			approval,
			plan,
			chain(),
			{ step: 1, verdict: 'declined', digits: '2', at: 'T' },
			{},
		);
		expect(outcome).toMatchObject({
			approved: false,
			acknowledged: false,
			status: 'declined',
			decided_by: { to: B, round: 1, digits: '2', at: 'T' },
			acknowledged_by: null,
			reference_id: 'R1',
		});
		const approved = buildChainOutcome(
			approval,
			plan,
			chain(),
			{ step: 1, verdict: 'acknowledged', digits: '1', at: 'T' },
			{},
		);
		expect(approved).toMatchObject({
			approved: true,
			acknowledged: true,
			status: 'approved',
			decided_by: { to: B },
			acknowledged_by: { to: B },
		});
		const nobody = buildChainOutcome(approval, plan, chain(), undefined, {});
		expect(nobody).toMatchObject({ approved: false, decided_by: null, status: 'not_acknowledged' });
		expect(nobody.reason).toMatch(/^Nobody approved or declined/);
	});
});
