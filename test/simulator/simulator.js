'use strict';
/**
 * Local Telesign Voice simulator ("Engage API – Voice", POST /v2/voice + Recordings API).
 * Written only from Telesign's public documentation (https://developer.telesign.com/enterprise/docs/voice-get-started,
 * https://developer.telesign.com/enterprise/reference/voice-actions, .../voice-events). Node built-ins only.
 * See README.md next to this file for behaviour, configuration and the choices made where the
 * Telesign documentation is UNVERIFIED.
 */
const http = require('http');
const crypto = require('crypto');
const { EventEmitter } = require('events');
const { URL } = require('url');
const tc = require('./crypto');
const { postEvent, readBody } = require('./http-util');

/** Default account accepted when none is configured. The API key is base64 text, as Telesign keys are. */
const DEFAULT_ACCOUNT = Object.freeze({
	customerId: 'SIMCUST0-0000-4000-8000-000000000001',
	apiKey: Buffer.from('telesign-voice-simulator-api-key').toString('base64'),
});
const DEFAULT_OWNED = Object.freeze(['15550000001']);

const BLOCK_STATUSES = new Set([
	'premium_to_number_rejected',
	'to_number_blocked_by_country',
	'to_number_blocked_by_customer',
	'to_number_blocked_by_telesign',
]);
const ANSWERS = new Set(['answered', 'busy', 'no_answer', 'failed']);
const HANGUP_DURING = new Set(['speak', 'play', 'bridge']);
const KNOWN_ACTIONS = new Set(['dial', 'speak', 'play', 'play_multiple', 'send_dtmf', 'hangup']);
const AFTER_MEDIA = ['speak', 'play', 'play_multiple', 'hangup', 'dial'];
/** Which action may answer which event (https://developer.telesign.com/enterprise/reference/voice-actions for the first two; the rest follow the demos, UNVERIFIED). */
const LEGAL_ACTIONS = Object.freeze({
	incoming_call: ['hangup', 'speak', 'play', 'play_multiple', 'dial'],
	dial_completed: ['speak', 'play', 'play_multiple', 'hangup', 'send_dtmf'],
	speak_completed: AFTER_MEDIA,
	play_completed: AFTER_MEDIA,
	call_leg_completed: AFTER_MEDIA,
});
/** Telesign's number format: digits only, full international number; the simulator's rule: 8–15 digits, no leading 0. */
const PHONE_RE = /^[1-9][0-9]{7,14}$/;
const DTMF_RE = /^[0-9A-Dw*#]*$/;
const REC_DATE_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;
const KNOWN_OPTIONS = new Set([
	'accounts', 'ownedNumbers', 'webhookUrl', 'inboundWebhookUrl', 'callees', 'blocked', 'faults', 'rateLimit', 'latencyMs', 'ringMs', 'mediaMs',
	'deterministic', 'seed', 'clockStart', 'clockStepMs', 'eventSigning', 'webhookTimeoutMs', 'maxEventsPerCall', 'clockSkewMs',
	'recordAll', 'recordings', 'recordingsPageSize', 'acceptArrayResponses', 'requireJsonContentType', 'port', 'host', '$comment',
]);
const MAX_WAIT_MS = 4 * 3600 * 1000;
const DEFAULT_CLOCK_START = '2024-01-01T00:00:00.000Z';

/** @param {string} n */
function isValidPhoneNumber(n) {
	return typeof n === 'string' && PHONE_RE.test(n);
}
/** UTC timestamp in Telesign's CDR style (`2019-03-15T06:48:24.151`, no Z). @param {number} ms */
function fmtUtc(ms) {
	return new Date(ms).toISOString().slice(0, 23);
}
/** @param {number} ms */
function fmtRecDate(ms) {
	return new Date(ms).toISOString().slice(0, 19);
}
/** @template T @param {T} v @returns {T} */
function clone(v) {
	return v === undefined ? v : JSON.parse(JSON.stringify(v));
}
function isObj(v) {
	return v !== null && typeof v === 'object' && !Array.isArray(v);
}
function clampMs(v, name) {
	if (v === undefined || v === null) return 0;
	const n = Number(v);
	if (!Number.isFinite(n) || n < 0) throw new TypeError(`${name} must be a number >= 0`);
	return Math.min(n, MAX_WAIT_MS);
}

/**
 * @typedef {{status?: number, retryAfter?: number, delayMs?: number, reset?: 'before'|'after', body?: object, times?: number}} Fault
 * @typedef {{answer?: 'answered'|'busy'|'no_answer'|'failed', digits?: string[]|string, hangupDuring?: 'speak'|'play'|'bridge'|null, talkMs?: number, record?: boolean}} PartyScript
 */

function normalizeFault(f) {
	if (!isObj(f)) throw new TypeError('a fault must be an object');
	const out = {};
	if (f.status !== undefined) {
		const s = Number(f.status);
		if (!Number.isInteger(s) || s < 100 || s > 599) throw new TypeError(`fault.status must be an HTTP status, got ${f.status}`);
		out.status = s;
	}
	if (f.retryAfter !== undefined) out.retryAfter = Number(f.retryAfter);
	if (f.delayMs !== undefined) out.delayMs = clampMs(f.delayMs, 'fault.delayMs');
	if (f.reset !== undefined) {
		if (f.reset !== 'before' && f.reset !== 'after') throw new TypeError("fault.reset must be 'before' or 'after'");
		out.reset = f.reset;
	}
	if (f.body !== undefined) out.body = f.body;
	if (out.status === undefined && out.delayMs === undefined && out.reset === undefined)
		throw new TypeError('a fault needs status, delayMs or reset');
	return out;
}
/** @param {Fault[]|Fault} list @returns {Fault[]} */
function expandFaults(list) {
	const arr = Array.isArray(list) ? list : [list];
	const out = [];
	for (const f of arr) {
		const times = f && f.times !== undefined ? Math.min(Math.max(0, Math.floor(Number(f.times))), 100000) : 1;
		const nf = normalizeFault(f);
		for (let i = 0; i < times; i++) out.push({ ...nf });
	}
	return out;
}
function normalizeParty(num, p) {
	if (!isObj(p)) throw new TypeError(`callees["${num}"] must be an object`);
	const out = {};
	if (p.answer !== undefined) {
		if (!ANSWERS.has(p.answer)) throw new TypeError(`callees["${num}"].answer must be one of ${[...ANSWERS].join(', ')}`);
		out.answer = p.answer;
	}
	if (p.digits !== undefined) {
		const d = Array.isArray(p.digits) ? p.digits : [p.digits];
		out.digits = d.map((x) => String(x == null ? '' : x));
	}
	if (p.hangupDuring !== undefined && p.hangupDuring !== null) {
		if (!HANGUP_DURING.has(p.hangupDuring)) throw new TypeError(`callees["${num}"].hangupDuring must be speak, play, bridge or null`);
		out.hangupDuring = p.hangupDuring;
	}
	if (p.talkMs !== undefined) out.talkMs = clampMs(p.talkMs, `callees["${num}"].talkMs`);
	if (p.record !== undefined) out.record = !!p.record;
	return out;
}

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
	 * @param {boolean} [options.deterministic]
	 * @param {number} [options.seed]            implies deterministic; goes into the reference_id prefix
	 * @param {string} [options.clockStart]      deterministic clock start (ISO)
	 * @param {number} [options.clockStepMs]     deterministic clock step (default 1000)
	 * @param {'valid'|'none'|{apiKey: string, customerId?: string}} [options.eventSigning]
	 * @param {number} [options.webhookTimeoutMs] default 10000
	 * @param {number} [options.maxEventsPerCall] default 50
	 * @param {number} [options.clockSkewMs]     allowed Date/x-ts-date skew, default 15 min
	 * @param {boolean} [options.recordAll]      every answered call gets a recording
	 * @param {object[]} [options.recordings]    seeded recordings
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
		for (const k of Object.keys(o)) if (!KNOWN_OPTIONS.has(k)) throw new TypeError(`unknown simulator option "${k}"`);
		if (o.seed !== undefined) o.deterministic = true;
		if (o.deterministic !== undefined) this.cfg.deterministic = !!o.deterministic;
		if (o.seed !== undefined) this.cfg.seed = Number(o.seed) >>> 0;
		if (o.clockStart !== undefined) {
			if (Number.isNaN(Date.parse(o.clockStart))) throw new TypeError('clockStart must be an ISO date');
			this.cfg.clockStart = o.clockStart;
		}
		if (o.clockStepMs !== undefined) this.cfg.clockStepMs = clampMs(o.clockStepMs, 'clockStepMs');
		if (o.clockSkewMs !== undefined) this.cfg.clockSkewMs = Number(o.clockSkewMs);
		if (o.recordingsPageSize !== undefined) this.cfg.recordingsPageSize = Number(o.recordingsPageSize);
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
		const cfg = this.cfg;
		if (p.accounts !== undefined) {
			if (!Array.isArray(p.accounts) || p.accounts.length === 0) throw new TypeError('accounts must be a non-empty array');
			cfg.accounts = p.accounts.map((a) => {
				if (!a || typeof a.customerId !== 'string' || typeof a.apiKey !== 'string' || !a.customerId || !a.apiKey)
					throw new TypeError('each account needs customerId and apiKey strings');
				return { customerId: a.customerId, apiKey: a.apiKey };
			});
		}
		if (p.ownedNumbers !== undefined) {
			const list = typeof p.ownedNumbers === 'string' ? p.ownedNumbers.split(',') : p.ownedNumbers;
			if (!Array.isArray(list)) throw new TypeError('ownedNumbers must be an array');
			cfg.ownedNumbers = list.map((n) => String(n).trim()).filter(Boolean);
		}
		if (p.webhookUrl !== undefined) {
			if (p.webhookUrl !== null) new URL(p.webhookUrl); // throws on a bad URL
			cfg.webhookUrl = p.webhookUrl;
		}
		if (p.inboundWebhookUrl !== undefined) {
			if (p.inboundWebhookUrl !== null) new URL(p.inboundWebhookUrl);
			cfg.inboundWebhookUrl = p.inboundWebhookUrl;
		}
		if (p.callees !== undefined) {
			if (!isObj(p.callees)) throw new TypeError('callees must be an object keyed by number');
			for (const [num, script] of Object.entries(p.callees)) {
				if (script === null) delete cfg.callees[num];
				else cfg.callees[num] = { ...(cfg.callees[num] || {}), ...normalizeParty(num, script) };
			}
		}
		if (p.blocked !== undefined) {
			if (!isObj(p.blocked)) throw new TypeError('blocked must be an object keyed by number');
			for (const [num, status] of Object.entries(p.blocked)) {
				if (status === null) delete cfg.blocked[num];
				else if (!BLOCK_STATUSES.has(status)) throw new TypeError(`blocked["${num}"] must be one of ${[...BLOCK_STATUSES].join(', ')}`);
				else cfg.blocked[num] = status;
			}
		}
		if (p.rateLimit !== undefined) {
			if (p.rateLimit === null) cfg.rateLimit = null;
			else {
				const r = p.rateLimit;
				const max = Number(r.maxPerWindow);
				const win = Number(r.windowMs);
				if (!Number.isInteger(max) || max < 0 || !(win > 0)) throw new TypeError('rateLimit needs maxPerWindow (int >= 0) and windowMs (> 0)');
				cfg.rateLimit = { maxPerWindow: max, windowMs: win };
				if (r.retryAfter !== undefined) cfg.rateLimit.retryAfter = Number(r.retryAfter);
			}
			if (this._rateLog) this._rateLog = [];
		}
		for (const k of ['latencyMs', 'ringMs', 'mediaMs']) if (p[k] !== undefined) cfg[k] = clampMs(p[k], k);
		if (p.webhookTimeoutMs !== undefined) cfg.webhookTimeoutMs = Math.max(1, clampMs(p.webhookTimeoutMs, 'webhookTimeoutMs'));
		if (p.maxEventsPerCall !== undefined) cfg.maxEventsPerCall = Math.max(1, Math.min(10000, Number(p.maxEventsPerCall) || 50));
		if (p.eventSigning !== undefined) {
			const s = p.eventSigning;
			if (!(s === 'valid' || s === 'none' || (isObj(s) && typeof s.apiKey === 'string')))
				throw new TypeError("eventSigning must be 'valid', 'none' or {apiKey, customerId?}");
			cfg.eventSigning = s;
		}
		for (const k of ['recordAll', 'acceptArrayResponses', 'requireJsonContentType']) if (p[k] !== undefined) cfg[k] = !!p[k];
		if (p.faults !== undefined && !initial) this._addFaults(p.faults);
		if (p.recordings !== undefined && !initial) for (const r of p.recordings) this._recordings.push(this._seedRecording(r));
		return this.publicConfig();
	}

	/** Effective configuration without secrets. */
	publicConfig() {
		const c = clone({ ...this.cfg, accounts: undefined, eventSigning: undefined });
		c.accounts = this.cfg.accounts.map((a) => ({ customerId: a.customerId }));
		c.eventSigning = typeof this.cfg.eventSigning === 'string' ? this.cfg.eventSigning : 'custom-key';
		c.pendingFaults = {
			next: this._faults ? this._faults.next.length : 0,
			byNumber: this._faults ? Object.fromEntries([...this._faults.byNumber].map(([k, v]) => [k, v.length])) : {},
		};
		return c;
	}

	_addFaults(f) {
		if (f === null || f === undefined) return;
		if (Array.isArray(f)) {
			this._faults.next.push(...expandFaults(f));
			return;
		}
		if (!isObj(f)) throw new TypeError('faults must be {next?: [...], byNumber?: {number: [...]}} or an array');
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

	_resetState() {
		this._epoch++;
		for (const t of this._timers) {
			clearTimeout(t.handle);
			t.resolve();
		}
		this._timers.clear();
		for (const r of this._inflight) r.destroy(new Error('simulator reset'));
		this._inflight.clear();
		for (const w of this._waiters) w.fail(new Error('simulator was reset while waiting'));
		this._waiters.clear();
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
		return { answer: 'answered', digits: [], hangupDuring: null, talkMs: 0, record: false, ...(this.cfg.callees[number] || {}) };
	}

	_owns(number) {
		return this.cfg.ownedNumbers.includes('*') ? isValidPhoneNumber(number) : this.cfg.ownedNumbers.includes(number);
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
					if (!res.headersSent) this._json(res, 500, { status: 'internal_server_error', description: String(err && err.message) });
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
		this._epoch++;
		for (const t of this._timers) {
			clearTimeout(t.handle);
			t.resolve();
		}
		this._timers.clear();
		for (const r of this._inflight) r.destroy(new Error('simulator stopped'));
		this._inflight.clear();
		for (const w of this._waiters) w.fail(new Error('simulator stopped while waiting'));
		this._waiters.clear();
		const server = this._server;
		this._server = null;
		if (server) {
			await new Promise((resolve) => {
				server.close(() => resolve());
				if (server.closeAllConnections) server.closeAllConnections();
			});
		}
	}

	// ───────────────────────────── read API ─────────────────────────────

	_summary(call) {
		return {
			reference_id: call.reference_id,
			external_id: call.external_id,
			direction: call.direction,
			customer_id: call.customer_id,
			from: call.from,
			to: call.to,
			state: call.state,
			states: [...call.states],
			status: call.status,
			created_on_utc: call.created_on_utc,
			answered_on_utc: call.answered_on_utc,
			ended_on_utc: call.ended_on_utc,
			duration: call.duration,
			audio_recording_file_name: call.audio_recording_file_name,
			events: call.entries.filter((e) => e.type === 'event').map((e) => e.event),
			legs: clone(call.legs),
		};
	}
	_snapshot(call) {
		return { ...this._summary(call), entries: clone(call.entries) };
	}
	/** All calls, in creation order, each with its ordered log entries. */
	calls() {
		return [...this._calls.values()].map((c) => this._snapshot(c));
	}
	/** One call (or undefined). @param {string} refId */
	call(refId) {
		const c = this._calls.get(refId);
		return c ? this._snapshot(c) : undefined;
	}
	/** Every API request (POST /v2/voice, recordings) with the status answered. Never contains keys or Authorization values. */
	requests() {
		return clone(this._requests);
	}
	/** Dials placed (accepted POST /v2/voice dials), in order. */
	dialsPlaced() {
		return clone(this._dials);
	}
	/**
	 * Groups of dials placed more than once.
	 * @param {{by?: 'external_id'|'to'}} [o]
	 * @returns {{key: string, external_id?: string, to?: string, count: number, reference_ids: string[]}[]}
	 */
	duplicateDials(o = {}) {
		const by = o.by || 'external_id';
		const groups = new Map();
		for (const d of this._dials) {
			const k = d[by];
			if (k === undefined || k === null || k === '') continue;
			if (!groups.has(k)) groups.set(k, []);
			groups.get(k).push(d.reference_id);
		}
		const out = [];
		for (const [k, ids] of groups) if (ids.length > 1) out.push({ key: k, [by]: k, count: ids.length, reference_ids: ids });
		return out;
	}
	/** Count of dials placed per key. @param {'external_id'|'to'} [by] @returns {Record<string, number>} */
	dialCounts(by = 'to') {
		const out = {};
		for (const d of this._dials) {
			const k = d[by];
			if (k === undefined || k === null) continue;
			out[k] = (out[k] || 0) + 1;
		}
		return out;
	}
	/** Webhook round-trip time per event posted: {reference_id, event, latencyMs, webhookStatus, error}. */
	eventLatencies() {
		return clone(this._latencies);
	}
	/** Current recordings (including seeded ones). */
	recordings() {
		return clone(this._recordings);
	}

	/**
	 * Resolve when a call reaches a state (it resolves at once if the call has already been in that state).
	 * 'completed' is reached after the call_completed event has been delivered (or failed to be).
	 * @param {string|((call: object) => boolean)} target reference_id, or a predicate on a call summary (no entries)
	 * @param {{state?: string, timeoutMs?: number}} [o]
	 * @returns {Promise<object>} the call snapshot
	 */
	waitForCall(target, o = {}) {
		const state = o.state || 'completed';
		const timeoutMs = o.timeoutMs === undefined ? 5000 : o.timeoutMs;
		const matches = (call) => {
			if (typeof target === 'string' ? call.reference_id !== target : !target(this._summary(call))) return false;
			return call.states.includes(state);
		};
		return new Promise((resolve, reject) => {
			for (const c of this._calls.values()) if (matches(c)) return resolve(this._snapshot(c));
			const w = {
				check: (c) => {
					if (matches(c)) {
						cleanup();
						resolve(this._snapshot(c));
					}
				},
				fail: (err) => {
					cleanup();
					reject(err);
				},
			};
			const timer = setTimeout(() => {
				const c = typeof target === 'string' ? this._calls.get(target) : undefined;
				w.fail(
					new Error(
						`waitForCall: timed out after ${timeoutMs} ms waiting for state "${state}"` +
							(c ? ` (call ${c.reference_id} is "${c.state}", states ${c.states.join(' → ')})` : typeof target === 'string' ? ` (no call ${target})` : ''),
					),
				);
			}, timeoutMs);
			const cleanup = () => {
				clearTimeout(timer);
				this._waiters.delete(w);
			};
			this._waiters.add(w);
		});
	}

	/**
	 * Resolve when `count` calls matching `predicate` reached `state`.
	 * @param {number} count
	 * @param {{state?: string, timeoutMs?: number, predicate?: (c: object) => boolean}} [o]
	 */
	async waitForCalls(count, o = {}) {
		const state = o.state || 'completed';
		const pred = o.predicate || (() => true);
		const timeoutMs = o.timeoutMs === undefined ? 10000 : o.timeoutMs;
		const done = () => [...this._calls.values()].filter((c) => c.states.includes(state) && pred(this._summary(c)));
		if (done().length >= count) return done().map((c) => this._snapshot(c));
		return new Promise((resolve, reject) => {
			const w = {
				check: () => {
					const d = done();
					if (d.length >= count) {
						cleanup();
						resolve(d.map((c) => this._snapshot(c)));
					}
				},
				fail: (err) => {
					cleanup();
					reject(err);
				},
			};
			const timer = setTimeout(() => w.fail(new Error(`waitForCalls: only ${done().length}/${count} calls reached "${state}" within ${timeoutMs} ms`)), timeoutMs);
			const cleanup = () => {
				clearTimeout(timer);
				this._waiters.delete(w);
			};
			this._waiters.add(w);
		});
	}

	// ───────────────────────────── call model ─────────────────────────────

	_createCall({ direction, from, to, customerId, externalId, requestEntry, digits }) {
		const n = ++this._callCounter;
		const call = {
			reference_id: this._newId(),
			external_id: externalId,
			direction,
			customer_id: customerId,
			from,
			to,
			state: null,
			states: [],
			status: null,
			created_on_utc: null,
			answered_on_utc: null,
			ended_on_utc: null,
			duration: null,
			audio_recording_file_name: null,
			legs: [],
			entries: [],
			_epoch: this._epoch,
			_clock: Date.parse(this.cfg.clockStart) + (n - 1) * 3600 * 1000,
			_createdMs: 0,
			_answeredMs: null,
			_events: 0,
			_digits: null,
			_digitIdx: 0,
			_started: false,
			_ending: false,
		};
		call._createdMs = this._now(call);
		call.created_on_utc = fmtUtc(call._createdMs);
		const party = this._party(direction === 'outbound' ? to : from);
		call._digits = digits !== undefined ? (Array.isArray(digits) ? digits : [digits]).map((d) => String(d)) : [...party.digits];
		this._calls.set(call.reference_id, call);
		if (requestEntry) this._entry(call, requestEntry);
		this._setState(call, direction === 'outbound' ? 'dialing' : 'ringing');
		return call;
	}

	_entry(call, e) {
		const entry = { seq: call.entries.length + 1, t: fmtUtc(this._now(call)), ...e };
		call.entries.push(entry);
		return entry;
	}

	_setState(call, state) {
		const from = call.state;
		call.state = state;
		if (!call.states.includes(state)) call.states.push(state);
		this._entry(call, { type: 'state', from, to: state });
		this.emit('call:state', { reference_id: call.reference_id, from, to: state });
		for (const w of [...this._waiters]) w.check(call);
	}

	_answer(call) {
		if (call._answeredMs !== null) return;
		call._answeredMs = this._now(call);
		call.answered_on_utc = fmtUtc(call._answeredMs);
		this._setState(call, 'answered');
	}

	/** Start the scripted flow of an outbound call once its API response has gone out. */
	_startFlow(call) {
		if (call._started) return;
		call._started = true;
		const run = call.direction === 'outbound' ? this._runOutbound(call) : this._runInbound(call);
		run.catch((err) => {
			if (this._alive(call)) {
				this._entry(call, { type: 'error', code: 'simulator_error', message: String(err && err.stack ? err.stack : err) });
				this.emit('error:flow', err);
			}
		});
	}

	async _runOutbound(call) {
		const callee = this._party(call.to);
		await this._sleep(this.cfg.ringMs);
		this._advance(call, this.cfg.ringMs);
		if (!this._alive(call)) return;
		if (callee.answer !== 'answered') {
			this._entry(call, { type: 'note', message: `callee ${call.to} scripted as ${callee.answer}` });
			const r = await this._postCallEvent(call, 'dial_completed', { to: call.to, from: call.from, status: callee.answer });
			if (!this._alive(call)) return;
			if (r.action) this._entry(call, { type: 'action_ignored', inResponseTo: 'dial_completed', method: r.action.method, reason: 'call was not answered' });
			return this._complete(call, callee.answer);
		}
		this._answer(call);
		const r = await this._postCallEvent(call, 'dial_completed', { to: call.to, from: call.from, status: 'answered' });
		return this._actionLoop(call, 'dial_completed', r);
	}

	async _runInbound(call) {
		const r = await this._postCallEvent(call, 'incoming_call', { to: call.to, from: call.from });
		return this._actionLoop(call, 'incoming_call', r);
	}

	async _actionLoop(call, event, res) {
		let ev = event;
		let r = res;
		while (this._alive(call) && !call._ending) {
			const action = r.action;
			if (!action) {
				this._entry(call, { type: 'no_action', inResponseTo: ev, reason: r.reason, result: 'hangup' });
				return this._complete(call, 'hangup');
			}
			const legal = LEGAL_ACTIONS[ev] || [];
			if (!legal.includes(action.method)) {
				this._entry(call, {
					type: 'error',
					code: 'unsupported_call_state',
					inResponseTo: ev,
					method: action.method,
					message: KNOWN_ACTIONS.has(action.method)
						? `"${action.method}" is not allowed in answer to ${ev} (allowed: ${legal.join(', ')})`
						: `unknown action "${action.method}"`,
				});
				return this._complete(call, 'unsupported_call_state');
			}
			const invalid = validateActionParams(action);
			if (invalid) {
				this._entry(call, { type: 'error', code: 'invalid_action', inResponseTo: ev, method: action.method, message: invalid });
				return this._complete(call, 'invalid_action');
			}
			if (call._events >= this.cfg.maxEventsPerCall) {
				this._entry(call, { type: 'error', code: 'max_events_exceeded', message: `more than ${this.cfg.maxEventsPerCall} events in one call (simulator safety limit)` });
				return this._complete(call, 'max_events_exceeded');
			}
			this._entry(call, { type: 'action', inResponseTo: ev, method: action.method, params: clone(action.params), warnings: actionWarnings(action) });
			const next = await this._perform(call, action);
			if (!next) return;
			ev = next.event;
			r = next.res;
		}
	}

	_nextDigits(call, collect) {
		let d = call._digitIdx < call._digits.length ? call._digits[call._digitIdx] : '';
		call._digitIdx++;
		if (collect && Number.isInteger(collect.max) && collect.max > 0) d = d.slice(0, collect.max);
		return d;
	}

	/** Carry out one action. Returns the next event + webhook answer, or null when the call ended. */
	async _perform(call, action) {
		const p = action.params || {};
		const remote = this._party(call.direction === 'outbound' ? call.to : call.from);
		switch (action.method) {
			case 'hangup':
				return this._complete(call, 'hangup').then(() => null);
			case 'speak':
			case 'play':
			case 'play_multiple': {
				const kind = action.method === 'speak' ? 'speak' : 'play';
				this._answer(call);
				if (remote.hangupDuring === kind) {
					this._entry(call, { type: 'note', message: `remote party hung up during ${action.method}` });
					await this._complete(call, 'hangup');
					return null;
				}
				await this._sleep(this.cfg.mediaMs);
				this._advance(call, this.cfg.mediaMs);
				if (!this._alive(call)) return null;
				const data = { status: kind === 'speak' ? 'speak_successful' : 'play_successful' };
				if (isObj(p.collect_digits)) data.collected_digits = this._nextDigits(call, p.collect_digits);
				const event = `${kind}_completed`;
				const res = await this._postCallEvent(call, event, data);
				return { event, res };
			}
			case 'send_dtmf': {
				this._entry(call, { type: 'note', message: `sent DTMF; no completion event is documented, the callee hangs up after talkMs=${remote.talkMs}` });
				await this._sleep(remote.talkMs);
				this._advance(call, remote.talkMs);
				if (!this._alive(call)) return null;
				await this._complete(call, 'hangup');
				return null;
			}
			case 'dial':
				return this._bridge(call, p, remote);
			default:
				return null;
		}
	}

	async _bridge(call, p, remote) {
		const to = p.to;
		const cid = p.caller_id_number;
		let code = null;
		if (to === undefined || to === null || to === '') code = 'to_number_not_provided';
		else if (cid === undefined || cid === null || cid === '') code = 'caller_id_number_not_provided';
		else if (!isValidPhoneNumber(to) || !isValidPhoneNumber(cid)) code = 'invalid_phone_number';
		else if (!this._owns(cid) && !(call.direction === 'inbound' && cid === call.from)) code = 'caller_id_number_not_owned';
		else if (this.cfg.blocked[to]) code = this.cfg.blocked[to];
		if (code) {
			this._entry(call, { type: 'error', code, inResponseTo: 'dial', message: `bridge dial rejected: ${code}` });
			await this._complete(call, code);
			return null;
		}
		this._answer(call);
		const legScript = this._party(to);
		const leg = { to, from: cid, status: 'dialing', answered_on_utc: null, ended_on_utc: null };
		call.legs.push(leg);
		this._entry(call, { type: 'leg', to, from: cid, message: `dialing bridged leg ${to}` });
		await this._sleep(this.cfg.ringMs);
		this._advance(call, this.cfg.ringMs);
		if (!this._alive(call)) return null;
		let data;
		if (legScript.answer === 'answered') {
			leg.status = 'answered';
			leg.answered_on_utc = fmtUtc(this._now(call));
			this._setState(call, 'bridged');
			if (remote.hangupDuring === 'bridge') {
				this._entry(call, { type: 'note', message: 'remote party hung up while bridged' });
				leg.status = 'hangup';
				leg.ended_on_utc = fmtUtc(this._now(call));
				await this._complete(call, 'hangup');
				return null;
			}
			await this._sleep(legScript.talkMs);
			this._advance(call, legScript.talkMs);
			if (!this._alive(call)) return null;
			leg.status = 'hangup';
			leg.ended_on_utc = fmtUtc(this._now(call));
			this._entry(call, { type: 'leg', to, from: cid, message: `bridged leg ${to} hung up` });
			this._setState(call, 'answered');
			data = { to, from: cid, status: 'hangup' };
		} else {
			leg.status = legScript.answer;
			leg.ended_on_utc = fmtUtc(this._now(call));
			data = { to, from: cid, status: legScript.answer };
		}
		const res = await this._postCallEvent(call, 'call_leg_completed', data);
		return { event: 'call_leg_completed', res };
	}

	async _complete(call, status) {
		if (call._ending || !this._alive(call)) return;
		call._ending = true;
		const endMs = this._now(call);
		call.status = status;
		call.ended_on_utc = fmtUtc(endMs);
		call.duration = call._answeredMs === null ? 0 : Math.max(0, Math.round((endMs - call._answeredMs) / 1000));
		const remote = this._party(call.direction === 'outbound' ? call.to : call.from);
		if (call._answeredMs !== null && (remote.record || this.cfg.recordAll)) {
			const rec = this._makeRecording(call, endMs);
			this._recordings.push(rec);
			call.audio_recording_file_name = rec.file_name;
		}
		this._setState(call, 'ended');
		await this._postCallEvent(call, 'call_completed', {
			duration: call.duration,
			created_on_utc: call.created_on_utc,
			answered_on_utc: call.answered_on_utc,
			ended_on_utc: call.ended_on_utc,
			status,
			audio_recording_file_name: call.audio_recording_file_name,
			to: call.to,
			from: call.from,
			direction: call.direction,
		});
		if (!this._alive(call)) return;
		this._setState(call, 'completed');
		this.emit('call:completed', this._summary(call));
	}

	_signingFor(call) {
		const s = this.cfg.eventSigning;
		if (s === 'none') return { mode: 'none' };
		if (isObj(s)) return { mode: 'custom', apiKey: s.apiKey, customerId: s.customerId || call.customer_id };
		const acct = this.cfg.accounts.find((a) => a.customerId === call.customer_id) || this.cfg.accounts[0];
		return { mode: 'valid', apiKey: acct.apiKey, customerId: acct.customerId };
	}

	/**
	 * Post one event to the webhook and interpret the answer.
	 * @returns {Promise<{action: {method: string, params: any}|null, reason?: string}>}
	 */
	async _postCallEvent(call, event, data) {
		call._events++;
		const body = { event, reference_id: call.reference_id };
		if (call.external_id !== undefined) body.external_id = call.external_id;
		body.data = data;
		const raw = JSON.stringify(body);
		// Telesign can register more than one event URL for an account; the simulator models one default
		// and, optionally, another for inbound calls (so an outbound flow and an IVR can run side by side).
		const url = (call.direction === 'inbound' && this.cfg.inboundWebhookUrl) || this.cfg.webhookUrl;
		const signing = this._signingFor(call);
		const entry = { type: 'event', event, body: clone(body), signing: signing.mode, webhookUrl: url, webhookStatus: null, responseBody: null };
		if (!url) {
			entry.error = 'no_webhook_url';
			this._entry(call, entry);
			return { action: null, reason: 'no webhook URL configured' };
		}
		let result;
		let error;
		try {
			result = await postEvent(url, raw, {
				apiKey: signing.apiKey,
				customerId: signing.customerId,
				timeoutMs: this.cfg.webhookTimeoutMs,
				onRequest: (req) => {
					this._inflight.add(req);
					req.on('close', () => this._inflight.delete(req));
				},
			});
		} catch (e) {
			error = e;
		}
		if (!this._alive(call)) return { action: null, reason: 'simulator stopped' };
		if (result) {
			entry.webhookStatus = result.status;
			entry.responseBody = result.body;
			if (!this.cfg.deterministic) entry.latencyMs = Math.round(result.latencyMs * 1000) / 1000;
		} else {
			entry.error = error && error.code === 'ETIMEDOUT' ? 'webhook_timeout' : `webhook_error: ${(error && (error.code || error.message)) || 'unknown'}`;
		}
		this._latencies.push({
			reference_id: call.reference_id,
			event,
			latencyMs: result ? result.latencyMs : null,
			webhookStatus: result ? result.status : null,
			error: entry.error,
		});
		this._entry(call, entry);
		this.emit('call:event', { reference_id: call.reference_id, event, body, webhookStatus: entry.webhookStatus, error: entry.error });
		if (event === 'call_completed') return { action: null, reason: 'call_completed answers are ignored' };
		if (!result) return { action: null, reason: entry.error };
		return this._parseAnswer(result);
	}

	_parseAnswer(result) {
		if (result.status < 200 || result.status > 299) return { action: null, reason: `webhook answered HTTP ${result.status}` };
		const text = result.body.trim();
		if (!text) return { action: null, reason: 'empty response body' };
		let parsed;
		try {
			parsed = JSON.parse(text);
		} catch {
			return { action: null, reason: 'response body is not JSON' };
		}
		if (Array.isArray(parsed)) {
			if (this.cfg.acceptArrayResponses && parsed.length === 1) parsed = parsed[0];
			else return { action: null, reason: 'response is a JSON array (batch answers are UNVERIFIED; send a single action object)' };
		}
		if (!isObj(parsed) || typeof parsed.method !== 'string') return { action: null, reason: 'response has no action (no "method")' };
		return { action: { method: parsed.method, params: parsed.params, jsonrpc: parsed.jsonrpc } };
	}

	// ───────────────────────────── inbound ─────────────────────────────

	/**
	 * Start an inbound call: the simulator posts incoming_call to the webhook and follows the answers.
	 * @param {{from: string, to: string, digits?: string[]|string, customerId?: string}} o
	 * @returns {string} reference_id
	 */
	startInboundCall(o) {
		const { from, to } = o || {};
		if (!isValidPhoneNumber(from)) throw Object.assign(new Error(`invalid "from" number: ${from}`), { code: 'invalid_phone_number' });
		if (!isValidPhoneNumber(to)) throw Object.assign(new Error(`invalid "to" number: ${to}`), { code: 'invalid_phone_number' });
		if (!this._owns(to)) throw Object.assign(new Error(`"to" ${to} is not one of the owned numbers`), { code: 'to_number_not_owned' });
		const acct = (o.customerId && this.cfg.accounts.find((a) => a.customerId === o.customerId)) || this.cfg.accounts[0];
		if (this._stopped && !this._server) throw new Error('simulator is stopped');
		const call = this._createCall({ direction: 'inbound', from, to, customerId: acct.customerId, digits: o.digits });
		this._entry(call, { type: 'inbound', from, to, message: 'inbound call started' });
		this._startFlow(call);
		return call.reference_id;
	}

	// ───────────────────────────── HTTP handling ─────────────────────────────

	_json(res, status, obj, headers = {}) {
		if (res.headersSent || res.destroyed) return;
		if (status === 204) {
			res.writeHead(204, headers);
			res.end();
			return;
		}
		const body = JSON.stringify(obj);
		res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers });
		res.end(body);
	}

	async _handle(req, res) {
		const u = new URL(req.url || '/', 'http://simulator.local');
		const path = u.pathname;
		if (path === '/v2/voice') return this._handleVoice(req, res, u);
		if (path === '/v2/call_recording' || path.startsWith('/v2/call_recording/')) return this._handleRecordings(req, res, u);
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
		if (!h || !String(h).trim()) return { ok: false, status: 'credentials_not_provided', authMethod: null, reason: 'no Authorization header' };
		const m = /^(\S+)\s+(.+)$/.exec(String(h).trim());
		if (!m) return { ok: false, status: 'not_authorized', authMethod: 'unknown', reason: 'malformed Authorization header' };
		const scheme = m[1].toLowerCase();
		if (scheme === 'basic') {
			const decoded = Buffer.from(m[2].trim(), 'base64').toString('utf8');
			const i = decoded.indexOf(':');
			if (i < 0) return { ok: false, status: 'not_authorized', authMethod: 'basic', reason: 'Basic credentials are not base64(customer_id:api_key)' };
			const cid = decoded.slice(0, i);
			const key = decoded.slice(i + 1);
			if (!cid || !key) return { ok: false, status: 'credentials_not_provided', authMethod: 'basic', customerId: cid || null, reason: 'empty customer id or API key' };
			const acct = this.cfg.accounts.find((a) => a.customerId === cid);
			if (!acct) return { ok: false, status: 'not_authorized', authMethod: 'basic', customerId: cid, reason: 'unknown customer id' };
			if (!tc.safeEqual(acct.apiKey, key)) return { ok: false, status: 'not_authorized', authMethod: 'basic', customerId: cid, reason: 'wrong API key' };
			return { ok: true, authMethod: 'basic', customerId: cid, account: acct };
		}
		if (scheme === 'tsa') {
			const cred = m[2].trim();
			const i = cred.lastIndexOf(':');
			if (i <= 0) return { ok: false, status: 'not_authorized', authMethod: 'tsa', reason: 'TSA header is not "TSA <customer_id>:<signature>"' };
			const cid = cred.slice(0, i);
			const sig = cred.slice(i + 1);
			const fail = (reason, extra = {}) => ({ ok: false, status: 'not_authorized', authMethod: 'tsa', customerId: cid, reason, ...extra });
			const acct = this.cfg.accounts.find((a) => a.customerId === cid);
			if (!acct) return fail('unknown customer id');
			const authMethod = req.headers['x-ts-auth-method'];
			if (!authMethod) return fail('missing x-ts-auth-method header');
			if (String(authMethod).toUpperCase() !== 'HMAC-SHA256') return fail(`unsupported x-ts-auth-method "${authMethod}" (HMAC-SHA256 only)`);
			const nonce = req.headers['x-ts-nonce'];
			if (!nonce) return fail('missing x-ts-nonce header');
			const xTsDate = req.headers['x-ts-date'];
			const date = req.headers.date;
			const dateValue = xTsDate || date;
			if (!dateValue) return fail('missing Date / x-ts-date header');
			const ts = Date.parse(String(dateValue));
			if (Number.isNaN(ts)) return fail(`unparseable date "${dateValue}"`);
			if (Math.abs(Date.now() - ts) > this.cfg.clockSkewMs) return fail(`date "${dateValue}" is outside ±${this.cfg.clockSkewMs / 60000} min of the simulator clock`);
			const method = String(req.method).toUpperCase();
			const withBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
			const parts = {
				method,
				contentType: withBody ? String(req.headers['content-type'] || '') : '',
				date: xTsDate ? '' : String(date || ''),
				xTsDate: xTsDate ? String(xTsDate) : undefined,
				authMethod: String(authMethod),
				nonce: String(nonce),
				body: raw,
				resource,
			};
			const expected = tc.computeTsaSignature(acct.apiKey, parts);
			if (!tc.safeEqual(sig, expected)) return fail('signature mismatch', { expectedStringToSign: tc.buildTsaStringToSign(parts) });
			const nk = `${cid}\n${nonce}`;
			const now = Date.now();
			if (this._nonces.size > 50000) for (const [k, exp] of this._nonces) if (exp < now) this._nonces.delete(k);
			const seen = this._nonces.get(nk);
			if (seen !== undefined && seen >= now) return fail('x-ts-nonce already used');
			this._nonces.set(nk, now + 2 * this.cfg.clockSkewMs);
			return { ok: true, authMethod: 'tsa', customerId: cid, account: acct };
		}
		return { ok: false, status: 'not_authorized', authMethod: scheme, reason: `unsupported auth scheme "${m[1]}"` };
	}

	_takeRate() {
		const rl = this.cfg.rateLimit;
		if (!rl) return null;
		const now = Date.now();
		while (this._rateLog.length && this._rateLog[0] <= now - rl.windowMs) this._rateLog.shift();
		if (this._rateLog.length >= rl.maxPerWindow) {
			const oldest = this._rateLog[0];
			const retry = rl.retryAfter !== undefined ? rl.retryAfter : Math.max(1, Math.ceil(((oldest === undefined ? now : oldest) + rl.windowMs - now) / 1000));
			return { retryAfter: retry };
		}
		this._rateLog.push(now);
		return null;
	}

	async _handleVoice(req, res, u) {
		const log = { method: req.method, path: u.pathname, authMethod: null, customerId: null };
		if (req.method !== 'POST') {
			this._logRequest({ ...log, status: 405, response: { status: 'method_not_allowed' } });
			return this._json(res, 405, { status: 'method_not_allowed' }, { Allow: 'POST' });
		}
		let fault = this._faults.next.length ? this._faults.next.shift() : null;
		if (fault && fault.reset === 'before') {
			this._logRequest({ ...log, status: null, outcome: 'connection reset before the body was read (dial not placed)', fault });
			req.socket.destroy();
			return;
		}
		let raw;
		try {
			raw = await readBody(req);
		} catch (e) {
			if (e && e.code === 'E2BIG') {
				this._logRequest({ ...log, status: 413, response: { status: 'request_too_large' } });
				return this._json(res, 413, { status: 'request_too_large' });
			}
			return;
		}
		const auth = this._authenticate(req, raw, u.pathname);
		log.authMethod = auth.authMethod;
		log.customerId = auth.customerId || null;
		const text = raw.toString('utf8');
		let body;
		let parseError = null;
		try {
			body = text.trim() ? JSON.parse(text) : undefined;
		} catch (e) {
			parseError = 'body is not valid JSON';
		}
		log.body = body !== undefined ? body : text.length > 2000 ? text.slice(0, 2000) + '…' : text;
		const params = isObj(body) && isObj(body.params) ? body.params : {};
		if (!fault && typeof params.to === 'string') {
			const q = this._faults.byNumber.get(params.to);
			if (q && q.length) fault = q.shift();
		}
		const latency = async () => {
			if (this.cfg.latencyMs) await this._sleep(this.cfg.latencyMs);
		};
		if (fault && fault.reset === 'before') {
			this._logRequest({ ...log, status: null, outcome: 'connection reset without answering (dial not placed)', fault });
			req.socket.destroy();
			return;
		}
		if (fault && fault.status !== undefined) {
			const fb =
				fault.body ||
				{ status: fault.status === 429 ? 'rate_limit_exceeded' : fault.status === 503 ? 'service_unavailable' : fault.status >= 500 ? 'internal_server_error' : 'simulated_fault' };
			const headers = fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : {};
			this._logRequest({ ...log, status: fault.status, response: fb, fault, outcome: 'injected fault (dial not placed)' });
			if (fault.delayMs) await this._sleep(fault.delayMs);
			await latency();
			return this._json(res, fault.status, fb, headers);
		}
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
		if (limited) return answer(429, { status: 'rate_limit_exceeded' }, { outcome: 'rate limited (dial not placed)' }, { 'Retry-After': String(limited.retryAfter) });

		const externalId = isObj(params) && params.external_id !== undefined && params.external_id !== null ? String(params.external_id) : undefined;
		const reject = (status, code, why) => {
			const rb = { reference_id: this._newId(), status: code };
			if (externalId !== undefined) rb.external_id = externalId;
			return answer(status, rb, why ? { reason: why } : {});
		};
		const ct = String(req.headers['content-type'] || '');
		if (this.cfg.requireJsonContentType && !/^application\/json\b/i.test(ct)) return reject(400, 'invalid_request', `Content-Type must be application/json (got "${ct}")`);
		if (parseError || !isObj(body)) return reject(400, 'invalid_request', parseError || 'body must be a JSON object');
		if (typeof body.method !== 'string') return reject(400, 'invalid_request', 'missing "method"');
		if (body.method !== 'dial') {
			if (KNOWN_ACTIONS.has(body.method))
				return reject(400, 'unsupported_call_state', `"${body.method}" can only be sent as a webhook answer (targeting a call via POST /v2/voice is UNVERIFIED)`);
			return reject(400, 'invalid_request', `unknown method "${body.method}"`);
		}
		if (body.params !== undefined && !isObj(body.params)) return reject(400, 'invalid_request', '"params" must be an object');
		const to = params.to;
		const cid = params.caller_id_number;
		if (to === undefined || to === null || to === '') return reject(400, 'to_number_not_provided');
		if (cid === undefined || cid === null || cid === '') return reject(400, 'caller_id_number_not_provided');
		if (!isValidPhoneNumber(to)) return reject(400, 'invalid_phone_number', `to "${to}" is not 8-15 digits with country code`);
		if (!isValidPhoneNumber(cid)) return reject(400, 'invalid_phone_number', `caller_id_number "${cid}" is not 8-15 digits with country code`);
		if (!this._owns(cid)) return reject(400, 'caller_id_number_not_owned');
		if (this.cfg.blocked[to]) return reject(200, this.cfg.blocked[to]);

		const warnings = dialWarnings(params, body);
		const call = this._createCall({
			direction: 'outbound',
			from: cid,
			to,
			customerId: auth.customerId,
			externalId,
			requestEntry: { type: 'request', method: 'POST', path: u.pathname, authMethod: auth.authMethod, customerId: auth.customerId, body: clone(body), warnings },
		});
		const rb = { reference_id: call.reference_id, status: 'dial_accepted' };
		if (externalId !== undefined) rb.external_id = externalId;
		this._dials.push({ seq: this._dials.length + 1, reference_id: call.reference_id, external_id: externalId, to, from: cid, customer_id: auth.customerId, t: call.created_on_utc });
		const reqEntry = this._logRequest({ ...log, status: 202, response: rb, reference_id: call.reference_id, warnings, fault: fault || undefined });
		call.entries[0].status = 202;
		call.entries[0].response = clone(rb);
		const start = () => setImmediate(() => this._alive(call) && this._startFlow(call));
		res.once('close', start);
		if (fault && fault.delayMs) await this._sleep(fault.delayMs);
		if (fault && fault.reset === 'after') {
			reqEntry.status = null;
			reqEntry.outcome = 'dial placed, then connection reset without answering';
			this._entry(call, { type: 'note', message: 'API connection reset after the dial was accepted (injected fault)' });
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

	// ───────────────────────────── recordings ─────────────────────────────

	_seedRecording(r) {
		if (!isObj(r) || typeof r.reference_id !== 'string') throw new TypeError('a seeded recording needs reference_id');
		const date = r.date || fmtRecDate(Date.parse(this.cfg.clockStart));
		if (!REC_DATE_RE.test(date)) throw new TypeError(`recording date must be YYYY-MM-DDThh:mm:ss, got ${date}`);
		const unix = Math.floor(Date.parse(date + 'Z') / 1000);
		return {
			reference_id: r.reference_id,
			file_name: r.file_name || `${r.reference_id}_${unix}.wav`,
			status: r.status || 'available',
			date,
			transcribe: r.transcribe || { language_code: 'en-US', transcription: [{ status: 'completed', result: 'simulated transcription' }] },
		};
	}
	_makeRecording(call, endMs) {
		return {
			reference_id: call.reference_id,
			file_name: `${call.reference_id}_${Math.floor(endMs / 1000)}.wav`,
			status: 'available',
			date: fmtRecDate(endMs),
			transcribe: { language_code: 'en-US', transcription: [{ status: 'completed', result: 'simulated transcription' }] },
		};
	}

	async _handleRecordings(req, res, u) {
		const log = { method: req.method, path: u.pathname, authMethod: null, customerId: null };
		let raw;
		try {
			raw = await readBody(req);
		} catch {
			return;
		}
		const auth = this._authenticate(req, raw, u.pathname);
		log.authMethod = auth.authMethod;
		log.customerId = auth.customerId || null;
		const answer = (status, body) => {
			this._logRequest({ ...log, query: Object.fromEntries(u.searchParams), status, response: body });
			return this._json(res, status, body);
		};
		if (!auth.ok) return answer(401, { status: auth.status, ...(auth.reason ? { description: auth.reason } : {}) });
		const sub = u.pathname.slice('/v2/call_recording'.length).replace(/^\//, '');
		if (!sub) {
			if (req.method !== 'GET') return answer(405, { status: 'method_not_allowed' });
			return this._listRecordings(u, answer);
		}
		const ref = decodeURIComponent(sub);
		if (!/^[A-Za-z0-9_-]{1,64}$/.test(ref)) return answer(400, { status: 'invalid_reference_id' });
		const mine = this._recordings.filter((r) => r.reference_id === ref);
		if (req.method === 'GET') {
			if (!mine.length) return answer(404, { status: 'not_found' });
			const base = this.url || '';
			const exp = Math.floor(this._globalClock / 1000) + 3600;
			return answer(
				200,
				mine.map((r) => ({
					reference_id: r.reference_id,
					file_name: r.file_name,
					status: r.status,
					date: r.date,
					url: `${base}/_sim/recordings/${encodeURIComponent(r.file_name)}?expires=${exp}`,
					transcribe: clone(r.transcribe),
				})),
			);
		}
		if (req.method === 'DELETE') {
			if (!mine.length) return answer(404, { status: 'not_found' });
			this._recordings = this._recordings.filter((r) => r.reference_id !== ref);
			this._logRequest({ ...log, status: 204 });
			return this._json(res, 204, null);
		}
		return answer(405, { status: 'method_not_allowed' });
	}

	_listRecordings(u, answer) {
		const q = u.searchParams;
		const token = q.get('token');
		let s, e, p, o;
		if (token !== null) {
			if (q.get('start_date_time') !== null || q.get('end_date_time') !== null)
				return answer(400, { status: 'invalid_parameters', description: 'token is mutually exclusive with start_date_time/end_date_time' });
			try {
				const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
				({ s, e, p, o } = t);
				if (!REC_DATE_RE.test(s) || !REC_DATE_RE.test(e) || !Number.isInteger(p) || !Number.isInteger(o)) throw new Error('bad');
			} catch {
				return answer(400, { status: 'invalid_parameters', description: 'invalid token' });
			}
		} else {
			s = q.get('start_date_time');
			e = q.get('end_date_time');
			if (!s || !e) return answer(400, { status: 'invalid_parameters', description: 'start_date_time and end_date_time (or token) are required' });
			if (!REC_DATE_RE.test(s) || !REC_DATE_RE.test(e)) return answer(400, { status: 'invalid_parameters', description: 'dates must be UTC YYYY-MM-DDThh:mm:ss' });
			const ps = q.get('pagesize');
			p = ps === null ? this.cfg.recordingsPageSize : Number(ps);
			if (!Number.isInteger(p) || p < 1 || p > 1000) return answer(400, { status: 'invalid_parameters', description: 'pagesize must be an integer 1-1000' });
			o = 0;
		}
		const all = this._recordings
			.filter((r) => r.date >= s && r.date <= e)
			.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.reference_id < b.reference_id ? -1 : a.reference_id > b.reference_id ? 1 : 0));
		const page = all.slice(o, o + p).map((r) => ({ reference_id: r.reference_id, file_name: r.file_name, status: r.status, date: r.date }));
		const next = o + p < all.length ? Buffer.from(JSON.stringify({ s, e, p, o: o + p })).toString('base64url') : null;
		return answer(200, { call_recordings: page, token: next });
	}

	// ───────────────────────────── control endpoints ─────────────────────────────

	async _handleControl(req, res, u) {
		const path = u.pathname;
		const method = req.method;
		let body;
		if (method === 'POST') {
			try {
				const raw = (await readBody(req)).toString('utf8');
				body = raw.trim() ? JSON.parse(raw) : {};
			} catch (e) {
				return this._json(res, 400, { error: 'body must be JSON' });
			}
		}
		try {
			if (method === 'GET' && path === '/_sim/health') return this._json(res, 200, { ok: true, url: this.url });
			if (method === 'GET' && path === '/_sim/calls') return this._json(res, 200, { calls: this.calls() });
			if (method === 'GET' && path.startsWith('/_sim/calls/')) {
				const c = this.call(decodeURIComponent(path.slice('/_sim/calls/'.length)));
				return c ? this._json(res, 200, c) : this._json(res, 404, { error: 'no such call' });
			}
			if (method === 'GET' && path === '/_sim/requests') return this._json(res, 200, { requests: this.requests() });
			if (method === 'GET' && path === '/_sim/dials') return this._json(res, 200, { dials: this.dialsPlaced(), duplicates: this.duplicateDials(), duplicatesByTo: this.duplicateDials({ by: 'to' }) });
			if (method === 'GET' && path === '/_sim/latencies') return this._json(res, 200, { latencies: this.eventLatencies() });
			if (method === 'GET' && path === '/_sim/config') return this._json(res, 200, this.publicConfig());
			if (method === 'GET' && path === '/_sim/recordings') return this._json(res, 200, { recordings: this.recordings() });
			if (method === 'GET' && path.startsWith('/_sim/recordings/')) {
				const wav = silentWav();
				res.writeHead(200, { 'Content-Type': 'audio/wav', 'Content-Length': wav.length });
				return res.end(wav);
			}
			if (method === 'POST' && path === '/_sim/reset') {
				this.reset();
				return this._json(res, 200, { ok: true });
			}
			if (method === 'POST' && path === '/_sim/config') return this._json(res, 200, this.configure(body));
			if (method === 'POST' && path === '/_sim/faults') {
				this.injectFault(body.fault || body, { to: body.to, times: body.times });
				return this._json(res, 200, this.publicConfig().pendingFaults);
			}
			if (method === 'POST' && path === '/_sim/inbound') {
				const ref = this.startInboundCall(body);
				return this._json(res, 201, { reference_id: ref });
			}
			if (method === 'POST' && path === '/_sim/wait') {
				const c = await this.waitForCall(body.reference_id, { state: body.state, timeoutMs: Math.min(Number(body.timeoutMs) || 5000, 600000) });
				return this._json(res, 200, c);
			}
		} catch (e) {
			return this._json(res, 400, { error: String(e && e.message), code: e && e.code });
		}
		return this._json(res, 404, { error: 'unknown control endpoint' });
	}
}

/** Parameter checks for webhook-answer actions. Returns an error message or null. */
function validateActionParams(action) {
	const p = action.params;
	if (!isObj(p)) return '"params" must be an object (use {} for hangup)';
	if (action.method === 'speak') {
		if (!isObj(p.tts) || typeof p.tts.message !== 'string' || !p.tts.message.trim()) return 'speak needs params.tts.message (non-empty string)';
		if (p.tts.language !== undefined && p.tts.language !== null && typeof p.tts.language !== 'string') return 'params.tts.language must be a string';
	}
	if (action.method === 'play') {
		if (typeof p.url !== 'string' || !/^https?:\/\/\S+$/i.test(p.url)) return 'play needs params.url (http(s) URL)';
	}
	if ((action.method === 'speak' || action.method === 'play') && p.collect_digits !== undefined) {
		if (!isObj(p.collect_digits)) return 'params.collect_digits must be an object';
		const max = p.collect_digits.max;
		if (max !== undefined && !(Number.isInteger(max) && max > 0)) return 'params.collect_digits.max must be a positive integer (not a string)';
	}
	return null;
}
function actionWarnings(action) {
	const w = [];
	if (action.jsonrpc !== undefined && action.jsonrpc !== '2.0') w.push(`jsonrpc is "${action.jsonrpc}", expected "2.0"`);
	const p = action.params || {};
	if (action.method === 'play' && typeof p.url === 'string' && !/^https:/i.test(p.url)) w.push('play url is not HTTPS');
	if (action.method === 'speak' && isObj(p.tts) && typeof p.tts.message === 'string' && p.tts.message.length > 1600)
		w.push('tts.message longer than 1600 characters (limit UNVERIFIED for v2)');
	return w.length ? w : undefined;
}
function dialWarnings(params, body) {
	const w = [];
	if (body.jsonrpc !== undefined && body.jsonrpc !== '2.0') w.push(`jsonrpc is "${body.jsonrpc}", expected "2.0"`);
	if (params.max_call_duration !== undefined) {
		if (typeof params.max_call_duration !== 'string') w.push('max_call_duration should be a string of seconds');
		const n = Number(params.max_call_duration);
		if (!Number.isInteger(n) || n < 1 || n > 14400) w.push('max_call_duration should be 1..14400 seconds');
	}
	if (params.send_dtmf !== undefined && (typeof params.send_dtmf !== 'string' || !DTMF_RE.test(params.send_dtmf)))
		w.push('send_dtmf should only contain 0-9 A-D * # w');
	return w.length ? w : undefined;
}
let _wav;
function silentWav() {
	if (_wav) return _wav;
	const samples = 800; // 0.1 s of 8 kHz 8-bit mu-law silence
	const b = Buffer.alloc(44 + samples);
	b.write('RIFF', 0);
	b.writeUInt32LE(36 + samples, 4);
	b.write('WAVEfmt ', 8);
	b.writeUInt32LE(16, 16);
	b.writeUInt16LE(7, 20); // mu-law
	b.writeUInt16LE(1, 22);
	b.writeUInt32LE(8000, 24);
	b.writeUInt32LE(8000, 28);
	b.writeUInt16LE(1, 32);
	b.writeUInt16LE(8, 34);
	b.write('data', 36);
	b.writeUInt32LE(samples, 40);
	b.fill(0xff, 44);
	_wav = b;
	return b;
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
