import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';
import type { IExecuteFunctions } from 'n8n-workflow';

import { TelesignVoice } from '../../nodes/TelesignVoice/TelesignVoice.node';
import type { ContextOptions, Parameters } from '../helpers/executeContext';
import { executeContext, testCredentials } from '../helpers/executeContext';
import type { FakeAnswer, FakeTelesign, RecordedRequest } from '../helpers/fake-telesign-server';
import { startFakeTelesign } from '../helpers/fake-telesign-server';
import { realHttpRequest } from '../helpers/realHttpRequest';

// Rate-limit waits are recorded instead of waited for (the transport sleeps with n8n-workflow's sleep).
jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(async () => {}),
}));
const sleepMock = sleep as jest.MockedFunction<typeof sleep>;

const node = new TelesignVoice();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const CALLER = '15554441313';
const accepted = (referenceId: string, externalId?: string) => ({
	statusCode: 202,
	body: { reference_id: referenceId, status: 'dial_accepted', ...(externalId ? { external_id: externalId } : {}) },
});

function dialContext(items: Parameters[], extra: Partial<ContextOptions> = {}) {
	return executeContext({
		parameters: { resource: 'call', operation: 'dial', callerIdNumber: CALLER },
		items,
		credentials: testCredentials('basic'),
		...extra,
	});
}

async function runDial(items: Parameters[], extra: Partial<ContextOptions> = {}) {
	const fake = dialContext(items, extra);
	const output = await node.execute.call(fake.context);
	return { output: output[0], ...fake };
}

async function dialError(context: IExecuteFunctions) {
	return await node.execute.call(context).then(
		() => {
			throw new Error('expected the node to fail');
		},
		(error: unknown) => error as NodeApiError | NodeOperationError,
	);
}

beforeEach(() => sleepMock.mockClear());

describe('Call → Dial: the request', () => {
	it('sends exactly one signed POST /v2/voice with the dial action, and outputs what later events correlate on', async () => {
		const { output, requests } = await runDial(
			[
				{
					to: '+1 (555) 555-1212',
					options: { externalId: 'order-42', sendDtmf: 'ww12#', maxCallDuration: 600, timeout: 15000 },
				},
			],
			{ http: [accepted('BC96D7B0D1800164898350B4E71B005C', 'order-42')] },
		);
		expect(requests).toHaveLength(1);
		expect(requests[0].credentialType).toBe('telesignVoiceApi');
		expect(requests[0].options).toEqual({
			method: 'POST',
			url: '/v2/voice',
			headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
			body: '{"jsonrpc":"2.0","method":"dial","params":{"to":"15555551212","caller_id_number":"15554441313","external_id":"order-42","send_dtmf":"ww12#","max_call_duration":"600"}}',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: 15000,
			json: true,
		});
		expect(output).toEqual([
			{
				json: {
					reference_id: 'BC96D7B0D1800164898350B4E71B005C',
					status: 'dial_accepted',
					external_id: 'order-42',
					to: '15555551212',
					caller_id_number: CALLER,
					attempts: 1,
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('generates an external ID when none is given, sends it and outputs it', async () => {
		const { output, requests } = await runDial([{ to: '15555551212' }, { to: '15555551213', options: { externalId: '  ' } }], {
			http: [accepted('R1'), accepted('R2')],
		});
		const sent = requests.map((request) => JSON.parse(request.options.body as string).params.external_id);
		expect(sent[0]).toMatch(UUID);
		expect(sent[1]).toMatch(UUID);
		expect(sent[0]).not.toBe(sent[1]);
		expect(output.map((item) => item.json.external_id)).toEqual(sent);
		expect(requests[0].options.timeout).toBe(30000);
		expect(JSON.parse(requests[0].options.body as string).params).not.toHaveProperty('max_call_duration');
	});

	it('reads every parameter per item, so expressions can differ between items', async () => {
		const { requests } = await runDial(
			[
				{ to: '15555551212', callerIdNumber: '15550000001', options: { externalId: 'a' } },
				{ to: '447911123456', callerIdNumber: '15550000002', options: { externalId: 'b', maxCallDuration: '30' } },
			],
			{ http: [accepted('R1'), accepted('R2')] },
		);
		expect(requests.map((request) => JSON.parse(request.options.body as string).params)).toEqual([
			{ to: '15555551212', caller_id_number: '15550000001', external_id: 'a' },
			{ to: '447911123456', caller_id_number: '15550000002', external_id: 'b', max_call_duration: '30' },
		]);
	});
});

describe('Call → Dial: validation happens before any request', () => {
	it.each([
		[{ to: '0555 1234' }, 'To "0555 1234" looks like a national number'],
		[{ to: '15555551212', callerIdNumber: 'abc' }, 'Caller ID Number "abc" is not a phone number'],
		[{ to: '15555551212', options: { sendDtmf: '12-3' } }, 'Send DTMF "12-3" contains "-"'],
		[{ to: '15555551212', options: { maxCallDuration: 14401 } }, 'Max Call Duration "14401" is out of range'],
		[{ to: '15555551212', options: { maxCallDuration: 0 } }, 'Max Call Duration "0" is out of range'],
		[{ to: '15555551212', options: { externalId: 'x'.repeat(129) } }, 'External ID is 129 characters long'],
		[{ to: '15555551212', options: { rateLimitRetries: 11 } }, 'Rate Limit Retries "11" is out of range'],
		[{ to: '15555551212', options: { timeout: 10 } }, 'Timeout "10" is out of range'],
	])('%j → %s (item 2, no request at all)', async (bad, message) => {
		const fake = dialContext([{ to: '15555551212' }, { to: '15555551213' }, bad], { http: [] });
		const error = await dialError(fake.context);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message.startsWith(message)).toBe(true);
		expect(error.context.itemIndex).toBe(2);
		expect(fake.requests).toHaveLength(0);
	});

	it('an invalid Concurrency (read from the first item) stops the node before any request', async () => {
		const fake = dialContext([{ to: '15555551212', options: { concurrency: 0 } }], { http: [] });
		const error = await dialError(fake.context);
		expect(error.message).toMatch(/^Concurrency "0" is out of range: allowed 1 to 100/);
		expect(fake.requests).toHaveLength(0);
	});

	it('a missing credential is reported as such, before any request (never as "the call may have been placed")', async () => {
		const fake = dialContext([{ to: '15555551212' }], { credentials: null, http: [] });
		const error = await dialError(fake.context);
		expect(error.message).toMatch(/^The Telesign Voice API credential could not be read/);
		expect(fake.requests).toHaveLength(0);
	});
});

describe('Call → Dial: Telesign answers', () => {
	it('a 200 *_blocked_* answer is an item error: refused, no call placed', async () => {
		const fake = dialContext([{ to: '15555551212', options: { externalId: 'e1' } }], {
			http: [{ statusCode: 200, body: { reference_id: 'REF1', status: 'to_number_blocked_by_customer' } }],
		});
		const error = await dialError(fake.context);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			'Telesign refused the call: to_number_blocked_by_customer (the destination is on your own blocklist in the Telesign portal)',
		);
		expect(error.description).toContain('No call was placed.');
		expect(error.description).toContain('reference_id REF1');
		expect((error as NodeApiError).httpCode).toBe('200');
		expect(error.context.itemIndex).toBe(0);
	});

	it('a 400 names Telesign\'s status, says what to do, and shows no secret', async () => {
		const credentials = testCredentials('basic');
		const fake = dialContext([{ to: '15555551212' }], {
			credentials,
			http: [{ statusCode: 400, body: { reference_id: 'REF2', status: 'caller_id_number_not_owned' } }],
		});
		const error = await dialError(fake.context);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			'Telesign Voice API error 400: caller_id_number_not_owned (the Caller ID Number is not a number your account leases from Telesign)',
		);
		expect(error.description).toMatch(/leased from Telesign.*No call was placed\. \(HTTP 400, Telesign status caller_id_number_not_owned, reference_id REF2\)/);
		expect((error as NodeApiError).httpCode).toBe('400');
		const everything = JSON.stringify({ error, message: error.message, description: error.description, cause: error.cause });
		expect(everything).not.toContain(credentials.apiKey);
	});

	it('a 5xx is never retried: "the call may have been placed", with the external_id to reconcile', async () => {
		const fake = dialContext([{ to: '15555551212', options: { externalId: 'alert-9', rateLimitRetries: 5 } }], {
			http: [{ statusCode: 503, body: { status: 'internal_error', reference_id: 'REF3' } }, accepted('never')],
		});
		const error = await dialError(fake.context);
		expect(fake.requests).toHaveLength(1);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			'The call may have been placed: Telesign answered HTTP 503, Telesign status internal_error, reference_id REF3. It was not retried, to avoid calling twice. Reconcile with external_id "alert-9" (it appears on dial_completed / call_completed events) before dialing again.',
		);
		expect((error as NodeApiError).httpCode).toBe('503');
		expect(sleepMock).not.toHaveBeenCalled();
	});

	it.each(['ECONNABORTED', 'ETIMEDOUT', 'ECONNRESET'])('no answer (%s) is never retried and may have placed the call', async (code) => {
		const networkError = Object.assign(new Error(code), { code });
		const fake = dialContext([{ to: '15555551212', options: { externalId: 'alert-10' } }], {
			http: [networkError, accepted('never')],
		});
		const error = await dialError(fake.context);
		expect(fake.requests).toHaveLength(1);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/^The call may have been placed: .+\. It was not retried, to avoid calling twice\. Reconcile with external_id "alert-10"/);
		expect(error.description).toContain(code);
	});

	it('a connection that was never made says no call was placed', async () => {
		const fake = dialContext([{ to: '15555551212' }], {
			http: [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
		});
		const error = await dialError(fake.context);
		expect(error.message).toBe(
			'No call was placed: the connection was refused. Check the Base URL of the Telesign Voice API credential and the network connection.',
		);
	});

	it('429 is retried up to Rate Limit Retries, then reported as not placed', async () => {
		const limited = { statusCode: 429, headers: { 'retry-after': '1' }, body: { status: 'rate_limit_exceeded' } };
		const fake = dialContext([{ to: '15555551212', options: { rateLimitRetries: 2 } }], { http: [limited, limited, limited] });
		const error = await dialError(fake.context);
		expect(fake.requests).toHaveLength(3);
		expect(sleepMock.mock.calls.map((call) => call[0])).toEqual([1000, 1000]);
		expect(error.message).toBe(
			"Telesign Voice API error 429: rate_limit_exceeded (your account's call rate limit was exceeded) after 3 attempts",
		);
		expect(error.description).toContain('No call was placed.');
	});
});

describe("Call → Dial: n8n's Retry On Fail runs the node again with the same execution data", () => {
	/** The same context run twice, as n8n does on Retry On Fail: getExecuteData returns the same object. */
	function retryingContext(items: Parameters[], http: ContextOptions['http']) {
		const fake = dialContext(items, { http });
		const executeData = { node: {}, data: {}, source: null };
		(fake.context as unknown as { getExecuteData: () => object }).getExecuteData = () => executeData;
		return fake;
	}

	it('never sends an accepted or ambiguous dial again; throws the same "may have been placed" error', async () => {
		const fake = retryingContext(
			[{ to: '15555551212', options: { externalId: 'ok-1', concurrency: 1 } }, { to: '15555551213', options: { externalId: 'maybe-2' } }, { to: '15555551214' }],
			[accepted('REF1'), { statusCode: 500, body: { status: 'internal_server_error' } }, accepted('never'), accepted('never')],
		);
		const first = await dialError(fake.context);
		expect(fake.requests).toHaveLength(2);
		const second = await dialError(fake.context);
		const third = await dialError(fake.context);
		// The third item was never started (the node stops after a failure), and is not started by a retry either.
		expect(fake.requests).toHaveLength(2);
		for (const error of [second, third]) {
			expect(error.message).toBe(first.message);
			expect(error.description).toContain("The node ran again (n8n's Retry On Fail); this dial was not sent again.");
			// Listed once, although the error is thrown again on each try.
			expect(error.description?.match(/These dials were accepted by Telesign or may have placed a call/g)).toHaveLength(1);
			expect(error.description).toContain('item 0: to 15555551212, reference_id REF1, external_id ok-1');
		}
	});

	it('sends again a dial that provably placed nothing (429 after all retries), keeping its generated external_id', async () => {
		const limited = { statusCode: 429, headers: { 'retry-after': '0' }, body: { status: 'rate_limit_exceeded' } };
		const fake = retryingContext([{ to: '15555551212', options: { rateLimitRetries: 0 } }], [limited, accepted('REF9')]);
		await dialError(fake.context);
		const output = (await node.execute.call(fake.context))[0];
		expect(fake.requests).toHaveLength(2);
		const ids = fake.requests.map((r) => JSON.parse(r.options.body as string).params.external_id);
		expect(ids[0]).toMatch(UUID);
		expect(ids[1]).toBe(ids[0]);
		expect(output[0].json).toMatchObject({ reference_id: 'REF9', external_id: ids[0], attempts: 1 });
	});

	it('an accepted dial is output again unchanged on a later try, without a request', async () => {
		const fake = retryingContext([{ to: '15555551212', options: { externalId: 'same' } }], [accepted('REF5')]);
		const first = (await node.execute.call(fake.context))[0];
		const again = (await node.execute.call(fake.context))[0];
		expect(fake.requests).toHaveLength(1);
		expect(again).toEqual(first);
	});

	it('a new run (other execution data) dials again as asked', async () => {
		const fake = dialContext([{ to: '15555551212', options: { externalId: 'loop' } }], { http: [accepted('A'), accepted('B')] });
		let executeData = { run: 1 };
		(fake.context as unknown as { getExecuteData: () => object }).getExecuteData = () => executeData;
		await node.execute.call(fake.context);
		executeData = { run: 2 };
		await node.execute.call(fake.context);
		expect(fake.requests).toHaveLength(2);
	});
});

describe('Call → Dial: Continue On Fail', () => {
	it('keeps every other item: error items in place, with what is needed to reconcile', async () => {
		const { output, requests } = await runDial(
			[
				{ to: '15555550001', options: { externalId: 'a' } },
				{ to: 'not a number', options: { externalId: 'b' } },
				{ to: '15555550003', options: { externalId: 'c' } },
				{ to: '15555550004', options: { externalId: 'd' } },
				{ to: '15555550005', options: { externalId: 'e' } },
			],
			{
				continueOnFail: true,
				http: async (options) => {
					const to = JSON.parse(options.body as string).params.to as string;
					if (to.endsWith('3')) return { statusCode: 200, headers: {}, body: { reference_id: 'R3', status: 'premium_to_number_rejected' } };
					if (to.endsWith('4')) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
					return { statusCode: 202, headers: {}, body: { reference_id: `R${to.slice(-1)}`, status: 'dial_accepted' } };
				},
			},
		);
		expect(requests).toHaveLength(4); // the invalid item sent nothing
		expect(output.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		expect(output[0].json).toEqual({
			reference_id: 'R1',
			status: 'dial_accepted',
			external_id: 'a',
			to: '15555550001',
			caller_id_number: CALLER,
			attempts: 1,
		});
		// Error items hold only error and details: the one shape n8n routes to the error output and keeps whole.
		for (const index of [1, 2, 3]) expect(Object.keys(output[index].json).sort()).toEqual(['details', 'error']);
		expect(output[1].json.error).toMatch(/^To "not a number" is not a phone number/);
		expect(output[1].json.details).toMatchObject({
			call_may_have_been_placed: false,
			to: 'not a number',
			external_id: 'b',
			reference_id: null,
		});
		expect(output[2].json.error).toMatch(/^Telesign refused the call: premium_to_number_rejected/);
		expect(output[2].json.details).toMatchObject({
			external_id: 'c',
			to: '15555550003',
			caller_id_number: CALLER,
			call_may_have_been_placed: false,
			status: 'premium_to_number_rejected',
			reference_id: 'R3',
			http_code: 200,
		});
		expect(output[3].json.error).toMatch(/^The call may have been placed: the connection was reset before Telesign answered\. .*external_id "d"/);
		expect(output[3].json.details).toMatchObject({
			external_id: 'd',
			to: '15555550004',
			caller_id_number: CALLER,
			call_may_have_been_placed: true,
			reference_id: null,
		});
		expect(output[4].json).toMatchObject({ reference_id: 'R5', external_id: 'e' });
	});

	it('a missing credential turns every item into an error item, without any request', async () => {
		const { output, requests } = await runDial([{ to: '15555551212' }, { to: '15555551213' }], {
			continueOnFail: true,
			credentials: null,
			http: [],
		});
		expect(requests).toHaveLength(0);
		expect(output).toHaveLength(2);
		expect(output[1]).toMatchObject({
			json: {
				error: expect.stringMatching(/^The Telesign Voice API credential could not be read/),
				details: expect.objectContaining({ call_may_have_been_placed: false }),
			},
			pairedItem: { item: 1 },
		});
	});
});

describe('Call → Dial against a local HTTP server (real requests, real signing)', () => {
	let server: FakeTelesign;
	let handler: (request: RecordedRequest) => FakeAnswer | Promise<FakeAnswer>;
	const credentials = testCredentials('digest');

	beforeAll(async () => {
		server = await startFakeTelesign({ credentials, handler: async (request) => await handler(request) });
		credentials.baseUrl = server.url;
	});
	afterAll(async () => await server.close());
	beforeEach(() => {
		server.state.requests.length = 0;
		server.state.maxInFlight = 0;
		server.state.authFailures = 0;
		server.state.answered = 0;
	});

	function realContext(items: Parameters[], extra: Partial<ContextOptions> = {}) {
		return dialContext(items, { credentials, http: realHttpRequest(credentials), ...extra });
	}

	const numbers = (count: number) => Array.from({ length: count }, (_, i) => ({ to: `1555555${String(1000 + i)}` }));
	/** Answers each dial with a reference derived from the number; later items answer sooner, to mix completion order. */
	const acceptAll = (count: number) => (request: RecordedRequest): FakeAnswer => {
		const to = (request.json as { params: { to: string } }).params.to;
		const index = Number(to.slice(-4)) - 1000;
		return { status: 202, delayMs: 50 + (count - index) * 2, body: { reference_id: `REF-${to}`, status: 'dial_accepted' } };
	};

	it('runs dials in parallel up to Concurrency (measured in flight on the server), output in input order', async () => {
		handler = acceptAll(20);
		const fake = realContext(numbers(20).map((item, i) => (i === 0 ? { ...item, options: { concurrency: 5 } } : item)));
		const [output] = await node.execute.call(fake.context);
		expect(server.state.maxInFlight).toBe(5);
		expect(server.state.requests).toHaveLength(20);
		expect(server.state.authFailures).toBe(0);
		expect(output.map((item) => item.json.reference_id)).toEqual(numbers(20).map(({ to }) => `REF-${to}`));
		expect(output.map((item) => item.pairedItem)).toEqual(numbers(20).map((_, item) => ({ item })));
	});

	it('defaults to 10 dials in flight; Concurrency 1 sends one at a time', async () => {
		handler = acceptAll(30);
		await node.execute.call(realContext(numbers(30)).context);
		expect(server.state.maxInFlight).toBe(10);

		server.state.maxInFlight = 0;
		handler = acceptAll(6);
		await node.execute.call(realContext(numbers(6).map((item) => ({ ...item, options: { concurrency: 1 } }))).context);
		expect(server.state.maxInFlight).toBe(1);
	});

	it('the request on the wire: POST /v2/voice, exact JSON body, JSON content type, TSA signature that verifies', async () => {
		handler = () => ({ status: 202, body: { reference_id: 'R', status: 'dial_accepted', external_id: 'x-1' } });
		await node.execute.call(realContext([{ to: '15555551212', options: { externalId: 'x-1' } }]).context);
		const [request] = server.state.requests;
		expect(request.method).toBe('POST');
		expect(request.path).toBe('/v2/voice');
		expect(request.rawQuery).toBe('');
		expect(request.body).toBe(
			'{"jsonrpc":"2.0","method":"dial","params":{"to":"15555551212","caller_id_number":"15554441313","external_id":"x-1"}}',
		);
		expect(request.headers['content-type']).toBe('application/json');
		expect(request.headers.authorization).toMatch(/^TSA FFFFFFFF-EEEE-DDDD-1234-AB1234567890:/);
		expect(request.headers['x-ts-nonce']).toBeTruthy();
		expect(request.authorized).toBe(true);
	});

	it('429 with Retry-After: waits what Telesign says, then retries and succeeds', async () => {
		const seen = new Map<string, number>();
		handler = (request) => {
			const to = (request.json as { params: { to: string } }).params.to;
			const count = (seen.get(to) ?? 0) + 1;
			seen.set(to, count);
			if (count === 1) return { status: 429, headers: { 'Retry-After': '2' }, body: { status: 'rate_limit_exceeded' } };
			return { status: 202, body: { reference_id: `REF-${to}`, status: 'dial_accepted' } };
		};
		const fake = realContext(numbers(3));
		const [output] = await node.execute.call(fake.context);
		expect(server.state.requests).toHaveLength(6);
		expect(sleepMock.mock.calls.map((call) => call[0])).toEqual([2000, 2000, 2000]);
		expect(output.map((item) => item.json.attempts)).toEqual([2, 2, 2]);
		expect(output.map((item) => item.json.status)).toEqual(['dial_accepted', 'dial_accepted', 'dial_accepted']);
		// The retry is the same dial (same external_id), re-signed with a new nonce.
		const [first, second] = server.state.requests.filter((request) => request.body.includes(numbers(1)[0].to));
		expect(second.body).toBe(first.body);
		expect(second.headers['x-ts-nonce']).not.toBe(first.headers['x-ts-nonce']);
		expect(server.state.authFailures).toBe(0);
	});

	it('429 without Retry-After backs off exponentially with jitter', async () => {
		let calls = 0;
		handler = () => (++calls <= 2 ? { status: 429, body: { status: 'rate_limit_exceeded' } } : { status: 202, body: { reference_id: 'R', status: 'dial_accepted' } });
		const [output] = await node.execute.call(realContext([{ to: '15555551212' }]).context);
		expect(output[0].json.attempts).toBe(3);
		const [firstWait, secondWait] = sleepMock.mock.calls.map((call) => call[0]);
		expect(firstWait).toBeGreaterThanOrEqual(500);
		expect(firstWait).toBeLessThanOrEqual(1000);
		expect(secondWait).toBeGreaterThanOrEqual(1000);
		expect(secondWait).toBeLessThanOrEqual(2000);
	});

	it('a connection reset after the dial was sent is not retried; the other dials still run (Continue On Fail)', async () => {
		handler = (request) => {
			const to = (request.json as { params: { to: string } }).params.to;
			if (to.endsWith('1001')) return { status: 0, destroy: true };
			return { status: 202, body: { reference_id: `REF-${to}`, status: 'dial_accepted' } };
		};
		const items = numbers(4).map((item, i) => ({ ...item, options: { externalId: `ext-${i}`, rateLimitRetries: 5 } }));
		const [output] = await node.execute.call(realContext(items, { continueOnFail: true }).context);
		expect(server.state.requests.filter((request) => request.body.includes('15555551001'))).toHaveLength(1);
		expect(server.state.requests).toHaveLength(4);
		expect(output[1].json).toMatchObject({
			error: expect.stringMatching(/^The call may have been placed: .*Reconcile with external_id "ext-1"/),
			details: expect.objectContaining({ external_id: 'ext-1', call_may_have_been_placed: true }),
		});
		expect([0, 2, 3].map((i) => output[i].json.reference_id)).toEqual(['REF-15555551000', 'REF-15555551002', 'REF-15555551003']);
	});

	it('without Continue On Fail: stops dialing after a failure, waits for dials in flight, throws the first failure in input order', async () => {
		handler = (request) => {
			const to = (request.json as { params: { to: string } }).params.to;
			if (to.endsWith('1000')) return { status: 400, delayMs: 30, body: { status: 'invalid_phone_number' } };
			return { status: 202, delayMs: 10, body: { reference_id: `REF-${to}`, status: 'dial_accepted' } };
		};
		const items = numbers(12).map((item) => ({ ...item, options: { concurrency: 3 } }));
		const error = await dialError(realContext(items).context);
		expect(error.context.itemIndex).toBe(0);
		expect(error.message).toMatch(/^Telesign Voice API error 400: invalid_phone_number/);
		// Dials already running finished (and were counted); no new dial started after the failure.
		expect(server.state.requests.length).toBeLessThan(12);
		expect(server.state.answered).toBe(server.state.requests.length);
		expect(error.description).toMatch(/These dials were accepted by Telesign or may have placed a call before the node stopped: item 1: to 15555551001, reference_id REF-15555551001/);
		expect(error.description).toMatch(/Retrying this execution \(Executions → Retry\) calls them again/);
	});
});
