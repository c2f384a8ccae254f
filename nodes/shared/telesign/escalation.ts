/**
 * On-call escalation in Call and Wait, the domain part: the list of recipients of one input item, the order in
 * which they are called (the chain's "steps"), which call's answer decides, what the others hear once someone
 * decided (the one outcome item of the whole chain is in escalationOutcome.ts). Pure: no n8n, no I/O.
 *
 * A chain has `recipients × rounds` steps; step s calls recipient `s % n` in round `s / n` (0-based). The step
 * number travels in each call's marker (shared/relay/protocol.ts), so whichever n8n process gets a call's events
 * knows where the chain is. One After Another dials step s+1 when step s ended without a decision; All at Once
 * dials a whole round at once and the next round when every call of the round ended without one.
 */
import type { TelesignAction } from './actions';
import { buildHangupAction, buildSpeakAction } from './actions';
import type { CallStep, Decision, EventFacts } from './callAndWait';
import type { WaitSettings } from './callAndWaitSettings';
import { ValidationError, normalizePhoneNumber, showValue, validateInteger } from './validation';

export type Strategy = 'oneAfterAnother' | 'allAtOnce';
export const STRATEGIES: readonly Strategy[] = ['oneAfterAnother', 'allAtOnce'];
/** At most this many numbers per list: bounds the step number in the marker (3 digits with MAX_MORE_ROUNDS). */
export const MAX_RECIPIENTS = 50;
/** PagerDuty repeats an escalation policy up to 9 times. */
export const MAX_MORE_ROUNDS = 9;

export interface ChainPlan {
	recipients: string[];
	strategy: Strategy;
	/** How many times the list is called through (1 + More Rounds). */
	rounds: number;
	/** All at Once: spoken to the others once someone decided, before they are hung up. */
	endedByOthersMessage?: string;
}

function entries(value: unknown): unknown[] {
	if (Array.isArray(value)) return value;
	if (typeof value === 'string')
		return value.split(/[,\n\r]+/).filter((entry) => entry.trim() !== '');
	return [value];
}

/** Why normalizePhoneNumber refused a value, without its "<field> <value> " opening. */
function reasonOf(error: ValidationError, field: string, raw: unknown): string {
	const opening = `${field} ${showValue(typeof raw === 'string' ? raw.trim() : raw)} `;
	const message = error.message.startsWith(opening)
		? error.message.slice(opening.length)
		: error.message;
	return message.replace(/^is not a phone number: /, '');
}

/** The entry's number, or why it is none. */
function normalizeEntry(raw: unknown, field: string): string | ValidationError {
	try {
		return normalizePhoneNumber(typeof raw === 'string' ? raw.trim() : raw, field);
	} catch (error) {
		return error instanceof ValidationError
			? error
			: new ValidationError(field, `${field} could not be read`);
	}
}

/**
 * The numbers of Recipients: one number, an array (from an expression), or numbers separated by commas or new
 * lines. Every entry is checked before anything is dialled; an error names the entry (1-based) and its value.
 */
export function parseRecipients(value: unknown): string[] {
	const list = entries(value);
	if (list.length === 0)
		throw new ValidationError(
			'Recipients',
			'Recipients is required: enter a phone number, or several separated by commas or new lines',
		);
	if (list.length > MAX_RECIPIENTS) {
		throw new ValidationError(
			'Recipients',
			`Recipients has ${list.length} numbers: at most ${MAX_RECIPIENTS} per call list`,
		);
	}
	if (list.length === 1 && !Array.isArray(value))
		return [
			normalizePhoneNumber(typeof list[0] === 'string' ? list[0].trim() : list[0], 'Recipients'),
		];
	const numbers: string[] = [];
	list.forEach((raw, index) => {
		const field = `Recipients entry ${index + 1}`;
		const number = normalizeEntry(raw, field);
		if (number instanceof ValidationError) {
			const shown = showValue(typeof raw === 'string' ? raw.trim() : raw);
			throw new ValidationError(
				'Recipients',
				`${field} ${shown} is not a phone number: ${reasonOf(number, field, raw)}`,
			);
		}
		const earlier = numbers.indexOf(number);
		if (earlier >= 0) {
			throw new ValidationError(
				'Recipients',
				`${field} ${showValue(String(raw).trim())} repeats entry ${earlier + 1}: list each number once (More Rounds calls the list again)`,
			);
		}
		numbers.push(number);
	});
	return numbers;
}

export interface ChainPlanInput {
	recipients: string[];
	strategy?: unknown;
	moreRounds?: unknown;
	endedByOthersMessage?: unknown;
}

export function buildChainPlan(input: ChainPlanInput): ChainPlan {
	const strategy = (input.strategy ?? 'oneAfterAnother') as Strategy;
	if (!STRATEGIES.includes(strategy)) {
		throw new ValidationError(
			'Strategy',
			`Strategy "${String(input.strategy)}" is not one of: ${STRATEGIES.join(', ')}`,
		);
	}
	const rounds = validateInteger(input.moreRounds ?? 0, 'More Rounds', 0, MAX_MORE_ROUNDS) + 1;
	const plan: ChainPlan = { recipients: input.recipients, strategy, rounds };
	const message = input.endedByOthersMessage;
	if (strategy === 'allAtOnce' && typeof message === 'string' && message.trim() !== '')
		plan.endedByOthersMessage = message.trim();
	return plan;
}

/** Whether an item calls a list (an escalation) rather than one number (today's single call). */
export function isChain(plan: ChainPlan): boolean {
	return plan.recipients.length > 1 || plan.rounds > 1;
}

export function stepCount(plan: ChainPlan): number {
	return plan.recipients.length * plan.rounds;
}

export interface StepInfo {
	to: string;
	/** 1-based, as the output shows it. */
	round: number;
}

export function stepInfo(plan: ChainPlan, step: number): StepInfo {
	const n = plan.recipients.length;
	return { to: plan.recipients[step % n], round: Math.floor(step / n) + 1 };
}

/**
 * The steps to dial now, given the steps dialled (or refused) so far and those that ended. Nothing once the
 * chain is decided; a step is never returned twice because dialled steps are excluded.
 */
export function nextSteps(
	plan: ChainPlan,
	dialled: ReadonlySet<number>,
	ended: ReadonlySet<number>,
	decided: boolean,
): number[] {
	if (decided) return [];
	const total = stepCount(plan);
	const n = plan.recipients.length;
	if (dialled.size === 0) return plan.strategy === 'allAtOnce' ? range(0, Math.min(n, total)) : [0];
	const last = Math.max(...dialled);
	if (plan.strategy === 'oneAfterAnother')
		return ended.has(last) && last + 1 < total && !dialled.has(last + 1) ? [last + 1] : [];
	const round = Math.floor(last / n);
	const roundSteps = range(round * n, round * n + n);
	if (!roundSteps.every((step) => ended.has(step)) || round + 1 >= plan.rounds) return [];
	return range((round + 1) * n, (round + 2) * n).filter((step) => !dialled.has(step));
}

function range(from: number, to: number): number[] {
	const steps: number[] = [];
	for (let step = from; step < to; step++) steps.push(step);
	return steps;
}

/** What a call's new step says about the chain: it acknowledges (approves), declines, or decides nothing. */
export function verdictOf(
	settings: WaitSettings,
	step: CallStep,
	history: readonly CallStep[],
): 'acknowledged' | 'declined' | undefined {
	if (settings.responseType === 'none') {
		const prompted = history.some((s) => s.answer === 'prompt');
		return prompted && step.event === 'speak_completed' ? 'acknowledged' : undefined;
	}
	if (step.digits === undefined) return undefined;
	if (settings.acknowledgeDigits === '' || step.digits === settings.acknowledgeDigits)
		return 'acknowledged';
	if (
		settings.responseType === 'approval' &&
		settings.declineDigits !== undefined &&
		step.digits === settings.declineDigits
	)
		return 'declined';
	return undefined;
}

/**
 * The answer to an event of a call whose chain someone else decided (All at Once; or a late call): the Ended By
 * Others Message once if the call is connected, then hang up. No digits are collected: they could not count.
 */
export function answerDecidedElsewhere(
	settings: WaitSettings,
	plan: ChainPlan,
	history: readonly CallStep[],
	event: EventFacts,
): Decision {
	const data = event.data ?? {};
	const step: CallStep = { event: event.event, answer: 'nothing' };
	if (typeof data.status === 'string') step.status = data.status;
	let action: TelesignAction | undefined;
	const connected =
		event.event === 'speak_completed' ||
		event.event === 'play_completed' ||
		(event.event === 'dial_completed' && data.status === 'answered');
	if (connected) {
		const spoken = history.some((s) => s.answer === 'closing' || s.answer === 'hangup');
		if (plan.endedByOthersMessage && !spoken) {
			action = buildSpeakAction({
				message: plan.endedByOthersMessage,
				language: settings.language,
			});
			step.answer = 'closing';
		} else {
			action = buildHangupAction();
			step.answer = 'hangup';
		}
	}
	return { action, step, ended: event.event === 'call_completed' };
}
