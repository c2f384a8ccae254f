/**
 * The steps of the calls a waiting execution is following, between two events, and the rule that makes each
 * step happen once. n8n offers a node no storage it could write from a webhook that does not resume the
 * execution, so they live in the memory of the n8n process that answers the events (the settings and the dialled
 * calls are persisted with the waiting execution: waitingState.ts). After a restart, or when another process
 * answers the next event, a call goes on from what that event says; see docs/call-and-wait.md ("Limits").
 *
 * Repeated events. Telesign may post an event again (a retry after a slow answer) and sends no event id
 * (https://developer.telesign.com/enterprise/reference/voice-events), so "the same event" is: the same call
 * (reference_id), the same event name and the same data. A repeat is answered as the event was answered the
 * first time and changes nothing in the call's record:
 * - dial_completed and call_completed happen once per call: an identical one is always a repeat;
 * - speak_completed / play_completed can genuinely come twice with the same data (nothing pressed at two
 *   prompts in a row), which no byte tells from a repeat. Time does: a genuine one comes only after Telesign has
 *   spoken the prompt the last answer asked for, so an identical one that arrives sooner than that prompt can be
 *   spoken at a fast pace (FASTEST_SPEECH_CHARS_PER_SECOND) is a repeat, answered with the same prompt; a later
 *   one is a new step (a repeat that late is taken for the callee's silence at the prompt: the one case the rule
 *   gets wrong). After the closing message or a hang-up a repeat is answered with a hang-up (the response is
 *   decided; nothing is asked any more).
 */
import { buildHangupAction } from '../../../../shared/telesign/actions';
import type { CallStep, Decision } from '../../../../shared/telesign/callAndWait';

export interface FollowedCall {
	/** Telesign's reference_id of the call (the same node may dial again in a later run of the execution). */
	referenceId?: string;
	steps: CallStep[];
	/** call_completed's data once Telesign has reported the end of the call. */
	completed?: Record<string, unknown>;
	/** What each handled event was answered, by its identity (sameEvent), and the last one handled. */
	answers: Map<string, Decision['action']>;
	lastIdentity?: string;
	/** Until when an event identical to the last one is a repeat: the soonest its prompt can have been spoken. */
	lastPromptEndsMs: number;
	/** Events not recorded because they repeated one already handled. */
	repeats: number;
}

interface Execution {
	calls: Map<number, FollowedCall>;
	touchedMs: number;
	/** The timer that ends the wait at Limit Wait Time (timeLimit.ts), and when. */
	limit?: { atMs: number; timer: AbortController };
}

/** Entries not touched for this long are dropped (Telesign ends every call within 4 hours). */
export const IDLE_LIMIT_MS = 5 * 60 * 60 * 1000;

const executions = new Map<string, Execution>();

function sweep(nowMs: number): void {
	for (const [key, execution] of executions) {
		const waiting = execution.limit !== undefined && execution.limit.atMs > nowMs;
		if (!waiting && nowMs - execution.touchedMs > IDLE_LIMIT_MS) forget(key);
	}
}

/** The calls of one waiting node run, keyed by its resume signature (unique per execution and node). */
export function callsOf(key: string, nowMs = Date.now()): Map<number, FollowedCall> {
	sweep(nowMs);
	let execution = executions.get(key);
	if (execution === undefined) {
		execution = { calls: new Map(), touchedMs: nowMs };
		executions.set(key, execution);
	}
	execution.touchedMs = nowMs;
	return execution.calls;
}

/** The followed call of an item; a call with another reference_id (an earlier run of the node) is replaced. */
export function callOf(
	calls: Map<number, FollowedCall>,
	itemIndex: number,
	referenceId: string | undefined,
): FollowedCall {
	let call = calls.get(itemIndex);
	if (call === undefined || call.referenceId !== referenceId) {
		call = { referenceId, steps: [], answers: new Map(), lastPromptEndsMs: 0, repeats: 0 };
		calls.set(itemIndex, call);
	}
	return call;
}

export function forget(key: string): void {
	const limit = executions.get(key)?.limit;
	limit?.timer.abort();
	executions.delete(key);
}

/** Forgets every execution and stops every timer (tests). */
export function forgetAll(): void {
	for (const key of [...executions.keys()]) forget(key);
}

/** Whether this process already has a timer for the wait's time limit (timeLimit.ts). */
export function hasTimeLimit(key: string): boolean {
	return executions.get(key)?.limit !== undefined;
}

/** When this process's timer for the wait fires (undefined: none). */
export function timeLimitAt(key: string): number | undefined {
	return executions.get(key)?.limit?.atMs;
}

export function setTimeLimit(
	key: string,
	atMs: number,
	timer: AbortController,
	nowMs = Date.now(),
): void {
	callsOf(key, nowMs); // creates the entry if this process follows the execution from now on
	const execution = executions.get(key) as Execution;
	execution.limit?.timer.abort(); // a timer for another wait of the same node run (Retry On Fail) is replaced
	execution.limit = { atMs, timer };
}

/** What this process knows of a call, as it travels in a time-limit request. */
export interface KnownCall {
	item: number;
	reference_id: string | null;
	steps: CallStep[];
	completed: Record<string, unknown> | null;
}

export function knownCalls(key: string): KnownCall[] {
	const calls = executions.get(key)?.calls ?? new Map<number, FollowedCall>();
	return [...calls].map(([item, call]) => ({
		item,
		reference_id: call.referenceId ?? null,
		steps: call.steps,
		completed: call.completed ?? null,
	}));
}

/**
 * Takes in what another process knew of the calls (a time-limit request): a call this process knows less of
 * (no record, or fewer steps of the same call) is replaced by the other record.
 */
export function adoptKnown(calls: Map<number, FollowedCall>, known: readonly KnownCall[]): void {
	for (const other of known) {
		const own = calls.get(other.item);
		const referenceId = other.reference_id ?? undefined;
		if (
			own !== undefined &&
			own.referenceId === referenceId &&
			(own.completed !== undefined || own.steps.length >= other.steps.length)
		)
			continue;
		const call = callOf(calls, other.item, referenceId);
		call.steps = [...other.steps];
		call.completed = other.completed ?? undefined;
	}
}

function canonical(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
	if (value !== null && typeof value === 'object') {
		const entries = Object.keys(value as object)
			.sort()
			.map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`);
		return `{${entries.join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

/** An event's identity: the same event name and the same data (key order does not matter). */
export function sameEvent(event: string, data: unknown): string {
	return `${event}|${canonical(data ?? {})}`;
}

const ONCE_PER_CALL = new Set(['dial_completed', 'call_completed']);

/**
 * Text-to-speech speaks about 15 characters a second; twice that is a pace no prompt is spoken faster at, so a
 * prompt's length at this pace is the soonest its speak_completed can follow the answer that asked for it.
 */
export const FASTEST_SPEECH_CHARS_PER_SECOND = 30;

function soonestSpokenMs(action: Decision['action']): number {
	const tts =
		action?.method === 'speak'
			? (action.params.tts as { message?: unknown } | undefined)
			: undefined;
	const message = tts?.message;
	return typeof message === 'string'
		? Math.ceil((message.length * 1000) / FASTEST_SPEECH_CHARS_PER_SECOND)
		: 0;
}

/**
 * What a repeat of an already handled event is answered, or undefined when the event is a new step (decide it
 * and record it with recordStep). Counts the repeat.
 */
export function repeatAnswer(
	call: FollowedCall,
	identity: string,
	nowMs = Date.now(),
): { action: Decision['action'] } | undefined {
	if (!call.answers.has(identity)) return undefined;
	const event = identity.slice(0, identity.indexOf('|'));
	const last = call.steps[call.steps.length - 1];
	const finished = last !== undefined && (last.answer === 'closing' || last.answer === 'hangup');
	if (!ONCE_PER_CALL.has(event)) {
		if (call.lastIdentity !== identity) return undefined;
		if (!finished && nowMs >= call.lastPromptEndsMs) return undefined;
	}
	call.repeats++;
	if (!ONCE_PER_CALL.has(event) && finished) return { action: buildHangupAction() };
	return { action: call.answers.get(identity) };
}

/** Records a new step: what it was answered, for its repeats. */
export function recordStep(
	call: FollowedCall,
	identity: string,
	decision: Decision,
	data: Record<string, unknown> | undefined,
	nowMs = Date.now(),
): void {
	call.steps.push(decision.step);
	call.answers.set(identity, decision.action);
	call.lastIdentity = identity;
	call.lastPromptEndsMs = nowMs + soonestSpokenMs(decision.action);
	if (decision.ended) call.completed = data ?? {};
}
