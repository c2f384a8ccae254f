'use strict';
/** The control endpoints (/_sim/...) that drive the simulator over HTTP (CLI and demo). Methods of TelesignSimulator, mixed in by simulator.js. */
const { readBody } = require('./http-util');

class ControlApi {
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
			if (method === 'GET' && path === '/_sim/health')
				return this._json(res, 200, { ok: true, url: this.url });
			if (method === 'GET' && path === '/_sim/calls')
				return this._json(res, 200, { calls: this.calls() });
			if (method === 'GET' && path.startsWith('/_sim/calls/')) {
				const c = this.call(decodeURIComponent(path.slice('/_sim/calls/'.length)));
				return c ? this._json(res, 200, c) : this._json(res, 404, { error: 'no such call' });
			}
			if (method === 'GET' && path === '/_sim/requests')
				return this._json(res, 200, { requests: this.requests() });
			if (method === 'GET' && path === '/_sim/dials')
				return this._json(res, 200, {
					dials: this.dialsPlaced(),
					duplicates: this.duplicateDials(),
					duplicatesByTo: this.duplicateDials({ by: 'to' }),
				});
			if (method === 'GET' && path === '/_sim/latencies')
				return this._json(res, 200, { latencies: this.eventLatencies() });
			if (method === 'GET' && path === '/_sim/config')
				return this._json(res, 200, this.publicConfig());
			if (method === 'GET' && path === '/_sim/recordings')
				return this._json(res, 200, { recordings: this.recordings() });
			if (path.startsWith('/_sim/recordings/')) return this._handleStorage(req, res, u);
			if (method === 'GET' && path === '/_sim/storage-requests')
				return this._json(res, 200, { requests: this.storageRequests() });
			if (method === 'POST' && path === '/_sim/reset') {
				this.reset();
				return this._json(res, 200, { ok: true });
			}
			if (method === 'POST' && path === '/_sim/config')
				return this._json(res, 200, this.configure(body));
			if (method === 'POST' && path === '/_sim/faults') {
				this.injectFault(body.fault || body, { to: body.to, times: body.times });
				return this._json(res, 200, this.publicConfig().pendingFaults);
			}
			if (method === 'POST' && path === '/_sim/inbound') {
				const ref = this.startInboundCall(body);
				return this._json(res, 201, { reference_id: ref });
			}
			if (method === 'POST' && path === '/_sim/wait') {
				const c = await this.waitForCall(body.reference_id, {
					state: body.state,
					timeoutMs: Math.min(Number(body.timeoutMs) || 5000, 600000),
				});
				return this._json(res, 200, c);
			}
		} catch (e) {
			return this._json(res, 400, { error: String(e && e.message), code: e && e.code });
		}
		return this._json(res, 404, { error: 'unknown control endpoint' });
	}
}

module.exports = ControlApi;
