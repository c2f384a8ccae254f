'use strict';
/**
 * Small HTTP helpers (Node built-ins only): post an event to a webhook, read a request body.
 */
const http = require('http');
const https = require('https');
const { URL } = require('url');
const { signEventBody } = require('./crypto');

/**
 * @typedef {object} PostResult
 * @property {number} status            webhook HTTP status
 * @property {Record<string, string|string[]|undefined>} headers response headers
 * @property {string} body              raw response body (utf8)
 * @property {number} latencyMs         time from sending to the full response
 */

/**
 * POST an event (or anything) to a URL. Pure helper: no simulator state involved.
 * Use it to send forged / unsigned / replayed events in tests.
 *
 * @param {string} url
 * @param {string|object|Buffer} body  a string/Buffer is sent byte-for-byte; an object is JSON.stringify'd once
 * @param {object} [opts]
 * @param {Record<string,string>} [opts.headers] extra headers (override the defaults, e.g. a forged Authorization)
 * @param {string} [opts.apiKey]      when given (and no Authorization header in opts.headers), sign as a Telesign callback
 * @param {string} [opts.customerId]  customer id for the `Authorization: TSA <cid>:<sig>` header
 * @param {number} [opts.timeoutMs]   default 10000
 * @param {(req: http.ClientRequest) => void} [opts.onRequest] gets the request (the simulator tracks it to abort on stop)
 * @returns {Promise<PostResult>} rejects on network errors; a timeout rejects with err.code === 'ETIMEDOUT'
 */
function postEvent(url, body, opts = {}) {
	const raw = Buffer.isBuffer(body)
		? body
		: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
	return sendPost(new URL(url), raw, eventHeaders(raw, opts), opts);
}

/** JSON content type, a Telesign callback signature when `opts.apiKey` is given, then `opts.headers` over them. */
function eventHeaders(raw, opts) {
	/** @type {Record<string,string>} */
	const headers = { 'Content-Type': 'application/json', 'User-Agent': 'telesign-voice-simulator' };
	const extra = opts.headers || {};
	const hasAuth = Object.keys(extra).some((k) => k.toLowerCase() === 'authorization');
	if (opts.apiKey && !hasAuth) {
		const sig = signEventBody(opts.apiKey, raw);
		headers.Authorization = `TSA ${opts.customerId || ''}:${sig}`;
		headers['X-TS-Authorization'] = sig;
	}
	for (const [k, v] of Object.entries(extra)) {
		for (const existing of Object.keys(headers))
			if (existing.toLowerCase() === k.toLowerCase()) delete headers[existing];
		if (v !== undefined && v !== null) headers[k] = String(v);
	}
	headers['Content-Length'] = String(raw.length);
	return headers;
}

/** Collects the response into a PostResult; `done` settles the post once. */
function onResponse(res, started, done) {
	const chunks = [];
	res.on('data', (c) => chunks.push(c));
	res.on('end', () => {
		const latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
		done(null, {
			status: res.statusCode || 0,
			headers: res.headers,
			body: Buffer.concat(chunks).toString('utf8'),
			latencyMs,
		});
	});
	res.on('error', (e) => done(e));
	res.on('close', () =>
		setImmediate(() => done(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' }))),
	);
}

/** One POST on a fresh connection, bounded by opts.timeoutMs (default 10 s). */
function sendPost(u, raw, headers, opts) {
	const lib = u.protocol === 'https:' ? https : http;
	const timeoutMs = opts.timeoutMs || 10000;
	return new Promise((resolve, reject) => {
		const started = process.hrtime.bigint();
		let settled = false;
		let gotResponse = false;
		const done = (err, val) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			if (err) reject(err);
			else resolve(val);
		};
		const target = {
			protocol: u.protocol,
			hostname: u.hostname.replace(/^\[|\]$/g, ''),
			port: u.port || (u.protocol === 'https:' ? 443 : 80),
			path: u.pathname + u.search,
		};
		const req = lib.request({ ...target, method: 'POST', headers, agent: false }, (res) => {
			gotResponse = true;
			onResponse(res, started, done);
		});
		const timer = setTimeout(() => {
			const e = Object.assign(new Error(`webhook did not answer within ${timeoutMs} ms`), {
				code: 'ETIMEDOUT',
			});
			done(e);
			req.destroy(e);
		}, timeoutMs);
		if (timer.unref) timer.unref();
		req.on('error', (e) => done(e));
		req.on('close', () => {
			if (!gotResponse)
				done(
					Object.assign(new Error('connection closed before a response'), { code: 'ECONNRESET' }),
				);
		});
		if (opts.onRequest) opts.onRequest(req);
		req.end(raw);
	});
}

/**
 * Read a request body fully, with a size cap.
 * @param {http.IncomingMessage} req
 * @param {number} [limit]
 * @returns {Promise<Buffer>}
 */
function readBody(req, limit = 1024 * 1024) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		let size = 0;
		req.on('data', (c) => {
			size += c.length;
			if (size > limit) {
				reject(Object.assign(new Error('body too large'), { code: 'E2BIG' }));
				req.destroy();
				return;
			}
			chunks.push(c);
		});
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
		req.on('aborted', () => reject(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
	});
}

module.exports = { postEvent, readBody };
