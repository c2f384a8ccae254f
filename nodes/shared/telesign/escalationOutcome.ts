/**
 * On-call escalation in Call and Wait, the output part: each call of a chain as an attempt, and the one outcome
 * item of the whole chain (who decided, how, and every attempt in placing order). Pure: no n8n, no I/O. The
 * chain itself (recipients, steps, verdicts) is in escalation.ts.
 */
import type { CallStep } from './callAndWait';
import { TIMEOUT_MESSAGE, TIMEOUT_STATUS, buildOutcome } from './callAndWait';
import type { WaitSettings } from './callAndWaitSettings';
import type { ChainPlan } from './escalation';
import { stepCount, stepInfo } from './escalation';

/** One call of a chain, as the output lists it. */
export interface Attempt {
	to: string;
	round: number;
	reference_id: string | null;
	/** null: not known here (details_missing). */
	answered: boolean | null;
	/** The call's status (as a single call's), `timeout` while it had not ended, or why the dial failed. */
	status: string | null;
	digits: string | null;
	hung_up_during_message: boolean | null;
	/** All at Once: the call was ended because someone else decided first (its keys never count). */
	ended_by_others?: boolean;
	/** A dial Telesign refused or that got no answer: the error. */
	error?: string;
	/** The call was followed by another n8n process (or before a restart): only who and which round is known. */
	details_missing?: boolean;
}

export interface CallFacts {
	referenceId?: string | null;
	/** call_completed's data, once the call ended. */
	completed?: Record<string, unknown>;
	endedByOthers?: boolean;
}

/** The attempt of a dialled call, from its steps (what this process saw of it). */
export function attemptOf(
	settings: WaitSettings,
	plan: ChainPlan,
	step: number,
	history: readonly CallStep[],
	facts: CallFacts,
): Attempt {
	const info = stepInfo(plan, step);
	const outcome = buildOutcome(settings, history, {
		referenceId: facts.referenceId ?? undefined,
		to: info.to,
		completed: facts.completed,
	});
	const attempt: Attempt = {
		...info,
		reference_id: facts.referenceId ?? null,
		answered: outcome.answered === true,
		status: (outcome.status as string | null) ?? null,
		digits: (outcome.digits as string | null) ?? null,
		hung_up_during_message: outcome.hung_up_during_message === true,
	};
	if (facts.endedByOthers) attempt.ended_by_others = true;
	return attempt;
}

/** The attempt of a dial that placed no call (refused), or whose outcome is unknown (no answer from Telesign). */
export function failedDialAttempt(
	plan: ChainPlan,
	step: number,
	failure: { status?: unknown; referenceId?: unknown; error: string },
): Attempt {
	return {
		...stepInfo(plan, step),
		reference_id: typeof failure.referenceId === 'string' ? failure.referenceId : null,
		answered: false,
		status:
			typeof failure.status === 'string' && failure.status !== '' ? failure.status : 'dial_failed',
		digits: null,
		hung_up_during_message: false,
		error: failure.error,
	};
}

/** Who decided the chain, and how. */
export interface ChainDecision {
	step: number;
	verdict: 'acknowledged' | 'declined';
	digits: string | null;
	/** When the deciding event reached n8n (ISO 8601). */
	at: string;
}

export interface ChainOutcomeContext {
	userExternalId?: string | null;
	/** The wait ran out before the chain ended. */
	timedOut?: boolean;
}

/** The one output item of a chain: the decision, who made it, and every attempt in placing order. */
export function buildChainOutcome(
	settings: WaitSettings,
	plan: ChainPlan,
	attempts: ReadonlyMap<number, Attempt>,
	decision: ChainDecision | undefined,
	context: ChainOutcomeContext,
): Record<string, unknown> {
	const ordered = [...attempts.entries()]
		.sort(([a], [b]) => a - b)
		.map(([, attempt]) => ({ ...attempt }));
	const acknowledged = decision?.verdict === 'acknowledged';
	const decider =
		decision === undefined
			? undefined
			: { ...stepInfo(plan, decision.step), digits: decision.digits, at: decision.at };
	const deciding = decision === undefined ? undefined : attempts.get(decision.step);
	const outcome: Record<string, unknown> = {
		answered: ordered.some((attempt) => attempt.answered === true),
		acknowledged,
	};
	if (settings.responseType === 'approval') {
		outcome.approved = acknowledged;
		outcome.decided_by = decider ?? null;
	}
	outcome.acknowledged_by = acknowledged ? (decider ?? null) : null;
	outcome.digits = decision?.digits ?? null;
	if (decision !== undefined)
		outcome.status =
			decision.verdict === 'declined'
				? 'declined'
				: acknowledged && settings.responseType === 'approval'
					? 'approved'
					: 'acknowledged';
	else if (context.timedOut) outcome.status = TIMEOUT_STATUS;
	else outcome.status = 'not_acknowledged';
	if (decision === undefined) {
		outcome.reason = context.timedOut
			? `The wait ran out before anybody ${settings.responseType === 'approval' ? 'approved or declined' : 'acknowledged'} (${ordered.length} of ${stepCount(plan)} calls placed). ${TIMEOUT_MESSAGE}`
			: `Nobody ${settings.responseType === 'approval' ? 'approved or declined' : 'acknowledged'}: ${plan.recipients.length} recipients called in ${plan.rounds} round${plan.rounds === 1 ? '' : 's'} (${ordered.length} calls).`;
	}
	outcome.reference_id = deciding?.reference_id ?? null;
	outcome.external_id = context.userExternalId ?? null;
	outcome.to = decider?.to ?? null;
	outcome.recipients = [...plan.recipients];
	outcome.strategy = plan.strategy;
	outcome.rounds = plan.rounds;
	outcome.attempts = ordered;
	return outcome;
}
