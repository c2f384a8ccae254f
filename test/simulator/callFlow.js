'use strict';
/** The call model: a call's states, the action loop with the webhook, bridging, completion, events, and inbound calls. Methods of TelesignSimulator, mixed in by simulator.js. */
const { URL } = require('url');
const { postEvent } = require('./http-util');
const {
	KNOWN_ACTIONS,
	LEGAL_ACTIONS,
	isValidPhoneNumber,
	fmtUtc,
	clone,
	isObj,
	validateActionParams,
	actionWarnings,
} = require('./rules');

class CallFlow {
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
		call._digits =
			digits !== undefined
				? (Array.isArray(digits) ? digits : [digits]).map((d) => String(d))
				: [...party.digits];
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
				this._entry(call, {
					type: 'error',
					code: 'simulator_error',
					message: String(err && err.stack ? err.stack : err),
				});
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
			this._entry(call, {
				type: 'note',
				message: `callee ${call.to} scripted as ${callee.answer}`,
			});
			const r = await this._postCallEvent(call, 'dial_completed', {
				to: call.to,
				from: call.from,
				status: callee.answer,
			});
			if (!this._alive(call)) return;
			if (r.action)
				this._entry(call, {
					type: 'action_ignored',
					inResponseTo: 'dial_completed',
					method: r.action.method,
					reason: 'call was not answered',
				});
			return this._complete(call, callee.answer);
		}
		this._answer(call);
		const r = await this._postCallEvent(call, 'dial_completed', {
			to: call.to,
			from: call.from,
			status: 'answered',
		});
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
				this._entry(call, {
					type: 'no_action',
					inResponseTo: ev,
					reason: r.reason,
					result: 'hangup',
				});
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
				this._entry(call, {
					type: 'error',
					code: 'invalid_action',
					inResponseTo: ev,
					method: action.method,
					message: invalid,
				});
				return this._complete(call, 'invalid_action');
			}
			if (call._events >= this.cfg.maxEventsPerCall) {
				this._entry(call, {
					type: 'error',
					code: 'max_events_exceeded',
					message: `more than ${this.cfg.maxEventsPerCall} events in one call (simulator safety limit)`,
				});
				return this._complete(call, 'max_events_exceeded');
			}
			this._entry(call, {
				type: 'action',
				inResponseTo: ev,
				method: action.method,
				params: clone(action.params),
				warnings: actionWarnings(action),
			});
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

	/** How long a speak / play takes: mediaMs, plus speechMsPerChar per character of a speak's message. */
	_mediaMs(action) {
		const message =
			action.method === 'speak' && isObj(action.params) && isObj(action.params.tts)
				? action.params.tts.message
				: undefined;
		return (
			this.cfg.mediaMs +
			(typeof message === 'string' ? message.length * this.cfg.speechMsPerChar : 0)
		);
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
					this._entry(call, {
						type: 'note',
						message: `remote party hung up during ${action.method}`,
					});
					await this._complete(call, 'hangup');
					return null;
				}
				const mediaMs = this._mediaMs(action);
				await this._sleep(mediaMs);
				this._advance(call, mediaMs);
				if (!this._alive(call)) return null;
				const data = { status: kind === 'speak' ? 'speak_successful' : 'play_successful' };
				if (isObj(p.collect_digits))
					data.collected_digits = this._nextDigits(call, p.collect_digits);
				const event = `${kind}_completed`;
				const res = await this._postCallEvent(call, event, data);
				return { event, res };
			}
			case 'send_dtmf': {
				this._entry(call, {
					type: 'note',
					message: `sent DTMF; no completion event is documented, the callee hangs up after talkMs=${remote.talkMs}`,
				});
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
		else if (cid === undefined || cid === null || cid === '')
			code = 'caller_id_number_not_provided';
		else if (!isValidPhoneNumber(to) || !isValidPhoneNumber(cid)) code = 'invalid_phone_number';
		else if (!this._owns(cid) && !(call.direction === 'inbound' && cid === call.from))
			code = 'caller_id_number_not_owned';
		else if (this.cfg.blocked[to]) code = this.cfg.blocked[to];
		if (code) {
			this._entry(call, {
				type: 'error',
				code,
				inResponseTo: 'dial',
				message: `bridge dial rejected: ${code}`,
			});
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
		call.duration =
			call._answeredMs === null ? 0 : Math.max(0, Math.round((endMs - call._answeredMs) / 1000));
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
		if (isObj(s))
			return { mode: 'custom', apiKey: s.apiKey, customerId: s.customerId || call.customer_id };
		const acct =
			this.cfg.accounts.find((a) => a.customerId === call.customer_id) || this.cfg.accounts[0];
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
		const entry = {
			type: 'event',
			event,
			body: clone(body),
			signing: signing.mode,
			webhookUrl: url,
			webhookStatus: null,
			responseBody: null,
		};
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
			entry.error =
				error && error.code === 'ETIMEDOUT'
					? 'webhook_timeout'
					: `webhook_error: ${(error && (error.code || error.message)) || 'unknown'}`;
		}
		this._latencies.push({
			reference_id: call.reference_id,
			event,
			latencyMs: result ? result.latencyMs : null,
			webhookStatus: result ? result.status : null,
			error: entry.error,
		});
		this._entry(call, entry);
		this.emit('call:event', {
			reference_id: call.reference_id,
			event,
			body,
			webhookStatus: entry.webhookStatus,
			error: entry.error,
		});
		if (event === 'call_completed')
			return { action: null, reason: 'call_completed answers are ignored' };
		if (!result) return { action: null, reason: entry.error };
		return this._parseAnswer(result);
	}

	_parseAnswer(result) {
		if (result.status < 200 || result.status > 299)
			return { action: null, reason: `webhook answered HTTP ${result.status}` };
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
			else
				return {
					action: null,
					reason:
						'response is a JSON array (batch answers are UNVERIFIED; send a single action object)',
				};
		}
		if (!isObj(parsed) || typeof parsed.method !== 'string')
			return { action: null, reason: 'response has no action (no "method")' };
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
		if (!isValidPhoneNumber(from))
			throw Object.assign(new Error(`invalid "from" number: ${from}`), {
				code: 'invalid_phone_number',
			});
		if (!isValidPhoneNumber(to))
			throw Object.assign(new Error(`invalid "to" number: ${to}`), {
				code: 'invalid_phone_number',
			});
		if (!this._owns(to))
			throw Object.assign(new Error(`"to" ${to} is not one of the owned numbers`), {
				code: 'to_number_not_owned',
			});
		const acct =
			(o.customerId && this.cfg.accounts.find((a) => a.customerId === o.customerId)) ||
			this.cfg.accounts[0];
		if (this._stopped && !this._server) throw new Error('simulator is stopped');
		const call = this._createCall({
			direction: 'inbound',
			from,
			to,
			customerId: acct.customerId,
			digits: o.digits,
		});
		this._entry(call, { type: 'inbound', from, to, message: 'inbound call started' });
		this._startFlow(call);
		return call.reference_id;
	}
}

module.exports = CallFlow;
