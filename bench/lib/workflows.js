'use strict';
/**
 * The workflows the benchmark runs in n8n. Every batch workflow has the same shape:
 *   Webhook (POST {items: [{to, external_id}…]}, respond when the last node finishes, all entries)
 *     → Split Out (items) → <the node under test>
 * so the HTTP round trip of the one request is the wall time of the whole batch.
 */
const crypto = require('crypto');

const CALLER_ID = '15550000001';
/** A placeholder the bench replaces with the credential it created (n8n.createWorkflow's `credentials`). */
const CREDENTIAL_REF = { telesignVoiceApi: { id: 'set-by-bench', name: 'set-by-bench' } };
const ACTION_TYPE = 'n8n-nodes-telesign-voice.telesignVoice';
const TRIGGER_TYPE = 'n8n-nodes-telesign-voice.telesignVoiceTrigger';

function node(name, type, typeVersion, parameters, extra = {}) {
	return {
		id: crypto.randomUUID(),
		name,
		type,
		typeVersion,
		position: [0, 0],
		parameters,
		...extra,
	};
}

function webhook(pathName, responseData, authentication) {
	const parameters = {
		httpMethod: 'POST',
		path: pathName,
		responseMode: 'lastNode',
		responseData,
		options: {},
	};
	const extra = { webhookId: crypto.randomUUID() };
	if (authentication) {
		parameters.authentication = 'headerAuth';
		extra.credentials = { httpHeaderAuth: { id: 'set-by-bench', name: 'set-by-bench' } };
	}
	return node('Webhook', 'n8n-nodes-base.webhook', 2, parameters, extra);
}

function chain(name, nodes) {
	const connections = {};
	for (let i = 0; i < nodes.length - 1; i++) {
		nodes[i].position = [i * 220, 0];
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	nodes[nodes.length - 1].position = [(nodes.length - 1) * 220, 0];
	return { name, nodes, connections, settings: { executionOrder: 'v1' } };
}

function splitOut() {
	return node('Split Out', 'n8n-nodes-base.splitOut', 1, {
		fieldToSplitOut: 'body.items',
		include: 'noOtherFields',
		options: {},
	});
}

/**
 * Webhook → Split Out → Telesign Voice (Call → Dial) with To and External ID taken from each item (two
 * expressions per item). `staticParameters` (a diagnostic): one fixed To and no External ID (the node then
 * generates one), so n8n evaluates no expression per item.
 */
function dialWorkflow(key, concurrency, { staticParameters = false } = {}) {
	const parameters = staticParameters
		? {
				resource: 'call',
				operation: 'dial',
				to: '15551230001',
				callerIdNumber: CALLER_ID,
				options: { concurrency },
			}
		: {
				resource: 'call',
				operation: 'dial',
				to: '={{ $json.to }}',
				callerIdNumber: CALLER_ID,
				options: { externalId: '={{ $json.external_id }}', concurrency },
			};
	return chain(`bench: ${key}`, [
		webhook(`bench-${key}`, 'allEntries'),
		splitOut(),
		node('Telesign Voice', ACTION_TYPE, 1, parameters, { credentials: CREDENTIAL_REF }),
	]);
}

/** Webhook → Split Out → No Operation: n8n's own fixed cost of a 1,000-item run of this shape. */
function noopWorkflow(key) {
	return chain(`bench: ${key}`, [
		webhook(`bench-${key}`, 'allEntries'),
		splitOut(),
		node('No Operation', 'n8n-nodes-base.noOp', 1, {}),
	]);
}

/**
 * Webhook → Split Out → HTTP Request (v4.2) sending the same dial body with the Telesign Voice API credential
 * as a predefined credential type. `batching` undefined = the node's default (no Batching option).
 */
function httpRequestWorkflow(key, simUrl, batching) {
	const options = batching ? { batching: { batch: batching } } : {};
	return chain(`bench: ${key}`, [
		webhook(`bench-${key}`, 'allEntries'),
		splitOut(),
		node(
			'HTTP Request',
			'n8n-nodes-base.httpRequest',
			4.2,
			{
				method: 'POST',
				url: `${simUrl}/v2/voice`,
				authentication: 'predefinedCredentialType',
				nodeCredentialType: 'telesignVoiceApi',
				sendBody: true,
				specifyBody: 'json',
				jsonBody: `={{ JSON.stringify({ jsonrpc: '2.0', method: 'dial', params: { to: $json.to, caller_id_number: '${CALLER_ID}', external_id: $json.external_id } }) }}`,
				options,
			},
			{ credentials: CREDENTIAL_REF },
		),
	]);
}

const SPEAK_MESSAGE = 'Hello, this is an automated call from n8n.';

/**
 * Telesign Voice Trigger (signature on, respond with the last node's output) → Telesign Voice (Respond → Speak).
 * typeVersion 1.1 is what the editor adds; 1 is what workflows built before 1.1 keep. authentication 'none' is a
 * diagnostic: the same pipeline without the credential read that signature checking needs.
 */
function telesignEventWorkflow({ typeVersion = 1.1, authentication = 'telesignSignature' } = {}) {
	const extra = { webhookId: crypto.randomUUID() };
	if (authentication === 'telesignSignature') extra.credentials = CREDENTIAL_REF;
	const trigger = node(
		'Telesign Voice Trigger',
		TRIGGER_TYPE,
		typeVersion,
		{ events: ['*'], authentication, respond: 'lastNode', options: {} },
		extra,
	);
	const speak = node('Speak', ACTION_TYPE, 1, {
		resource: 'respond',
		operation: 'speak',
		message: SPEAK_MESSAGE,
		options: {},
	});
	return chain(
		`bench: events via Telesign Voice Trigger v${typeVersion} (${authentication}) → Speak`,
		[trigger, speak],
	);
}

/**
 * n8n's built-in pipeline: Webhook (respond with the last node's first item) → Set producing the same speak
 * JSON. With `headerAuth`, the Webhook node checks a Header Auth credential on every request (n8n's own way to
 * protect a webhook): it then reads a credential per request, as the Telesign trigger does to verify signatures.
 */
function builtinEventWorkflow(headerAuth = false) {
	const set = node('Set Speak', 'n8n-nodes-base.set', 3.4, {
		mode: 'raw',
		jsonOutput: JSON.stringify({
			jsonrpc: '2.0',
			method: 'speak',
			params: { tts: { message: SPEAK_MESSAGE, language: 'en-US' } },
		}),
		options: {},
	});
	const name = headerAuth
		? 'bench: events via Webhook (Header Auth) → Set'
		: 'bench: events via Webhook → Set';
	return chain(name, [
		webhook(headerAuth ? 'bench-events-auth' : 'bench-events', 'firstEntryJson', headerAuth),
		set,
	]);
}

/**
 * Call and Wait: Webhook (answers at once) [→ Split Out body.calls] → Call and Wait speaking `message`
 * (key 1 acknowledges, no repeat). With `list`: Recipients is the request's `recipients` array, an on-call list
 * called One After Another.
 */
function callAndWaitWorkflow(key, message, { split, list = false }) {
	const alertIn = node(
		'Alert In',
		'n8n-nodes-base.webhook',
		2,
		{ httpMethod: 'POST', path: `bench-cw-${key}`, responseMode: 'onReceived', options: {} },
		{ webhookId: crypto.randomUUID() },
	);
	const callAndWait = node(
		'Call and Wait',
		ACTION_TYPE,
		1,
		{
			resource: 'call',
			operation: 'sendAndWait',
			to: list
				? '={{ $json.body.recipients }}'
				: split
					? '={{ $json.to }}'
					: '={{ $json.body.to }}',
			callerIdNumber: CALLER_ID,
			...(list ? { strategy: 'oneAfterAnother' } : {}),
			message,
			responseType: 'keyPress',
			maxDigits: 1,
			acknowledgeKey: '1',
			options: {
				repeatMessage: 0,
				limitWaitTime: {
					values: { limitType: 'afterTimeInterval', resumeAmount: 30, resumeUnit: 'minutes' },
				},
			},
		},
		{ credentials: CREDENTIAL_REF },
	);
	const eachCall = node('Each Call', 'n8n-nodes-base.splitOut', 1, {
		fieldToSplitOut: 'body.calls',
		include: 'noOtherFields',
		options: {},
	});
	return chain(
		`bench: call and wait (${key})`,
		split ? [alertIn, eachCall, callAndWait] : [alertIn, callAndWait],
	);
}

/** The account's event URL: relays the events of Call and Wait calls; its own workflow logs call_completed. */
function callAndWaitTriggerWorkflow() {
	const trigger = node(
		'Telesign Events',
		TRIGGER_TYPE,
		1.1,
		{
			events: ['call_completed'],
			authentication: 'telesignSignature',
			respond: 'immediately',
			options: {},
		},
		{ webhookId: crypto.randomUUID(), credentials: CREDENTIAL_REF },
	);
	return chain('bench: Telesign events (call and wait relay)', [trigger]);
}

module.exports = {
	CALLER_ID,
	SPEAK_MESSAGE,
	TRIGGER_TYPE,
	dialWorkflow,
	noopWorkflow,
	httpRequestWorkflow,
	telesignEventWorkflow,
	builtinEventWorkflow,
	callAndWaitWorkflow,
	callAndWaitTriggerWorkflow,
};
