'use strict';
/**
 * The Telesign Voice API credential used from n8n's HTTP Request node: n8n-core hands the credential's
 * authenticate() the legacy request shape (`uri`) or the current one (`url`); every request must carry a TSA
 * signature over its real path, checked here with the simulator's own implementation (independent of the
 * package) on top of the fake server's check.
 */
const { verifyTsa } = require('./tsaVerifier');
const { httpRequestWorkflow, runWorkflow, outputOf } = require('./harness');
const { fakeTelesign, API_KEY, CUSTOMER_ID } = require('./setup');

let server;
afterEach(async () => server && (await server.fake.close()));

const answer = (req) => ({ status: 200, body: { path: req.path, query: req.query } });

const cases = [
	[
		'legacy uri, GET with qs',
		'legacy',
		(base) => ({
			method: 'GET',
			uri: `${base}/v2/voice/recordings/REF-1`,
			qs: { page: '2' },
			json: true,
		}),
		'/v2/voice/recordings/REF-1',
		{ page: '2' },
	],
	[
		'legacy uri with a query string in it',
		'legacy',
		(base) => ({ method: 'GET', uri: `${base}/v1/voice/REF-2?verbose=true`, json: true }),
		'/v1/voice/REF-2',
		{ verbose: 'true' },
	],
	[
		'legacy uri, POST with a JSON body',
		'legacy',
		(base) => ({
			method: 'POST',
			uri: `${base}/v2/voice`,
			body: { jsonrpc: '2.0', method: 'hangup', params: {} },
			json: true,
		}),
		'/v2/voice',
		{},
	],
	[
		'url (httpRequest), DELETE with qs',
		'current',
		(base) => ({
			method: 'DELETE',
			url: `${base}/v2/voice/recordings/REF-3`,
			qs: { a: 'b c' },
			json: true,
		}),
		'/v2/voice/recordings/REF-3',
		{ a: 'b c' },
	],
];

it.each(cases)('signs %s over the real path', async (_name, helper, request, path, query) => {
	server = await fakeTelesign(answer);
	const run = await runWorkflow({
		...httpRequestWorkflow(request(server.fake.url), helper),
		credentials: server.credentials,
	}).promise;
	expect(run.data.resultData.error).toBeUndefined();
	const [received] = server.fake.state.requests;
	expect(received).toMatchObject({ path, query, authorized: true });
	expect(verifyTsa({ customerId: CUSTOMER_ID, apiKey: API_KEY, request: received })).toBe(true);
	expect(outputOf(run, 'HTTP Request')[0].json.response).toEqual({ path, query });
});
