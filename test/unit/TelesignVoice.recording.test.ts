import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions } from 'n8n-workflow';

import { TelesignVoice } from '../../nodes/TelesignVoice/TelesignVoice.node';
import { resolveRange } from '../../nodes/TelesignVoice/actions/recording/getAll.operation';
import type { ContextOptions, HttpReply, Parameters } from '../helpers/executeContext';
import { executeContext, testCredentials } from '../helpers/executeContext';
import type { FakeTelesign } from '../helpers/fake-telesign-server';
import { startFakeTelesign } from '../helpers/fake-telesign-server';
import { realHttpRequest } from '../helpers/realHttpRequest';

const node = new TelesignVoice();

function recordingContext(
	operation: string,
	items: Parameters[],
	extra: Partial<ContextOptions> = {},
) {
	return executeContext({
		parameters: { resource: 'recording', operation },
		items,
		credentials: testCredentials('basic'),
		...extra,
	});
}

async function runRecording(
	operation: string,
	items: Parameters[],
	http: HttpReply[] | ContextOptions['http'],
	extra: Partial<ContextOptions> = {},
) {
	const fake = recordingContext(operation, items, { http, ...extra });
	const [output] = await node.execute.call(fake.context);
	return { output, ...fake };
}

async function nodeError(context: IExecuteFunctions) {
	return await node.execute.call(context).then(
		() => {
			throw new Error('expected the node to fail');
		},
		(error: unknown) => error as NodeApiError | NodeOperationError,
	);
}

const recording = (n: number) => ({
	reference_id: `REF${n}`,
	file_name: `REF${n}_1700000000.wav`,
	status: 'available',
	date: `2026-11-01T00:00:0${n}`,
});
const page = (numbers: number[], token: string | null) => ({
	statusCode: 200,
	body: { call_recordings: numbers.map(recording), token },
});

describe('Recording → Get Many', () => {
	const range = { start: '2026-11-01T00:00:00', end: '2026-11-02T00:00:00' };

	it('Return All follows the token: first page by date range, then by token only', async () => {
		const { output, requests } = await runRecording(
			'getAll',
			[{ ...range, returnAll: true }],
			[page([1, 2], 'next-1'), page([3, 4], 'next-2'), page([5], null)],
		);
		expect(requests.map((request) => request.options)).toEqual([
			expect.objectContaining({
				method: 'GET',
				url: '/v2/call_recording',
				qs: {
					start_date_time: '2026-11-01T00:00:00',
					end_date_time: '2026-11-02T00:00:00',
					pagesize: 100,
				},
				headers: { Accept: 'application/json' },
			}),
			expect.objectContaining({
				method: 'GET',
				url: '/v2/call_recording',
				qs: { token: 'next-1' },
			}),
			expect.objectContaining({
				method: 'GET',
				url: '/v2/call_recording',
				qs: { token: 'next-2' },
			}),
		]);
		expect(requests[0].options.body).toBeUndefined();
		expect(requests[0].credentialType).toBe('telesignVoiceApi');
		expect(output.map((item) => item.json)).toEqual([1, 2, 3, 4, 5].map(recording));
		expect(output.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('Limit asks for pages no bigger than the limit and stops as soon as it is reached', async () => {
		const { output, requests } = await runRecording(
			'getAll',
			[{ ...range, returnAll: false, limit: 3 }],
			[page([1, 2, 3], 'next-1'), page([4], null)],
		);
		expect(requests).toHaveLength(1);
		expect(requests[0].options.qs).toMatchObject({ pagesize: 3 });
		expect(output).toHaveLength(3);

		const twoPages = await runRecording(
			'getAll',
			[{ ...range, limit: 3 }],
			[page([1, 2], 'next-1'), page([3, 4], 'next-2')],
		);
		expect(twoPages.requests).toHaveLength(2);
		expect(twoPages.output.map((item) => item.json.reference_id)).toEqual(['REF1', 'REF2', 'REF3']);
	});

	it('the default Limit is 50', async () => {
		const { requests } = await runRecording('getAll', [{ ...range }], [page([], null)]);
		expect(requests[0].options.qs).toMatchObject({ pagesize: 50 });
	});

	it('converts dates with a time zone to UTC; a 404 (nothing in the range) gives no items', async () => {
		const { output, requests } = await runRecording(
			'getAll',
			[{ start: '2026-11-01T02:00:00+02:00', end: '2026-11-01T23:59:59.000Z', returnAll: true }],
			[{ statusCode: 404, body: { status: 'not_found' } }],
		);
		expect(requests[0].options.qs).toMatchObject({
			start_date_time: '2026-11-01T00:00:00',
			end_date_time: '2026-11-01T23:59:59',
		});
		expect(output).toEqual([]);
	});

	it('stops when Telesign repeats a token (no endless loop)', async () => {
		const { output, requests } = await runRecording(
			'getAll',
			[{ ...range, returnAll: true }],
			[page([1], 'same'), page([2], 'same')],
		);
		expect(requests).toHaveLength(2);
		expect(output).toHaveLength(2);
	});

	it('End before Start is an error before any request', async () => {
		const fake = recordingContext(
			'getAll',
			[{ start: '2026-11-02T00:00:00', end: '2026-11-01T00:00:00', returnAll: true }],
			{ http: [] },
		);
		const error = await nodeError(fake.context);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/^End must be after Start/);
		expect(fake.requests).toHaveLength(0);
	});

	it('opens with the last 24 hours: Start and End are optional, with expression defaults', () => {
		const properties = new TelesignVoice().description.properties.filter(
			(property) =>
				property.displayOptions?.show?.operation?.includes('getAll') &&
				['start', 'end'].includes(property.name),
		);
		expect(
			properties.map((property) => [property.name, property.required ?? false, property.default]),
		).toEqual([
			['start', false, '={{ $now.minus({ hours: 24 }) }}'],
			['end', false, '={{ $now }}'],
		]);
	});

	it.each([
		[
			'both empty: the 24 hours before now',
			'',
			'',
			{ start: '2026-11-01T10:30:00', end: '2026-11-02T10:30:00' },
		],
		[
			'empty End: now',
			'2026-10-01T00:00:00',
			undefined,
			{ start: '2026-10-01T00:00:00', end: '2026-11-02T10:30:00' },
		],
		[
			'empty Start: 24 hours before End',
			null,
			'2026-10-05T12:00:00+02:00',
			{ start: '2026-10-04T10:00:00', end: '2026-10-05T10:00:00' },
		],
		[
			'both given',
			'2026-10-01T00:00:00',
			'2026-10-02T00:00:00',
			{ start: '2026-10-01T00:00:00', end: '2026-10-02T00:00:00' },
		],
	])('range: %s', (_name, start, end, expected) => {
		expect(resolveRange(start, end, new Date('2026-11-02T10:30:00.000Z'))).toEqual(expected);
	});

	it('an empty range asks Telesign for the last 24 hours', async () => {
		const { requests } = await runRecording(
			'getAll',
			[{ start: '', end: '', returnAll: true }],
			[page([], null)],
		);
		const qs = requests[0].options.qs as { start_date_time: string; end_date_time: string };
		expect(Date.parse(`${qs.end_date_time}Z`) - Date.parse(`${qs.start_date_time}Z`)).toBe(
			24 * 3_600_000,
		);
		expect(Math.abs(Date.parse(`${qs.end_date_time}Z`) - Date.now())).toBeLessThan(60_000);
	});

	it('a missing or invalid date names the field', async () => {
		const fake = recordingContext('getAll', [{ start: 'yesterday', end: '2026-11-01T00:00:00' }], {
			http: [],
		});
		const error = await nodeError(fake.context);
		expect(error.message).toMatch(/^Start "yesterday" is not a date/);
	});

	it('401 is mapped to a clear credential error', async () => {
		const fake = recordingContext('getAll', [{ ...range }], {
			http: [{ statusCode: 401, body: { status: 'not_authorized' } }],
		});
		const error = await nodeError(fake.context);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			'Telesign Recordings API error 401: not_authorized (Telesign rejected the Customer ID / API key)',
		);
		expect(error.description).toMatch(/Check the Customer ID, the API Key/);
	});
});

describe('Recording → Get', () => {
	it('GET /v2/call_recording/{reference_id}: one item per recording file', async () => {
		const files = [
			{
				...recording(1),
				url: 'https://files.example/1.wav?sig=a',
				transcribe: { language_code: 'en-US', transcription: [] },
			},
			{
				...recording(1),
				file_name: 'REF1_1700000100.wav',
				url: 'https://files.example/2.wav?sig=b',
			},
		];
		const { output, requests } = await runRecording(
			'get',
			[{ referenceId: ' REF1 ' }],
			[{ statusCode: 200, body: files }],
		);
		expect(requests[0].options).toMatchObject({ method: 'GET', url: '/v2/call_recording/REF1' });
		expect(requests[0].options.qs).toBeUndefined();
		expect(output).toEqual(files.map((json) => ({ json, pairedItem: { item: 0 } })));
	});

	it('escapes the reference ID in the path', async () => {
		const { requests } = await runRecording(
			'get',
			[{ referenceId: 'a/b?c' }],
			[{ statusCode: 200, body: [recording(1)] }],
		);
		expect(requests[0].options.url).toBe('/v2/call_recording/a%2Fb%3Fc');
	});

	it('404 says plainly that there are no recordings for that ID', async () => {
		const fake = recordingContext('get', [{ referenceId: 'REF404' }], {
			http: [{ statusCode: 404, body: {} }],
		});
		const error = await nodeError(fake.context);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('No recordings found for reference ID REF404');
		expect((error as NodeApiError).httpCode).toBe('404');
		expect(error.context.itemIndex).toBe(0);
	});

	it('with Continue On Fail, a 404 becomes an error item and the other items are still fetched', async () => {
		const { output, requests } = await runRecording(
			'get',
			[{ referenceId: 'REF404' }, { referenceId: '' }, { referenceId: 'REF2' }],
			[
				{ statusCode: 404, body: {} },
				{ statusCode: 200, body: [recording(2)] },
			],
			{ continueOnFail: true },
		);
		expect(requests).toHaveLength(2);
		expect(output).toEqual([
			{
				json: {
					error: 'No recordings found for reference ID REF404',
					details: {
						description: expect.stringMatching(/^Telesign has no recordings for this call/),
						reference_id: 'REF404',
					},
				},
				pairedItem: { item: 0 },
			},
			{
				json: {
					error: expect.stringMatching(/^Reference ID is required/),
					details: { reference_id: '' },
				},
				pairedItem: { item: 1 },
			},
			{ json: recording(2), pairedItem: { item: 2 } },
		]);
	});

	it('an invalid reference ID is an error before any request', async () => {
		const fake = recordingContext('get', [{ referenceId: 'REF1' }, { referenceId: 'two words' }], {
			http: [],
		});
		const error = await nodeError(fake.context);
		expect(error.message).toMatch(/^Reference ID "two words" is not a reference ID/);
		expect(error.context.itemIndex).toBe(1);
		expect(fake.requests).toHaveLength(0);
	});
});

describe('Recording → Delete', () => {
	it('DELETE /v2/call_recording/{reference_id}, 204 → deleted', async () => {
		const { output, requests } = await runRecording(
			'delete',
			[{ referenceId: 'REF1' }],
			[{ statusCode: 204, body: '' }],
		);
		expect(requests[0].options).toMatchObject({ method: 'DELETE', url: '/v2/call_recording/REF1' });
		expect(requests[0].options.body).toBeUndefined();
		expect(output).toEqual([
			{ json: { reference_id: 'REF1', deleted: true }, pairedItem: { item: 0 } },
		]);
	});

	it('503 with failed_delete lists what could not be deleted', async () => {
		const fake = recordingContext('delete', [{ referenceId: 'REF1' }], {
			http: [
				{
					statusCode: 503,
					body: {
						reference_id: 'REF1',
						failed_delete: ['REF1_2.wav'],
						succeed_delete: ['REF1_1.wav'],
					},
				},
			],
		});
		const error = await nodeError(fake.context);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			'Telesign deleted only some recordings of reference ID REF1: failed to delete REF1_2.wav',
		);
		expect(error.description).toContain('Deleted: REF1_1.wav.');
	});

	it('404 → no recordings for that ID', async () => {
		const fake = recordingContext('delete', [{ referenceId: 'GONE' }], {
			http: [{ statusCode: 404, body: { status: 'not_found' } }],
		});
		const error = await nodeError(fake.context);
		expect(error.message).toBe('No recordings found for reference ID GONE');
	});

	it('no answer at all is an error that names the item', async () => {
		const fake = recordingContext('delete', [{ referenceId: 'REF1' }], {
			http: [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
		});
		const error = await nodeError(fake.context);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(
			'Telesign Recordings API did not answer: the connection was refused',
		);
		expect(error.context.itemIndex).toBe(0);
	});
});

describe('Recordings against a local HTTP server (Basic auth on the wire)', () => {
	let server: FakeTelesign;
	const credentials = testCredentials('basic');

	beforeAll(async () => {
		server = await startFakeTelesign({
			credentials,
			handler: (request) => {
				if (request.method === 'DELETE') return { status: 204 };
				if (request.path === '/v2/call_recording' && request.query.token === undefined) {
					return { status: 200, body: { call_recordings: [recording(1)], token: 'page 2/2' } };
				}
				if (request.path === '/v2/call_recording')
					return { status: 200, body: { call_recordings: [recording(2)], token: null } };
				return { status: 200, body: [recording(1)] };
			},
		});
		credentials.baseUrl = server.url;
	});
	afterAll(async () => await server.close());

	it('lists, gets and deletes with the right method, path, query and Authorization', async () => {
		const run = async (operation: string, parameters: Parameters) =>
			await node.execute.call(
				recordingContext(operation, [parameters], {
					credentials,
					http: realHttpRequest(credentials),
				}).context,
			);
		const [listed] = await run('getAll', {
			start: '2026-11-01T00:00:00',
			end: '2026-11-02T00:00:00',
			returnAll: true,
		});
		const [got] = await run('get', { referenceId: 'REF1' });
		const [deleted] = await run('delete', { referenceId: 'REF1' });
		expect(listed.map((item) => item.json.reference_id)).toEqual(['REF1', 'REF2']);
		expect(got.map((item) => item.json.file_name)).toEqual(['REF1_1700000000.wav']);
		expect(deleted[0].json).toEqual({ reference_id: 'REF1', deleted: true });

		const wire = server.state.requests.map((request) => [
			request.method,
			request.path,
			request.query,
		]);
		expect(wire).toEqual([
			[
				'GET',
				'/v2/call_recording',
				{
					start_date_time: '2026-11-01T00:00:00',
					end_date_time: '2026-11-02T00:00:00',
					pagesize: '100',
				},
			],
			['GET', '/v2/call_recording', { token: 'page 2/2' }],
			['GET', '/v2/call_recording/REF1', {}],
			['DELETE', '/v2/call_recording/REF1', {}],
		]);
		expect(server.state.requests.every((request) => request.authorized)).toBe(true);
		expect(server.state.requests[0].headers.authorization).toMatch(/^Basic /);
	});
});
