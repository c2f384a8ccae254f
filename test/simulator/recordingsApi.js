'use strict';
/** The Recordings API: seeded and made recordings, GET/DELETE by reference_id and the paginated list. Methods of TelesignSimulator, mixed in by simulator.js. */
const { readBody } = require('./http-util');
const { REC_DATE_RE, fmtRecDate, clone, isObj } = require('./rules');

const REC_STATUSES = new Set(['recording', 'available', 'deleted']);

class RecordingsApi {
	// ───────────────────────────── recordings ─────────────────────────────

	_seedRecording(r) {
		if (!isObj(r) || typeof r.reference_id !== 'string')
			throw new TypeError('a seeded recording needs reference_id');
		const date = r.date || fmtRecDate(Date.parse(this.cfg.clockStart));
		if (!REC_DATE_RE.test(date))
			throw new TypeError(`recording date must be YYYY-MM-DDThh:mm:ss, got ${date}`);
		const status = r.status || 'available';
		if (!REC_STATUSES.has(status))
			throw new TypeError(
				`recording status must be one of ${[...REC_STATUSES].join(', ')}, got ${status}`,
			);
		const duration = r.duration === undefined ? 1 : Number(r.duration);
		if (!(duration > 0 && duration <= 14400))
			throw new TypeError('recording duration must be 0 < seconds <= 14400');
		const unix = Math.floor(Date.parse(date + 'Z') / 1000);
		return {
			reference_id: r.reference_id,
			file_name: r.file_name || `${r.reference_id}_${unix}.wav`,
			status,
			date,
			duration,
			// A seeded "recording" becomes available readyAfterMs after it was seeded (never, without it).
			readyAt:
				status === 'recording' && r.readyAfterMs !== undefined
					? Date.now() + Number(r.readyAfterMs)
					: undefined,
			transcribe: r.transcribe || {
				language_code: 'en-US',
				transcription: [{ status: 'completed', result: 'simulated transcription' }],
			},
		};
	}
	_makeRecording(call, endMs) {
		const ready = this.cfg.recordingReadyMs;
		const spoken = call.entries
			.filter((e) => e.type === 'action' && e.method === 'speak')
			.map((e) => e.params && e.params.tts && e.params.tts.message);
		return {
			reference_id: call.reference_id,
			file_name: `${call.reference_id}_${Math.floor(endMs / 1000)}.wav`,
			status: ready > 0 ? 'recording' : 'available',
			date: fmtRecDate(endMs),
			duration: Math.max(1, call.duration),
			readyAt: ready > 0 ? Date.now() + ready : undefined,
			transcribe: {
				language_code: 'en-US',
				transcription: [
					{
						status: 'completed',
						result: spoken.filter(Boolean).join(' ') || 'simulated transcription',
					},
				],
			},
		};
	}
	/** A file's status now: "recording" turns "available" once its time has come. */
	_recordingStatus(r) {
		if (r.status === 'recording' && r.readyAt !== undefined && Date.now() >= r.readyAt)
			r.status = 'available';
		return r.status;
	}
	/** Telesign has finished a file that was "recording": it is "available" from now on. */
	finishRecording(fileName) {
		const r = this._recordings.find((x) => x.file_name === fileName);
		if (!r) throw new Error(`no recording ${fileName}`);
		r.status = 'available';
	}
	/** Marks a file "deleted" (Telesign's third status; DELETE removes a call's files altogether). */
	markRecordingDeleted(fileName) {
		const r = this._recordings.find((x) => x.file_name === fileName);
		if (!r) throw new Error(`no recording ${fileName}`);
		r.status = 'deleted';
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
			this._logRequest({
				...log,
				query: Object.fromEntries(u.searchParams),
				status,
				response: body,
			});
			return this._json(res, status, body);
		};
		if (!auth.ok)
			return answer(401, {
				status: auth.status,
				...(auth.reason ? { description: auth.reason } : {}),
			});
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
			return answer(
				200,
				mine.map((r) => {
					const status = this._recordingStatus(r);
					return {
						reference_id: r.reference_id,
						file_name: r.file_name,
						status,
						date: r.date,
						// A link only for a file there is to download; a transcript only once the recording is over.
						url: status === 'available' ? this._signedRecordingUrl(r.file_name) : null,
						transcribe:
							status === 'recording'
								? { language_code: r.transcribe.language_code, transcription: [] }
								: clone(r.transcribe),
					};
				}),
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
				return answer(400, {
					status: 'invalid_parameters',
					description: 'token is mutually exclusive with start_date_time/end_date_time',
				});
			try {
				const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
				({ s, e, p, o } = t);
				if (
					!REC_DATE_RE.test(s) ||
					!REC_DATE_RE.test(e) ||
					!Number.isInteger(p) ||
					!Number.isInteger(o)
				)
					throw new Error('bad');
			} catch {
				return answer(400, { status: 'invalid_parameters', description: 'invalid token' });
			}
		} else {
			s = q.get('start_date_time');
			e = q.get('end_date_time');
			if (!s || !e)
				return answer(400, {
					status: 'invalid_parameters',
					description: 'start_date_time and end_date_time (or token) are required',
				});
			if (!REC_DATE_RE.test(s) || !REC_DATE_RE.test(e))
				return answer(400, {
					status: 'invalid_parameters',
					description: 'dates must be UTC YYYY-MM-DDThh:mm:ss',
				});
			const ps = q.get('pagesize');
			p = ps === null ? this.cfg.recordingsPageSize : Number(ps);
			if (!Number.isInteger(p) || p < 1 || p > 1000)
				return answer(400, {
					status: 'invalid_parameters',
					description: 'pagesize must be an integer 1-1000',
				});
			o = 0;
		}
		const all = this._recordings
			.filter((r) => r.date >= s && r.date <= e)
			.sort((a, b) =>
				a.date < b.date
					? -1
					: a.date > b.date
						? 1
						: a.reference_id < b.reference_id
							? -1
							: a.reference_id > b.reference_id
								? 1
								: 0,
			);
		const slice = all.slice(o, o + p);
		const page = slice.map((r) => ({
			reference_id: r.reference_id,
			file_name: r.file_name,
			status: this._recordingStatus(r),
			date: r.date,
		}));
		const next =
			o + p < all.length
				? Buffer.from(JSON.stringify({ s, e, p, o: o + p })).toString('base64url')
				: null;
		return answer(200, { call_recordings: page, token: next });
	}
}

module.exports = RecordingsApi;
