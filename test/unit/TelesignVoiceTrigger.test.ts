import {
	NodeHelpers,
	NodeOperationError,
	Workflow,
	resolveWebhookDescriptionField,
	webhookDescriptionIsNativelyResolvable,
} from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestFunctions,
	IDataObject,
	IHookFunctions,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { LEGAL_ACTIONS_BY_EVENT } from '../../nodes/shared/telesign/actions';
import { KNOWN_EVENTS, MAX_EVENT_BODY_BYTES } from '../../nodes/shared/telesign/events';
import { computeCallbackSignature } from '../../nodes/shared/telesign/signing';
import {
	DIGEST_NONCE_LIFETIME_MS,
	computeDigestResponse,
	createDigestNonce,
	deriveDigestNonceSecret,
} from '../../nodes/shared/telesign/webhookAuth';
import { TelesignVoice } from '../../nodes/TelesignVoice/TelesignVoice.node';
import { TelesignVoiceTrigger } from '../../nodes/TelesignVoiceTrigger/TelesignVoiceTrigger.node';

// The callback signature vector (https://developer.telesign.com/enterprise/docs/authenticate-callbacks). The key of the Python SDK test is "EXAMPLE----TE8s…"; Python drops only the dashes (see signing.test.ts).
const PY_KEY = 'EXAMPLETE8sTgg45yusumoN6BYsBVkh+yRJ5czgsnCehZaOYldPJdmFh6NeX8kunZ2zU1YWaUw/0wV6xfw==';
const VECTOR_BODY = "{'test': 123}";
const VECTOR_SIG = 'B97g3N9lPdVaptvifxRau7bzVAC5hhRBZ6HKXABN744=';
const CUSTOMER = 'FFFFFFFF-EEEE-DDDD-1234-AB1234567890';
const TELESIGN_CREDS = { customerId: CUSTOMER, apiKey: PY_KEY, authMethod: 'basic', baseUrl: 'https://rest-ww.telesign.com' };
const HOOK_USER = { user: 'telesign', password: 'correct horse battery' };
const WEBHOOK_ID = '5b6c9d2e-0000-4000-8000-000000000001';
const URL_PATH = `/webhook/${WEBHOOK_ID}/telesign-voice`;

const DIAL_COMPLETED = {
	event: 'dial_completed',
	reference_id: 'BC96D7B0D1800164898350B4E71B005C',
	external_id: 'order-42',
	data: { to: '15555551212', from: '15554441313', status: 'answered' },
};
const CALL_COMPLETED = {
	event: 'call_completed',
	reference_id: 'BC96D7B0D1800164898350B4E71B005C',
	data: { duration: 31, status: 'hangup', direction: 'outbound', audio_recording_file_name: null },
};

interface Params {
	events: string[];
	authentication: string;
	respond: string;
	options: IDataObject;
}

class FakeResponse {
	statusCode = 200;
	headers: Record<string, unknown> = {};
	body: unknown = undefined;
	sent = false;
	status(code: number) {
		this.statusCode = code;
		return this;
	}
	setHeader(name: string, value: unknown) {
		this.headers[name.toLowerCase()] = value;
		return this;
	}
	header(name: string, value: unknown) {
		return this.setHeader(name, value);
	}
	json(body: unknown) {
		this.headers['content-type'] = 'application/json; charset=utf-8';
		this.body = body;
		this.sent = true;
		return this;
	}
	send(body: unknown) {
		this.body = body;
		this.sent = true;
		return this;
	}
	end() {
		this.sent = true;
		return this;
	}
}

interface CallOptions {
	params?: Partial<Params>;
	method?: string;
	headers?: Record<string, string | string[]>;
	rawBody?: Buffer | string | null;
	url?: string;
	credentials?: Record<string, IDataObject | undefined>;
}

function makeContext(opts: CallOptions = {}) {
	const params: Params = { events: ['*'], authentication: 'none', respond: 'lastNode', options: {}, ...opts.params };
	const res = new FakeResponse();
	const rawBody =
		opts.rawBody === null ? undefined : typeof opts.rawBody === 'string' ? Buffer.from(opts.rawBody) : (opts.rawBody ?? Buffer.from(JSON.stringify(DIAL_COMPLETED)));
	let parsedBody: unknown = {};
	try {
		parsedBody = rawBody ? JSON.parse(rawBody.toString('utf8')) : {};
	} catch {
		parsedBody = {};
	}
	const req = {
		method: opts.method ?? 'POST',
		headers: { 'content-type': 'application/json', host: 'n8n.example.com', ...(opts.headers ?? {}) },
		rawBody,
		body: parsedBody,
		originalUrl: opts.url ?? URL_PATH,
		url: opts.url ?? URL_PATH,
	};
	const credentials: Record<string, IDataObject | undefined> = opts.credentials ?? {
		telesignVoiceApi: TELESIGN_CREDS,
		telesignVoiceWebhookAuthApi: HOOK_USER,
	};
	const node: INode = {
		id: 'node-1',
		name: 'Telesign Voice Trigger',
		type: 'n8n-nodes-telesign-voice.telesignVoiceTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		webhookId: WEBHOOK_ID,
	};
	const logger = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() };
	const getBodyData = jest.fn(() => parsedBody);
	const ctx = {
		getRequestObject: () => req,
		getResponseObject: () => res,
		getBodyData,
		getHeaderData: () => req.headers,
		getNodeParameter: (name: string, fallback?: unknown) => (name in params ? params[name as keyof Params] : fallback),
		getCredentials: async (type: string) => {
			const value = credentials[type];
			if (!value) throw new Error(`Node does not have credentials of type "${type}"`);
			return value;
		},
		getNode: () => node,
		getNodeWebhookUrl: () => `https://n8n.example.com${URL_PATH}`,
		getMode: () => 'webhook',
		logger,
		helpers: {
			returnJsonArray: (data: IDataObject | IDataObject[]): INodeExecutionData[] =>
				(Array.isArray(data) ? data : [data]).map((json) => ({ json })),
		},
	};
	return { ctx, res, req, logger, getBodyData };
}

async function call(opts: CallOptions = {}) {
	const c = makeContext(opts);
	const result: IWebhookResponseData = await new TelesignVoiceTrigger().webhook.call(c.ctx as unknown as IWebhookFunctions);
	return { ...c, result };
}

function expectRejected(r: Awaited<ReturnType<typeof call>>, status: number) {
	expect(r.result).toEqual({ noWebhookResponse: true });
	expect(r.result.workflowData).toBeUndefined();
	expect(r.res.statusCode).toBe(status);
}

function expectUnauthorized(r: Awaited<ReturnType<typeof call>>) {
	expectRejected(r, 401);
	expect(r.res.body).toEqual({ message: 'Unauthorized' });
}

function signed(body: string, how: 'authorization' | 'x-ts' | 'both' = 'authorization', customerId = CUSTOMER) {
	const sig = computeCallbackSignature(PY_KEY, body);
	const headers: Record<string, string> = {};
	if (how !== 'x-ts') headers.authorization = `TSA ${customerId}:${sig}`;
	if (how !== 'authorization') headers['x-ts-authorization'] = sig;
	return { rawBody: body, headers, params: { authentication: 'telesignSignature' } };
}

describe('Telesign Voice Trigger: description', () => {
	const trigger = new TelesignVoiceTrigger();
	const d = trigger.description;

	it('is a POST webhook trigger named as the package expects', () => {
		expect(d.name).toBe('telesignVoiceTrigger');
		expect(d.group).toEqual(['trigger']);
		expect(d.inputs).toEqual([]);
		expect(d.version).toEqual([1, 1.1]);
		expect(d.defaultVersion).toBe(1.1);
		expect(d.usableAsTool).toBeUndefined();
		expect(d.webhooks).toHaveLength(1);
		expect(d.webhooks?.[0]).toMatchObject({ name: 'default', httpMethod: 'POST', path: 'telesign-voice' });
	});

	it('needs the credential of the chosen authentication only', () => {
		expect(d.credentials).toEqual([
			{ name: 'telesignVoiceApi', required: true, displayOptions: { show: { authentication: ['telesignSignature'] } } },
			{
				name: 'telesignVoiceWebhookAuthApi',
				required: true,
				displayOptions: { show: { authentication: ['basicAuth', 'digestAuth'] } },
				testedBy: 'telesignVoiceWebhookAuthTest',
			},
		]);
	});

	it('offers every known event plus Any Event, and defaults to safe choices', () => {
		const events = d.properties.find((p) => p.name === 'events');
		expect(events?.options?.map((o) => ('value' in o ? o.value : undefined)).sort()).toEqual(['*', ...KNOWN_EVENTS].sort());
		expect(events?.default).toEqual(['*']);
		expect(d.properties.find((p) => p.name === 'authentication')?.default).toBe('telesignSignature');
		expect(d.properties.find((p) => p.name === 'respond')?.default).toBe('lastNode');
	});

	it('says where the URL goes and which events expect which actions, briefly', () => {
		const notices = d.properties.filter((p) => p.type === 'notice').map((p) => p.displayName);
		expect(notices.join(' ')).toMatch(/Production URL to Telesign support/);
		const actions = d.properties.find((p) => p.name === 'actionsNotice')?.displayName ?? '';
		expect(actions).toMatch(/few seconds/);
		expect(actions).toContain('href="https://www.npmjs.com/package/n8n-nodes-telesign-voice"');
		expect(actions.replace(/<[^>]+>/g, '').length).toBeLessThan(200);
		// The per-event detail lives with each event, where it is picked.
		const events = d.properties.find((p) => p.name === 'events')?.options as Array<{ value: string; description?: string }>;
		const eventDescription = (event: string) => events.find((o) => o.value === event)?.description;
		for (const event of KNOWN_EVENTS) expect(eventDescription(event)).toMatch(new RegExp(`^${event}: answer with `));
		expect(eventDescription('incoming_call')).toBe('incoming_call: answer with hangup, speak, play, play_multiple or dial');
		expect(eventDescription('call_completed')).toBe('call_completed: answer with no action (the call is over)');
		expect(LEGAL_ACTIONS_BY_EVENT.dial_completed).toContain('send_dtmf');
		expect(eventDescription('dial_completed')).toBe('dial_completed: answer with speak, play, play_multiple, hangup or send_dtmf');
		expect(d.properties.find((p) => p.name === 'noAuthNotice')?.displayName).toMatch(/anyone/i);
	});

	it.each([
		['telesignSignature', []],
		['basicAuth', ['webhookAuthNotice']],
		['digestAuth', ['digestAuthNotice']],
		['none', ['noAuthNotice']],
	])('authentication %s shows the notices %j only', (authentication, expected) => {
		const shown = d.properties
			.filter((p) => ['noAuthNotice', 'webhookAuthNotice', 'digestAuthNotice'].includes(p.name))
			.filter((p) => NodeHelpers.displayParameter({ authentication, respond: 'lastNode' }, p, null, null))
			.map((p) => p.name);
		expect(shown).toEqual(expected);
		if (authentication === 'digestAuth') {
			const digest = d.properties.find((p) => p.name === 'digestAuthNotice')?.displayName ?? '';
			expect(digest).not.toMatch(/sends the password with every request/);
			expect(digest).toMatch(/never sends the password/);
		}
	});

	it('node creator: n8n shows the trigger\'s description for the merged "Telesign Voice" entry, so it describes both nodes', () => {
		// n8n 2.41 merges an action node and its "<name>Trigger" into one entry and gives it the trigger's description.
		expect(d.name.replace('Trigger', '')).toBe(new TelesignVoice().description.name);
		expect(d.description).not.toMatch(/^Starts the workflow/);
		expect(d.description).toMatch(/place/i);
		expect(d.description).toMatch(/call events/i);
	});

	describe('webhook expressions, evaluated by n8n-workflow as n8n does', () => {
		const nodeTypes = {
			getByName: () => trigger as INodeType,
			getByNameAndVersion: () => trigger as INodeType,
			getKnownTypes: () => ({}),
		} as unknown as INodeTypes;

		function evaluate(parameters: IDataObject) {
			const node: INode = {
				id: '1',
				name: 'Trigger',
				type: 'n8n-nodes-telesign-voice.telesignVoiceTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: parameters as INode['parameters'],
				webhookId: WEBHOOK_ID,
			};
			const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
			const n = workflow.getNode('Trigger') as INode;
			const webhook = d.webhooks?.[0] as IDataObject;
			const expr = workflow.expression;
			return {
				// The same calls and defaults as n8n's webhook-helpers evaluateResponseOptions().
				responseMode: expr.getSimpleParameterValue(n, webhook.responseMode as string, 'webhook', {}, undefined, 'onReceived'),
				responseData: expr.getComplexParameterValue(n, webhook.responseData as string, 'webhook', {}, undefined, 'firstEntryJson'),
				// n8n evaluates this for every version-1 webhook node before reading the body.
				binaryData: expr.getSimpleParameterValue(n, '={{$parameter["options"]["binaryData"]}}', 'webhook', {}, undefined, false),
				subtitle: expr.getSimpleParameterValue(n, d.subtitle as string, 'webhook', {}, undefined, ''),
			};
		}

		it.each([
			['immediately', 'onReceived', ''],
			['lastNode', 'lastNode', 'firstEntryJson'],
			['responseNode', 'responseNode', ''],
		])('respond=%s → responseMode %s, responseData "%s"', (respond, mode, data) => {
			const r = evaluate({ respond });
			expect(r.responseMode).toBe(mode);
			expect(r.responseData).toBe(data);
			expect(r.binaryData).toBeFalsy();
		});

		it.each(['immediately', 'lastNode', 'responseNode'])(
			'respond=%s: n8n resolves responseMode and responseData natively, to what the templates evaluate to',
			(respond) => {
				const webhook = d.webhooks?.[0] as NonNullable<typeof d.webhooks>[number];
				expect(webhookDescriptionIsNativelyResolvable(webhook)).toBe(true);
				const parameters = { events: ['*'], authentication: 'telesignSignature', respond, options: {} };
				const native = {
					responseMode: resolveWebhookDescriptionField({ parameters }, webhook, 'responseMode'),
					responseData: resolveWebhookDescriptionField({ parameters }, webhook, 'responseData'),
				};
				const evaluated = evaluate(parameters);
				expect(native.responseMode).toEqual({ resolved: true, value: evaluated.responseMode });
				expect(native.responseData).toEqual({ resolved: true, value: evaluated.responseData });
			},
		);

		it('defaults to lastNode when the parameter is absent', () => {
			expect(evaluate({})).toMatchObject({ responseMode: 'lastNode', responseData: 'firstEntryJson' });
		});

		it('has a readable subtitle', () => {
			expect(evaluate({}).subtitle).toBe('Events: any');
			expect(evaluate({ events: ['incoming_call', 'dial_completed'] }).subtitle).toBe('Events: incoming_call, dial_completed');
		});
	});
});

describe('webhook(): method', () => {
	it.each(['GET', 'PUT', 'DELETE'])('%s → 405 with Allow: POST, no execution', async (method) => {
		const r = await call({ method });
		expectRejected(r, 405);
		expect(r.res.headers.allow).toBe('POST');
	});
});

describe('webhook(): raw body', () => {
	it('reads the raw body itself when n8n has not (version 1.1, a content type n8n does not parse)', async () => {
		const body = JSON.stringify(DIAL_COMPLETED);
		const c = makeContext({ ...signed(body), rawBody: null, headers: { ...signed(body).headers, 'content-type': 'application/octet-stream' } });
		const req = c.req as typeof c.req & { readRawBody: () => Promise<void> };
		req.readRawBody = jest.fn(async () => {
			req.rawBody = Buffer.from(body);
		});
		const result = await new TelesignVoiceTrigger().webhook.call(c.ctx as unknown as IWebhookFunctions);
		expect(req.readRawBody).toHaveBeenCalledTimes(1);
		expect(result.workflowData?.[0]?.[0]?.json).toEqual(DIAL_COMPLETED);
	});

	it('does not read the body again when n8n already has', async () => {
		const body = JSON.stringify(DIAL_COMPLETED);
		const c = makeContext(signed(body));
		const req = c.req as typeof c.req & { readRawBody: () => Promise<void> };
		req.readRawBody = jest.fn(async () => undefined);
		const result = await new TelesignVoiceTrigger().webhook.call(c.ctx as unknown as IWebhookFunctions);
		expect(req.readRawBody).not.toHaveBeenCalled();
		expect(result.workflowData?.[0]?.[0]?.json).toEqual(DIAL_COMPLETED);
	});

	it('answers 500 (cannot verify) when reading the body fails', async () => {
		const body = JSON.stringify(DIAL_COMPLETED);
		const c = makeContext({ ...signed(body), rawBody: null });
		const req = c.req as typeof c.req & { readRawBody: () => Promise<void> };
		req.readRawBody = jest.fn(async () => {
			throw new Error('Request body stream was aborted');
		});
		const result = await new TelesignVoiceTrigger().webhook.call(c.ctx as unknown as IWebhookFunctions);
		expect(result).toEqual({ noWebhookResponse: true });
		expect(c.res.statusCode).toBe(500);
	});
});

describe('webhook(): Telesign signature', () => {
	it('accepts the callback vector (then rejects its body as not JSON): the signature is over the raw bytes', async () => {
		const variants: Array<Record<string, string>> = [{ authorization: `TSA ${CUSTOMER}:${VECTOR_SIG}` }, { 'x-ts-authorization': VECTOR_SIG }];
		for (const headers of variants) {
			const r = await call({ params: { authentication: 'telesignSignature' }, rawBody: VECTOR_BODY, headers });
			expectRejected(r, 400);
			expect(r.res.body).toEqual({ message: expect.stringMatching(/not JSON/) });
		}
	});

	it('rejects the callback vector with one byte of the body changed', async () => {
		const r = await call({ params: { authentication: 'telesignSignature' }, rawBody: "{'test': 124}", headers: { 'x-ts-authorization': VECTOR_SIG } });
		expectUnauthorized(r);
	});

	it.each(['authorization', 'x-ts', 'both'] as const)('accepts a signed event (%s header) and emits it unchanged', async (how) => {
		const body = JSON.stringify(DIAL_COMPLETED);
		const r = await call(signed(body, how));
		expect(r.result.noWebhookResponse).toBeUndefined();
		expect(r.result.workflowData).toEqual([[{ json: DIAL_COMPLETED }]]);
		expect(r.res.sent).toBe(false);
	});

	it('verifies the exact bytes: whitespace that JSON.parse ignores still counts', async () => {
		const body = JSON.stringify(DIAL_COMPLETED, null, 2);
		const ok = await call(signed(body));
		expect(ok.result.workflowData).toEqual([[{ json: DIAL_COMPLETED }]]);
		const s = signed(body);
		const tampered = await call({ ...s, rawBody: body.replace('\n', '\n ') });
		expectUnauthorized(tampered);
	});

	it('rejects every single-byte change of the body', async () => {
		const body = JSON.stringify(DIAL_COMPLETED);
		const s = signed(body);
		for (const i of [0, 10, Math.floor(body.length / 2), body.length - 1]) {
			const bytes = Buffer.from(body);
			bytes[i] = bytes[i] ^ 0x01;
			expectUnauthorized(await call({ ...s, rawBody: bytes }));
		}
	});

	it('rejects a missing, malformed or wrong signature with a body that reveals nothing', async () => {
		const body = JSON.stringify(DIAL_COMPLETED);
		const cases: Array<Record<string, string>> = [
			{},
			{ authorization: 'Basic dGVsZXNpZ246eA==' },
			{ authorization: `TSA ${CUSTOMER}` },
			{ authorization: `TSA ${CUSTOMER}:not-the-signature` },
			{ 'x-ts-authorization': VECTOR_SIG },
			{ authorization: `TSA ${CUSTOMER}:${computeCallbackSignature('VGVzdCBLZXk=', body)}` },
		];
		for (const headers of cases) {
			const r = await call({ params: { authentication: 'telesignSignature' }, rawBody: body, headers });
			expectUnauthorized(r);
			expect(JSON.stringify(r.res.body)).not.toMatch(/signature|customer|key/i);
			expect(r.res.headers['www-authenticate']).toBe('TSA realm="Telesign Voice"');
		}
	});

	it('rejects a correct signature that names another customer ID', async () => {
		const r = await call(signed(JSON.stringify(DIAL_COMPLETED), 'authorization', '00000000-1111-2222-3333-444444444444'));
		expectUnauthorized(r);
		expect(r.logger.warn).toHaveBeenCalledWith(expect.any(String), expect.objectContaining({ reason: 'customer_mismatch' }));
	});

	it('fails closed when the raw body is missing (never re-serialises the parsed body)', async () => {
		const s = signed(JSON.stringify(DIAL_COMPLETED));
		const r = await call({ ...s, rawBody: null });
		expectRejected(r, 500);
		expect(r.res.body).toEqual({ message: 'Cannot verify this request' });
		expect(r.getBodyData).not.toHaveBeenCalled();
		expect(r.logger.warn).toHaveBeenCalled();
	});

	it('fails closed (500, nothing starts) when the credential is missing or unusable', async () => {
		const s = signed(JSON.stringify(DIAL_COMPLETED));
		const missing = await call({ ...s, credentials: {} });
		expectRejected(missing, 500);
		expect(missing.logger.error).toHaveBeenCalled();
		const noKey = await call({ ...s, credentials: { telesignVoiceApi: { ...TELESIGN_CREDS, apiKey: '' } } });
		expectRejected(noKey, 500);
	});
});

describe('webhook(): Basic auth', () => {
	const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
	const params = { authentication: 'basicAuth' };

	it('accepts the right user and password', async () => {
		const r = await call({ params, headers: basic(HOOK_USER.user, HOOK_USER.password) });
		expect(r.result.workflowData).toEqual([[{ json: DIAL_COMPLETED }]]);
	});

	it.each([
		['missing', {}],
		['malformed', { authorization: 'Basic ???' }],
		['another scheme', { authorization: `TSA ${CUSTOMER}:${VECTOR_SIG}` }],
		['wrong password', basic(HOOK_USER.user, 'correct horse batterx')],
		['wrong user', basic('telesign2', HOOK_USER.password)],
	])('rejects %s credentials with 401 and a Basic challenge', async (_label, headers) => {
		const r = await call({ params, headers: headers as Record<string, string> });
		expectUnauthorized(r);
		expect(r.res.headers['www-authenticate']).toBe('Basic realm="Telesign Voice"');
	});

	it('is not fooled by a tampered body either: the body is still parsed from the raw bytes', async () => {
		const r = await call({ params, headers: basic(HOOK_USER.user, HOOK_USER.password), rawBody: '{"event": ' });
		expectRejected(r, 400);
	});

	it('fails closed when the webhook credential is unusable', async () => {
		const r = await call({ params, headers: basic('telesign', 'short'), credentials: { telesignVoiceWebhookAuthApi: { user: 'telesign', password: 'short' } } });
		expectRejected(r, 500);
		expect(r.res.body).toEqual({ message: 'Webhook authentication is not configured' });
	});
});

describe('webhook(): Digest auth (RFC 7616)', () => {
	const params = { authentication: 'digestAuth' };
	const secret = deriveDigestNonceSecret({ ...HOOK_USER, scope: `${WEBHOOK_ID}/telesign-voice` });

	function nonceFromChallenge(challenge: unknown): string {
		const first = Array.isArray(challenge) ? String(challenge[0]) : String(challenge);
		const match = /nonce="([^"]+)"/.exec(first);
		if (!match) throw new Error(`no nonce in ${first}`);
		return match[1];
	}

	function digestHeader(nonce: string, opts: { password?: string; uri?: string; algorithm?: 'SHA-256' | 'MD5'; user?: string } = {}) {
		const algorithm = opts.algorithm ?? 'SHA-256';
		const uri = opts.uri ?? URL_PATH;
		const user = opts.user ?? HOOK_USER.user;
		const response = computeDigestResponse({
			algorithm,
			username: user,
			realm: 'Telesign Voice',
			password: opts.password ?? HOOK_USER.password,
			method: 'POST',
			uri,
			nonce,
			nc: '00000001',
			cnonce: '0a4f113b',
			qop: 'auth',
		});
		return {
			authorization:
				`Digest username="${user}", realm="Telesign Voice", nonce="${nonce}", uri="${uri}", algorithm=${algorithm}, ` +
				`qop=auth, nc=00000001, cnonce="0a4f113b", response="${response}"`,
		};
	}

	it('challenges a request without credentials: 401 with SHA-256 and MD5 challenges, nothing starts', async () => {
		const r = await call({ params });
		expectUnauthorized(r);
		const challenges = r.res.headers['www-authenticate'] as string[];
		expect(challenges).toHaveLength(2);
		expect(challenges[0]).toMatch(/^Digest realm="Telesign Voice", qop="auth", algorithm=SHA-256, nonce="[A-Za-z0-9_-]+"$/);
		expect(challenges[1]).toMatch(/algorithm=MD5/);
		expect(r.logger.warn).not.toHaveBeenCalled();
	});

	it.each(['SHA-256', 'MD5'] as const)('accepts the answer to its own challenge (%s), as another n8n process would', async (algorithm) => {
		const first = await call({ params });
		const nonce = nonceFromChallenge(first.res.headers['www-authenticate']);
		const r = await call({ params, headers: digestHeader(nonce, { algorithm }) });
		expect(r.result.workflowData).toEqual([[{ json: DIAL_COMPLETED }]]);
	});

	it('rejects a wrong password, another user, another URL, or a nonce it did not issue', async () => {
		const nonce = createDigestNonce(secret, Date.now());
		for (const headers of [
			digestHeader(nonce, { password: 'correct horse batterx' }),
			digestHeader(nonce, { user: 'telesign2' }),
			digestHeader(nonce, { uri: `/webhook/${WEBHOOK_ID}/other` }),
			digestHeader(createDigestNonce(deriveDigestNonceSecret({ ...HOOK_USER, scope: 'other/telesign-voice' }), Date.now())),
			{ authorization: 'Digest username="telesign"' },
		]) {
			const r = await call({ params, headers });
			expectUnauthorized(r);
			expect(String((r.res.headers['www-authenticate'] as string[])[0])).not.toMatch(/stale/);
		}
	});

	it('rejects an expired nonce with stale=true, and a fresh nonce then works', async () => {
		const old = createDigestNonce(secret, Date.now() - DIGEST_NONCE_LIFETIME_MS - 5000);
		const r = await call({ params, headers: digestHeader(old) });
		expectUnauthorized(r);
		const challenges = r.res.headers['www-authenticate'] as string[];
		expect(challenges[0]).toMatch(/stale=true/);
		const retry = await call({ params, headers: digestHeader(nonceFromChallenge(challenges)) });
		expect(retry.result.workflowData).toHaveLength(1);
	});

	it('checks the uri against the URL the request arrived on (test URL included)', async () => {
		const testUrl = `/webhook-test/${WEBHOOK_ID}/telesign-voice`;
		const nonce = createDigestNonce(secret, Date.now());
		const ok = await call({ params, url: testUrl, headers: digestHeader(nonce, { uri: testUrl }) });
		expect(ok.result.workflowData).toHaveLength(1);
		const wrong = await call({ params, url: testUrl, headers: digestHeader(nonce) });
		expectUnauthorized(wrong);
	});
});

describe('webhook(): no authentication', () => {
	it('accepts any request', async () => {
		const r = await call({ params: { authentication: 'none' } });
		expect(r.result.workflowData).toEqual([[{ json: DIAL_COMPLETED }]]);
	});
});

describe('webhook(): bad bodies → 400, nothing starts', () => {
	it.each([
		['empty', ''],
		['not JSON', 'event=dial_completed'],
		['a JSON array', '[{"event":"dial_completed"}]'],
		['JSON without event', '{"reference_id":"x"}'],
		['a non-string event', '{"event":42}'],
		['too large', JSON.stringify({ event: 'dial_completed', data: { pad: 'x'.repeat(MAX_EVENT_BODY_BYTES) } })],
	])('%s', async (_label, rawBody) => {
		const r = await call({ rawBody });
		expectRejected(r, 400);
		expect(r.res.body).toEqual({ message: expect.any(String) });
	});

	it('parses from the raw bytes, not from the parsed body', async () => {
		const r = await call({ rawBody: JSON.stringify(CALL_COMPLETED) });
		expect(r.getBodyData).not.toHaveBeenCalled();
		expect(r.result.workflowData).toEqual([[{ json: CALL_COMPLETED }]]);
	});

	it('authenticates before it parses: an unauthenticated bad body gets 401, not 400', async () => {
		const r = await call({ params: { authentication: 'basicAuth' }, rawBody: 'garbage' });
		expectUnauthorized(r);
	});
});

describe('webhook(): event filter', () => {
	it.each(['lastNode', 'responseNode', 'immediately'])('an unselected event gets 200 {} and starts nothing (respond=%s)', async (respond) => {
		const r = await call({ params: { events: ['incoming_call', 'call_completed'], respond } });
		expectRejected(r, 200);
		expect(r.res.body).toEqual({});
		expect(r.res.headers['content-type']).toMatch(/application\/json/);
	});

	it('a selected event starts the workflow', async () => {
		const r = await call({ params: { events: ['dial_completed'] } });
		expect(r.result.workflowData).toHaveLength(1);
	});

	it('Any Event also lets unknown event names through', async () => {
		const future = { event: 'recording_ready', reference_id: 'R1', data: { x: 1 } };
		const r = await call({ params: { events: ['*'] }, rawBody: JSON.stringify(future) });
		expect(r.result.workflowData).toEqual([[{ json: future }]]);
		const filtered = await call({ params: { events: KNOWN_EVENTS.slice() }, rawBody: JSON.stringify(future) });
		expectRejected(filtered, 200);
	});

	it('filters after authentication: an unselected event with a bad signature gets 401', async () => {
		const s = signed(JSON.stringify(DIAL_COMPLETED));
		const r = await call({ ...s, params: { ...s.params, events: ['incoming_call'] }, headers: {} });
		expectUnauthorized(r);
	});
});

describe('webhook(): item', () => {
	it('adds the request headers without credentials or signatures when asked', async () => {
		const s = signed(JSON.stringify(DIAL_COMPLETED), 'both');
		const r = await call({
			...s,
			params: { ...s.params, options: { includeHeaders: true } },
			headers: { ...s.headers, Cookie: 'a=b', 'X-Forwarded-For': '203.0.113.9' },
		});
		const json = r.result.workflowData?.[0][0].json as IDataObject;
		const headers = json.headers as IDataObject;
		expect(headers['x-forwarded-for']).toBe('203.0.113.9');
		expect(headers['content-type']).toBe('application/json');
		expect(headers).not.toHaveProperty('authorization');
		expect(headers).not.toHaveProperty('x-ts-authorization');
		expect(headers).not.toHaveProperty('cookie');
		expect({ ...json, headers: undefined }).toEqual({ ...DIAL_COMPLETED, headers: undefined });
	});
});

describe('webhook(): response per Respond mode', () => {
	it('immediately: the workflow starts and n8n answers {} (webhookResponse with responseData "")', async () => {
		const r = await call({ params: { respond: 'immediately' }, rawBody: JSON.stringify(CALL_COMPLETED) });
		expect(r.result).toEqual({ workflowData: [[{ json: CALL_COMPLETED }]], webhookResponse: {} });
		expect(r.res.sent).toBe(false);
	});

	it.each(['lastNode', 'responseNode'])('%s: the workflow starts and n8n holds the answer', async (respond) => {
		const r = await call({ params: { respond } });
		expect(r.result).toEqual({ workflowData: [[{ json: DIAL_COMPLETED }]] });
		expect(r.res.sent).toBe(false);
	});
});

describe('webhookMethods (the URL is registered by Telesign support, nothing remote)', () => {
	function hookContext(params: Partial<Params>, credentials: Record<string, IDataObject | undefined>, url = `https://n8n.example.com${URL_PATH}`) {
		const all: Params = { events: ['*'], authentication: 'telesignSignature', respond: 'lastNode', options: {}, ...params };
		const logger = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() };
		const ctx = {
			getNode: () => ({ id: 'node-1', name: 'Telesign Voice Trigger', webhookId: WEBHOOK_ID }),
			getNodeParameter: (name: string, fallback?: unknown) => (name in all ? all[name as keyof Params] : fallback),
			getCredentials: async (type: string) => {
				const value = credentials[type];
				if (!value) throw new Error(`Node does not have credentials of type "${type}"`);
				return value;
			},
			getNodeWebhookUrl: () => url,
			logger,
		};
		return { ctx: ctx as unknown as IHookFunctions, logger };
	}
	const methods = new TelesignVoiceTrigger().webhookMethods.default;

	it('checkExists/create/delete succeed for a usable configuration', async () => {
		const { ctx, logger } = hookContext({}, { telesignVoiceApi: TELESIGN_CREDS });
		await expect(methods.checkExists.call(ctx)).resolves.toBe(true);
		await expect(methods.create.call(ctx)).resolves.toBe(true);
		await expect(methods.delete.call(ctx)).resolves.toBe(true);
		expect(logger.warn).not.toHaveBeenCalled();
	});

	it('checkExists refuses activation with a clear error when the credential is missing or unusable', async () => {
		await expect(methods.checkExists.call(hookContext({}, {}).ctx)).rejects.toBeInstanceOf(NodeOperationError);
		await expect(
			methods.checkExists.call(hookContext({ authentication: 'digestAuth' }, { telesignVoiceWebhookAuthApi: { user: 'u', password: 'short' } }).ctx),
		).rejects.toThrow(/at least 12/);
		await expect(methods.checkExists.call(hookContext({ events: [] }, { telesignVoiceApi: TELESIGN_CREDS }).ctx)).rejects.toThrow(/at least one event/);
		await expect(methods.checkExists.call(hookContext({ authentication: 'none' }, {}).ctx)).resolves.toBe(true);
	});

	it('warns when the URL is not HTTPS (Telesign only posts to HTTPS)', async () => {
		const { ctx, logger } = hookContext({ authentication: 'none' }, {}, `http://localhost:5678${URL_PATH}`);
		await expect(methods.checkExists.call(ctx)).resolves.toBe(true);
		expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/HTTPS/), expect.any(Object));
	});
});

describe('credential test of the webhook auth credential', () => {
	const test = new TelesignVoiceTrigger().methods.credentialTest.telesignVoiceWebhookAuthTest;
	const run = async (data: ICredentialDataDecryptedObject) =>
		await test.call({} as ICredentialTestFunctions, { id: '1', name: 'c', type: 'telesignVoiceWebhookAuthApi', data });

	it('passes a usable credential and says nothing remote was tested', async () => {
		const r = await run(HOOK_USER);
		expect(r.status).toBe('OK');
		expect(r.message).toMatch(/nothing remote/);
	});

	it('explains what is wrong', async () => {
		expect(await run({ user: 'telesign', password: 'short' })).toEqual({ status: 'Error', message: 'Password has 5 characters: use at least 12.' });
		expect((await run({ user: ' ', password: 'correct horse battery' })).status).toBe('Error');
		expect((await run({ user: 'telesign', password: ' correct horse battery' })).status).toBe('Error');
	});
});
