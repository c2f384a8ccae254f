'use strict';
/**
 * The trigger's Events filter in n8n-core's own contexts: an empty list means the same thing at activation
 * (refused: nothing is selected) and for a request (nothing starts), "Any Event" means every event.
 */
const { signEventBody } = require('../simulator/crypto');
const { activateTrigger, callTriggerWebhook } = require('./harness');
const { API_KEY, CUSTOMER_ID } = require('./setup');

const credentials = {
	customerId: CUSTOMER_ID,
	apiKey: API_KEY,
	authMethod: 'digest',
	baseUrl: 'https://rest-ww.telesign.com',
};
const parameters = (events) => ({
	events,
	authentication: 'telesignSignature',
	respond: 'immediately',
	options: {},
});

function signedEvent(event) {
	const rawBody = Buffer.from(
		JSON.stringify({ event, reference_id: 'REF-1', data: { to: '15555550001' } }),
	);
	return {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			authorization: `TSA ${CUSTOMER_ID}:${signEventBody(API_KEY, rawBody)}`,
		},
		rawBody,
		body: JSON.parse(rawBody.toString('utf8')),
		query: {},
		params: {},
	};
}

it('refuses an empty Events list at activation', async () => {
	await expect(activateTrigger({ parameters: parameters([]), credentials })).rejects.toThrow(
		/Select at least one event \(or Any Event\)/,
	);
	await expect(activateTrigger({ parameters: parameters(['*']), credentials })).resolves.toBe(true);
});

it('an empty Events list starts nothing for a request (as at activation: no event is selected)', async () => {
	const { result, reply } = await callTriggerWebhook({
		parameters: parameters([]),
		credentials,
		request: signedEvent('call_completed'),
	});
	expect(result.workflowData).toBeUndefined();
	expect(reply).toMatchObject({ status: 200, body: {} });
});

it('Any Event starts the workflow for every event; a selected list only for its events', async () => {
	const any = await callTriggerWebhook({
		parameters: parameters(['*']),
		credentials,
		request: signedEvent('call_completed'),
	});
	expect(any.result.workflowData[0][0].json).toMatchObject({ event: 'call_completed' });
	const other = await callTriggerWebhook({
		parameters: parameters(['incoming_call']),
		credentials,
		request: signedEvent('call_completed'),
	});
	expect(other.result.workflowData).toBeUndefined();
});
