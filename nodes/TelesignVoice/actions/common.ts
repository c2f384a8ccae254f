/**
 * What every operation shares: turning failures into n8n errors that name the item, error items for
 * "Continue On Fail", reading the Options collection, and checking the credential before anything is sent.
 */
import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { readCredentials } from '../../shared/telesign/credentials';
import type { Outcome } from '../../shared/telesign/errors';
import { TELESIGN_CREDENTIAL_TYPE } from '../../shared/telesign/transport';
import { ValidationError } from '../../shared/telesign/validation';
import { expressionSourceOf } from './fieldSource';

export type NodeError = NodeApiError | NodeOperationError;
export type FailedOutcome = Extract<Outcome, { ok: false }>;

/** Turns anything thrown while preparing or running an item into an n8n error that names the item. */
export function toNodeError(node: INode, error: unknown, itemIndex: number): NodeError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	if (error instanceof ValidationError) {
		const description = [error.hint, expressionSourceOf(node.parameters, error.field)].filter(Boolean).join(' ');
		return new NodeOperationError(node, error.message, { itemIndex, description: description || undefined });
	}
	if (error instanceof Error) return new NodeOperationError(node, error, { itemIndex });
	return new NodeOperationError(node, String(error), { itemIndex });
}

/**
 * An error for a Telesign answer. Only plain facts of the answer go in (status, reference_id, HTTP code):
 * never an error object of the HTTP helper, which can carry the request with its Authorization header.
 */
export function telesignApiError(
	node: INode,
	outcome: FailedOutcome,
	itemIndex: number,
	override: { message?: string; description?: string } = {},
): NodeApiError {
	const response: JsonObject = { http_code: outcome.httpCode };
	if (outcome.status !== undefined) response.status = outcome.status;
	if (outcome.referenceId !== undefined) response.reference_id = outcome.referenceId;
	return new NodeApiError(node, response, {
		message: override.message ?? outcome.message,
		description: override.description ?? outcome.description,
		httpCode: String(outcome.httpCode),
		itemIndex,
	});
}

/**
 * The output item that stands for a failed input item when "Continue On Fail" is on. Its JSON holds only
 * `error` (the message) and `details` (what the item was: to, external_id, call_may_have_been_placed, …)
 * because that is the one shape n8n's engine both routes to the error output (WorkflowExecute's
 * handleNodeErrorOutput takes an item whose JSON has nothing but error / message / details) and keeps as it is:
 * an item with `item.error` set would be cut down to `{error}` (normalizeNodeErrors), losing which call it was.
 */
export function errorItem(error: NodeError, itemIndex: number, fields: IDataObject = {}): INodeExecutionData {
	const details: IDataObject = {};
	if (error.description) details.description = error.description;
	for (const [key, value] of Object.entries(fields)) if (value !== undefined) details[key] = value;
	return { json: { error: error.message, details }, pairedItem: { item: itemIndex } };
}

/** The "Options" collection of an item (always an object). */
export function getOptions(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const options = this.getNodeParameter('options', itemIndex, {});
	return options !== null && typeof options === 'object' && !Array.isArray(options) ? (options as IDataObject) : {};
}

/**
 * Reads and checks the Telesign Voice API credential once, before any request: a missing or broken credential
 * must not look like a request that failed in flight (for a dial that would read "the call may have been placed").
 */
export async function checkCredentials(this: IExecuteFunctions): Promise<NodeOperationError | undefined> {
	let credentials;
	try {
		credentials = await this.getCredentials(TELESIGN_CREDENTIAL_TYPE);
	} catch (error) {
		return new NodeOperationError(
			this.getNode(),
			`The Telesign Voice API credential could not be read: ${(error as Error).message}`,
			{ description: 'Select a Telesign Voice API credential for this node. Nothing was sent to Telesign.' },
		);
	}
	try {
		readCredentials(credentials);
	} catch (error) {
		return new NodeOperationError(
			this.getNode(),
			`The Telesign Voice API credential is not usable: ${(error as Error).message}`,
			{ description: 'Open the credential and fix it. Nothing was sent to Telesign.' },
		);
	}
	return undefined;
}

/**
 * Runs an operation item by item (in order). Each item gives one or more output objects; with
 * "Continue On Fail" a failing item becomes an error item and the others go on, otherwise the first failure
 * stops the node.
 */
export async function runEachItem(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	run: (itemIndex: number) => Promise<IDataObject | IDataObject[]>,
	errorFields: (itemIndex: number) => IDataObject = () => ({}),
): Promise<INodeExecutionData[]> {
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const result = await run(itemIndex);
			for (const json of Array.isArray(result) ? result : [result]) {
				output.push({ json, pairedItem: { item: itemIndex } });
			}
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, itemIndex);
			if (!this.continueOnFail()) throw nodeError;
			output.push(errorItem(nodeError, itemIndex, safeErrorFields(errorFields, itemIndex)));
		}
	}
	return output;
}

function safeErrorFields(errorFields: (itemIndex: number) => IDataObject, itemIndex: number): IDataObject {
	try {
		return errorFields(itemIndex);
	} catch {
		// The fields only decorate an error item; a parameter that cannot be read simply stays out.
		return {};
	}
}

/**
 * Runs an operation that calls Telesign, item by item: every item is prepared (read and validated) first, so
 * an invalid item stops the node (or becomes an error item) before any request; then the credential is checked
 * once; then each item runs in order. (Takes the context as a parameter: `.call` would lose the type of P.)
 */
export async function runApiOperation<P>(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	prepare: (itemIndex: number) => P,
	run: (itemIndex: number, prepared: P) => Promise<IDataObject | IDataObject[]>,
	errorFields: (itemIndex: number) => IDataObject = () => ({}),
): Promise<INodeExecutionData[]> {
	const node = context.getNode();
	const continueOnFail = context.continueOnFail();
	const prepared = new Map<number, P>();
	const failures = new Map<number, NodeError>();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			prepared.set(itemIndex, prepare(itemIndex));
		} catch (error) {
			const nodeError = toNodeError(node, error, itemIndex);
			if (!continueOnFail) throw nodeError;
			failures.set(itemIndex, nodeError);
		}
	}
	if (prepared.size > 0) {
		const credentialError = await checkCredentials.call(context);
		if (credentialError) {
			if (!continueOnFail) throw credentialError;
			for (const itemIndex of prepared.keys()) failures.set(itemIndex, credentialError);
			prepared.clear();
		}
	}
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const failure = failures.get(itemIndex);
		if (failure) {
			output.push(errorItem(failure, itemIndex, safeErrorFields(errorFields, itemIndex)));
			continue;
		}
		try {
			const result = await run(itemIndex, prepared.get(itemIndex) as P);
			for (const json of Array.isArray(result) ? result : [result]) {
				output.push({ json, pairedItem: { item: itemIndex } });
			}
		} catch (error) {
			const nodeError = toNodeError(node, error, itemIndex);
			if (!continueOnFail) throw nodeError;
			output.push(errorItem(nodeError, itemIndex, safeErrorFields(errorFields, itemIndex)));
		}
	}
	return output;
}
