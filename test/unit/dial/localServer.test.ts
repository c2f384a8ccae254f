/** Call → Dial against a local HTTP server: real requests, real signing, real concurrency and rate-limit waits. */
import { sleep } from 'n8n-workflow';

import type { ContextOptions, Parameters } from '../../helpers/executeContext';
import { testCredentials } from '../../helpers/executeContext';
import type { FakeAnswer, FakeTelesign, RecordedRequest } from '../../helpers/fake-telesign-server';
import { startFakeTelesign } from '../../helpers/fake-telesign-server';
import { realHttpRequest } from '../../helpers/realHttpRequest';
import { dialContext, dialError, node } from './dialHarness';

// Rate-limit waits are recorded instead of waited for (the transport sleeps with n8n-workflow's sleep).
jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(async () => {}),
}));
const sleepMock = sleep as jest.MockedFunction<typeof sleep>;

beforeEach(() => sleepMock.mockClear());

describe('Call → Dial against a local HTTP server (real requests, real signing)', () => {
	let server: FakeTelesign;
	let handler: (request: RecordedRequest) => FakeAnswer | Promise<FakeAnswer>;
	const credentials = testCredentials('digest');

	beforeAll(async () => {
		server = await startFakeTelesign({
			credentials,
			handler: async (request) => await handler(request),
		});
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

	const numbers = (count: number) =>
		Array.from({ length: count }, (_, i) => ({ to: `1555555${String(1000 + i)}` }));
	/** Answers each dial with a reference derived from the number; later items answer sooner, to mix completion order. */
	const acceptAll =
		(count: number) =>
		(request: RecordedRequest): FakeAnswer => {
			const to = (request.json as { params: { to: string } }).params.to;
			const index = Number(to.slice(-4)) - 1000;
			return {
				status: 202,
				delayMs: 50 + (count - index) * 2,
				body: { reference_id: `REF-${to}`, status: 'dial_accepted' },
			};
		};

	it('runs dials in parallel up to Concurrency (measured in flight on the server), output in input order', async () => {
		handler = acceptAll(20);
		const fake = realContext(
			numbers(20).map((item, i) => (i === 0 ? { ...item, options: { concurrency: 5 } } : item)),
		);
		const [output] = await node.execute.call(fake.context);
		expect(server.state.maxInFlight).toBe(5);
		expect(server.state.requests).toHaveLength(20);
		expect(server.state.authFailures).toBe(0);
		expect(output.map((item) => item.json.reference_id)).toEqual(
			numbers(20).map(({ to }) => `REF-${to}`),
		);
		expect(output.map((item) => item.pairedItem)).toEqual(numbers(20).map((_, item) => ({ item })));
	});

	it('defaults to 10 dials in flight; Concurrency 1 sends one at a time', async () => {
		handler = acceptAll(30);
		await node.execute.call(realContext(numbers(30)).context);
		expect(server.state.maxInFlight).toBe(10);

		server.state.maxInFlight = 0;
		handler = acceptAll(6);
		await node.execute.call(
			realContext(numbers(6).map((item) => ({ ...item, options: { concurrency: 1 } }))).context,
		);
		expect(server.state.maxInFlight).toBe(1);
	});

	it('the request on the wire: POST /v2/voice, exact JSON body, JSON content type, TSA signature that verifies', async () => {
		handler = () => ({
			status: 202,
			body: { reference_id: 'R', status: 'dial_accepted', external_id: 'x-1' },
		});
		await node.execute.call(
			realContext([{ to: '15555551212', options: { externalId: 'x-1' } }]).context,
		);
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
			if (count === 1)
				return {
					status: 429,
					headers: { 'Retry-After': '2' },
					body: { status: 'rate_limit_exceeded' },
				};
			return { status: 202, body: { reference_id: `REF-${to}`, status: 'dial_accepted' } };
		};
		const fake = realContext(numbers(3));
		const [output] = await node.execute.call(fake.context);
		expect(server.state.requests).toHaveLength(6);
		expect(sleepMock.mock.calls.map((call) => call[0])).toEqual([2000, 2000, 2000]);
		expect(output.map((item) => item.json.attempts)).toEqual([2, 2, 2]);
		expect(output.map((item) => item.json.status)).toEqual([
			'dial_accepted',
			'dial_accepted',
			'dial_accepted',
		]);
		// The retry is the same dial (same external_id), re-signed with a new nonce.
		const [first, second] = server.state.requests.filter((request) =>
			request.body.includes(numbers(1)[0].to),
		);
		expect(second.body).toBe(first.body);
		expect(second.headers['x-ts-nonce']).not.toBe(first.headers['x-ts-nonce']);
		expect(server.state.authFailures).toBe(0);
	});

	it('429 without Retry-After backs off exponentially with jitter', async () => {
		let calls = 0;
		handler = () =>
			++calls <= 2
				? { status: 429, body: { status: 'rate_limit_exceeded' } }
				: { status: 202, body: { reference_id: 'R', status: 'dial_accepted' } };
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
		const items = numbers(4).map((item, i) => ({
			...item,
			options: { externalId: `ext-${i}`, rateLimitRetries: 5 },
		}));
		const [output] = await node.execute.call(realContext(items, { continueOnFail: true }).context);
		expect(
			server.state.requests.filter((request) => request.body.includes('15555551001')),
		).toHaveLength(1);
		expect(server.state.requests).toHaveLength(4);
		expect(output[1].json).toMatchObject({
			error: expect.stringMatching(
				/^The call may have been placed: .*Reconcile with external_id "ext-1"/,
			),
			details: expect.objectContaining({ external_id: 'ext-1', call_may_have_been_placed: true }),
		});
		expect([0, 2, 3].map((i) => output[i].json.reference_id)).toEqual([
			'REF-15555551000',
			'REF-15555551002',
			'REF-15555551003',
		]);
	});

	it('without Continue On Fail: stops dialing after a failure, waits for dials in flight, throws the first failure in input order', async () => {
		handler = (request) => {
			const to = (request.json as { params: { to: string } }).params.to;
			if (to.endsWith('1000'))
				return { status: 400, delayMs: 30, body: { status: 'invalid_phone_number' } };
			return {
				status: 202,
				delayMs: 10,
				body: { reference_id: `REF-${to}`, status: 'dial_accepted' },
			};
		};
		const items = numbers(12).map((item) => ({ ...item, options: { concurrency: 3 } }));
		const error = await dialError(realContext(items).context);
		expect(error.context.itemIndex).toBe(0);
		expect(error.message).toMatch(/^Telesign Voice API error 400: invalid_phone_number/);
		// Dials already running finished (and were counted); no new dial started after the failure.
		expect(server.state.requests.length).toBeLessThan(12);
		expect(server.state.answered).toBe(server.state.requests.length);
		expect(error.description).toMatch(
			/These dials were accepted by Telesign or may have placed a call before the node stopped: item 1: to 15555551001, reference_id REF-15555551001/,
		);
		expect(error.description).toMatch(
			/Retrying this execution \(Executions → Retry\) calls them again/,
		);
	});
});
