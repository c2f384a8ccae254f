'use strict';
/**
 * Local Telesign Voice simulator ("Engage API – Voice", POST /v2/voice + Recordings API).
 * Written only from Telesign's public documentation (https://developer.telesign.com/enterprise/docs/voice-get-started,
 * https://developer.telesign.com/enterprise/reference/voice-actions, .../voice-events). Node built-ins only.
 * See README.md next to this file for behaviour, configuration and the choices made where the
 * Telesign documentation is UNVERIFIED.
 */

const { EventEmitter } = require('events');
const http = require('http');
const crypto = require('crypto');
const {
	DEFAULT_ACCOUNT,
	DEFAULT_OWNED,
	BLOCK_STATUSES,
	KNOWN_OPTIONS,
	DEFAULT_CLOCK_START,
	isValidPhoneNumber,
	clone,
	isObj,
	clampMs,
	expandFaults,
	LEGAL_ACTIONS,
	fmtUtc,
} = require('./rules');
const { applyConfigPatch } = require('./config');

class TelesignSimulator extends EventEmitter {
	/**
	 * @param {object} [options]
	 * @param {{customerId: string, apiKey: string}[]} [options.accounts]
	 * @param {string[]} [options.ownedNumbers]   caller IDs "leased" by the accounts ('*' = any valid number)
	 * @param {string|null} [options.webhookUrl]
	 * @param {Record<string, PartyScript>} [options.callees] scripts for the remote party, keyed by number
	 * @param {Record<string, string>} [options.blocked] number → 200 status (to_number_blocked_* / premium_to_number_rejected)
	 * @param {{next?: Fault[], byNumber?: Record<string, Fault[]>}|Fault[]} [options.faults]
	 * @param {{maxPerWindow: number, windowMs: number, retryAfter?: number}|null} [options.rateLimit]
	 * @param {number} [options.latencyMs]       delay before every POST /v2/voice answer
	 * @param {number} [options.ringMs]          delay before dial_completed / a bridged leg answers (default 0)
	 * @param {number} [options.mediaMs]         duration of each speak/play (default 0)
	 * @param {number} [options.speechMsPerChar] a speak lasts this much longer per character of its message (default 0; ~70 is a normal pace)
	 * @param {boolean} [options.deterministic]
	 * @param {number} [options.seed]            implies deterministic; goes into the reference_id prefix
	 * @param {string} [options.clockStart]      deterministic clock start (ISO)
	 * @param {number} [options.clockStepMs]     deterministic clock step (default 1000)
	 * @param {'valid'|'none'|{apiKey: string, customerId?: string}} [options.eventSigning]
	 * @param {number} [options.webhookTimeoutMs] default 10000
	 * @param {number} [options.maxEventsPerCall] default 50
	 * @param {number} [options.clockSkewMs]     allowed Date/x-ts-date skew, default 15 min
	 * @param {boolean} [options.recordAll]      every answered call gets a recording
	 * @param {object[]} [options.recordings]    seeded recordings ({reference_id, date?, status?, duration?, readyAfterMs?, transcribe?, file_name?})
	 * @param {number} [options.recordingReadyMs] a recorded call's file stays "recording" this long after the call ends (default 0)
	 * @param {number} [options.recordingUrlTtlMs] how long a download link stays valid (default 1 h)
	 * @param {number} [options.expireRecordingUrls] the next n download links handed out are already expired
	 * @param {boolean} [options.acceptArrayResponses] act on a one-element JSON array webhook answer (default false)
	 * @param {number} [options.port]
	 * @param {string} [options.host]
	 * @param {boolean} [options.requireJsonContentType] default true
	 */
	constructor(options = {}) {
		super();
		this._initialOptions = clone(options) || {};
		this.cfg = {
			accounts: [DEFAULT_ACCOUNT],
			ownedNumbers: [...DEFAULT_OWNED],
			webhookUrl: null,
			inboundWebhookUrl: null,
			callees: {},
			blocked: {},
			rateLimit: null,
			latencyMs: 0,
			ringMs: 0,
			mediaMs: 0,
			speechMsPerChar: 0,
			eventSigning: 'valid',
			webhookTimeoutMs: 10000,
			maxEventsPerCall: 50,
			clockSkewMs: 15 * 60 * 1000,
			recordAll: false,
			acceptArrayResponses: false,
			requireJsonContentType: true,
			deterministic: false,
			seed: 0,
			clockStart: DEFAULT_CLOCK_START,
			clockStepMs: 1000,
			recordingsPageSize: 10,
			recordingReadyMs: 0,
			recordingUrlTtlMs: 3600 * 1000,
		};
		this.port = options.port || 0;
		this.host = options.host || '127.0.0.1';
		this.url = null;
		this._server = null;
		this._stopped = false;
		this._epoch = 0;
		this._timers = new Set();
		this._inflight = new Set();
		this._waiters = new Set();
		const o = { ...options };
		for (const k of Object.keys(o))
			if (!KNOWN_OPTIONS.has(k)) throw new TypeError(`unknown simulator option "${k}"`);
		if (o.seed !== undefined) o.deterministic = true;
		if (o.deterministic !== undefined) this.cfg.deterministic = !!o.deterministic;
		if (o.seed !== undefined) this.cfg.seed = Number(o.seed) >>> 0;
		if (o.clockStart !== undefined) {
			if (Number.isNaN(Date.parse(o.clockStart)))
				throw new TypeError('clockStart must be an ISO date');
			this.cfg.clockStart = o.clockStart;
		}
		if (o.clockStepMs !== undefined) this.cfg.clockStepMs = clampMs(o.clockStepMs, 'clockStepMs');
		if (o.clockSkewMs !== undefined) this.cfg.clockSkewMs = Number(o.clockSkewMs);
		if (o.recordingsPageSize !== undefined)
			this.cfg.recordingsPageSize = Number(o.recordingsPageSize);
		this.configure(o, { initial: true });
		this._resetState();
	}

	// ───────────────────────────── configuration ─────────────────────────────

	/**
	 * Merge configuration at runtime (same as POST /_sim/config).
	 * callees/blocked merge per number (null deletes); faults are appended; other keys replace.
	 * @param {object} patch
	 * @returns {object} the effective public config (no API keys)
	 */
	configure(patch = {}, { initial = false } = {}) {
		const p = patch || {};
		applyConfigPatch(this.cfg, p);
		// A new limit starts with an empty window.
		if (p.rateLimit !== undefined && this._rateLog) this._rateLog = [];
		if (p.faults !== undefined && !initial) this._addFaults(p.faults);
		if (p.recordings !== undefined && !initial)
			for (const r of p.recordings) this._recordings.push(this._seedRecording(r));
		if (p.expireRecordingUrls !== undefined && !initial)
			this.expireNextRecordingUrls(p.expireRecordingUrls);
		return this.publicConfig();
	}

	/** Effective configuration without secrets. */
	publicConfig() {
		const c = clone({ ...this.cfg, accounts: undefined, eventSigning: undefined });
		c.accounts = this.cfg.accounts.map((a) => ({ customerId: a.customerId }));
		c.eventSigning =
			typeof this.cfg.eventSigning === 'string' ? this.cfg.eventSigning : 'custom-key';
		c.pendingFaults = {
			next: this._faults ? this._faults.next.length : 0,
			byNumber: this._faults
				? Object.fromEntries([...this._faults.byNumber].map(([k, v]) => [k, v.length]))
				: {},
		};
		return c;
	}

	_addFaults(f) {
		if (f === null || f === undefined) return;
		if (Array.isArray(f)) {
			this._faults.next.push(...expandFaults(f));
			return;
		}
		if (!isObj(f))
			throw new TypeError('faults must be {next?: [...], byNumber?: {number: [...]}} or an array');
		if (f.next) this._faults.next.push(...expandFaults(f.next));
		if (f.byNumber) {
			for (const [num, list] of Object.entries(f.byNumber)) {
				const q = this._faults.byNumber.get(num) || [];
				q.push(...expandFaults(list));
				this._faults.byNumber.set(num, q);
			}
		}
	}

	/**
	 * Queue a fault for POST /v2/voice.
	 * @param {Fault} fault
	 * @param {{to?: string, times?: number}} [where] with `to`: consumed by requests dialing that number; otherwise by the next requests
	 */
	injectFault(fault, where = {}) {
		const list = [{ ...fault, times: where.times !== undefined ? where.times : fault.times }];
		if (where.to) this._addFaults({ byNumber: { [where.to]: list } });
		else this._addFaults({ next: list });
	}

	/** Drop every queued fault. */
	clearFaults() {
		this._faults = { next: [], byNumber: new Map() };
	}

	// ───────────────────────────── state ─────────────────────────────

	/** Ends what is pending: timers resolve at once, in-flight webhook requests and waits fail with these messages. */
	_cancelPending(requestMessage, waitMessage) {
		this._epoch++;
		for (const t of this._timers) {
			clearTimeout(t.handle);
			t.resolve();
		}
		this._timers.clear();
		for (const r of this._inflight) r.destroy(new Error(requestMessage));
		this._inflight.clear();
		for (const w of this._waiters) w.fail(new Error(waitMessage));
		this._waiters.clear();
	}

	_resetState() {
		this._cancelPending('simulator reset', 'simulator was reset while waiting');
		/** @type {Map<string, any>} */
		this._calls = new Map();
		this._requests = [];
		this._dials = [];
		this._latencies = [];
		this._nonces = new Map();
		this._rateLog = [];
		this._idCounter = 0;
		this._callCounter = 0;
		this._reqSeq = 0;
		this._globalClock = Date.parse(this.cfg.clockStart);
		this._faults = { next: [], byNumber: new Map() };
		this._addFaults(this._initialOptions.faults);
		this._recordings = (this._initialOptions.recordings || []).map((r) => this._seedRecording(r));
		this._storageLog = [];
		this._expiredUrlsLeft = Number(this._initialOptions.expireRecordingUrls || 0);
	}

	/** Clear calls, logs, nonces, rate-limit window, counters, recordings (back to the seeded ones) and fault queues (back to the constructor's). Config changes made at runtime are kept. */
	reset() {
		this._resetState();
	}

	_newId() {
		this._idCounter++;
		if (this.cfg.deterministic) {
			return (
				this.cfg.seed.toString(16).padStart(8, '0') + this._idCounter.toString(16).padStart(24, '0')
			).toUpperCase();
		}
		return crypto.randomBytes(16).toString('hex').toUpperCase();
	}

	/** Current time (ms). Deterministic mode: a logical clock per call (or global), advancing by clockStepMs per reading. */
	_now(call) {
		if (!this.cfg.deterministic) return Date.now();
		if (call) {
			call._clock += this.cfg.clockStepMs;
			return call._clock;
		}
		this._globalClock += this.cfg.clockStepMs;
		return this._globalClock;
	}
	_advance(call, ms) {
		if (this.cfg.deterministic && call) call._clock += ms;
	}

	/** Stoppable sleep: resolves early (and the caller checks _alive) on stop/reset. */
	_sleep(ms) {
		if (!ms || ms <= 0) return Promise.resolve();
		return new Promise((resolve) => {
			const t = { handle: null, resolve };
			t.handle = setTimeout(() => {
				this._timers.delete(t);
				resolve();
			}, ms);
			this._timers.add(t);
		});
	}

	_alive(call) {
		return !this._stopped && call._epoch === this._epoch;
	}

	_party(number) {
		return {
			answer: 'answered',
			digits: [],
			hangupDuring: null,
			talkMs: 0,
			record: false,
			...(this.cfg.callees[number] || {}),
		};
	}

	_owns(number) {
		return this.cfg.ownedNumbers.includes('*')
			? isValidPhoneNumber(number)
			: this.cfg.ownedNumbers.includes(number);
	}

	// ───────────────────────────── server lifecycle ─────────────────────────────

	/**
	 * Start listening.
	 * @param {{port?: number, host?: string}} [o]
	 * @returns {Promise<{url: string, port: number, host: string}>}
	 */
	async start(o = {}) {
		if (this._server) return { url: this.url, port: this.port, host: this.host };
		const port = o.port !== undefined ? o.port : this.port;
		const host = o.host || this.host;
		this._stopped = false;
		const server = http.createServer((req, res) => {
			this._handle(req, res).catch((err) => {
				try {
					if (!res.headersSent)
						this._json(res, 500, {
							status: 'internal_server_error',
							description: String(err && err.message),
						});
					else res.destroy();
				} catch {
					/* ignore */
				}
			});
		});
		server.keepAliveTimeout = 5000;
		await new Promise((resolve, reject) => {
			server.once('error', reject);
			server.listen(port, host, () => {
				server.off('error', reject);
				resolve();
			});
		});
		this._server = server;
		const addr = /** @type {import('net').AddressInfo} */ (server.address());
		this.port = addr.port;
		this.host = host;
		const h = host.includes(':') ? `[${host}]` : host;
		this.url = `http://${h}:${addr.port}`;
		return { url: this.url, port: this.port, host: this.host };
	}

	/** Stop: close the server and every connection, cancel timers and in-flight webhook requests, fail pending waits. */
	async stop() {
		this._stopped = true;
		this._cancelPending('simulator stopped', 'simulator stopped while waiting');
		const server = this._server;
		this._server = null;
		if (server) {
			await new Promise((resolve) => {
				server.close(() => resolve());
				if (server.closeAllConnections) server.closeAllConnections();
			});
		}
	}
}

// The class is written in parts by concern; each part's methods join the prototype here.
for (const Part of [
	require('./readApi'),
	require('./callFlow'),
	require('./voiceApi'),
	require('./recordingsApi'),
	require('./recordingFiles'),
	require('./controlApi'),
]) {
	for (const name of Object.getOwnPropertyNames(Part.prototype)) {
		if (name !== 'constructor')
			Object.defineProperty(
				TelesignSimulator.prototype,
				name,
				Object.getOwnPropertyDescriptor(Part.prototype, name),
			);
	}
}

module.exports = {
	TelesignSimulator,
	DEFAULT_ACCOUNT,
	DEFAULT_OWNED,
	LEGAL_ACTIONS,
	BLOCK_STATUSES,
	isValidPhoneNumber,
	fmtUtc,
};
