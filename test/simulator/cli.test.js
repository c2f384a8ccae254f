'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { parseArgs, buildOptions } = require('./cli');
const { TelesignSimulator, DEFAULT_ACCOUNT } = require('./index');
const { apiRequest, dialBody, startReceiver } = require('./test-helpers');

test('parseArgs / buildOptions: flags override the config file', () => {
	const file = path.join(os.tmpdir(), `sim-config-${process.pid}.json`);
	fs.writeFileSync(
		file,
		JSON.stringify({
			ownedNumbers: ['15550000007'],
			latencyMs: 5,
			callees: { 15551230003: { answer: 'busy' } },
		}),
	);
	try {
		const o = buildOptions(
			parseArgs([
				'--config',
				file,
				'--latency=50',
				'--webhook',
				'http://127.0.0.1:1/x',
				'--deterministic',
				'--port',
				'0',
				'--api-key',
				'a2V5',
			]),
		);
		expect(o).toMatchObject({
			ownedNumbers: ['15550000007'],
			latencyMs: 50,
			webhookUrl: 'http://127.0.0.1:1/x',
			deterministic: true,
			port: 0,
		});
		expect(o.accounts[0]).toEqual({ customerId: DEFAULT_ACCOUNT.customerId, apiKey: 'a2V5' });
		expect(() => new TelesignSimulator(o)).not.toThrow();
	} finally {
		fs.unlinkSync(file);
	}
	expect(() => parseArgs(['--nope', '1'])).toThrow(/unknown option/);
	expect(() => parseArgs(['--port'])).toThrow(/needs a value/);
});

test('example-config.json is a valid configuration', () => {
	const cfg = JSON.parse(fs.readFileSync(path.join(__dirname, 'example-config.json'), 'utf8'));
	expect(() => new TelesignSimulator(cfg)).not.toThrow();
	expect(() => new TelesignSimulator({ calees: {} })).toThrow(/unknown simulator option/);
});

test('the CLI runs by itself: prints its URL, places a call, stops on SIGTERM', async () => {
	const recv = await startReceiver((ev) =>
		ev.event === 'dial_completed' ? { method: 'hangup', params: {} } : {},
	);
	const child = spawn(
		process.execPath,
		[
			path.join(__dirname, 'cli.js'),
			'--port',
			'0',
			'--webhook',
			recv.url,
			'--owned',
			'15550000009',
		],
		{
			stdio: ['ignore', 'pipe', 'pipe'],
		},
	);
	try {
		const url = await new Promise((resolve, reject) => {
			let buf = '';
			const t = setTimeout(() => reject(new Error(`CLI did not start: ${buf}`)), 10000);
			child.stdout.on('data', (d) => {
				buf += d;
				const m = /listening on (http:\/\/\S+)/.exec(buf);
				if (m) {
					clearTimeout(t);
					resolve(m[1]);
				}
			});
			child.on('exit', (code) => reject(new Error(`CLI exited ${code}: ${buf}`)));
		});
		const r = await apiRequest(url, {
			body: dialBody('15551234567', '15550000009'),
			auth: 'basic',
			account: DEFAULT_ACCOUNT,
		});
		expect(r.status).toBe(202);
		await recv.waitFor((x) => x.event.event === 'call_completed', 10000);
		const calls = await apiRequest(url, { method: 'GET', path: '/_sim/calls' });
		expect(calls.json.calls[0].events).toEqual(['dial_completed', 'call_completed']);
	} finally {
		const exited = new Promise((ok) => child.once('exit', ok));
		child.kill('SIGTERM');
		const code = await exited;
		expect(code).toBe(0);
		await recv.close();
	}
});
