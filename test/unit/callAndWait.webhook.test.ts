/**
 * The waiting node's webhook (what n8n calls for each request to the resume URL) and the trigger's relay, with
 * fake n8n contexts: only relayed events steer a call, and the execution resumes once every call has ended.
 */
import type { IDataObject, INodeExecutionData, IWebhookFunctions } from 'n8n-workflow';

import { buildWaitSettings } from '../../nodes/shared/telesign/callAndWaitSettings';
import { computeCallbackSignature } from '../../nodes/shared/telesign/signing';
import {
	buildExternalId,
	clearSeenRelays,
	deriveRelayKey,
	encodeMarker,
	RELAY_TIMEOUT_MS,
	relayRetryDelayMs,
	signRelay,
	verifyRelay,
} from '../../nodes/shared/relay';
import type {
	WaitingCall,
	WaitingItem,
} from '../../nodes/TelesignVoice/actions/call/callAndWait/waitingState';
import { STATE_KEY } from '../../nodes/TelesignVoice/actions/call/callAndWait/waitingState';
import { callAndWaitWebhook } from '../../nodes/TelesignVoice/actions/call/callAndWait/callAndWait.webhook';
import {
	FASTEST_SPEECH_CHARS_PER_SECOND,
	forget,
} from '../../nodes/TelesignVoice/actions/call/callAndWait/followedCalls';
import { armTimeLimit } from '../../nodes/TelesignVoice/actions/call/callAndWait/timeLimit';
import { relayWaitingCallEvent } from '../../nodes/TelesignVoiceTrigger/relay';
import { clearCredentialCache } from '../../nodes/shared/credentialCache';
import { TELESIGN_CREDENTIAL } from '../../nodes/shared/telesign/credentials';
import { testCredentials } from '../helpers/executeContext';

const credentials = testCredentials('basic');
const key = deriveRelayKey(credentials.apiKey, credentials.customerId);
const NODE_ID = '11111111-2222-4333-8444-555555555555';
const SIGNATURE = 'cd'.repeat(32);
const marker = (item: number) =>
	encodeMarker({ executionId: '42', nodeId: NODE_ID, itemIndex: item, signature: SIGNATURE });

/** The calls' state as execute() saved it in the node's execution context (waitingState.ts). */
function pendingItems(count: number): WaitingItem[] {
	const settings = buildWaitSettings({
		message: 'Press 1.',
		responseType: 'keyPress',
		acknowledgeKey: '1',
	});
	return Array.from({ length: count }, (_, i) => ({
		call: { settings, reference_id: `REF${i}`, to: `1555000000${i}`, user_external_id: null },
	}));
}

interface Sent {
	status?: number;
	body?: unknown;
	headers: Record<string, string>;
}

interface CredentialStore {
	values: typeof credentials;
	reads: number;
}

/** A waiting node whose credential has an ID (so the process may keep its values), and counts n8n's reads. */
function savedCredential(values = credentials): CredentialStore {
	return { values, reads: 0 };
}

/** The wait's time limit as execute() saved it (timeLimit.ts); its timer is cleared by forget() in beforeEach. */
const LIMIT = {
	atMs: Date.now() + 10 * 60_000,
	resumeUrl: `https://n8n.example.com/webhook-waiting/42/${NODE_ID}?signature=${SIGNATURE}`,
};
/** What the time-limit timers of this test file posted. */
const posted: Array<{ url: string; body: Buffer; headers: Record<string, string> }> = [];

function waitingContext(
	raw: Buffer,
	headers: Record<string, string>,
	items: WaitingItem[],
	signature = SIGNATURE,
	store?: CredentialStore,
) {
	const sent: Sent = { headers: {} };
	const res = {
		setHeader: (name: string, value: string) => (sent.headers[name.toLowerCase()] = value),
		status(code: number) {
			sent.status = code;
			return res;
		},
		type: () => res,
		json: (body: unknown) => (sent.body = body),
		send: (body: unknown) => (sent.body = body),
	};
	const warnings: unknown[] = [];
	const reads: string[] = [];
	const context = {
		getRequestObject: () => ({ method: 'POST', headers, rawBody: raw }),
		getResponseObject: () => res,
		getCredentials: async () => {
			if (store === undefined) return credentials;
			store.reads++;
			return store.values;
		},
		getNode: () => ({
			id: NODE_ID,
			name: 'Call and Wait',
			credentials: store && { [TELESIGN_CREDENTIAL]: { id: 'CRED1', name: 'Telesign' } },
		}),
		getQueryData: () => ({ signature }),
		evaluateExpression: (expression: string, itemIndex = 0) => {
			reads.push(expression);
			// The node's saved state (waitingState.ts), as n8n's expression proxy returns it.
			const one = new RegExp(
				`^\\{\\{ \\$\\("Call and Wait"\\)\\.context\\.${STATE_KEY}\\.items\\[(\\d+)\\] \\}\\}$`,
			).exec(expression);
			if (one && itemIndex === 0) return items[Number(one[1])];
			if (expression === `{{ $("Call and Wait").context.${STATE_KEY}.items }}`) return items;
			if (expression === `{{ $("Call and Wait").context.${STATE_KEY}.limit }}`) return LIMIT;
			throw new Error(`unexpected expression ${expression}`);
		},
		logger: {
			warn: (...args: unknown[]) => warnings.push(args),
			debug: () => undefined,
			error: () => undefined,
		},
		helpers: {
			httpRequest: async (options: {
				url: string;
				body: Buffer;
				headers: Record<string, string>;
			}) => {
				posted.push(options);
				return { statusCode: 200 };
			},
		},
	} as unknown as IWebhookFunctions;
	return { context, sent, warnings, reads };
}

const eventBody = (event: string, item: number, data: Record<string, unknown>) =>
	Buffer.from(
		JSON.stringify({
			event,
			reference_id: `REF${item}`,
			external_id: buildExternalId(marker(item)),
			data,
		}),
	);

/** A new relay timestamp per delivery: the same bytes relayed twice within a millisecond would be one relay. */
let lastRelayMs = 0;
const relayNow = () => {
	if (lastRelayMs > Date.now() + 60_000) lastRelayMs = 0; // a test with fake timers ran ahead
	return (lastRelayMs = Math.max(Date.now(), lastRelayMs + 1));
};

async function deliver(
	raw: Buffer,
	items: WaitingItem[],
	headers = signRelay(key, 'event', raw, relayNow()),
	store?: CredentialStore,
) {
	const { context, sent, warnings, reads } = waitingContext(raw, headers, items, SIGNATURE, store);
	const result = await callAndWaitWebhook.call(context);
	return { result, sent, warnings, reads };
}

beforeEach(() => {
	clearSeenRelays();
	forget(SIGNATURE); // the calls this process follows, from an earlier test
});

describe('the waiting node refuses what was not relayed by a Telesign Voice Trigger', () => {
	const raw = eventBody('speak_completed', 0, { collected_digits: '1' });
	test.each([
		['no relay signature', {}],
		[
			"Telesign's own signature (a Telesign event sent straight to the resume URL)",
			{
				authorization: `TSA ${credentials.customerId}:${computeCallbackSignature(credentials.apiKey, raw)}`,
			},
		],
		[
			"signed with another account's key",
			signRelay(
				deriveRelayKey(Buffer.from('x'.repeat(32)).toString('base64'), credentials.customerId),
				'event',
				raw,
				Date.now(),
			),
		],
		['an old relay replayed', signRelay(key, 'event', raw, Date.now() - 6 * 60_000)],
	])('%s → 401, no action, no resume', async (_name, headers) => {
		const { result, sent, warnings } = await deliver(
			raw,
			pendingItems(1),
			headers as Record<string, string>,
		);
		expect(sent.status).toBe(401);
		expect(result).toEqual({ noWebhookResponse: true });
		expect(warnings).toHaveLength(1);
	});

	test('an exact replay of a relay it obeyed → 401 (a retry of the trigger signs anew and is obeyed)', async () => {
		const items = pendingItems(1);
		const raw = eventBody('dial_completed', 0, { status: 'answered' });
		const headers = signRelay(key, 'event', raw, Date.now());
		expect((await deliver(raw, items, headers)).sent.status).toBe(200);
		const replay = await deliver(raw, items, headers);
		expect(replay.sent.status).toBe(401);
		expect(replay.warnings).toHaveLength(1);
		expect(
			(await deliver(raw, items, signRelay(key, 'event', raw, Date.now() + 1))).sent.status,
		).toBe(200);
	});

	test('a relayed event of another node or execution → 400', async () => {
		const other = Buffer.from(
			JSON.stringify({
				event: 'speak_completed',
				external_id: encodeMarker({
					executionId: '42',
					nodeId: NODE_ID,
					itemIndex: 0,
					signature: 'ef'.repeat(32),
				}),
			}),
		);
		const { sent, result } = await deliver(other, pendingItems(1));
		expect(sent.status).toBe(400);
		expect(result).toEqual({ noWebhookResponse: true });
	});
});

describe('relayed events', () => {
	test('answered with the next action (signed), resumed only when every call has ended', async () => {
		const items = pendingItems(2);
		const first = await deliver(eventBody('dial_completed', 0, { status: 'answered' }), items);
		expect(first.result).toEqual({ noWebhookResponse: true });
		const answer = first.sent.body as Buffer;
		expect(JSON.parse(answer.toString())).toEqual({
			action: {
				jsonrpc: '2.0',
				method: 'speak',
				params: { tts: { message: 'Press 1.', language: 'en-US' }, collect_digits: { max: 1 } },
			},
		});
		expect(
			verifyRelay({
				key,
				kind: 'answer',
				body: answer,
				timestamp: first.sent.headers['x-telesign-voice-relay-timestamp'],
				signature: first.sent.headers['x-telesign-voice-relay-signature'],
				nowMs: Date.now(),
			}),
		).toEqual({ valid: true });
		await deliver(eventBody('speak_completed', 0, { collected_digits: '1' }), items);
		await deliver(eventBody('dial_completed', 1, { status: 'busy' }), items);
		const firstEnds = await deliver(
			eventBody('call_completed', 0, { status: 'hangup', duration: 3, answered_on_utc: 'x' }),
			items,
		);
		expect(firstEnds.result).toEqual({ noWebhookResponse: true }); // item 1 is still going
		const last = await deliver(
			eventBody('call_completed', 1, { status: 'hangup', duration: 0, answered_on_utc: null }),
			items,
		);
		const output = (last.result as { workflowData: INodeExecutionData[][] }).workflowData[0];
		expect(
			output.map((i) => [i.json.reference_id, i.json.acknowledged, i.json.status, i.pairedItem]),
		).toEqual([
			['REF0', true, 'hangup', { item: 0 }],
			['REF1', false, 'busy', { item: 1 }],
		]);
	});
});

test('an event in the middle of a call reads only its own item; the whole input is read when a call ends', async () => {
	// Each read crosses n8n's expression isolate: copying every waiting item for every event made one big execution slow.
	const items = pendingItems(3);
	const dial = await deliver(eventBody('dial_completed', 1, { status: 'answered' }), items);
	const own = `{{ $("Call and Wait").context.${STATE_KEY}.items[1] }}`;
	// The first event this process answers: it keeps a timer for the time limit too (read once).
	expect(dial.reads).toEqual([own, `{{ $("Call and Wait").context.${STATE_KEY}.limit }}`]);
	const speak = await deliver(eventBody('speak_completed', 1, { collected_digits: '1' }), items);
	expect(speak.reads).toEqual([own]);
	expect(JSON.parse((speak.sent.body as Buffer).toString()).action.method).toBe('hangup');
	const end = await deliver(eventBody('call_completed', 1, { status: 'hangup' }), items);
	expect(end.reads).toEqual([own, `{{ $("Call and Wait").context.${STATE_KEY}.items }}`]);
	expect(end.result).toEqual({ noWebhookResponse: true });
});

test('a call of an earlier run of the node (same execution and node, another reference_id) does not count', async () => {
	const items = pendingItems(1);
	// An earlier run whose wait ran out: its call ended later, under the same resume URL.
	const stale = eventBody('call_completed', 0, { status: 'hangup' });
	const staleBody = Buffer.from(stale.toString().replace('"REF0"', '"OLDREF"'));
	expect((await deliver(staleBody, items)).result).toEqual({ noWebhookResponse: true });
	await deliver(eventBody('dial_completed', 0, { status: 'answered' }), items);
	const done = await deliver(
		eventBody('call_completed', 0, { status: 'hangup', answered_on_utc: 'x' }),
		items,
	);
	const output = (done.result as { workflowData: INodeExecutionData[][] }).workflowData[0];
	expect(output[0].json).toMatchObject({ reference_id: 'REF0', answered: true });
	expect((output[0].json.events as IDataObject[]).map((e) => e.event)).toEqual([
		'dial_completed',
		'call_completed',
	]);
});

describe("the waiting node's credential (n8n reads a credential in an expression isolate of its own)", () => {
	beforeEach(() => clearCredentialCache());

	test('read once for all events of a call while fresh, not once per event', async () => {
		const store = savedCredential();
		const items = pendingItems(1);
		await deliver(eventBody('dial_completed', 0, { status: 'answered' }), items, undefined, store);
		await deliver(
			eventBody('speak_completed', 0, { collected_digits: '1' }),
			items,
			undefined,
			store,
		);
		const done = await deliver(
			eventBody('call_completed', 0, { status: 'hangup', answered_on_utc: 'x' }),
			items,
			undefined,
			store,
		);
		expect(done.result).toHaveProperty('workflowData');
		expect(store.reads).toBe(1);
	});

	test('a relay signed with a newly saved API key is obeyed: the stale values make n8n read the credential again', async () => {
		const store = savedCredential();
		const items = pendingItems(1);
		await deliver(eventBody('dial_completed', 0, { status: 'answered' }), items, undefined, store);
		store.values = {
			...credentials,
			apiKey: Buffer.from('rotated key material').toString('base64'),
		};
		const rotatedKey = deriveRelayKey(store.values.apiKey, credentials.customerId);
		const raw = eventBody('speak_completed', 0, { collected_digits: '1' });
		const { sent } = await deliver(
			raw,
			items,
			signRelay(rotatedKey, 'event', raw, Date.now()),
			store,
		);
		expect(sent.status).toBe(200);
		expect(store.reads).toBe(2);
		const answer = sent.body as Buffer;
		const signedWith = (k: Buffer) =>
			verifyRelay({
				key: k,
				kind: 'answer',
				body: answer,
				timestamp: sent.headers['x-telesign-voice-relay-timestamp'],
				signature: sent.headers['x-telesign-voice-relay-signature'],
				nowMs: Date.now(),
			});
		expect(signedWith(rotatedKey)).toEqual({ valid: true });
	});

	test('a forged relay costs one read and is refused; an old replay costs none', async () => {
		const store = savedCredential();
		const items = pendingItems(1);
		await deliver(eventBody('dial_completed', 0, { status: 'answered' }), items, undefined, store);
		const raw = eventBody('speak_completed', 0, { collected_digits: '1' });
		const forged = await deliver(
			raw,
			items,
			signRelay(
				deriveRelayKey(Buffer.from('z'.repeat(32)).toString('base64'), credentials.customerId),
				'event',
				raw,
				Date.now(),
			),
			store,
		);
		expect(forged.sent.status).toBe(401);
		expect(store.reads).toBe(2);
		const replay = await deliver(
			raw,
			items,
			signRelay(key, 'event', raw, Date.now() - 6 * 60_000),
			store,
		);
		expect(replay.sent.status).toBe(401);
		expect(store.reads).toBe(2);
	});
});

describe("the trigger's relay", () => {
	function triggerContext(
		http: (options: IDataObject) => Promise<unknown>,
		authentication = 'telesignSignature',
	) {
		const sent: Sent = { headers: {} };
		// Express's response is an EventEmitter: 'close' before the answer means Telesign closed its request.
		const listeners = new Map<string, () => void>();
		const res = {
			writableEnded: false,
			once: (name: string, listener: () => void) => listeners.set(name, listener),
			off: (name: string) => listeners.delete(name),
			emit: (name: string) => listeners.get(name)?.(),
			setHeader: () => undefined,
			status(code: number) {
				sent.status = code;
				return res;
			},
			json: (body: unknown) => {
				sent.body = body;
				res.writableEnded = true;
			},
		};
		const context = {
			getNode: () => ({ name: 'Telesign Events', webhookId: 'WID' }),
			getNodeWebhookUrl: () => 'https://n8n.example.com/webhook/WID/telesign-voice',
			getCredentials: async () => credentials,
			getResponseObject: () => res,
			getRequestObject: () => ({ headers: {} }),
			getNodeParameter: (name: string, fallback: unknown) =>
				name === 'events' ? ['call_completed'] : fallback,
			helpers: { httpRequest: http, returnJsonArray: (json: IDataObject) => [{ json }] },
			logger: { warn: jest.fn() },
		} as unknown as IWebhookFunctions;
		return { context, sent, authentication, res };
	}
	const raw = eventBody('speak_completed', 0, { collected_digits: '1' });
	const event = JSON.parse(raw.toString());

	test("an event of another call is not the relay's business", async () => {
		const { context } = triggerContext(async () => ({}));
		expect(
			await relayWaitingCallEvent.call(
				context,
				{ event: 'dial_completed', external_id: 'order-1' },
				raw,
				'telesignSignature',
			),
		).toBeUndefined();
	});

	test('relays to the resume URL with a relay signature and answers Telesign with the signed answer', async () => {
		const answer = Buffer.from(
			JSON.stringify({ action: { jsonrpc: '2.0', method: 'hangup', params: {} } }),
		);
		let request: IDataObject = {};
		const { context, sent } = triggerContext(async (options) => {
			request = options;
			return {
				statusCode: 200,
				headers: signRelay(key, 'answer', answer, Date.now()),
				body: answer.toString(),
			};
		});
		const result = await relayWaitingCallEvent.call(context, event, raw, 'telesignSignature');
		expect(request.url).toBe(
			`https://n8n.example.com/webhook-waiting/42/${NODE_ID}?signature=${SIGNATURE}`,
		);
		const headers = request.headers as Record<string, string>;
		expect(
			verifyRelay({
				key,
				kind: 'event',
				body: raw,
				timestamp: headers['x-telesign-voice-relay-timestamp'],
				signature: headers['x-telesign-voice-relay-signature'],
				nowMs: Date.now(),
			}),
		).toEqual({ valid: true });
		expect(sent.body).toEqual({ jsonrpc: '2.0', method: 'hangup', params: {} });
		expect(result).toEqual({ noWebhookResponse: true });
	});

	test.each([
		[
			'the execution is gone (n8n answers 409)',
			async () => ({ statusCode: 409, headers: {}, body: '{"message":"finished"}' }),
		],
		[
			'n8n\'s "no action required" page (200, unsigned)',
			async () => ({ statusCode: 200, headers: {}, body: '<html></html>' }),
		],
		[
			'an answer signed with another key',
			async () => ({
				statusCode: 200,
				headers: signRelay(
					deriveRelayKey(Buffer.from('y'.repeat(32)).toString('base64'), 'c'),
					'answer',
					Buffer.from('{"action":null}'),
					Date.now(),
				),
				body: '{"action":null}',
			}),
		],
		[
			'the relay fails for good (an error that sending again cannot mend)',
			async () => {
				throw new Error('self-signed certificate');
			},
		],
	])('%s → hangup, nothing starts', async (_name, http) => {
		const { context, sent } = triggerContext(http as () => Promise<unknown>);
		const result = await relayWaitingCallEvent.call(context, event, raw, 'telesignSignature');
		expect(sent.body).toEqual({ jsonrpc: '2.0', method: 'hangup', params: {} });
		expect(result).toEqual({ noWebhookResponse: true });
	});

	test("n8n busy (503) or the connection refused: the relay is sent again, and the waiting node's answer reaches Telesign", async () => {
		const answer = Buffer.from(
			JSON.stringify({
				action: { jsonrpc: '2.0', method: 'speak', params: { tts: { message: 'Press 1.' } } },
			}),
		);
		const replies = [
			async () => ({ statusCode: 503, headers: {}, body: '{"message":"Database is not ready!"}' }),
			async () => {
				throw new Error('connect ECONNREFUSED 127.0.0.1:5678');
			},
			async () => ({
				statusCode: 200,
				headers: signRelay(key, 'answer', answer, Date.now()),
				body: answer.toString(),
			}),
		];
		const sentRelays: IDataObject[] = [];
		const { context, sent } = triggerContext(async (options) => {
			sentRelays.push(options);
			return await replies[sentRelays.length - 1]();
		});
		await relayWaitingCallEvent.call(context, event, raw, 'telesignSignature');
		expect(sentRelays).toHaveLength(3);
		expect(sent.body).toMatchObject({ method: 'speak' });
	});

	test('the execution has dialled but is not saved as waiting yet (409 "is running"): the relay is sent again', async () => {
		const answer = Buffer.from(
			JSON.stringify({
				action: { jsonrpc: '2.0', method: 'speak', params: { tts: { message: 'Press 1.' } } },
			}),
		);
		let tries = 0;
		const { context, sent } = triggerContext(async () => {
			tries++;
			if (tries === 1)
				return {
					statusCode: 409,
					headers: {},
					body: '{"code":409,"message":"The execution \\"42\\" is running already."}',
				};
			return {
				statusCode: 200,
				headers: signRelay(key, 'answer', answer, Date.now()),
				body: answer.toString(),
			};
		});
		await relayWaitingCallEvent.call(context, event, raw, 'telesignSignature');
		expect(tries).toBe(2);
		expect(sent.body).toMatchObject({ method: 'speak' });
	});

	/** Runs the relay under fake timers while `http` answers; returns the tries' times (ms after the start). */
	async function relayUnderFakeTimers(reply: (sinceStartMs: number) => Promise<unknown>) {
		const startMs = Date.now();
		jest.useFakeTimers({ now: startMs });
		try {
			const tries: number[] = [];
			const setup = triggerContext(async () => {
				tries.push(Date.now() - startMs);
				return await reply(Date.now() - startMs);
			});
			const relaying = relayWaitingCallEvent.call(setup.context, event, raw, 'telesignSignature');
			await jest.advanceTimersByTimeAsync(RELAY_TIMEOUT_MS + 5000);
			await relaying;
			return { ...setup, tries };
		} finally {
			jest.useRealTimers();
		}
	}
	const busy = async () => ({
		statusCode: 503,
		headers: {},
		body: '{"code":503,"message":"Database is not ready!"}',
	});

	test("n8n stays busy: tried again, each wait doubled (jittered) up to 2 s, until the relay's 15 s bound; then hangup and the reason logged", async () => {
		const { tries, sent, context } = await relayUnderFakeTimers(busy);
		expect(tries.length).toBeGreaterThan(8);
		tries.slice(1).forEach((atMs, i) => {
			const gap = atMs - tries[i];
			expect(gap).toBeGreaterThanOrEqual(Math.min(2000, 250 * 2 ** i) / 2);
			expect(gap).toBeLessThanOrEqual(Math.min(2000, 250 * 2 ** i));
		});
		expect(tries[tries.length - 1]).toBeLessThan(RELAY_TIMEOUT_MS);
		expect(tries[tries.length - 1]).toBeGreaterThanOrEqual(RELAY_TIMEOUT_MS - 2000);
		expect(sent.body).toEqual({ jsonrpc: '2.0', method: 'hangup', params: {} });
		expect((context.logger.warn as jest.Mock).mock.calls).toHaveLength(1);
		expect((context.logger.warn as jest.Mock).mock.calls[0][0]).toMatch(/HTTP 503/);
	});

	test('a "Database is not ready" spell of 8 s (n8n refusing, then the connection refused): the waiting node\'s answer still reaches Telesign', async () => {
		const answer = Buffer.from(
			JSON.stringify({
				action: { jsonrpc: '2.0', method: 'speak', params: { tts: { message: 'Press 1.' } } },
			}),
		);
		const { tries, sent, context } = await relayUnderFakeTimers(async (sinceStartMs) => {
			if (sinceStartMs < 5000) return await busy();
			if (sinceStartMs < 8000) throw new Error('connect ECONNREFUSED 127.0.0.1:5678');
			return {
				statusCode: 200,
				headers: signRelay(key, 'answer', answer, Date.now()),
				body: answer.toString(),
			};
		});
		expect(tries[tries.length - 1]).toBeGreaterThanOrEqual(8000);
		expect(sent.body).toMatchObject({ method: 'speak' });
		expect(context.logger.warn as jest.Mock).not.toHaveBeenCalled();
	});

	test('Telesign closes its request while the relay waits to try again: the relay ends at once, not tried again', async () => {
		const startMs = Date.now();
		jest.useFakeTimers({ now: startMs });
		try {
			let tries = 0;
			const { context, res } = triggerContext(async () => {
				tries++;
				return await busy();
			});
			let done = false;
			const relaying = relayWaitingCallEvent
				.call(context, event, raw, 'telesignSignature')
				.then(() => (done = true));
			for (let i = 0; i < 1000 && tries === 0; i++) await Promise.resolve(); // the first try is out
			for (let i = 0; i < 100; i++) await Promise.resolve(); // its 503 seen: the relay now waits
			res.emit('close');
			for (let i = 0; i < 1000 && !done; i++) await Promise.resolve(); // no timer advanced
			expect(done).toBe(true);
			await relaying;
			expect(tries).toBe(1);
			expect((context.logger.warn as jest.Mock).mock.calls[0][0]).toMatch(
				/Telesign closed its request.*HTTP 503/,
			);
		} finally {
			jest.useRealTimers();
		}
	});

	test('the waits between tries: between half and all of 250 ms doubled per try, at most 2 s', () => {
		expect(
			[0, 1, 2, 3, 4, 10].map((attempt) => [
				relayRetryDelayMs(attempt, () => 0),
				relayRetryDelayMs(attempt, () => 0.999999),
			]),
		).toEqual([
			[125, 250],
			[250, 500],
			[500, 1000],
			[1000, 2000],
			[1000, 2000],
			[1000, 2000],
		]);
	});

	test('Telesign closes its request before the waiting execution answers: the relay is stopped', async () => {
		let signal: AbortSignal | undefined;
		const { context, res } = triggerContext(
			async (options) =>
				await new Promise((_resolve, reject) => {
					signal = options.abortSignal as unknown as AbortSignal;
					signal.addEventListener('abort', () => reject(new Error('canceled')));
				}),
		);
		const relaying = relayWaitingCallEvent.call(context, event, raw, 'telesignSignature');
		for (let i = 0; i < 1000 && signal === undefined; i++) await Promise.resolve(); // the relay request is out
		res.emit('close');
		await relaying;
		expect(signal?.aborted).toBe(true);
		expect((context.logger.warn as jest.Mock).mock.calls[0][0]).toMatch(
			/Telesign closed its request/,
		);
	});

	test('call_completed of a relayed call still starts the call log when Events selects it', async () => {
		const done = eventBody('call_completed', 0, { status: 'hangup' });
		const { context, sent } = triggerContext(async () => ({
			statusCode: 409,
			headers: {},
			body: '',
		}));
		const result = await relayWaitingCallEvent.call(
			context,
			JSON.parse(done.toString()),
			done,
			'telesignSignature',
		);
		expect(sent.body).toEqual({});
		expect((result as { workflowData: unknown[][] }).workflowData[0]).toEqual([
			{ json: JSON.parse(done.toString()) },
		]);
	});

	test('without Telesign Signature authentication nothing is relayed (no key to sign with)', async () => {
		const http = jest.fn();
		const { context, sent } = triggerContext(http);
		await relayWaitingCallEvent.call(context, event, raw, 'basicAuth');
		expect(http).not.toHaveBeenCalled();
		expect(sent.body).toEqual({ jsonrpc: '2.0', method: 'hangup', params: {} });
	});
});

const pendingItemsOf = pendingItems;

describe('repeated events (Telesign may post an event again): a step is decided once', () => {
	const action = (sent: Sent) => JSON.parse((sent.body as Buffer).toString()).action;
	const relayed = async (items: WaitingItem[], event: string, data: Record<string, unknown>) =>
		await deliver(eventBody(event, 0, data), items);
	/** Waiting calls with the node's default Repeat Message (1). */
	const pendingItems = (count: number) => {
		const items = pendingItemsOf(count);
		for (const item of items) if ('call' in item) item.call.settings.repeat = 1;
		return items;
	};

	test('a repeated speak_completed while the next prompt plays gets the same answer and loses no key press', async () => {
		const items = pendingItems(1); // Repeat Message 1 (the default)
		expect(
			action((await relayed(items, 'dial_completed', { status: 'answered' })).sent).method,
		).toBe('speak');
		expect(
			action((await relayed(items, 'speak_completed', { collected_digits: '' })).sent).method,
		).toBe('speak'); // prompt 2
		// Prompt 1's event again while prompt 2 plays: answered as before (the prompt), nothing recorded.
		expect(
			action((await relayed(items, 'speak_completed', { collected_digits: '' })).sent).method,
		).toBe('speak');
		const pressed = await relayed(items, 'speak_completed', { collected_digits: '1' });
		expect(action(pressed.sent).method).toBe('hangup');
		const done = await relayed(items, 'call_completed', {
			status: 'hangup',
			answered_on_utc: 'x',
			duration: 20,
		});
		const outcome = (done.result as { workflowData: INodeExecutionData[][] }).workflowData[0][0]
			.json;
		expect(outcome).toMatchObject({ acknowledged: true, digits: '1', status: 'hangup' });
		expect((outcome.events as IDataObject[]).map((e) => e.event)).toEqual([
			'dial_completed',
			'speak_completed',
			'speak_completed',
			'call_completed',
		]);
	});

	test('nothing pressed twice in a row: an identical event that comes after the prompt could be spoken is a new step', async () => {
		const startMs = Date.now();
		jest.useFakeTimers({ now: startMs });
		try {
			const items = pendingItems(1);
			await relayed(items, 'dial_completed', { status: 'answered' });
			jest.setSystemTime(startMs + 10);
			const prompt = action(
				(await relayed(items, 'speak_completed', { collected_digits: '' })).sent,
			); // → prompt 2
			const promptEndsMs =
				startMs +
				10 +
				Math.ceil((prompt.params.tts.message.length * 1000) / FASTEST_SPEECH_CHARS_PER_SECOND);
			jest.setSystemTime(promptEndsMs - 1); // too soon for prompt 2 to have been spoken: a repeat
			expect(
				action((await relayed(items, 'speak_completed', { collected_digits: '' })).sent).method,
			).toBe('speak');
			jest.setSystemTime(promptEndsMs); // prompt 2 spoken, nothing pressed: the call ends as Repeat Message says
			expect(
				action((await relayed(items, 'speak_completed', { collected_digits: '' })).sent).method,
			).toBe('hangup');
		} finally {
			jest.useRealTimers();
			lastRelayMs = 0; // relay timestamps follow the real clock again
		}
	});

	test('a repeated dial_completed or call_completed changes nothing; the outcome counts each step once', async () => {
		const items = pendingItems(2);
		const first = action((await relayed(items, 'dial_completed', { status: 'answered' })).sent);
		expect(action((await relayed(items, 'dial_completed', { status: 'answered' })).sent)).toEqual(
			first,
		);
		await relayed(items, 'speak_completed', { collected_digits: '1' });
		const end = await relayed(items, 'call_completed', { status: 'hangup', answered_on_utc: 'x' });
		expect(end.result).toEqual({ noWebhookResponse: true }); // item 1's call is still going
		const again = await relayed(items, 'call_completed', {
			status: 'hangup',
			answered_on_utc: 'x',
		});
		expect(again.result).toEqual({ noWebhookResponse: true });
		await deliver(eventBody('dial_completed', 1, { status: 'busy' }), items);
		const last = await deliver(eventBody('call_completed', 1, { status: 'hangup' }), items);
		const output = (last.result as { workflowData: INodeExecutionData[][] }).workflowData[0];
		expect((output[0].json.events as IDataObject[]).map((e) => e.event)).toEqual([
			'dial_completed',
			'speak_completed',
			'call_completed',
		]);
		expect(output[1].json).toMatchObject({ answered: false, status: 'busy' });
	});

	test('after the closing message a repeat is answered with a hang-up, never the closing again', async () => {
		const items = pendingItems(1);
		const { settings } = (items[0] as { call: WaitingCall }).call;
		settings.closingMessage = 'Goodbye.';
		settings.repeat = 0;
		await relayed(items, 'dial_completed', { status: 'answered' });
		expect(
			action((await relayed(items, 'speak_completed', { collected_digits: '' })).sent).params.tts
				.message,
		).toBe('Goodbye.');
		expect(
			action((await relayed(items, 'speak_completed', { collected_digits: '' })).sent).method,
		).toBe('hangup');
	});
});

describe('the time limit (timeLimit.ts): the process that followed the calls ends the wait with what it knows', () => {
	afterEach(() => jest.useRealTimers());

	const timeLimitBody = (calls: unknown[] = [], atMs = LIMIT.atMs) =>
		Buffer.from(
			JSON.stringify({
				time_limit: { node_id: NODE_ID, signature: SIGNATURE, at_ms: atMs, calls },
			}),
		);

	test('the timer fires at the limit and posts a signed time-limit request; that request resumes with the facts known', async () => {
		jest.useFakeTimers({ now: LIMIT.atMs - 60_000 });
		posted.length = 0;
		const items = pendingItems(2);
		await deliver(eventBody('dial_completed', 0, { status: 'answered' }), items);
		await deliver(eventBody('speak_completed', 0, { collected_digits: '7' }), items);
		await jest.advanceTimersByTimeAsync(59_000);
		expect(posted).toHaveLength(0);
		await jest.advanceTimersByTimeAsync(1_000);
		expect(posted).toHaveLength(1); // one timer per waiting node run, however many events
		const request = posted[0];
		expect(request.url).toBe(LIMIT.resumeUrl);
		const timestamp = request.headers['x-telesign-voice-relay-timestamp'];
		const signature = request.headers['x-telesign-voice-relay-signature'];
		expect(
			verifyRelay({
				key,
				kind: 'timeLimit',
				body: request.body,
				timestamp,
				signature,
				nowMs: Date.now(),
			}),
		).toEqual({ valid: true });
		expect(
			verifyRelay({
				key,
				kind: 'event',
				body: request.body,
				timestamp,
				signature,
				nowMs: Date.now(),
			}),
		).toEqual({ valid: false, reason: 'bad_signature' });

		// Another process receives it (it knows nothing of the calls): the facts travel in the request.
		forget(SIGNATURE);
		const end = await deliver(request.body, items, request.headers);
		expect(end.sent.status).toBe(200);
		const output = (end.result as { workflowData: INodeExecutionData[][] }).workflowData[0];
		expect(
			output.map((i) => [
				i.json.status,
				i.json.answered,
				i.json.digits,
				(i.json.events as unknown[]).length,
				i.json.missing_facts,
				i.pairedItem,
			]),
		).toEqual([
			['timeout', true, '7', 2, [], { item: 0 }],
			['timeout', false, null, 0, ['answered', 'digits', 'events'], { item: 1 }],
		]);
	});

	test('the receiving process adds what it knows itself; a call that ended keeps its outcome', async () => {
		const items = pendingItems(2);
		await deliver(eventBody('dial_completed', 1, { status: 'busy' }), items);
		await deliver(
			eventBody('call_completed', 1, { status: 'hangup', answered_on_utc: null }),
			items,
		);
		const raw = timeLimitBody([
			{
				item: 0,
				reference_id: 'REF0',
				steps: [{ event: 'dial_completed', status: 'answered' }],
				completed: null,
			},
		]);
		const end = await deliver(raw, items, signRelay(key, 'timeLimit', raw, relayNow()));
		const output = (end.result as { workflowData: INodeExecutionData[][] }).workflowData[0];
		expect(output.map((i) => [i.json.status, i.json.answered, i.json.missing_facts])).toEqual([
			['timeout', true, []],
			['busy', false, []],
		]);
	});

	test('a second wait under the same resume signature (the node run again in the execution) replaces the timer', async () => {
		jest.useFakeTimers({ now: LIMIT.atMs - 60_000 });
		posted.length = 0;
		const http = async (options: {
			url: string;
			body: Buffer;
			headers: Record<string, string>;
		}) => {
			posted.push(options);
			return { statusCode: 200 };
		};
		const setup = (atMs: number) => ({
			key: SIGNATURE,
			nodeId: NODE_ID,
			limit: { ...LIMIT, atMs },
			relayKey: key,
			http,
			logger: { debug: () => undefined, warn: () => undefined },
		});
		armTimeLimit(setup(LIMIT.atMs - 30_000) as unknown as Parameters<typeof armTimeLimit>[0]);
		armTimeLimit(setup(LIMIT.atMs) as unknown as Parameters<typeof armTimeLimit>[0]);
		await jest.advanceTimersByTimeAsync(40_000);
		expect(posted).toHaveLength(0);
		await jest.advanceTimersByTimeAsync(20_000);
		expect(posted.map((request) => JSON.parse(request.body.toString()).time_limit.at_ms)).toEqual([
			LIMIT.atMs,
		]);
	});

	test('a time-limit request of another run of the node, or one signed as an event, ends nothing', async () => {
		const items = pendingItems(1);
		const other = timeLimitBody([], LIMIT.atMs - 3_600_000);
		const stale = await deliver(other, items, signRelay(key, 'timeLimit', other, relayNow()));
		expect(stale.sent.status).toBe(400);
		expect(stale.result).toEqual({ noWebhookResponse: true });
		const raw = timeLimitBody();
		const asEvent = await deliver(raw, items, signRelay(key, 'event', raw, relayNow()));
		expect(asEvent.sent.status).toBe(400);
		expect(asEvent.result).toEqual({ noWebhookResponse: true });
	});
});
