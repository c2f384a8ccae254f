/**
 * The on-call lists a waiting execution follows, between two events: where each item's chain is (steps dialled
 * and ended, who decided) and each call's steps. Like followedCalls.ts (whose repeat rule each call uses), it
 * lives in the memory of the n8n process that answers the events; the plan, the dial and what execute() dialled
 * are saved with the waiting execution (chain.ts, WaitingChain).
 *
 * A process that has not seen the chain so far (queue mode with several webhook processors, or a restart)
 * learns where it is from the step in the event's marker: One After Another has ended every step before it; All
 * at Once every step of the rounds before. The steps it never saw are attempts without details.
 */
import type { IDataObject } from 'n8n-workflow';

import { decideNext } from '../../../../shared/telesign/callAndWait';
import type { WaitSettings } from '../../../../shared/telesign/callAndWaitSettings';
import type { ChainPlan } from '../../../../shared/telesign/escalation';
import {
	answerDecidedElsewhere,
	nextSteps,
	stepInfo,
	verdictOf,
} from '../../../../shared/telesign/escalation';
import type { Attempt, ChainDecision } from '../../../../shared/telesign/escalationOutcome';
import { attemptOf, buildChainOutcome } from '../../../../shared/telesign/escalationOutcome';
import type { ChainProgress, WaitingChain } from './chain';
import { progressFrom } from './chain';
import type { FollowedCall } from './followedCalls';
import {
	IDLE_LIMIT_MS,
	callOf,
	hasTimeLimit,
	recordStep,
	repeatAnswer,
	sameEvent,
} from './followedCalls';
import type { WaitingCall } from './waitingState';

export interface FollowedChain extends ChainProgress {
	/** Each step's call, as followedCalls.ts follows a single call. */
	calls: Map<number, FollowedCall>;
	/** The attempts of the calls that ended here. */
	attempts: Map<number, Attempt>;
	decision?: ChainDecision;
	/** Steps answered "ended by others" (someone else decided first). */
	endedByOthers: Set<number>;
}

interface Chains {
	items: Map<number, FollowedChain>;
	touchedMs: number;
}

const executions = new Map<string, Chains>();

function sweep(nowMs: number): void {
	for (const [key, chains] of executions)
		if (!hasTimeLimit(key) && nowMs - chains.touchedMs > IDLE_LIMIT_MS) executions.delete(key);
}

function newChain(waiting: WaitingChain): FollowedChain {
	const chain = progressFrom(waiting.started, () => chain.decision !== undefined) as FollowedChain;
	chain.calls = new Map();
	chain.attempts = new Map();
	chain.endedByOthers = new Set();
	return chain;
}

/** The chain of an item of one waiting node run (key: its resume signature), started from what execute() dialled. */
export function chainOf(
	key: string,
	itemIndex: number,
	waiting: WaitingChain,
	nowMs = Date.now(),
): FollowedChain {
	sweep(nowMs);
	let chains = executions.get(key);
	if (chains === undefined) {
		chains = { items: new Map(), touchedMs: nowMs };
		executions.set(key, chains);
	}
	chains.touchedMs = nowMs;
	let chain = chains.items.get(itemIndex);
	if (chain === undefined) {
		chain = newChain(waiting);
		chains.items.set(itemIndex, chain);
	}
	return chain;
}

export function knownChainOf(key: string, itemIndex: number): FollowedChain | undefined {
	return executions.get(key)?.items.get(itemIndex);
}

export function forgetChains(key: string): void {
	executions.delete(key);
}

/** What an event of step `step` tells of the steps before it (see the top of this file). */
function seeStep(chain: FollowedChain, plan: ChainPlan, step: number): void {
	const n = plan.recipients.length;
	const roundStart = Math.floor(step / n) * n;
	const endedBefore = plan.strategy === 'oneAfterAnother' ? step : roundStart;
	for (let s = 0; s < endedBefore; s++) {
		chain.dialled.add(s);
		chain.ended.add(s);
	}
	if (plan.strategy === 'allAtOnce')
		for (let s = roundStart; s < roundStart + n; s++) chain.dialled.add(s);
	chain.dialled.add(step);
}

export interface ChainEvent {
	event: string;
	data?: Record<string, unknown>;
	referenceId?: string;
}

/** What to answer to an event of a chain's call, and whether it ended that call (the next steps may be due). */
export function followChainEvent(
	chain: FollowedChain,
	settings: WaitSettings,
	plan: ChainPlan,
	step: number,
	event: ChainEvent,
	nowMs: number,
): { action: IDataObject | null; callEnded: boolean } {
	seeStep(chain, plan, step);
	const call = callOf(chain.calls, step, event.referenceId);
	const identity = sameEvent(event.event, event.data);
	const repeat = repeatAnswer(call, identity, nowMs);
	if (repeat !== undefined)
		return { action: (repeat.action as unknown as IDataObject) ?? null, callEnded: false };
	const facts = { event: event.event, data: event.data };
	let decision;
	if (chain.decision !== undefined && chain.decision.step !== step) {
		decision = answerDecidedElsewhere(settings, plan, call.steps, facts);
		if (decision.action !== undefined) chain.endedByOthers.add(step); // connected, and ended because someone else decided
	} else {
		decision = decideNext(settings, call.steps, facts);
		const verdict = verdictOf(settings, decision.step, call.steps);
		if (verdict !== undefined && chain.decision === undefined) {
			chain.decision = {
				step,
				verdict,
				digits: decision.step.digits ?? null,
				at: new Date(nowMs).toISOString(),
			};
		}
	}
	recordStep(call, identity, decision, event.data, nowMs);
	if (decision.ended) {
		if (event.referenceId !== undefined) chain.placed.set(step, event.referenceId);
		chain.ended.add(step);
		chain.attempts.set(
			step,
			attemptOf(settings, plan, step, call.steps, {
				referenceId: event.referenceId,
				completed: call.completed,
				endedByOthers: chain.endedByOthers.has(step),
			}),
		);
	}
	return { action: (decision.action as unknown as IDataObject) ?? null, callEnded: decision.ended };
}

/** Decided (or every step called) and every call this process knows of has ended. */
export function chainFinished(chain: FollowedChain, plan: ChainPlan): boolean {
	if (![...chain.dialled].every((step) => chain.ended.has(step))) return false;
	return (
		chain.decision !== undefined || nextSteps(plan, chain.dialled, chain.ended, false).length === 0
	);
}

/** Every attempt known: ended here, failed dials, calls still going (timeout), and steps only known by number. */
function attemptsOf(
	waiting: WaitingCall,
	plan: ChainPlan,
	chain: FollowedChain,
): Map<number, Attempt> {
	const attempts = new Map<number, Attempt>();
	for (const step of chain.dialled) {
		const known = chain.attempts.get(step) ?? chain.failed.get(step);
		if (known !== undefined) attempts.set(step, known);
		else if (chain.calls.has(step) || (chain.placed.has(step) && !chain.ended.has(step))) {
			const call = chain.calls.get(step);
			const referenceId = call?.referenceId ?? chain.placed.get(step) ?? null;
			attempts.set(
				step,
				attemptOf(waiting.settings, plan, step, call?.steps ?? [], {
					referenceId,
					completed: call?.completed,
					endedByOthers: chain.endedByOthers.has(step),
				}),
			);
		} else {
			// Ended, but followed by another n8n process (or before a restart): who, which round, and the
			// reference_id if execute() placed it.
			const referenceId = chain.placed.get(step) ?? null;
			attempts.set(step, {
				...stepInfo(plan, step),
				reference_id: referenceId,
				answered: null,
				status: null,
				digits: null,
				hung_up_during_message: null,
				details_missing: true,
			});
		}
	}
	return attempts;
}

/** The outcome item of a chain item (timedOut: the wait ran out before the chain finished). */
export function chainOutcome(
	waiting: WaitingCall & { chain: WaitingChain },
	chain: FollowedChain | undefined,
	timedOut: boolean,
): IDataObject {
	const plan = waiting.chain.plan;
	const known = chain ?? newChain(waiting.chain);
	return buildChainOutcome(
		waiting.settings,
		plan,
		attemptsOf(waiting, plan, known),
		known.decision,
		{
			userExternalId: waiting.user_external_id,
			timedOut,
		},
	) as IDataObject;
}

/** What this process knows of an item's chain, as it travels in a time-limit request (timeLimit.ts). */
export interface KnownChain {
	item: number;
	dialled: number[];
	ended: number[];
	attempts: Array<[number, Attempt]>;
	calls: Array<[number, { reference_id: string | null; steps: FollowedCall['steps'] }]>;
	decision: ChainDecision | null;
}

export function knownChains(key: string): KnownChain[] {
	const items = executions.get(key)?.items ?? new Map<number, FollowedChain>();
	return [...items].map(([item, chain]) => ({
		item,
		dialled: [...chain.dialled],
		ended: [...chain.ended],
		attempts: [...chain.attempts, ...chain.failed],
		calls: [...chain.calls].map(([step, call]) => [
			step,
			{ reference_id: call.referenceId ?? null, steps: call.steps },
		]),
		decision: chain.decision ?? null,
	}));
}

/** Takes in what another process knew of the chains (a time-limit request); what this process knows wins. */
export function adoptKnownChains(
	key: string,
	waitingChainOf: (item: number) => WaitingChain | undefined,
	known: readonly KnownChain[],
	nowMs = Date.now(),
): void {
	for (const other of Array.isArray(known) ? known : []) {
		const waiting = waitingChainOf(other.item);
		if (waiting === undefined) continue;
		const chain = chainOf(key, other.item, waiting, nowMs);
		for (const step of other.dialled ?? []) chain.dialled.add(step);
		for (const step of other.ended ?? []) chain.ended.add(step);
		for (const [step, attempt] of other.attempts ?? [])
			if (!chain.attempts.has(step) && !chain.failed.has(step)) chain.attempts.set(step, attempt);
		for (const [step, call] of other.calls ?? []) {
			const own = chain.calls.get(step);
			if (own !== undefined && own.steps.length >= call.steps.length) continue;
			callOf(chain.calls, step, call.reference_id ?? undefined).steps = [...call.steps];
		}
		if (chain.decision === undefined && other.decision) chain.decision = other.decision;
	}
}

/** Forgets every chain (tests). */
export function forgetAllChains(): void {
	executions.clear();
}
