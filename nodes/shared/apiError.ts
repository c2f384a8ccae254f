/**
 * A Telesign answer as an n8n error, for every node that calls Telesign (the action node's operations and the
 * Recording Trigger's poll).
 */
import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { Outcome } from './telesign/errors';

export type FailedOutcome = Extract<Outcome, { ok: false }>;

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
