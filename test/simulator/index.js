'use strict';
/**
 * Telesign Voice simulator — public entry point.
 *   const { TelesignSimulator, signEventBody, postEvent } = require('./test/simulator');
 * See README.md in this folder.
 */
const sim = require('./simulator');
const tc = require('./crypto');
const { postEvent } = require('./http-util');

module.exports = {
	TelesignSimulator: sim.TelesignSimulator,
	DEFAULT_ACCOUNT: sim.DEFAULT_ACCOUNT,
	DEFAULT_OWNED: sim.DEFAULT_OWNED,
	LEGAL_ACTIONS: sim.LEGAL_ACTIONS,
	isValidPhoneNumber: sim.isValidPhoneNumber,
	signEventBody: tc.signEventBody,
	verifyEventSignature: tc.verifyEventSignature,
	computeTsaSignature: tc.computeTsaSignature,
	buildTsaStringToSign: tc.buildTsaStringToSign,
	tsaHeaders: tc.tsaHeaders,
	basicAuthHeader: tc.basicAuthHeader,
	postEvent,
};
