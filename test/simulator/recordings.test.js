'use strict';
const { TelesignSimulator } = require('./index');
const { apiRequest, dialBody, startReceiver } = require('./test-helpers');

const ACCT = { customerId: 'CUST-REC', apiKey: Buffer.from('rec-key').toString('base64') };
const seeded = Array.from({ length: 7 }, (_, i) => ({ reference_id: `REC${String(i).padStart(29, '0')}`, date: `2024-03-0${i + 1}T10:00:00` }));

let sim;
beforeEach(async () => {
	sim = new TelesignSimulator({ accounts: [ACCT], ownedNumbers: ['15550003333'], recordings: seeded });
	await sim.start();
});
afterEach(() => sim.stop());
const get = (path, auth = 'basic') => apiRequest(sim.url, { method: 'GET', path, auth, account: ACCT });

test('list by date range with pagination tokens (Basic and TSA)', async () => {
	const p1 = await get('/v2/call_recording?start_date_time=2024-03-02T00:00:00&end_date_time=2024-03-06T10:00:00&pagesize=2');
	expect(p1.status).toBe(200);
	expect(p1.json.call_recordings).toEqual([
		{ reference_id: seeded[1].reference_id, file_name: expect.stringMatching(/\.wav$/), status: 'available', date: '2024-03-02T10:00:00' },
		expect.objectContaining({ reference_id: seeded[2].reference_id }),
	]);
	expect(typeof p1.json.token).toBe('string');
	const p2 = await get(`/v2/call_recording?token=${encodeURIComponent(p1.json.token)}`, 'tsa');
	expect(p2.status).toBe(200);
	expect(p2.json.call_recordings.map((r) => r.date)).toEqual(['2024-03-04T10:00:00', '2024-03-05T10:00:00']);
	const p3 = await get(`/v2/call_recording?token=${encodeURIComponent(p2.json.token)}`);
	expect(p3.json.call_recordings.map((r) => r.date)).toEqual(['2024-03-06T10:00:00']); // end is inclusive
	expect(p3.json.token).toBeNull();
	const sig = sim.requests().map((r) => r.authMethod);
	expect(sig).toEqual(['basic', 'tsa', 'basic']);
});

test('list errors: missing dates, token + dates, bad token, bad date, bad pagesize, no auth', async () => {
	expect((await get('/v2/call_recording')).status).toBe(400);
	expect((await get('/v2/call_recording?token=abc&start_date_time=2024-03-01T00:00:00')).status).toBe(400);
	expect((await get('/v2/call_recording?token=!!!')).status).toBe(400);
	expect((await get('/v2/call_recording?start_date_time=2024-03-01&end_date_time=2024-03-02')).status).toBe(400);
	expect((await get('/v2/call_recording?start_date_time=2024-03-01T00:00:00&end_date_time=2024-03-02T00:00:00&pagesize=0')).status).toBe(400);
	const r = await get('/v2/call_recording?start_date_time=2024-03-01T00:00:00&end_date_time=2024-03-02T00:00:00', 'none');
	expect(r.status).toBe(401);
	expect(r.json.status).toBe('credentials_not_provided');
});

test('get one (404 when none), download URL works, delete → 204 then 404', async () => {
	const ref = seeded[0].reference_id;
	const one = await get(`/v2/call_recording/${ref}`);
	expect(one.status).toBe(200);
	expect(one.json).toEqual([
		{
			reference_id: ref,
			file_name: expect.stringMatching(new RegExp(`^${ref}_\\d+\\.wav$`)),
			status: 'available',
			date: '2024-03-01T10:00:00',
			url: expect.stringContaining('/_sim/recordings/'),
			transcribe: { language_code: 'en-US', transcription: [{ status: 'completed', result: expect.any(String) }] },
		},
	]);
	const wav = await fetch(one.json[0].url);
	expect(wav.status).toBe(200);
	expect(Buffer.from(await wav.arrayBuffer()).subarray(0, 4).toString()).toBe('RIFF');
	expect((await get('/v2/call_recording/UNKNOWNREF')).status).toBe(404);
	expect((await get('/v2/call_recording/bad%20ref')).status).toBe(400);
	const del = await apiRequest(sim.url, { method: 'DELETE', path: `/v2/call_recording/${ref}`, auth: 'tsa', account: ACCT });
	expect(del.status).toBe(204);
	expect(del.text).toBe('');
	expect((await get(`/v2/call_recording/${ref}`)).status).toBe(404);
	expect((await apiRequest(sim.url, { method: 'DELETE', path: `/v2/call_recording/${ref}`, auth: 'basic', account: ACCT })).status).toBe(404);
});

test('a recorded call produces a recording listed by its date', async () => {
	const recv = await startReceiver(() => ({ method: 'hangup', params: {} }));
	try {
		sim.configure({ webhookUrl: recv.url, callees: { 15551239999: { record: true } } });
		const r = await apiRequest(sim.url, { body: dialBody('15551239999', '15550003333'), auth: 'basic', account: ACCT });
		const call = await sim.waitForCall(r.json.reference_id);
		const rec = sim.recordings().find((x) => x.reference_id === call.reference_id);
		expect(rec.file_name).toBe(call.audio_recording_file_name);
		const d = rec.date;
		const list = await get(`/v2/call_recording?start_date_time=${d}&end_date_time=${d}`);
		expect(list.json.call_recordings.map((x) => x.reference_id)).toEqual([call.reference_id]);
	} finally {
		await recv.close();
	}
});
