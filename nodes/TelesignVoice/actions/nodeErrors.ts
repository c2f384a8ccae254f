/**
 * Failures as n8n sees them: errors that name the item (and the expression that set a bad field), Telesign
 * answers as NodeApiError without anything of the request, and error items for "Continue On Fail".
 */
import type { IDataObject, INode, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { Outcome } from '../../shared/telesign/errors';
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
