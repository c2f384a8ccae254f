/**
 * Placing the calls of an on-call list (Recipients with several numbers, or More Rounds): which dial each step
 * sends and the one loop that sends them, used by execute() for the chain's first calls (inside the dial
 * pipeline, ../dialPipeline.ts) and by the waiting webhook for the next ones (followedChains.ts). Both send
 * through sendDial (../dial.steps.ts): one dial path. Which steps come next is the domain's nextSteps
 * (shared/telesign/escalation.ts).
 *
 * Never a second dial for a step: a step is added to `dialled` synchronously, before the request is awaited, by
 * whoever decided to dial it, and nextSteps never returns a dialled step. Within one n8n process that holds for
 * concurrent and repeated events alike (a repeated call_completed is also recognised as a repeat first:
 * followedCalls.ts). What holds across processes: docs/call-and-wait.md ("On-call lists" → "Limits").
 */
import type { IDataObject } from 'n8n-workflow';

import type { ChainPlan } from '../../../../shared/telesign/escalation';
import { nextSteps } from '../../../../shared/telesign/escalation';
import type { Attempt } from '../../../../shared/telesign/escalationOutcome';
import { failedDialAttempt } from '../../../../shared/telesign/escalationOutcome';
import { buildExternalId, encodeMarker } from '../../../../shared/relay';
import type { DialContext, DialResult, PreparedDial } from '../dial.steps';
import { cancelledDial, mayHaveCalled, sendDial } from '../dial.steps';

/** What the resume URL gives every marker of this node run. */
export interface MarkerBase {
	executionId: string;
	nodeId: string;
	signature: string;
}

/** The chain of one item, saved with the waiting execution (waitingState.ts). */
export interface WaitingChain {
	plan: ChainPlan;
	/** The dial every call of the list sends, but for `to` and `external_id`. */
	dial: { body: IDataObject; callerIdNumber: string; retries: number; timeoutMs: number };
	marker: MarkerBase & { itemIndex: number };
	/** What execute() dialled: the calls placed (step → reference_id) and the dials that failed. */
	started: ChainStart;
}

export interface ChainStart {
	placed: Array<[number, string | null]>;
	failed: Array<[number, Attempt]>;
}

/** Where a chain is, as far as this process knows. */
export interface ChainProgress {
	dialled: Set<number>;
	ended: Set<number>;
	/** step → reference_id of the calls placed. */
	placed: Map<number, string | null>;
	failed: Map<number, Attempt>;
	isDecided(): boolean;
}

/** The external_id of a step's call: the marker with the step, then the user's External ID. */
export function externalIdOfStep(
	chain: Pick<WaitingChain, 'marker'>,
	step: number,
	userExternalId: string | null | undefined,
): string {
	return buildExternalId(encodeMarker({ ...chain.marker, step }), userExternalId ?? undefined);
}

export function dialOfStep(
	chain: WaitingChain,
	step: number,
	userExternalId: string | null | undefined,
): PreparedDial {
	const externalId = externalIdOfStep(chain, step, userExternalId);
	const to = chain.plan.recipients[step % chain.plan.recipients.length];
	const params = { ...(chain.dial.body.params as IDataObject), to, external_id: externalId };
	return {
		body: { ...chain.dial.body, params },
		externalId,
		to,
		callerIdNumber: chain.dial.callerIdNumber,
		retries: chain.dial.retries,
		timeoutMs: chain.dial.timeoutMs,
	};
}

export function progressFrom(started: ChainStart, isDecided: () => boolean): ChainProgress {
	const progress: ChainProgress = {
		dialled: new Set(),
		ended: new Set(),
		placed: new Map(started.placed),
		failed: new Map(started.failed),
		isDecided,
	};
	for (const [step] of started.placed) progress.dialled.add(step);
	for (const [step] of started.failed) {
		progress.dialled.add(step);
		progress.ended.add(step);
	}
	return progress;
}

function failureText(result: Extract<DialResult, { ok: false }>): string {
	return result.error.description
		? `${result.error.message}. ${result.error.description}`
		: result.error.message;
}

/**
 * Dials the steps that are due, and again after dials that failed, until a call is under way, the chain is
 * decided or over, or `stopped()`. A failed dial is an attempt with its status and ends its step at once (a dial
 * that may have placed a call too: its events, if any come, are still followed). Returns the results of the
 * dials sent, by step.
 */
export async function dialDueSteps(
	context: DialContext,
	itemIndex: number,
	chain: WaitingChain,
	userExternalId: string | null | undefined,
	progress: ChainProgress,
	stopped: () => boolean = () => false,
): Promise<Map<number, DialResult>> {
	const sent = new Map<number, DialResult>();
	for (;;) {
		const steps = nextSteps(chain.plan, progress.dialled, progress.ended, progress.isDecided());
		if (steps.length === 0 || stopped()) return sent;
		for (const step of steps) progress.dialled.add(step); // before any await: see the comment at the top
		const results = await Promise.all(
			steps.map(
				async (step) =>
					await sendDial.call(context, itemIndex, dialOfStep(chain, step, userExternalId)),
			),
		);
		steps.forEach((step, index) => {
			const result = results[index];
			sent.set(step, result);
			if (result.ok) {
				progress.placed.set(
					step,
					typeof result.json.reference_id === 'string' ? result.json.reference_id : null,
				);
				return;
			}
			const { status, reference_id: referenceId } = result.fields;
			progress.failed.set(
				step,
				failedDialAttempt(chain.plan, step, { status, referenceId, error: failureText(result) }),
			);
			progress.ended.add(step);
		});
	}
}

/**
 * execute()'s dial of one chain item (the dial pipeline's `send`): the chain's first calls. One result for the
 * item: ok when a call was placed (or may have been), carrying what was dialled; the first failure when no dial
 * placed anything (e.g. Caller ID Number not leased: every dial is refused), with every attempt in its fields.
 */
export async function startChain(
	context: DialContext,
	itemIndex: number,
	chain: WaitingChain,
	userExternalId: string | null,
	stopped: () => boolean,
): Promise<DialResult> {
	const progress = progressFrom({ placed: [], failed: [] }, () => false);
	const sent = await dialDueSteps(context, itemIndex, chain, userExternalId, progress, stopped);
	const started: ChainStart = { placed: [...progress.placed], failed: [...progress.failed] };
	const results = [...sent.entries()].sort(([a], [b]) => a - b).map(([, result]) => result);
	const placed = results.find((result) => result.ok);
	if (placed !== undefined)
		return { ok: true, json: { ...placed.json, chain_started: started as unknown as IDataObject } };
	const failure = results.find(mayHaveCalled) ?? results[0];
	if (failure === undefined || failure.ok)
		return cancelledDial.call(context, itemIndex, dialOfStep(chain, 0, userExternalId)); // stopped first
	return {
		ok: false,
		error: failure.error,
		fields: {
			...failure.fields,
			attempts: started.failed.map(([, attempt]) => attempt) as unknown as IDataObject[],
		},
	};
}
