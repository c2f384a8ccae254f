/** Call → Dial: what Telesign answers, n8n's Retry On Fail running the node again, and Continue On Fail. */
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import type { ContextOptions, Parameters } from '../../helpers/executeContext';
import { testCredentials } from '../../helpers/executeContext';
import { accepted, CALLER, dialContext, dialError, node, runDial, UUID } from './dialHarness';

// Rate-limit waits are recorded instead of waited for (the transport sleeps with n8n-workflow's sleep).
jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(async () => {}),
}));
const sleepMock = sleep as jest.MockedFunction<typeof sleep>;

beforeEach(() => sleepMock.mockClear());

describe('Call → Dial: Telesign answers', () => {
	it('a 200 *_blocked_* answer is an item error: refused, no call placed', async () => {
		const fake = dialContext([{ to: '15555551212', options: { externalId: 'e1' } }], {
			http: [
				{
					statusCode: 200,
					body: { reference_id: 'REF1', status: 'to_number_blocked_by_customer' },
				},
			],
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

	it("a 400 names Telesign's status, says what to do, and shows no secret", async () => {
		const credentials = testCredentials('basic');
		const fake = dialContext([{ to: '15555551212' }], {
			credentials,
			http: [
				{ statusCode: 400, body: { reference_id: 'REF2', status: 'caller_id_number_not_owned' } },
			],
		});
		const error = await dialError(fake.context);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			'Telesign Voice API error 400: caller_id_number_not_owned (the Caller ID Number is not a number your account leases from Telesign)',
		);
		expect(error.description).toMatch(
			/leased from Telesign.*No call was placed\. \(HTTP 400, Telesign status caller_id_number_not_owned, reference_id REF2\)/,
		);
		expect((error as NodeApiError).httpCode).toBe('400');
		const everything = JSON.stringify({
			error,
			message: error.message,
			description: error.description,
			cause: error.cause,
		});
		expect(everything).not.toContain(credentials.apiKey);
	});

	it('a 5xx is never retried: "the call may have been placed", with the external_id to reconcile', async () => {
		const fake = dialContext(
			[{ to: '15555551212', options: { externalId: 'alert-9', rateLimitRetries: 5 } }],
			{
				http: [
					{ statusCode: 503, body: { status: 'internal_error', reference_id: 'REF3' } },
					accepted('never'),
				],
			},
		);
		const error = await dialError(fake.context);
		expect(fake.requests).toHaveLength(1);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			'The call may have been placed: Telesign answered HTTP 503, Telesign status internal_error, reference_id REF3. It was not retried, to avoid calling twice. Reconcile with external_id "alert-9" (it appears on dial_completed / call_completed events) before dialing again.',
		);
		expect((error as NodeApiError).httpCode).toBe('503');
		expect(sleepMock).not.toHaveBeenCalled();
	});

	it.each(['ECONNABORTED', 'ETIMEDOUT', 'ECONNRESET'])(
		'no answer (%s) is never retried and may have placed the call',
		async (code) => {
			const networkError = Object.assign(new Error(code), { code });
			const fake = dialContext([{ to: '15555551212', options: { externalId: 'alert-10' } }], {
				http: [networkError, accepted('never')],
			});
			const error = await dialError(fake.context);
			expect(fake.requests).toHaveLength(1);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toMatch(
				/^The call may have been placed: .+\. It was not retried, to avoid calling twice\. Reconcile with external_id "alert-10"/,
			);
			expect(error.description).toContain(code);
		},
	);

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
		const limited = {
			statusCode: 429,
			headers: { 'retry-after': '1' },
			body: { status: 'rate_limit_exceeded' },
		};
		const fake = dialContext([{ to: '15555551212', options: { rateLimitRetries: 2 } }], {
			http: [limited, limited, limited],
		});
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
		(fake.context as unknown as { getExecuteData: () => object }).getExecuteData = () =>
			executeData;
		return fake;
	}

	it('never sends an accepted or ambiguous dial again; throws the same "may have been placed" error', async () => {
		const fake = retryingContext(
			[
				{ to: '15555551212', options: { externalId: 'ok-1', concurrency: 1 } },
				{ to: '15555551213', options: { externalId: 'maybe-2' } },
				{ to: '15555551214' },
			],
			[
				accepted('REF1'),
				{ statusCode: 500, body: { status: 'internal_server_error' } },
				accepted('never'),
				accepted('never'),
			],
		);
		const first = await dialError(fake.context);
		expect(fake.requests).toHaveLength(2);
		const second = await dialError(fake.context);
		const third = await dialError(fake.context);
		// The third item was never started (the node stops after a failure), and is not started by a retry either.
		expect(fake.requests).toHaveLength(2);
		for (const error of [second, third]) {
			expect(error.message).toBe(first.message);
			expect(error.description).toContain(
				"The node ran again (n8n's Retry On Fail); this dial was not sent again.",
			);
			// Listed once, although the error is thrown again on each try.
			expect(
				error.description?.match(
					/These dials were accepted by Telesign or may have placed a call/g,
				),
			).toHaveLength(1);
			expect(error.description).toContain(
				'item 0: to 15555551212, reference_id REF1, external_id ok-1',
			);
		}
	});

	it('sends again a dial that provably placed nothing (429 after all retries), keeping its generated external_id', async () => {
		const limited = {
			statusCode: 429,
			headers: { 'retry-after': '0' },
			body: { status: 'rate_limit_exceeded' },
		};
		const fake = retryingContext(
			[{ to: '15555551212', options: { rateLimitRetries: 0 } }],
			[limited, accepted('REF9')],
		);
		await dialError(fake.context);
		const output = (await node.execute.call(fake.context))[0];
		expect(fake.requests).toHaveLength(2);
		const ids = fake.requests.map((r) => JSON.parse(r.options.body as string).params.external_id);
		expect(ids[0]).toMatch(UUID);
		expect(ids[1]).toBe(ids[0]);
		expect(output[0].json).toMatchObject({
			reference_id: 'REF9',
			external_id: ids[0],
			attempts: 1,
		});
	});

	it('an accepted dial is output again unchanged on a later try, without a request', async () => {
		const fake = retryingContext(
			[{ to: '15555551212', options: { externalId: 'same' } }],
			[accepted('REF5')],
		);
		const first = (await node.execute.call(fake.context))[0];
		const again = (await node.execute.call(fake.context))[0];
		expect(fake.requests).toHaveLength(1);
		expect(again).toEqual(first);
	});

	it('a new run (other execution data) dials again as asked', async () => {
		const fake = dialContext([{ to: '15555551212', options: { externalId: 'loop' } }], {
			http: [accepted('A'), accepted('B')],
		});
		let executeData = { run: 1 };
		(fake.context as unknown as { getExecuteData: () => object }).getExecuteData = () =>
			executeData;
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
					if (to.endsWith('3'))
						return {
							statusCode: 200,
							headers: {},
							body: { reference_id: 'R3', status: 'premium_to_number_rejected' },
						};
					if (to.endsWith('4'))
						throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
					return {
						statusCode: 202,
						headers: {},
						body: { reference_id: `R${to.slice(-1)}`, status: 'dial_accepted' },
					};
				},
			},
		);
		expect(requests).toHaveLength(4); // the invalid item sent nothing
		expect(output.map((item) => item.pairedItem)).toEqual(
			[0, 1, 2, 3, 4].map((item) => ({ item })),
		);
		expect(output[0].json).toEqual({
			reference_id: 'R1',
			status: 'dial_accepted',
			external_id: 'a',
			to: '15555550001',
			caller_id_number: CALLER,
			attempts: 1,
		});
		// Error items hold only error and details: the one shape n8n routes to the error output and keeps whole.
		for (const index of [1, 2, 3])
			expect(Object.keys(output[index].json).sort()).toEqual(['details', 'error']);
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
		expect(output[3].json.error).toMatch(
			/^The call may have been placed: the connection was reset before Telesign answered\. .*external_id "d"/,
		);
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
