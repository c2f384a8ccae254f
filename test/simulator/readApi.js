'use strict';
/** What a test reads back from the simulator: calls, requests, dials, recordings, and waiting for calls. Methods of TelesignSimulator, mixed in by simulator.js. */
const { clone } = require('./rules');

class ReadApi {
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
		for (const [k, ids] of groups)
			if (ids.length > 1) out.push({ key: k, [by]: k, count: ids.length, reference_ids: ids });
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
			if (typeof target === 'string' ? call.reference_id !== target : !target(this._summary(call)))
				return false;
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
							(c
								? ` (call ${c.reference_id} is "${c.state}", states ${c.states.join(' → ')})`
								: typeof target === 'string'
									? ` (no call ${target})`
									: ''),
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
		const done = () =>
			[...this._calls.values()].filter((c) => c.states.includes(state) && pred(this._summary(c)));
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
			const timer = setTimeout(
				() =>
					w.fail(
						new Error(
							`waitForCalls: only ${done().length}/${count} calls reached "${state}" within ${timeoutMs} ms`,
						),
					),
				timeoutMs,
			);
			const cleanup = () => {
				clearTimeout(timer);
				this._waiters.delete(w);
			};
			this._waiters.add(w);
		});
	}
}

module.exports = ReadApi;
