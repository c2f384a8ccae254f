'use strict';
/** Checks a received request's TSA signature with the simulator's implementation (independent of the package). */
const { computeTsaSignature } = require('../simulator/crypto');

function verifyTsa({ customerId, apiKey, request }) {
	const headers = request.headers;
	const expected = computeTsaSignature(apiKey, {
		method: request.method,
		contentType: request.body.length > 0 ? headers['content-type'] : '',
		date: headers.date,
		xTsDate: headers['x-ts-date'],
		nonce: headers['x-ts-nonce'],
		body: request.body,
		resource: request.path,
	});
	return headers.authorization === `TSA ${customerId}:${expected}`;
}

module.exports = { verifyTsa };
