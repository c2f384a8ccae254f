/**
 * What a waiting Call and Wait keeps while it waits, and where. A webhook that answers without resuming cannot
 * write to the execution, so everything the webhook needs is saved with the waiting execution by execute():
 * 1. The calls' state (settings, dialled call, failed dials): in the node's execution context,
 *    `this.getContext('node')` — the per-execution node storage n8n saves with the execution data (Loop Over
 *    Items keeps its items there). The webhook reads it back through the expression `$('<this node>').context`.
 *    (The waiting run's own output is no place for it: n8n 2.41's waiting-webhook handler removes that run before
 *    it calls the webhook — packages/cli/src/webhooks/waiting-webhooks.ts, preserveInputOverride.)
 * 2. The timeout outcomes, as the node's input items. When execute() has called putExecutionToWait,
 *    WorkflowExecute puts the very executionData the node ran with back on the execution stack, and when the wait
 *    runs out, `handleWaitingState()` disables the node, so that it outputs its input (n8n-io/n8n,
 *    packages/core/src/execution-engine/workflow-execute.ts). Those items are replaced, in the array n8n handed
 *    to execute(), by the timeout outcomes.
 * Reading the context from a webhook and the input pass-through on timeout are not documented n8n APIs:
 * test/engine/callAndWait.state.engine.test.js fails if n8n stops doing either (its harness removes the waiting
 * run before the webhook as n8n does).
 */
import type { WaitSettings } from '../../../../shared/telesign/callAndWaitSettings';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookFunctions,
} from 'n8n-workflow';

import type { WaitingChain } from './chain';
import type { TimeLimit } from './timeLimit';

export const STATE_KEY = 'telesignVoiceWaitingCall';

/** What the webhook needs of one dialled call. */
export interface WaitingCall {
	settings: WaitSettings;
	reference_id: string | null;
	to: string;
	user_external_id: string | null;
	/** An on-call list (several Recipients or More Rounds): its plan and what execute() dialled (chain.ts). */
	chain?: WaitingChain;
}

/** Per input item: the dialled call it follows, or the error item of a dial that failed (output as it is). */
export type WaitingItem = { call: WaitingCall } | { failed: IDataObject };

export interface WaitingState {
	items: WaitingItem[];
	limit: TimeLimit;
}

/** Makes `timeoutItems` what n8n outputs when the wait runs out (see 2. above). */
export function keepAsTimeoutOutput(
	items: INodeExecutionData[],
	timeoutItems: INodeExecutionData[],
): void {
	items.splice(0, items.length, ...timeoutItems);
}

/** Saves the calls' state with the waiting execution (see 1. above). */
export function keepWaitingState(context: IExecuteFunctions, state: WaitingState): void {
	context.getContext('node')[STATE_KEY] = state;
}

/** The error item of a dial that failed, output as it is. */
export function failedItemOf(item: WaitingItem | undefined): IDataObject | undefined {
	return item !== null && typeof item === 'object' && 'failed' in item ? item.failed : undefined;
}

export function waitingCallOf(item: WaitingItem | undefined): WaitingCall | undefined {
	return item !== null && typeof item === 'object' && 'call' in item ? item.call : undefined;
}

/** The expression that reads this node's saved state (see 1. above). */
function ownState(context: IWebhookFunctions): string {
	return `$(${JSON.stringify(context.getNode().name)}).context.${STATE_KEY}`;
}

function read(context: IWebhookFunctions, expression: string): unknown {
	try {
		// Copied: the value comes through n8n's expression isolate and is kept per call by the webhook.
		return JSON.parse(
			JSON.stringify(context.evaluateExpression(`{{ ${expression} }}`, 0) ?? null),
		) as unknown;
	} catch {
		return undefined; // no state saved (not a waiting Call and Wait of this node)
	}
}

/** One item's state: an event in the middle of a call reads only its own item. */
export function readWaitingItem(
	context: IWebhookFunctions,
	itemIndex: number,
): WaitingItem | undefined {
	const item = read(context, `${ownState(context)}.items[${itemIndex}]`);
	return item !== null && typeof item === 'object' ? (item as WaitingItem) : undefined;
}

/** When and where the wait is ended at its time limit (timeLimit.ts). */
export function readTimeLimit(context: IWebhookFunctions): TimeLimit | undefined {
	const limit = read(context, `${ownState(context)}.limit`) as TimeLimit | null | undefined;
	return typeof limit?.atMs === 'number' && typeof limit.resumeUrl === 'string' ? limit : undefined;
}

/** Every item's state (the end of a call builds all outcomes). */
export function readWaitingState(context: IWebhookFunctions): WaitingItem[] {
	const items = read(context, `${ownState(context)}.items`);
	return Array.isArray(items) ? (items as WaitingItem[]) : [];
}
