/**
 * The steps of the calls a waiting execution is following, between two events. n8n offers a node no storage it
 * could write from a webhook that does not resume the execution, so they live in the memory of the n8n process
 * that answers the events (the settings and the dialled calls themselves are persisted with the waiting
 * execution). After a restart, or when another process answers the next event, a call goes on from what that
 * event says; see the README ("Call and Wait for Response → Limits").
 */
import type { CallStep } from '../../../shared/telesign/callAndWait';

export interface FollowedCall {
	/** Telesign's reference_id of the call (the same node may dial again in a later run of the execution). */
	referenceId?: string;
	steps: CallStep[];
	/** call_completed's data once Telesign has reported the end of the call. */
	completed?: Record<string, unknown>;
}

interface Execution {
	calls: Map<number, FollowedCall>;
	touchedMs: number;
}

/** Entries not touched for this long are dropped (Telesign ends every call within 4 hours). */
export const IDLE_LIMIT_MS = 5 * 60 * 60 * 1000;

const executions = new Map<string, Execution>();

function sweep(nowMs: number): void {
	for (const [key, execution] of executions) if (nowMs - execution.touchedMs > IDLE_LIMIT_MS) executions.delete(key);
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
export function callOf(calls: Map<number, FollowedCall>, itemIndex: number, referenceId: string | undefined): FollowedCall {
	let call = calls.get(itemIndex);
	if (call === undefined || call.referenceId !== referenceId) {
		call = { referenceId, steps: [] };
		calls.set(itemIndex, call);
	}
	return call;
}

export function forget(key: string): void {
	executions.delete(key);
}

export function followedExecutions(): number {
	return executions.size;
}
