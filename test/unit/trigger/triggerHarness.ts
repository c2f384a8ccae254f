/** The Telesign Voice Trigger under test: a fake webhook context, the signature vector and request helpers. */
import type {
	IDataObject,
	INode,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { computeCallbackSignature } from '../../../nodes/shared/telesign/signing';
import { TelesignVoiceTrigger } from '../../../nodes/TelesignVoiceTrigger/TelesignVoiceTrigger.node';

// The callback signature vector (https://developer.telesign.com/enterprise/docs/authenticate-callbacks). The key of the Python SDK test is "EXAMPLE----TE8s…"; Python drops only the dashes (see signing.test.ts).
export const PY_KEY =
	'EXAMPLETE8sTgg45yusumoN6BYsBVkh+yRJ5czgsnCehZaOYldPJdmFh6NeX8kunZ2zU1YWaUw/0wV6xfw==';
export const VECTOR_BODY = "{'test': 123}";
export const VECTOR_SIG = 'B97g3N9lPdVaptvifxRau7bzVAC5hhRBZ6HKXABN744=';
export const CUSTOMER = 'FFFFFFFF-EEEE-DDDD-1234-AB1234567890';
export const TELESIGN_CREDS = {
	customerId: CUSTOMER,
	apiKey: PY_KEY,
	authMethod: 'basic',
	baseUrl: 'https://rest-ww.telesign.com',
};
export const HOOK_USER = { user: 'telesign', password: 'correct horse battery' };
export const WEBHOOK_ID = '5b6c9d2e-0000-4000-8000-000000000001';
export const URL_PATH = `/webhook/${WEBHOOK_ID}/telesign-voice`;

export const DIAL_COMPLETED = {
	event: 'dial_completed',
	reference_id: 'BC96D7B0D1800164898350B4E71B005C',
	external_id: 'order-42',
	data: { to: '15555551212', from: '15554441313', status: 'answered' },
};
export const CALL_COMPLETED = {
	event: 'call_completed',
	reference_id: 'BC96D7B0D1800164898350B4E71B005C',
	data: { duration: 31, status: 'hangup', direction: 'outbound', audio_recording_file_name: null },
};

export interface Params {
	events: string[];
	authentication: string;
	respond: string;
	options: IDataObject;
}

export class FakeResponse {
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

export interface CallOptions {
	params?: Partial<Params>;
	method?: string;
	headers?: Record<string, string | string[]>;
	rawBody?: Buffer | string | null;
	url?: string;
	credentials?: Record<string, IDataObject | undefined>;
	/** Reads the credentials instead of `credentials` (e.g. a jest.fn over values a test changes). */
	getCredentials?: (type: string) => Promise<IDataObject>;
	/** Node fields over the default node (e.g. typeVersion, credentials: the IDs the credential cache keys on). */
	node?: Partial<INode>;
}

export function makeContext(opts: CallOptions = {}) {
	const params: Params = {
		events: ['*'],
		authentication: 'none',
		respond: 'lastNode',
		options: {},
		...opts.params,
	};
	const res = new FakeResponse();
	const rawBody =
		opts.rawBody === null
			? undefined
			: typeof opts.rawBody === 'string'
				? Buffer.from(opts.rawBody)
				: (opts.rawBody ?? Buffer.from(JSON.stringify(DIAL_COMPLETED)));
	let parsedBody: unknown = {};
	try {
		parsedBody = rawBody ? JSON.parse(rawBody.toString('utf8')) : {};
	} catch {
		parsedBody = {};
	}
	const req = {
		method: opts.method ?? 'POST',
		headers: {
			'content-type': 'application/json',
			host: 'n8n.example.com',
			...(opts.headers ?? {}),
		},
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
		...opts.node,
	};
	const logger = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() };
	const getBodyData = jest.fn(() => parsedBody);
	const ctx = {
		getRequestObject: () => req,
		getResponseObject: () => res,
		getBodyData,
		getHeaderData: () => req.headers,
		getNodeParameter: (name: string, fallback?: unknown) =>
			name in params ? params[name as keyof Params] : fallback,
		getCredentials:
			opts.getCredentials ??
			(async (type: string) => {
				const value = credentials[type];
				if (!value) throw new Error(`Node does not have credentials of type "${type}"`);
				return value;
			}),
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

export async function call(opts: CallOptions = {}) {
	const c = makeContext(opts);
	const result: IWebhookResponseData = await new TelesignVoiceTrigger().webhook.call(
		c.ctx as unknown as IWebhookFunctions,
	);
	return { ...c, result };
}

export function expectRejected(r: Awaited<ReturnType<typeof call>>, status: number) {
	expect(r.result).toEqual({ noWebhookResponse: true });
	expect(r.result.workflowData).toBeUndefined();
	expect(r.res.statusCode).toBe(status);
}

export function expectUnauthorized(r: Awaited<ReturnType<typeof call>>) {
	expectRejected(r, 401);
	expect(r.res.body).toEqual({ message: 'Unauthorized' });
}

export function signed(
	body: string,
	how: 'authorization' | 'x-ts' | 'both' = 'authorization',
	customerId = CUSTOMER,
) {
	const sig = computeCallbackSignature(PY_KEY, body);
	const headers: Record<string, string> = {};
	if (how !== 'x-ts') headers.authorization = `TSA ${customerId}:${sig}`;
	if (how !== 'authorization') headers['x-ts-authorization'] = sig;
	return { rawBody: body, headers, params: { authentication: 'telesignSignature' } };
}
