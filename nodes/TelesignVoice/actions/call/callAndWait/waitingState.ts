/**
 * What a waiting Call and Wait keeps while it waits, and where. n8n 2.41 saves two things of a node with its
 * waiting execution that the node's webhook can read back (n8n-io/n8n, packages/core/src/execution-engine/
 * workflow-execute.ts):
 * 1. Its input items. When execute() has called putExecutionToWait, WorkflowExecute puts the very executionData
 *    the node ran with back on the execution stack (`pushExecutionStack(executionData)`), and when the execution
 *    resumes, `handleWaitingState()` disables the node, so that it outputs its input: if the wait runs out,
 *    those items are the node's output. They are replaced, in the array n8n handed to execute(), by the
 *    timeout outcomes (what is known of each call without its events, in the fields of every outcome).
 * 2. The output of its waiting run (`runData[node][last]`, stored by `upsertTaskData` before the wait) — removed
 *    by `handleWaitingState()` when the execution resumes, so no later node ever sees it. The calls' settings
 *    live there, under STATE_KEY.
 * Neither is a documented n8n API: test/engine/callAndWait.engine.test.js ("n8n keeps the waiting state…")
 * fails if n8n stops doing either.
 */
import type { IDataObject, INodeExecutionData, IWebhookFunctions } from 'n8n-workflow';

import type { WaitSettings } from '../../../../shared/telesign/callAndWait';

export const STATE_KEY = 'telesignVoiceWaitingCall';

/** What the webhook needs of one dialled call. */
export interface WaitingCall {
	settings: WaitSettings;
	reference_id: string | null;
	to: string;
	user_external_id: string | null;
}

/** Makes `timeoutItems` what n8n outputs when the wait runs out (see 1. above). */
export function keepAsTimeoutOutput(items: INodeExecutionData[], timeoutItems: INodeExecutionData[]): void {
	items.splice(0, items.length, ...timeoutItems);
}

/** The waiting run's output item of a call (see 2. above); an item whose dial failed is passed as it is. */
export function waitingRunItem(call: WaitingCall, itemIndex: number): INodeExecutionData {
	return { json: { [STATE_KEY]: call as unknown as IDataObject }, pairedItem: { item: itemIndex } };
}

export function waitingCallOf(item: INodeExecutionData | undefined): WaitingCall | undefined {
	const call = item?.json?.[STATE_KEY];
	return call !== null && typeof call === 'object' ? (call as unknown as WaitingCall) : undefined;
}

/**
 * The expression that reads this node's own waiting run: output 0 of its last run (the defaults of `.all()`; n8n
 * 2.41's vm expression engine answers undefined when the branch and run are passed explicitly).
 */
function ownWaitingRun(context: IWebhookFunctions): string {
	return `$(${JSON.stringify(context.getNode().name)}).all()`;
}

function copy<T>(value: T): T {
	return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * One item of the waiting run. A webhook reads execution data only through an expression, copied through n8n's
 * expression isolate: an event in the middle of a call reads its own item, only the end of a call reads all.
 */
export function readWaitingRunItem(context: IWebhookFunctions, itemIndex: number): INodeExecutionData | undefined {
	const json = context.evaluateExpression(`{{ ${ownWaitingRun(context)}[${itemIndex}]?.json }}`, 0);
	return json !== null && typeof json === 'object' ? { json: copy(json as IDataObject) } : undefined;
}

/** Every item of the waiting run (a dialled call's state, or the error item of a dial that failed). */
export function readWaitingRun(context: IWebhookFunctions): INodeExecutionData[] {
	const items = context.evaluateExpression(`{{ ${ownWaitingRun(context)}.map((item) => ({ json: item.json })) }}`, 0);
	return Array.isArray(items) ? copy(items as INodeExecutionData[]) : [];
}
