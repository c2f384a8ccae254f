'use strict';
/** A fake Telesign per test and the credential pointing at it. */
const { startFakeTelesign } = require('../helpers/fake-telesign-server');

const CUSTOMER_ID = 'ENGINE-CUSTOMER';
const API_KEY = Buffer.from('engine-test-secret-key-0123456789').toString('base64');
const CALLER = '15554441313';

async function fakeTelesign(handler, authMethod = 'digest') {
	const fake = await startFakeTelesign({
		credentials: { customerId: CUSTOMER_ID, apiKey: API_KEY, authMethod },
		handler,
	});
	const credentials = { customerId: CUSTOMER_ID, apiKey: API_KEY, authMethod, baseUrl: fake.url };
	return { fake, credentials };
}

const accepted = (req) => ({
	status: 200,
	body: { reference_id: `REF-${req.json.params.to}`, status: 'dial_accepted' },
});

/**
 * Resolves when `predicate()` holds (polled), so tests wait for an event without fixed sleeps. The limit only
 * turns "never happened" into a failure naming `what`; it is no timing assertion.
 */
async function until(predicate, limitMs = 5000, what = 'condition') {
	const started = Date.now();
	while (!predicate()) {
		if (Date.now() - started > limitMs) throw new Error(`${what} not reached within ${limitMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
}

module.exports = { fakeTelesign, accepted, until, CUSTOMER_ID, API_KEY, CALLER };
