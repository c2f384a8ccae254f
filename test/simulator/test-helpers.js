'use strict';
/**
 * Helpers for the simulator's own tests (and usable by other suites): a plain `http` webhook
 * receiver that answers scripted actions, and a tiny API client. Not a test file itself.
 */
const http = require('http');
const { basicAuthHeader, tsaHeaders } = require('./crypto');

function parseEvent(rawBody) {
	try {
		return JSON.parse(rawBody);
	} catch {
		return { event: '(unparseable)', raw: rawBody };
	}
}

/** Writes the scripted answer: {__raw: {status, body, delayMs, contentType}} as given, anything else as JSON. */
async function writeAnswer(res, out) {
	if (out && out.__raw) {
		const r = out.__raw;
		if (r.delayMs) await new Promise((ok) => setTimeout(ok, r.delayMs));
		if (res.destroyed) return;
		const b =
			r.body === undefined ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
		res.writeHead(r.status || 200, { 'Content-Type': r.contentType || 'application/json' });
		res.end(b);
		return;
	}
	res.writeHead(200, { 'Content-Type': 'application/json' });
	res.end(JSON.stringify(out == null ? {} : out));
}

/** Resolves with the first received event for which `pred` holds (also one already received), or times out. */
function waitForEvent(received, listeners, pred, timeoutMs) {
	const hit = received.find(pred);
	if (hit) return Promise.resolve(hit);
	return new Promise((resolve, reject) => {
		const l = (rec) => {
			if (pred(rec)) {
				clearTimeout(t);
				listeners.delete(l);
				resolve(rec);
			}
		};
		const t = setTimeout(() => {
			listeners.delete(l);
			reject(new Error('receiver: timed out waiting for an event'));
		}, timeoutMs);
		listeners.add(l);
	});
}

/**
 * Start a webhook receiver on 127.0.0.1:<random>.
 * @param {(ev: {event: string, reference_id: string, data: any, external_id?: string}, req: {headers: http.IncomingHttpHeaders, rawBody: string}) =>
 *   (object|string|{status?: number, body?: string|object, delayMs?: number}|null|undefined)} [answer]
 *   return an action object (sent as JSON), or {__raw: {status, body}} for full control, or null/undefined for `{}`.
 */
async function startReceiver(answer = () => null) {
	/** @type {{event: any, headers: http.IncomingHttpHeaders, rawBody: string}[]} */
	const received = [];
	const listeners = new Set();
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', async () => {
			const rawBody = Buffer.concat(chunks).toString('utf8');
			const ev = parseEvent(rawBody);
			const rec = { event: ev, headers: req.headers, rawBody, receivedMs: Date.now() };
			received.push(rec);
			let out;
			try {
				out = await answer(ev, { headers: req.headers, rawBody });
			} catch (e) {
				out = { __raw: { status: 500, body: String(e) } };
			}
			for (const l of [...listeners]) l(rec);
			await writeAnswer(res, out);
		});
	});
	await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
	const port = /** @type {any} */ (server.address()).port;
	return {
		url: `http://127.0.0.1:${port}/webhook`,
		received,
		events: () => received.map((r) => r.event),
		/** Wait until `pred` holds for a received event (bounded). */
		waitFor: (pred, timeoutMs = 5000) => waitForEvent(received, listeners, pred, timeoutMs),
		close: () =>
			new Promise((ok) => {
				server.close(() => ok());
				server.closeAllConnections();
			}),
	};
}

/**
 * Raw HTTP request to the simulator.
 * @param {string} baseUrl
 * @param {{method?: string, path?: string, body?: string|object, headers?: Record<string,string>, auth?: 'basic'|'tsa'|'none', account?: {customerId: string, apiKey: string}, tsa?: object, timeoutMs?: number}} o
 * @returns {Promise<{status: number, headers: http.IncomingHttpHeaders, text: string, json: any}>}
 */
function apiRequest(baseUrl, o = {}) {
	const method = o.method || 'POST';
	const path = o.path || '/v2/voice';
	const body =
		o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
	/** @type {Record<string,string>} */
	let headers = {};
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	const acct = o.account;
	if (o.auth === 'basic') headers.Authorization = basicAuthHeader(acct.customerId, acct.apiKey);
	if (o.auth === 'tsa')
		headers = {
			...headers,
			...tsaHeaders({
				customerId: acct.customerId,
				apiKey: acct.apiKey,
				method,
				resource: path.split('?')[0],
				body,
				...(o.tsa || {}),
			}),
		};
	headers = { ...headers, ...(o.headers || {}) };
	for (const k of Object.keys(headers)) if (headers[k] === undefined) delete headers[k];
	const u = new URL(baseUrl + path);
	return new Promise((resolve, reject) => {
		const req = http.request(
			{
				hostname: u.hostname,
				port: u.port,
				path: u.pathname + u.search,
				method,
				headers,
				agent: false,
			},
			(res) => {
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let json;
					try {
						json = text ? JSON.parse(text) : undefined;
					} catch {
						json = undefined;
					}
					resolve({ status: res.statusCode || 0, headers: res.headers, text, json });
				});
				res.on('error', reject);
			},
		);
		req.setTimeout(o.timeoutMs || 5000, () =>
			req.destroy(Object.assign(new Error('client timeout'), { code: 'ETIMEDOUT' })),
		);
		req.on('error', reject);
		req.end(body);
	});
}

/** A dial request body. */
function dialBody(to, callerId = '15550000001', extra = {}) {
	return { jsonrpc: '2.0', method: 'dial', params: { to, caller_id_number: callerId, ...extra } };
}

module.exports = { startReceiver, apiRequest, dialBody };
