/**
 * Failures as n8n sees them: errors that name the item (and the expression that set a bad field) and error items
 * for "Continue On Fail". A Telesign answer becomes a NodeApiError in nodes/shared/apiError.ts (the Recording
 * Trigger makes them too).
 */
import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { ValidationError } from '../../shared/telesign/validation';
import { expressionSourceOf } from './fieldSource';

export type NodeError = NodeApiError | NodeOperationError;

/** Turns anything thrown while preparing or running an item into an n8n error that names the item. */
export function toNodeError(node: INode, error: unknown, itemIndex: number): NodeError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	if (error instanceof ValidationError) {
		const description = [error.hint, expressionSourceOf(node.parameters, error.field)]
			.filter(Boolean)
			.join(' ');
		return new NodeOperationError(node, error.message, {
			itemIndex,
			description: description || undefined,
		});
	}
	if (error instanceof Error) return new NodeOperationError(node, error, { itemIndex });
	return new NodeOperationError(node, String(error), { itemIndex });
}

/**
 * The output item that stands for a failed input item when "Continue On Fail" is on. Its JSON holds only
 * `error` (the message) and `details` (what the item was: to, external_id, call_may_have_been_placed, …)
 * because that is the one shape n8n's engine both routes to the error output (WorkflowExecute's
 * handleNodeErrorOutput takes an item whose JSON has nothing but error / message / details) and keeps as it is:
 * an item with `item.error` set would be cut down to `{error}` (normalizeNodeErrors), losing which call it was.
 */
export function errorItem(
	error: NodeError,
	itemIndex: number,
	fields: IDataObject = {},
): INodeExecutionData {
	const details: IDataObject = {};
	if (error.description) details.description = error.description;
	for (const [key, value] of Object.entries(fields)) if (value !== undefined) details[key] = value;
	return { json: { error: error.message, details }, pairedItem: { item: itemIndex } };
}
