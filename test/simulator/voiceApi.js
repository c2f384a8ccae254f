'use strict';
/** The HTTP side of the Voice API: routing, authentication, rate limiting and POST /v2/voice. Methods of TelesignSimulator, mixed in by simulator.js. */
const http = require('http');
const { URL } = require('url');
const tc = require('./crypto');
const { readBody } = require('./http-util');
const {
	KNOWN_ACTIONS,
	isValidPhoneNumber,
	fmtUtc,
	clone,
	isObj,
	dialWarnings,
} = require('./rules');

class VoiceApi {
	// ───────────────────────────── HTTP handling ─────────────────────────────

	_json(res, status, obj, headers = {}) {
		if (res.headersSent || res.destroyed) return;
		if (status === 204) {
			res.writeHead(204, headers);
			res.end();
			return;
		}
		const body = JSON.stringify(obj);
		res.writeHead(status, {
			'Content-Type': 'application/json',
			'Content-Length': Buffer.byteLength(body),
			...headers,
		});
		res.end(body);
	}

	async _handle(req, res) {
		const u = new URL(req.url || '/', 'http://simulator.local');
		const path = u.pathname;
		if (path === '/v2/voice') return this._handleVoice(req, res, u);
		if (path === '/v2/call_recording' || path.startsWith('/v2/call_recording/'))
			return this._handleRecordings(req, res, u);
		if (path.startsWith('/_sim/')) return this._handleControl(req, res, u);
		return this._json(res, 404, { status: 'not_found' });
	}

	_logRequest(e) {
		const entry = { seq: ++this._reqSeq, t: fmtUtc(this._now(null)), ...e };
		this._requests.push(entry);
		this.emit('request', clone(entry));
		return entry;
	}

	/** Authenticate an API request (https://developer.telesign.com/enterprise/docs/authentication). Never logs secrets. */
	_authenticate(req, raw, resource) {
		const h = req.headers.authorization;
		if (!h || !String(h).trim())
			return {
				ok: false,
				status: 'credentials_not_provided',
				authMethod: null,
				reason: 'no Authorization header',
			};
		const m = /^(\S+)\s+(.+)$/.exec(String(h).trim());
		if (!m)
			return {
				ok: false,
				status: 'not_authorized',
				authMethod: 'unknown',
				reason: 'malformed Authorization header',
			};
		const scheme = m[1].toLowerCase();
		if (scheme === 'basic') return this._authBasic(m[2].trim());
		if (scheme === 'tsa') return this._authTsa(req, raw, resource, m[2].trim());
		return {
			ok: false,
			status: 'not_authorized',
			authMethod: scheme,
			reason: `unsupported auth scheme "${m[1]}"`,
		};
	}

	_account(customerId) {
		return this.cfg.accounts.find((a) => a.customerId === customerId);
	}

	/** `Basic base64(customer_id:api_key)`. */
	_authBasic(token) {
		const decoded = Buffer.from(token, 'base64').toString('utf8');
		const i = decoded.indexOf(':');
		if (i < 0)
			return {
				ok: false,
				status: 'not_authorized',
				authMethod: 'basic',
				reason: 'Basic credentials are not base64(customer_id:api_key)',
			};
		const cid = decoded.slice(0, i);
		const key = decoded.slice(i + 1);
		if (!cid || !key)
			return {
				ok: false,
				status: 'credentials_not_provided',
				authMethod: 'basic',
				customerId: cid || null,
				reason: 'empty customer id or API key',
			};
		const acct = this._account(cid);
		if (!acct)
			return {
				ok: false,
				status: 'not_authorized',
				authMethod: 'basic',
				customerId: cid,
				reason: 'unknown customer id',
			};
		if (!tc.safeEqual(acct.apiKey, key))
			return {
				ok: false,
				status: 'not_authorized',
				authMethod: 'basic',
				customerId: cid,
				reason: 'wrong API key',
			};
		return { ok: true, authMethod: 'basic', customerId: cid, account: acct };
	}

	/** `TSA <customer_id>:<signature>`: HMAC-SHA256 of the request's string-to-sign with the API key, nonce used once. */
	_authTsa(req, raw, resource, credential) {
		const i = credential.lastIndexOf(':');
		if (i <= 0)
			return {
				ok: false,
				status: 'not_authorized',
				authMethod: 'tsa',
				reason: 'TSA header is not "TSA <customer_id>:<signature>"',
			};
		const cid = credential.slice(0, i);
		const sig = credential.slice(i + 1);
		const fail = (reason, extra = {}) => ({
			ok: false,
			status: 'not_authorized',
			authMethod: 'tsa',
			customerId: cid,
			reason,
			...extra,
		});
		const acct = this._account(cid);
		if (!acct) return fail('unknown customer id');
		const parts = this._tsaParts(req, raw, resource);
		if (typeof parts === 'string') return fail(parts);
		const expected = tc.computeTsaSignature(acct.apiKey, parts);
		if (!tc.safeEqual(sig, expected))
			return fail('signature mismatch', { expectedStringToSign: tc.buildTsaStringToSign(parts) });
		if (!this._useNonce(cid, parts.nonce)) return fail('x-ts-nonce already used');
		return { ok: true, authMethod: 'tsa', customerId: cid, account: acct };
	}

	/** What a TSA signature covers, from the request and its x-ts-* headers; or why they cannot be verified (a string). */
	_tsaParts(req, raw, resource) {
		const authMethod = req.headers['x-ts-auth-method'];
		if (!authMethod) return 'missing x-ts-auth-method header';
		if (String(authMethod).toUpperCase() !== 'HMAC-SHA256')
			return `unsupported x-ts-auth-method "${authMethod}" (HMAC-SHA256 only)`;
		const nonce = req.headers['x-ts-nonce'];
		if (!nonce) return 'missing x-ts-nonce header';
		const xTsDate = req.headers['x-ts-date'];
		const date = req.headers.date;
		const dateValue = xTsDate || date;
		if (!dateValue) return 'missing Date / x-ts-date header';
		const ts = Date.parse(String(dateValue));
		if (Number.isNaN(ts)) return `unparseable date "${dateValue}"`;
		if (Math.abs(Date.now() - ts) > this.cfg.clockSkewMs)
			return `date "${dateValue}" is outside ±${this.cfg.clockSkewMs / 60000} min of the simulator clock`;
		const method = String(req.method).toUpperCase();
		const withBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
		return {
			method,
			contentType: withBody ? String(req.headers['content-type'] || '') : '',
			date: xTsDate ? '' : String(date || ''),
			xTsDate: xTsDate ? String(xTsDate) : undefined,
			authMethod: String(authMethod),
			nonce: String(nonce),
			body: raw,
			resource,
		};
	}

	/** Remembers a nonce for twice the allowed clock skew; false when it was already used within that time. */
	_useNonce(customerId, nonce) {
		const nk = `${customerId}\n${nonce}`;
		const now = Date.now();
		if (this._nonces.size > 50000)
			for (const [k, exp] of this._nonces) if (exp < now) this._nonces.delete(k);
		const seen = this._nonces.get(nk);
		if (seen !== undefined && seen >= now) return false;
		this._nonces.set(nk, now + 2 * this.cfg.clockSkewMs);
		return true;
	}

	/** Accepts a valid dial: the call is created, answered 202 (or as the injected fault says), then run. */
	async _placeDial(req, res, u, { log, auth, body, params, externalId, fault, latency }) {
		const to = params.to;
		const cid = params.caller_id_number;

		const warnings = dialWarnings(params, body);
		const call = this._createCall({
			direction: 'outbound',
			from: cid,
			to,
			customerId: auth.customerId,
			externalId,
			requestEntry: {
				type: 'request',
				method: 'POST',
				path: u.pathname,
				authMethod: auth.authMethod,
				customerId: auth.customerId,
				body: clone(body),
				warnings,
			},
		});
		const rb = { reference_id: call.reference_id, status: 'dial_accepted' };
		if (externalId !== undefined) rb.external_id = externalId;
		this._dials.push({
			seq: this._dials.length + 1,
			reference_id: call.reference_id,
			external_id: externalId,
			to,
			from: cid,
			customer_id: auth.customerId,
			t: call.created_on_utc,
		});
		const reqEntry = this._logRequest({
			...log,
			status: 202,
			response: rb,
			reference_id: call.reference_id,
			warnings,
			fault: fault || undefined,
		});
		call.entries[0].status = 202;
		call.entries[0].response = clone(rb);
		const start = () => setImmediate(() => this._alive(call) && this._startFlow(call));
		res.once('close', start);
		if (fault && fault.delayMs) await this._sleep(fault.delayMs);
		if (fault && fault.reset === 'after') {
			reqEntry.status = null;
			reqEntry.outcome = 'dial placed, then connection reset without answering';
			this._entry(call, {
				type: 'note',
				message: 'API connection reset after the dial was accepted (injected fault)',
			});
			req.socket.destroy();
			start();
			return;
		}
		await latency();
		if (res.destroyed || res.writableEnded) {
			start();
			return;
		}
		this._json(res, 202, rb);
	}

	_takeRate() {
		const rl = this.cfg.rateLimit;
		if (!rl) return null;
		const now = Date.now();
		while (this._rateLog.length && this._rateLog[0] <= now - rl.windowMs) this._rateLog.shift();
		if (this._rateLog.length >= rl.maxPerWindow) {
			const oldest = this._rateLog[0];
			const retry =
				rl.retryAfter !== undefined
					? rl.retryAfter
					: Math.max(
							1,
							Math.ceil(((oldest === undefined ? now : oldest) + rl.windowMs - now) / 1000),
						);
			return { retryAfter: retry };
		}
		this._rateLog.push(now);
		return null;
	}

	/** The answer to a POST /v2/voice that an injected fault refuses (no dial is placed). */
	async _answerWithFault(res, log, fault, latency) {
		const fb = fault.body || {
			status:
				fault.status === 429
					? 'rate_limit_exceeded'
					: fault.status === 503
						? 'service_unavailable'
						: fault.status >= 500
							? 'internal_server_error'
							: 'simulated_fault',
		};
		const headers =
			fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : {};
		this._logRequest({
			...log,
			status: fault.status,
			response: fb,
			fault,
			outcome: 'injected fault (dial not placed)',
		});
		if (fault.delayMs) await this._sleep(fault.delayMs);
		await latency();
		return this._json(res, fault.status, fb, headers);
	}

	/** Why Telesign refuses a dial request, as [HTTP status, status code, reason?], or null when it is accepted. */
	_dialRejection(req, body, params, parseError) {
		const ct = String(req.headers['content-type'] || '');
		if (this.cfg.requireJsonContentType && !/^application\/json\b/i.test(ct))
			return [400, 'invalid_request', `Content-Type must be application/json (got "${ct}")`];
		if (parseError || !isObj(body))
			return [400, 'invalid_request', parseError || 'body must be a JSON object'];
		if (typeof body.method !== 'string') return [400, 'invalid_request', 'missing "method"'];
		if (body.method !== 'dial') {
			if (KNOWN_ACTIONS.has(body.method))
				return [
					400,
					'unsupported_call_state',
					`"${body.method}" can only be sent as a webhook answer (targeting a call via POST /v2/voice is UNVERIFIED)`,
				];
			return [400, 'invalid_request', `unknown method "${body.method}"`];
		}
		if (body.params !== undefined && !isObj(body.params))
			return [400, 'invalid_request', '"params" must be an object'];
		const to = params.to;
		const cid = params.caller_id_number;
		if (to === undefined || to === null || to === '') return [400, 'to_number_not_provided'];
		if (cid === undefined || cid === null || cid === '')
			return [400, 'caller_id_number_not_provided'];
		if (!isValidPhoneNumber(to))
			return [400, 'invalid_phone_number', `to "${to}" is not 8-15 digits with country code`];
		if (!isValidPhoneNumber(cid))
			return [
				400,
				'invalid_phone_number',
				`caller_id_number "${cid}" is not 8-15 digits with country code`,
			];
		if (!this._owns(cid)) return [400, 'caller_id_number_not_owned'];
		if (this.cfg.blocked[to]) return [200, this.cfg.blocked[to]];
		return null;
	}

	/** Resets the connection without an answer (a fault): nothing is placed. */
	_resetConnection(req, log, fault, outcome) {
		this._logRequest({ ...log, status: null, outcome, fault });
		req.socket.destroy();
	}

	/** The request body, or undefined when it was answered already (413) or the connection failed. */
	async _readVoiceBody(req, res, log) {
		try {
			return await readBody(req);
		} catch (e) {
			if (e && e.code === 'E2BIG') {
				this._logRequest({ ...log, status: 413, response: { status: 'request_too_large' } });
				this._json(res, 413, { status: 'request_too_large' });
			}
			return undefined;
		}
	}

	async _handleVoice(req, res, u) {
		const log = { method: req.method, path: u.pathname, authMethod: null, customerId: null };
		if (req.method !== 'POST') {
			this._logRequest({ ...log, status: 405, response: { status: 'method_not_allowed' } });
			return this._json(res, 405, { status: 'method_not_allowed' }, { Allow: 'POST' });
		}
		let fault = this._faults.next.length ? this._faults.next.shift() : null;
		if (fault && fault.reset === 'before')
			return this._resetConnection(
				req,
				log,
				fault,
				'connection reset before the body was read (dial not placed)',
			);
		const raw = await this._readVoiceBody(req, res, log);
		if (raw === undefined) return;
		const auth = this._authenticate(req, raw, u.pathname);
		log.authMethod = auth.authMethod;
		log.customerId = auth.customerId || null;
		const { body, parseError, logged } = parseBody(raw);
		log.body = logged;
		const params = isObj(body) && isObj(body.params) ? body.params : {};
		if (!fault && typeof params.to === 'string') {
			const q = this._faults.byNumber.get(params.to);
			if (q && q.length) fault = q.shift();
		}
		const latency = async () => {
			if (this.cfg.latencyMs) await this._sleep(this.cfg.latencyMs);
		};
		if (fault && fault.reset === 'before')
			return this._resetConnection(
				req,
				log,
				fault,
				'connection reset without answering (dial not placed)',
			);
		if (fault && fault.status !== undefined) return this._answerWithFault(res, log, fault, latency);
		return this._answerDial(req, res, u, { log, auth, body, params, parseError, fault, latency });
	}

	/** An authenticated, well-formed dial within the rate limit is placed; anything else is answered with why not. */
	_answerDial(req, res, u, { log, auth, body, params, parseError, fault, latency }) {
		const answer = async (status, respBody, extra = {}, headers = {}) => {
			this._logRequest({ ...log, status, response: respBody, ...extra });
			await latency();
			return this._json(res, status, respBody, headers);
		};
		if (!auth.ok) {
			const extra = { authError: auth.reason };
			if (auth.expectedStringToSign) extra.expectedStringToSign = auth.expectedStringToSign;
			return answer(401, { reference_id: this._newId(), status: auth.status }, extra);
		}
		const limited = this._takeRate();
		if (limited)
			return answer(
				429,
				{ status: 'rate_limit_exceeded' },
				{ outcome: 'rate limited (dial not placed)' },
				{ 'Retry-After': String(limited.retryAfter) },
			);

		const externalId =
			isObj(params) && params.external_id !== undefined && params.external_id !== null
				? String(params.external_id)
				: undefined;
		const reject = (status, code, why) => {
			const rb = { reference_id: this._newId(), status: code };
			if (externalId !== undefined) rb.external_id = externalId;
			return answer(status, rb, why ? { reason: why } : {});
		};
		const rejection = this._dialRejection(req, body, params, parseError);
		if (rejection) return reject(...rejection);
		return this._placeDial(req, res, u, { log, auth, body, params, externalId, fault, latency });
	}
}

/** The JSON body (undefined when empty), why it is not JSON, and what the request log keeps of it. */
function parseBody(raw) {
	const text = raw.toString('utf8');
	let body;
	let parseError = null;
	try {
		body = text.trim() ? JSON.parse(text) : undefined;
	} catch (e) {
		parseError = 'body is not valid JSON';
	}
	const logged = body !== undefined ? body : text.length > 2000 ? text.slice(0, 2000) + '…' : text;
	return { body, parseError, logged };
}

module.exports = VoiceApi;
