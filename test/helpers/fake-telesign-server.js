'use strict';
/**
 * A tiny local "Telesign" for the action node's unit tests (CommonJS: the `http` module may not be imported from
 * linted .ts files). It records every request, measures how many are in flight at once, checks the
 * authentication (Basic or TSA, computed here from Telesign's
 * published algorithm, https://developer.telesign.com/enterprise/docs/authentication, not with the package's code) and
 * answers with whatever the test's handler returns.
 */
const http = require('http');
const crypto = require('crypto');

function expectedAuthorization(credentials, method, headers, body, resource) {
	if (credentials.authMethod !== 'digest') {
		return (
			'Basic ' + Buffer.from(`${credentials.customerId}:${credentials.apiKey}`).toString('base64')
		);
	}
	const lines = [
		method.toUpperCase(),
		body.length > 0 ? headers['content-type'] || '' : '',
		headers['x-ts-date'] ? '' : headers.date || '',
		'x-ts-auth-method:' + (headers['x-ts-auth-method'] || ''),
	];
	if (headers['x-ts-date']) lines.push('x-ts-date:' + headers['x-ts-date']);
	lines.push('x-ts-nonce:' + (headers['x-ts-nonce'] || ''));
	if (body.length > 0) lines.push(body);
	lines.push(resource);
	const signature = crypto
		.createHmac('sha256', Buffer.from(credentials.apiKey, 'base64'))
		.update(lines.join('\n'), 'utf8')
		.digest('base64');
	return `TSA ${credentials.customerId}:${signature}`;
}

/** What the handler gets: the request as received, and whether its authentication is right. */
function recordedRequest(req, body, credentials) {
	const url = new URL(req.url, 'http://localhost');
	return {
		method: req.method,
		path: url.pathname,
		query: Object.fromEntries(url.searchParams),
		rawQuery: url.search,
		headers: req.headers,
		body,
		json: body ? safeParse(body) : undefined,
		authorized:
			req.headers.authorization ===
			expectedAuthorization(credentials, req.method, req.headers, body, url.pathname),
	};
}

/** The handler's answer to an authenticated request (a throwing handler answers 500), else 401. */
async function answerTo(request, handler, state) {
	if (!request.authorized) return { status: 401, body: { status: 'not_authorized' } };
	try {
		return await handler(request, state);
	} catch (error) {
		return { status: 500, body: { error: String(error) } };
	}
}

function writeAnswer(res, answer) {
	const headers = { ...(answer.headers || {}) };
	let payload = '';
	if (answer.body !== undefined && answer.body !== null) {
		payload = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
		headers['content-type'] = headers['content-type'] || 'application/json';
	}
	res.writeHead(answer.status, headers);
	res.end(payload);
}

/**
 * @param {object} options
 * @param {object} options.credentials {customerId, apiKey, authMethod} the requests must be authenticated with
 * @param {(request: object, server: object) => (object|Promise<object>)} options.handler returns
 *   {status, headers?, body?, delayMs?, destroy?}; `destroy: true` resets the connection without an answer.
 */
async function startFakeTelesign({ credentials, handler }) {
	const state = { requests: [], inFlight: 0, maxInFlight: 0, authFailures: 0, answered: 0 };
	const sockets = new Set();
	const server = http.createServer((req, res) => {
		state.inFlight++;
		state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
		let settled = false;
		const done = () => {
			if (settled) return;
			settled = true;
			state.inFlight--;
		};
		res.on('close', done);
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', async () => {
			const request = recordedRequest(req, Buffer.concat(chunks).toString('utf8'), credentials);
			if (!request.authorized) state.authFailures++;
			state.requests.push(request);
			const answer = await answerTo(request, handler, state);
			if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
			state.answered++;
			// No longer in flight from here on: decremented before answering, so a client that sends its next
			// request as soon as it has this answer can never be counted twice.
			done();
			if (answer.destroy) req.socket.destroy();
			else writeAnswer(res, answer);
		});
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address();
	return {
		url: `http://127.0.0.1:${port}`,
		state,
		async close() {
			for (const socket of sockets) socket.destroy();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}

function safeParse(text) {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

module.exports = { startFakeTelesign };
