'use strict';
/**
 * What TelesignSimulator.configure (and POST /_sim/config) accepts: each key checked and merged into the
 * running configuration, in a fixed order (a bad key throws a TypeError naming it; the keys before it stay set).
 * callees/blocked merge per number (null deletes); other keys replace. Faults and recordings are state, added by
 * the simulator itself.
 */
const { BLOCK_STATUSES, isObj, clampMs, normalizeParty } = require('./rules');

function parseAccounts(accounts) {
	if (!Array.isArray(accounts) || accounts.length === 0)
		throw new TypeError('accounts must be a non-empty array');
	return accounts.map((a) => {
		if (
			!a ||
			typeof a.customerId !== 'string' ||
			typeof a.apiKey !== 'string' ||
			!a.customerId ||
			!a.apiKey
		)
			throw new TypeError('each account needs customerId and apiKey strings');
		return { customerId: a.customerId, apiKey: a.apiKey };
	});
}

function parseOwnedNumbers(ownedNumbers) {
	const list = typeof ownedNumbers === 'string' ? ownedNumbers.split(',') : ownedNumbers;
	if (!Array.isArray(list)) throw new TypeError('ownedNumbers must be an array');
	return list.map((n) => String(n).trim()).filter(Boolean);
}

/** A URL or null; throws on a bad URL. */
function checkUrl(url) {
	if (url !== null) new URL(url);
	return url;
}

function mergeCallees(callees, patch) {
	if (!isObj(patch)) throw new TypeError('callees must be an object keyed by number');
	for (const [num, script] of Object.entries(patch)) {
		if (script === null) delete callees[num];
		else callees[num] = { ...(callees[num] || {}), ...normalizeParty(num, script) };
	}
}

function mergeBlocked(blocked, patch) {
	if (!isObj(patch)) throw new TypeError('blocked must be an object keyed by number');
	for (const [num, status] of Object.entries(patch)) {
		if (status === null) delete blocked[num];
		else if (!BLOCK_STATUSES.has(status))
			throw new TypeError(`blocked["${num}"] must be one of ${[...BLOCK_STATUSES].join(', ')}`);
		else blocked[num] = status;
	}
}

function parseRateLimit(r) {
	if (r === null) return null;
	const max = Number(r.maxPerWindow);
	const win = Number(r.windowMs);
	if (!Number.isInteger(max) || max < 0 || !(win > 0))
		throw new TypeError('rateLimit needs maxPerWindow (int >= 0) and windowMs (> 0)');
	const rateLimit = { maxPerWindow: max, windowMs: win };
	if (r.retryAfter !== undefined) rateLimit.retryAfter = Number(r.retryAfter);
	return rateLimit;
}

function parseEventSigning(s) {
	if (!(s === 'valid' || s === 'none' || (isObj(s) && typeof s.apiKey === 'string')))
		throw new TypeError("eventSigning must be 'valid', 'none' or {apiKey, customerId?}");
	return s;
}

/** Who is calling: accounts, the numbers they own, where events go, the remote parties and blocked numbers. */
function applyParties(cfg, p) {
	if (p.accounts !== undefined) cfg.accounts = parseAccounts(p.accounts);
	if (p.ownedNumbers !== undefined) cfg.ownedNumbers = parseOwnedNumbers(p.ownedNumbers);
	if (p.webhookUrl !== undefined) cfg.webhookUrl = checkUrl(p.webhookUrl);
	if (p.inboundWebhookUrl !== undefined) cfg.inboundWebhookUrl = checkUrl(p.inboundWebhookUrl);
	if (p.callees !== undefined) mergeCallees(cfg.callees, p.callees);
	if (p.blocked !== undefined) mergeBlocked(cfg.blocked, p.blocked);
}

/** How the simulated network behaves: rate limit, delays, limits, event signing, switches. */
function applyBehaviour(cfg, p) {
	if (p.rateLimit !== undefined) cfg.rateLimit = parseRateLimit(p.rateLimit);
	for (const k of [
		'latencyMs',
		'ringMs',
		'mediaMs',
		'speechMsPerChar',
		'recordingReadyMs',
		'recordingUrlTtlMs',
	])
		if (p[k] !== undefined) cfg[k] = clampMs(p[k], k);
	if (p.webhookTimeoutMs !== undefined)
		cfg.webhookTimeoutMs = Math.max(1, clampMs(p.webhookTimeoutMs, 'webhookTimeoutMs'));
	if (p.maxEventsPerCall !== undefined)
		cfg.maxEventsPerCall = Math.max(1, Math.min(10000, Number(p.maxEventsPerCall) || 50));
	if (p.eventSigning !== undefined) cfg.eventSigning = parseEventSigning(p.eventSigning);
	for (const k of ['recordAll', 'acceptArrayResponses', 'requireJsonContentType'])
		if (p[k] !== undefined) cfg[k] = !!p[k];
}

/** Merges a configuration patch into `cfg` (mutated). */
function applyConfigPatch(cfg, p) {
	applyParties(cfg, p);
	applyBehaviour(cfg, p);
}

module.exports = { applyConfigPatch };
