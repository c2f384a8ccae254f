'use strict';
/** Telesign's rules as the simulator applies them: numbers, actions legal per event, faults, callee scripts, action checks. */
const http = require('http');
const { URL } = require('url');

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
	'accounts',
	'ownedNumbers',
	'webhookUrl',
	'inboundWebhookUrl',
	'callees',
	'blocked',
	'faults',
	'rateLimit',
	'latencyMs',
	'ringMs',
	'mediaMs',
	'speechMsPerChar',
	'deterministic',
	'seed',
	'clockStart',
	'clockStepMs',
	'eventSigning',
	'webhookTimeoutMs',
	'maxEventsPerCall',
	'clockSkewMs',
	'recordAll',
	'recordings',
	'recordingsPageSize',
	'recordingReadyMs',
	'recordingUrlTtlMs',
	'expireRecordingUrls',
	'acceptArrayResponses',
	'requireJsonContentType',
	'port',
	'host',
	'$comment',
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
		if (!Number.isInteger(s) || s < 100 || s > 599)
			throw new TypeError(`fault.status must be an HTTP status, got ${f.status}`);
		out.status = s;
	}
	if (f.retryAfter !== undefined) out.retryAfter = Number(f.retryAfter);
	if (f.delayMs !== undefined) out.delayMs = clampMs(f.delayMs, 'fault.delayMs');
	if (f.reset !== undefined) {
		if (f.reset !== 'before' && f.reset !== 'after')
			throw new TypeError("fault.reset must be 'before' or 'after'");
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
		const times =
			f && f.times !== undefined ? Math.min(Math.max(0, Math.floor(Number(f.times))), 100000) : 1;
		const nf = normalizeFault(f);
		for (let i = 0; i < times; i++) out.push({ ...nf });
	}
	return out;
}
function normalizeParty(num, p) {
	if (!isObj(p)) throw new TypeError(`callees["${num}"] must be an object`);
	const out = {};
	if (p.answer !== undefined) {
		if (!ANSWERS.has(p.answer))
			throw new TypeError(`callees["${num}"].answer must be one of ${[...ANSWERS].join(', ')}`);
		out.answer = p.answer;
	}
	if (p.digits !== undefined) {
		const d = Array.isArray(p.digits) ? p.digits : [p.digits];
		out.digits = d.map((x) => String(x == null ? '' : x));
	}
	if (p.hangupDuring !== undefined && p.hangupDuring !== null) {
		if (!HANGUP_DURING.has(p.hangupDuring))
			throw new TypeError(`callees["${num}"].hangupDuring must be speak, play, bridge or null`);
		out.hangupDuring = p.hangupDuring;
	}
	if (p.talkMs !== undefined) out.talkMs = clampMs(p.talkMs, `callees["${num}"].talkMs`);
	if (p.record !== undefined) out.record = !!p.record;
	return out;
}

/** Parameter checks for webhook-answer actions. Returns an error message or null. */
function validateActionParams(action) {
	const p = action.params;
	if (!isObj(p)) return '"params" must be an object (use {} for hangup)';
	if (action.method === 'speak') {
		if (!isObj(p.tts) || typeof p.tts.message !== 'string' || !p.tts.message.trim())
			return 'speak needs params.tts.message (non-empty string)';
		if (
			p.tts.language !== undefined &&
			p.tts.language !== null &&
			typeof p.tts.language !== 'string'
		)
			return 'params.tts.language must be a string';
	}
	if (action.method === 'play') {
		if (typeof p.url !== 'string' || !/^https?:\/\/\S+$/i.test(p.url))
			return 'play needs params.url (http(s) URL)';
	}
	if ((action.method === 'speak' || action.method === 'play') && p.collect_digits !== undefined) {
		if (!isObj(p.collect_digits)) return 'params.collect_digits must be an object';
		const max = p.collect_digits.max;
		if (max !== undefined && !(Number.isInteger(max) && max > 0))
			return 'params.collect_digits.max must be a positive integer (not a string)';
	}
	return null;
}
function actionWarnings(action) {
	const w = [];
	if (action.jsonrpc !== undefined && action.jsonrpc !== '2.0')
		w.push(`jsonrpc is "${action.jsonrpc}", expected "2.0"`);
	const p = action.params || {};
	if (action.method === 'play' && typeof p.url === 'string' && !/^https:/i.test(p.url))
		w.push('play url is not HTTPS');
	if (
		action.method === 'speak' &&
		isObj(p.tts) &&
		typeof p.tts.message === 'string' &&
		p.tts.message.length > 1600
	)
		w.push('tts.message longer than 1600 characters (limit UNVERIFIED for v2)');
	return w.length ? w : undefined;
}
function dialWarnings(params, body) {
	const w = [];
	if (body.jsonrpc !== undefined && body.jsonrpc !== '2.0')
		w.push(`jsonrpc is "${body.jsonrpc}", expected "2.0"`);
	if (params.max_call_duration !== undefined) {
		if (typeof params.max_call_duration !== 'string')
			w.push('max_call_duration should be a string of seconds');
		const n = Number(params.max_call_duration);
		if (!Number.isInteger(n) || n < 1 || n > 14400)
			w.push('max_call_duration should be 1..14400 seconds');
	}
	if (
		params.send_dtmf !== undefined &&
		(typeof params.send_dtmf !== 'string' || !DTMF_RE.test(params.send_dtmf))
	)
		w.push('send_dtmf should only contain 0-9 A-D * # w');
	return w.length ? w : undefined;
}
module.exports = {
	DEFAULT_ACCOUNT,
	DEFAULT_OWNED,
	BLOCK_STATUSES,
	ANSWERS,
	HANGUP_DURING,
	KNOWN_ACTIONS,
	AFTER_MEDIA,
	LEGAL_ACTIONS,
	PHONE_RE,
	DTMF_RE,
	REC_DATE_RE,
	KNOWN_OPTIONS,
	MAX_WAIT_MS,
	DEFAULT_CLOCK_START,
	isValidPhoneNumber,
	fmtUtc,
	fmtRecDate,
	clone,
	isObj,
	clampMs,
	normalizeFault,
	expandFaults,
	normalizeParty,
	validateActionParams,
	actionWarnings,
	dialWarnings,
};
