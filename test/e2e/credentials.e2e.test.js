'use strict';
/**
 * The credential dialog's "Test" button in a real n8n: it must tell accepted credentials from wrong ones for
 * both Basic and Digest (TSA signing), say when the Base URL is wrong, and never place a call.
 */
const { connectN8n } = require('./harness/context');
const { TelesignSimulator, DEFAULT_ACCOUNT } = require('../simulator');

let n8n;
let sim;

beforeAll(async () => {
	n8n = connectN8n();
	sim = new TelesignSimulator();
	await sim.start();
});
afterAll(() => sim.stop());
beforeEach(() => sim.reset());

async function testWith(data) {
	const full = { ...DEFAULT_ACCOUNT, authMethod: 'basic', baseUrl: sim.url, ...data };
	const credential = await n8n.createCredential(
		`Credential test ${Date.now()}`,
		'telesignVoiceApi',
		full,
	);
	return n8n.testCredential(credential, 'telesignVoiceApi', full);
}

test.each(['basic', 'digest'])(
	'%s: accepted credentials pass, without placing a call',
	async (authMethod) => {
		const result = await testWith({ authMethod });
		expect(result).toMatchObject({ status: 'OK' });
		const [request] = sim.requests();
		expect(request).toMatchObject({
			method: 'POST',
			path: '/v2/voice',
			status: 400,
			authMethod: authMethod === 'basic' ? 'basic' : 'tsa',
		});
		expect(request.response).toMatchObject({ status: 'to_number_not_provided' });
		expect(sim.calls()).toEqual([]);
		expect(sim.dialsPlaced()).toEqual([]);
	},
);

test.each(['basic', 'digest'])(
	'%s: a wrong API key is reported as rejected credentials',
	async (authMethod) => {
		const result = await testWith({
			authMethod,
			apiKey: Buffer.from('wrong-key-for-the-test').toString('base64'),
		});
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(
			/rejected these credentials \(401\).*Customer ID, the API Key and the Authentication Method/,
		);
		expect(result.message).not.toContain(Buffer.from('wrong-key-for-the-test').toString('base64'));
		expect(sim.requests()[0]).toMatchObject({ status: 401 });
	},
);

test('a wrong customer ID is reported as rejected credentials', async () => {
	const result = await testWith({ customerId: 'SOMEONE-ELSE' });
	expect(result).toMatchObject({ status: 'Error' });
	expect(result.message).toMatch(/401/);
});

test('a Base URL that does not serve the Voice API says so', async () => {
	// n8n itself answers 404 on /v2/voice: a stand-in for a wrong host.
	const result = await testWith({ baseUrl: n8n.baseUrl });
	expect(result.status).toBe('Error');
	expect(result.message).toMatch(/Base URL does not serve the Telesign Voice API \(404\)/);
});
