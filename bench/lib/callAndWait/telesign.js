'use strict';
/**
 * Telesign's side of the Call and Wait bench: each call's events (dial_completed "answered", speak_completed with
 * key 1, call_completed), signed as Telesign signs them and posted to the trigger, and the answers they must get.
 */
const { postEvent } = require('../../../test/simulator');
const { CALLER_ID } = require('../workflows');
const { ACCOUNT } = require('../config');
const { pool } = require('../pool');
const { CONFIG } = require('./config');

/** Posts one event signed as Telesign signs it (a new connection per event, as the simulator does). */
async function post(url, body) {
	const r = await postEvent(url, body, { ...ACCOUNT, timeoutMs: 30_000 });
	return { ms: r.latencyMs, status: r.status, body: r.body };
}

function dialCompleted(dial) {
	const body = { event: 'dial_completed', reference_id: dial.reference_id };
	if (dial.external_id) body.external_id = dial.external_id;
	body.data = { to: dial.to, from: CALLER_ID, status: 'answered' };
	return body;
}

const speakCompleted = (dial) => ({
	event: 'speak_completed',
	reference_id: dial.reference_id,
	external_id: dial.external_id,
	data: { status: 'speak_successful', collected_digits: '1' },
});
const callCompleted = (dial) => ({
	event: 'call_completed',
	reference_id: dial.reference_id,
	external_id: dial.external_id,
	data: {
		status: 'hangup',
		duration: 4,
		answered_on_utc: '2026-01-01T00:00:01.000',
		ended_on_utc: '2026-01-01T00:00:05.000',
		to: dial.to,
		from: CALLER_ID,
		direction: 'outbound',
	},
});

function expectAnswer(what, r, check) {
	if (r.status !== 200 || !check(r.body))
		throw new Error(`${what}: HTTP ${r.status} ${String(r.body).slice(0, 300)}`);
}
const isPrompt = (body) => body.includes('"method":"speak"') && body.includes('"collect_digits"');
const isSpeak = (body) => body.includes('"method":"speak"');
const isHangup = (body) => body.includes('"method":"hangup"');

/** The same dial_completed for the floor and the Respond path: a call of no Call and Wait (no marker). */
const floorEvent = (i) =>
	dialCompleted({ reference_id: `BENCHCW${String(i).padStart(25, '0')}`, to: '15552000000' });

/** One measured post per pipeline: the floor, today's trigger → Respond path, and Call and Wait's relay. */
function latencySteps(urls, dials) {
	return {
		floor: async (i) => {
			const r = await post(urls.floor, floorEvent(i));
			expectAnswer('Webhook → Set', r, isSpeak);
			return r.ms;
		},
		respond: async (i) => {
			const r = await post(urls.respond, floorEvent(i));
			expectAnswer('Telesign Voice Trigger → Respond Speak', r, isSpeak);
			return r.ms;
		},
		callAndWait: async (i) => {
			const r = await post(urls.trigger, dialCompleted(dials[i]));
			expectAnswer(`Call and Wait, dial_completed of ${dials[i].to}`, r, isPrompt);
			return r.ms;
		},
	};
}

/**
 * dial_completed of every call (after `warmup` of them), each followed by the same event to the other
 * pipelines, one request at a time, the order rotating. Latencies per pipeline, in ms.
 */
async function measureLatencies(urls, dials, warmup) {
	const lat = { floor: [], respond: [], callAndWait: [] };
	const steps = latencySteps(urls, dials);
	const names = Object.keys(steps);
	for (let i = 0; i < dials.length; i++) {
		const order = names.map((_, k) => names[(k + i) % names.length]);
		for (const name of order) {
			const ms = await steps[name](i);
			if (i >= warmup) lat[name].push(ms);
		}
	}
	return lat;
}

/** speak_completed (key 1) → hangup, then call_completed, for every call. */
async function finishCalls(triggerUrl, dials) {
	await pool(dials, CONFIG.poolSize, async (dial) => {
		expectAnswer(
			`Call and Wait, speak_completed of ${dial.to}`,
			await post(triggerUrl, speakCompleted(dial)),
			isHangup,
		);
		const done = await post(triggerUrl, callCompleted(dial));
		expectAnswer(`Call and Wait, call_completed of ${dial.to}`, done, () => true);
	});
}

module.exports = {
	measureLatencies,
	finishCalls,
	post,
	expectAnswer,
	floorEvent,
	dialCompleted,
	speakCompleted,
	callCompleted,
	isPrompt,
	isSpeak,
	isHangup,
};
