/**
 * Call and Wait for Response, the domain part: what to answer at each event of a waiting call (given the node's
 * settings and the call's events so far), and the outcome item once the call has ended. Pure: no n8n, no I/O.
 * The settings themselves (the node's fields, validated) are in callAndWaitSettings.ts.
 *
 * Telesign drives a call through the answers to its events:
 * https://developer.telesign.com/enterprise/reference/voice-events and
 * https://developer.telesign.com/enterprise/docs/voice-send-a-tts-message-and-collect-digits —
 * dial_completed → answer speak (+ collect_digits) → speak_completed carries data.collected_digits → answer the
 * next action → … → call_completed (the call detail record). Telesign does not publish dial_completed's failure
 * statuses: anything but "answered" is reported as the call's status, unchanged.
 */
import type { TelesignAction } from './actions';
import { buildHangupAction, buildSpeakAction } from './actions';
import type { WaitSettings } from './callAndWaitSettings';

/** What happened on a waiting call, one record per event, with what was answered to it. */
export interface CallStep {
	event: string;
	status?: string;
	digits?: string;
	answer: StepAnswer;
	at?: string;
}

export type StepAnswer = 'prompt' | 'closing' | 'hangup' | 'nothing';

export interface EventFacts {
	event: string;
	data?: Record<string, unknown>;
}

export interface Decision {
	action: TelesignAction | undefined;
	step: CallStep;
	/** True once Telesign has reported the end of the call (call_completed). */
	ended: boolean;
}

function text(value: unknown): string | undefined {
	return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

function prompt(settings: WaitSettings): TelesignAction {
	return buildSpeakAction({
		message: settings.message,
		language: settings.language,
		collectDigits: settings.maxDigits || undefined,
	});
}

/**
 * The answer after the response is known (or there is none): the Key Message of the keys pressed, else the
 * closing message, else hang up.
 */
function finish(
	settings: WaitSettings,
	history: readonly CallStep[],
	digits?: string,
): { action: TelesignAction; answer: StepAnswer } {
	const closingSpoken = history.some((step) => step.answer === 'closing');
	const message =
		(digits !== undefined ? settings.keyMessages?.[digits] : undefined) ?? settings.closingMessage;
	if (message && !closingSpoken) {
		return {
			action: buildSpeakAction({ message, language: settings.language }),
			answer: 'closing',
		};
	}
	return { action: buildHangupAction(), answer: 'hangup' };
}

/** What to answer to `event`, given the settings and the steps of this call so far. */
export function decideNext(
	settings: WaitSettings,
	history: readonly CallStep[],
	event: EventFacts,
): Decision {
	const data = event.data ?? {};
	const step: CallStep = { event: event.event, answer: 'nothing' };
	const status = text(data.status);
	if (status !== undefined) step.status = status;
	let action: TelesignAction | undefined;
	if (event.event === 'dial_completed') {
		if (status === 'answered') {
			action = prompt(settings);
			step.answer = 'prompt';
		}
	} else if (event.event === 'speak_completed' || event.event === 'play_completed') {
		const last = [...history].reverse().find((s) => s.answer !== 'nothing');
		const digits = text(data.collected_digits) ?? '';
		// Only digits collected by the prompt count as the response. With no steps known (this n8n process did not
		// see the call's earlier events), digits can only come from a prompt: the closing message collects none.
		if (digits !== '' && (last?.answer === 'prompt' || last === undefined)) step.digits = digits;
		const prompts = history.filter((s) => s.answer === 'prompt').length;
		if (
			last?.answer === 'prompt' &&
			digits === '' &&
			settings.responseType !== 'none' &&
			prompts <= settings.repeat
		) {
			action = prompt(settings);
			step.answer = 'prompt';
		} else if (last?.answer === 'closing' || last?.answer === 'hangup') {
			action = buildHangupAction();
			step.answer = 'hangup';
		} else {
			const next = finish(settings, history, step.digits);
			action = next.action;
			step.answer = next.answer;
		}
	}
	// call_completed answers are ignored by Telesign; unknown events get no action.
	return { action, step, ended: event.event === 'call_completed' };
}

export interface OutcomeContext {
	referenceId?: string;
	externalId?: string | null;
	to?: string;
	/** call_completed's data, when the call has ended. */
	completed?: Record<string, unknown>;
}

export const TIMEOUT_STATUS = 'timeout';
export const TIMEOUT_MESSAGE =
	'Telesign did not report the end of this call before the wait time ran out. If no event of the call reached this workflow, check that a Telesign Voice Trigger with Authentication "Telesign Signature" is active and that its production URL is the event URL registered with Telesign for this account. If n8n restarted during the call, what was known of it is lost: missing_facts lists what this outcome cannot tell.';
export const TIMEOUT_MESSAGE_WITH_EVENTS =
	'Telesign did not report the end of this call before the wait time ran out. The outcome holds what was known of the call then.';

/**
 * The outcome fields this history cannot tell. Events live in the memory of the n8n process that answered them
 * (docs/call-and-wait.md, Limits): a history that does not begin with dial_completed missed earlier events, which
 * another process (queue mode) or a process before a restart answered.
 */
function missingFacts(
	history: readonly CallStep[],
	completed: Record<string, unknown> | undefined,
): string[] {
	if (history[0]?.event === 'dial_completed') return [];
	const missing: string[] = [];
	if (completed === undefined || !('answered_on_utc' in completed)) missing.push('answered'); // null: not answered
	missing.push('digits', 'events');
	return missing;
}

/** The digits of the last prompt answered (what the callee pressed for the question asked). */
function lastDigits(history: readonly CallStep[]): string | undefined {
	for (let i = history.length - 1; i >= 0; i--)
		if (history[i].digits !== undefined) return history[i].digits;
	return undefined;
}

/** The output item for a call, from its steps (ended or not: an unfinished call is a timeout). */
export function buildOutcome(
	settings: WaitSettings,
	history: readonly CallStep[],
	context: OutcomeContext,
): Record<string, unknown> {
	const completed = context.completed;
	const dial = history.find((step) => step.event === 'dial_completed');
	const answered =
		dial?.status === 'answered' ||
		(completed !== undefined &&
			typeof completed.answered_on_utc === 'string' &&
			completed.answered_on_utc !== '');
	const digits = lastDigits(history) ?? null;
	let acknowledged = false;
	if (settings.responseType === 'none')
		acknowledged = answered && history.some((s) => s.event === 'speak_completed');
	else if (digits !== null)
		acknowledged = settings.acknowledgeDigits === '' || digits === settings.acknowledgeDigits;
	const outcome: Record<string, unknown> = { answered, acknowledged };
	if (settings.responseType === 'approval') outcome.approved = acknowledged;
	outcome.digits = digits;
	if (completed === undefined) {
		outcome.status = TIMEOUT_STATUS;
		outcome.message = history.length === 0 ? TIMEOUT_MESSAGE : TIMEOUT_MESSAGE_WITH_EVENTS;
	} else {
		// An unanswered call ends with the dial's status (busy, no_answer, failed …), which tells more.
		outcome.status = !answered && dial?.status ? dial.status : (text(completed.status) ?? null);
		if (answered && digits === null && !history.some((s) => s.event === 'speak_completed'))
			outcome.hung_up_during_message = true;
	}
	outcome.reference_id = context.referenceId ?? null;
	outcome.external_id = context.externalId ?? null;
	outcome.to = context.to ?? null;
	outcome.duration =
		completed && typeof completed.duration === 'number' ? completed.duration : null;
	outcome.events = history.map((step) => ({ ...step }));
	outcome.missing_facts = missingFacts(history, completed);
	return outcome;
}
