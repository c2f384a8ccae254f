'use strict';
const { TelesignSimulator } = require('./index');
const { apiRequest, dialBody, startReceiver } = require('./test-helpers');

const ACCT = { customerId: 'CUST-REC', apiKey: Buffer.from('rec-key').toString('base64') };
const seeded = Array.from({ length: 7 }, (_, i) => ({
	reference_id: `REC${String(i).padStart(29, '0')}`,
	date: `2024-03-0${i + 1}T10:00:00`,
}));

let sim;
beforeEach(async () => {
	sim = new TelesignSimulator({
		accounts: [ACCT],
		ownedNumbers: ['15550003333'],
		recordings: seeded,
	});
	await sim.start();
});
afterEach(() => sim.stop());
const get = (path, auth = 'basic') =>
	apiRequest(sim.url, { method: 'GET', path, auth, account: ACCT });

test('list by date range with pagination tokens (Basic and TSA)', async () => {
	const p1 = await get(
		'/v2/call_recording?start_date_time=2024-03-02T00:00:00&end_date_time=2024-03-06T10:00:00&pagesize=2',
	);
	expect(p1.status).toBe(200);
	expect(p1.json.call_recordings).toEqual([
		{
			reference_id: seeded[1].reference_id,
			file_name: expect.stringMatching(/\.wav$/),
			status: 'available',
			date: '2024-03-02T10:00:00',
		},
		expect.objectContaining({ reference_id: seeded[2].reference_id }),
	]);
	expect(typeof p1.json.token).toBe('string');
	const p2 = await get(`/v2/call_recording?token=${encodeURIComponent(p1.json.token)}`, 'tsa');
	expect(p2.status).toBe(200);
	expect(p2.json.call_recordings.map((r) => r.date)).toEqual([
		'2024-03-04T10:00:00',
		'2024-03-05T10:00:00',
	]);
	const p3 = await get(`/v2/call_recording?token=${encodeURIComponent(p2.json.token)}`);
	expect(p3.json.call_recordings.map((r) => r.date)).toEqual(['2024-03-06T10:00:00']); // end is inclusive
	expect(p3.json.token).toBeNull();
	const sig = sim.requests().map((r) => r.authMethod);
	expect(sig).toEqual(['basic', 'tsa', 'basic']);
});

test('list errors: missing dates, token + dates, bad token, bad date, bad pagesize, no auth', async () => {
	expect((await get('/v2/call_recording')).status).toBe(400);
	expect(
		(await get('/v2/call_recording?token=abc&start_date_time=2024-03-01T00:00:00')).status,
	).toBe(400);
	expect((await get('/v2/call_recording?token=!!!')).status).toBe(400);
	expect(
		(await get('/v2/call_recording?start_date_time=2024-03-01&end_date_time=2024-03-02')).status,
	).toBe(400);
	expect(
		(
			await get(
				'/v2/call_recording?start_date_time=2024-03-01T00:00:00&end_date_time=2024-03-02T00:00:00&pagesize=0',
			)
		).status,
	).toBe(400);
	const r = await get(
		'/v2/call_recording?start_date_time=2024-03-01T00:00:00&end_date_time=2024-03-02T00:00:00',
		'none',
	);
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
			transcribe: {
				language_code: 'en-US',
				transcription: [{ status: 'completed', result: expect.any(String) }],
			},
		},
	]);
	const wav = await fetch(one.json[0].url);
	expect(wav.status).toBe(200);
	expect(
		Buffer.from(await wav.arrayBuffer())
			.subarray(0, 4)
			.toString(),
	).toBe('RIFF');
	expect((await get('/v2/call_recording/UNKNOWNREF')).status).toBe(404);
	expect((await get('/v2/call_recording/bad%20ref')).status).toBe(400);
	const del = await apiRequest(sim.url, {
		method: 'DELETE',
		path: `/v2/call_recording/${ref}`,
		auth: 'tsa',
		account: ACCT,
	});
	expect(del.status).toBe(204);
	expect(del.text).toBe('');
	expect((await get(`/v2/call_recording/${ref}`)).status).toBe(404);
	expect(
		(
			await apiRequest(sim.url, {
				method: 'DELETE',
				path: `/v2/call_recording/${ref}`,
				auth: 'basic',
				account: ACCT,
			})
		).status,
	).toBe(404);
});

test('a recorded call produces a recording listed by its date', async () => {
	const recv = await startReceiver(() => ({ method: 'hangup', params: {} }));
	try {
		sim.configure({ webhookUrl: recv.url, callees: { 15551239999: { record: true } } });
		const r = await apiRequest(sim.url, {
			body: dialBody('15551239999', '15550003333'),
			auth: 'basic',
			account: ACCT,
		});
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

describe('download links and files', () => {
	const REF = 'DL00000000000000000000000000000A';
	const seed = (extra = {}) =>
		sim.configure({
			recordings: [{ reference_id: REF, date: '2024-05-01T10:00:00', duration: 2, ...extra }],
		});
	const fileUrl = async () => (await get(`/v2/call_recording/${REF}`)).json[0].url;

	test('a link carries Expires, Signature and Key-Pair-Id; the file is a WAV tone as long as the call, exactly recordingAudio()', async () => {
		seed();
		const url = new URL(await fileUrl());
		expect([...url.searchParams.keys()]).toEqual(['Expires', 'Signature', 'Key-Pair-Id']);
		expect(Number(url.searchParams.get('Expires')) * 1000).toBeGreaterThan(
			Date.now() + 3500 * 1000,
		);
		const res = await fetch(url);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('audio/wav');
		const bytes = Buffer.from(await res.arrayBuffer());
		expect(bytes.length).toBe(44 + 2 * 8000);
		expect(bytes.subarray(0, 4).toString()).toBe('RIFF');
		expect(bytes.equals(sim.recordingAudio(`${REF}_1714557600.wav`))).toBe(true);
		expect(new Set(bytes.subarray(44, 100)).size).toBeGreaterThan(10); // a tone, not silence
		expect(sim.storageRequests()).toEqual([
			expect.objectContaining({
				file: `${REF}_1714557600.wav`,
				status: 200,
				headers: expect.any(Object),
			}),
		]);
	});

	test('an expired link, a changed signature or a missing Key-Pair-Id is refused with 403; storage requests keep their headers', async () => {
		seed();
		sim.expireNextRecordingUrls(1);
		const expired = await fileUrl();
		const valid = new URL(await fileUrl());
		expect((await fetch(expired)).status).toBe(403);
		const tampered = new URL(valid);
		tampered.searchParams.set('Expires', String(Number(valid.searchParams.get('Expires')) + 1));
		expect((await fetch(tampered)).status).toBe(403);
		const noKeyPair = new URL(valid);
		noKeyPair.searchParams.delete('Key-Pair-Id');
		expect((await fetch(noKeyPair)).status).toBe(403);
		expect((await fetch(valid, { headers: { 'x-probe': 'seen' } })).status).toBe(200);
		expect(sim.storageRequests().map((r) => [r.status, r.reason])).toEqual([
			[403, 'Request has expired'],
			[403, 'Invalid signature'],
			[403, 'Missing Key'],
			[200, undefined],
		]);
		expect(sim.storageRequests()[3].headers['x-probe']).toBe('seen');
	});

	test('"recording" turns "available" after readyAfterMs: no link and no transcript before, both after', async () => {
		seed({ status: 'recording', readyAfterMs: 150 });
		const before = (await get(`/v2/call_recording/${REF}`)).json[0];
		expect(before).toMatchObject({
			status: 'recording',
			url: null,
			transcribe: { transcription: [] },
		});
		const listed = await get(
			'/v2/call_recording?start_date_time=2024-05-01T00:00:00&end_date_time=2024-05-02T00:00:00',
		);
		expect(listed.json.call_recordings.map((r) => r.status)).toEqual(['recording']);
		await new Promise((resolve) => setTimeout(resolve, 200));
		const after = (await get(`/v2/call_recording/${REF}`)).json[0];
		expect(after).toMatchObject({
			status: 'available',
			url: expect.stringContaining('Signature='),
			transcribe: { transcription: [{ status: 'completed' }] },
		});
	});

	test('a deleted file has no link and its old link answers 404', async () => {
		seed();
		const url = await fileUrl();
		sim.markRecordingDeleted(`${REF}_1714557600.wav`);
		expect((await get(`/v2/call_recording/${REF}`)).json[0]).toMatchObject({
			status: 'deleted',
			url: null,
		});
		expect((await fetch(url)).status).toBe(404);
	});

	test('a recorded call: a tone as long as the call, transcript = what was spoken, "recording" for recordingReadyMs', async () => {
		const recv = await startReceiver((ev) =>
			ev.event === 'dial_completed'
				? { method: 'speak', params: { tts: { message: 'Your order has shipped.' } } }
				: { method: 'hangup', params: {} },
		);
		try {
			sim.configure({
				webhookUrl: recv.url,
				recordingReadyMs: 60_000,
				callees: { 15551239998: { record: true, talkMs: 0 } },
			});
			const r = await apiRequest(sim.url, {
				body: dialBody('15551239998', '15550003333'),
				auth: 'basic',
				account: ACCT,
			});
			const call = await sim.waitForCall(r.json.reference_id);
			const [file] = (await get(`/v2/call_recording/${call.reference_id}`)).json;
			expect(file.status).toBe('recording');
			const rec = sim.recordings().find((x) => x.reference_id === call.reference_id);
			expect(rec.duration).toBe(Math.max(1, call.duration));
			expect(rec.transcribe.transcription[0].result).toBe('Your order has shipped.');
		} finally {
			await recv.close();
		}
	});
});
