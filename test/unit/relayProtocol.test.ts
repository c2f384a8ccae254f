import {
	MAX_EXTERNAL_ID_LENGTH,
	RELAY_MAX_AGE_MS,
	RELAY_SIGNATURE_HEADER,
	RELAY_TIMESTAMP_HEADER,
	buildExternalId,
	deriveRelayKey,
	encodeMarker,
	parseMarker,
	resumeUrlFor,
	MAX_USER_EXTERNAL_ID_LENGTH,
	signRelay,
	verifyRelay,
	verifyRelayHeaders,
} from '../../nodes/shared/relay';

const API_KEY = Buffer.from('the account api key, 32 bytes...').toString('base64');
const OTHER_KEY = Buffer.from('another account api key ........').toString('base64');
const CUSTOMER = 'SIMCUST0-0000-4000-8000-000000000001';
const SIGNATURE = 'ab'.repeat(32);
const NODE_ID = '2e33b09e-eabb-49e3-a5e6-c8e99fcd256c';
const NOW = 1_800_000_000_000;

describe('the marker in external_id', () => {
	const marker = encodeMarker({
		executionId: '123456789',
		nodeId: NODE_ID,
		itemIndex: 7,
		signature: SIGNATURE,
	});

	test("round-trips, leaves room for the user's own ID within Telesign's 128 characters", () => {
		expect(marker.length).toBeLessThanOrEqual(90);
		// The longest marker n8n can produce (a 10-digit execution ID, a 6-digit item index) still leaves the room promised.
		const longest = encodeMarker({
			executionId: '9'.repeat(10),
			nodeId: NODE_ID,
			itemIndex: 999_999,
			signature: SIGNATURE,
		});
		expect(buildExternalId(longest, 'x'.repeat(MAX_USER_EXTERNAL_ID_LENGTH))).toHaveLength(
			longest.length + 1 + MAX_USER_EXTERNAL_ID_LENGTH,
		);
		expect(longest.length + 1 + MAX_USER_EXTERNAL_ID_LENGTH).toBeLessThanOrEqual(
			MAX_EXTERNAL_ID_LENGTH,
		);
		expect(() => buildExternalId(longest, 'x'.repeat(MAX_EXTERNAL_ID_LENGTH))).toThrow(/128/);
		const externalId = buildExternalId(marker, 'order.1234');
		expect(externalId.length).toBeLessThanOrEqual(MAX_EXTERNAL_ID_LENGTH);
		expect(parseMarker(externalId)).toEqual({
			executionId: '123456789',
			nodeId: NODE_ID,
			itemIndex: 7,
			signature: SIGNATURE,
			userExternalId: 'order.1234',
		});
		expect(parseMarker(marker)).toEqual({
			executionId: '123456789',
			nodeId: NODE_ID,
			itemIndex: 7,
			signature: SIGNATURE,
		});
	});

	test('a call of an on-call list carries its chain step; the longest (step 999) still leaves the room promised', () => {
		const step = encodeMarker({
			executionId: '123456789',
			nodeId: NODE_ID,
			itemIndex: 7,
			step: 12,
			signature: SIGNATURE,
		});
		expect(step).toBe(marker.replace('.7.', '.7-12.'));
		expect(parseMarker(buildExternalId(step, 'INC.7'))).toEqual({
			executionId: '123456789',
			nodeId: NODE_ID,
			itemIndex: 7,
			step: 12,
			signature: SIGNATURE,
			userExternalId: 'INC.7',
		});
		const longest = encodeMarker({
			executionId: '9'.repeat(10),
			nodeId: NODE_ID,
			itemIndex: 999_999,
			step: 999,
			signature: SIGNATURE,
		});
		expect(longest.length + 1 + MAX_USER_EXTERNAL_ID_LENGTH).toBeLessThanOrEqual(
			MAX_EXTERNAL_ID_LENGTH,
		);
		expect(() =>
			encodeMarker({
				executionId: '1',
				nodeId: NODE_ID,
				itemIndex: 0,
				step: 1000,
				signature: SIGNATURE,
			}),
		).toThrow(/step/);
		expect(parseMarker(step.replace('.7-12.', '.7-1234.'))).toBeUndefined();
		expect(parseMarker(step.replace('.7-12.', '.7-.'))).toBeUndefined();
	});

	test('node IDs that are not UUIDs survive too', () => {
		const other = encodeMarker({
			executionId: '1',
			nodeId: 'node-a',
			itemIndex: 0,
			signature: SIGNATURE,
		});
		expect(parseMarker(other)?.nodeId).toBe('node-a');
	});

	test.each([
		undefined,
		42,
		'',
		'order-1234',
		'tsw1.',
		'tsw1.1.x.0',
		`tsw1.1.${'A'.repeat(22)}.x.${'A'.repeat(43)}`,
		`tsw1.1.${'A'.repeat(22)}.0.short`,
	])('%p is not a marker', (value) => expect(parseMarker(value)).toBeUndefined());

	test('an unexpected resume URL shape is refused rather than encoded wrongly', () => {
		expect(() =>
			encodeMarker({ executionId: '1/2', nodeId: NODE_ID, itemIndex: 0, signature: SIGNATURE }),
		).toThrow(/execution ID/);
		expect(() =>
			encodeMarker({ executionId: '1', nodeId: NODE_ID, itemIndex: 0, signature: 'token' }),
		).toThrow(/signature/);
	});

	test("the resume URL is rebuilt from the trigger's own production URL", () => {
		const parsed = parseMarker(marker)!;
		expect(
			resumeUrlFor(
				'https://n8n.example.com/sub/webhook/WID/telesign-voice',
				'WID/telesign-voice',
				parsed,
			),
		).toBe(
			`https://n8n.example.com/sub/webhook-waiting/123456789/${NODE_ID}?signature=${SIGNATURE}`,
		);
		expect(
			resumeUrlFor(
				'https://n8n.example.com/webhook/OTHER/telesign-voice',
				'WID/telesign-voice',
				parsed,
			),
		).toBeUndefined();
	});
});

describe('relay authentication', () => {
	const key = deriveRelayKey(API_KEY, CUSTOMER);
	const body = Buffer.from('{"event":"speak_completed","data":{"collected_digits":"1"}}');
	const headers = signRelay(key, 'event', body, NOW);
	const check = (o: Partial<Parameters<typeof verifyRelay>[0]>) =>
		verifyRelay({
			key,
			kind: 'event',
			body,
			timestamp: headers[RELAY_TIMESTAMP_HEADER],
			signature: headers[RELAY_SIGNATURE_HEADER],
			nowMs: NOW,
			...o,
		});

	test("a relay signed with the account's key is accepted", () =>
		expect(check({})).toEqual({ valid: true }));

	test('the key depends on the API key and the customer ID', () => {
		expect(deriveRelayKey(API_KEY, CUSTOMER).equals(key)).toBe(true);
		expect(deriveRelayKey(OTHER_KEY, CUSTOMER).equals(key)).toBe(false);
		expect(deriveRelayKey(API_KEY, 'other').equals(key)).toBe(false);
	});

	test.each([
		['no signature', { signature: undefined }, 'missing'],
		['no timestamp', { timestamp: undefined }, 'missing'],
		['not v1 hex', { signature: 'v1=zz' }, 'malformed'],
		['timestamp not a number', { timestamp: 'yesterday' }, 'malformed'],
		['too old', { nowMs: NOW + RELAY_MAX_AGE_MS + 1 }, 'expired'],
		['from the future', { nowMs: NOW - RELAY_MAX_AGE_MS - 1 }, 'expired'],
		[
			'another body (e.g. digits changed)',
			{ body: Buffer.from(body.toString().replace('"1"', '"9"')) },
			'bad_signature',
		],
		[
			'another key (another account, or a guess)',
			{ key: deriveRelayKey(OTHER_KEY, CUSTOMER) },
			'bad_signature',
		],
		['an answer signature replayed as an event', { kind: 'answer' as const }, 'bad_signature'],
		['another timestamp with the same signature', { timestamp: String(NOW + 1) }, 'bad_signature'],
	])('%s: refused (%s)', (_name, change, reason) => {
		expect(check(change as Partial<Parameters<typeof verifyRelay>[0]>)).toEqual({
			valid: false,
			reason,
		});
	});

	test('read from headers whatever their case (HTTP header names are case-insensitive)', () => {
		const shouted = Object.fromEntries(
			Object.entries(headers).map(([name, value]) => [name.toUpperCase(), value]),
		);
		expect(verifyRelayHeaders({ key, kind: 'event', body, headers: shouted, nowMs: NOW })).toEqual({
			valid: true,
		});
		expect(verifyRelayHeaders({ key, kind: 'event', body, headers: {}, nowMs: NOW })).toEqual({
			valid: false,
			reason: 'missing',
		});
	});
});
