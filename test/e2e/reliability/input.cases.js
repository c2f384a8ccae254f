'use strict';
/**
 * The cases of the bad-input category (1-input.e2e.test.js): per operation, items that must fail with a clear
 * error naming the field (`error`), and valid items that must pass unchanged (`ok`). See scoreBatch there.
 */
const crypto = require('crypto');
const { CALLER_ID } = require('../harness/reliability');

const dialParams = {
	resource: 'call',
	operation: 'dial',
	to: '={{ $json.to }}',
	callerIdNumber: '={{ $json.callerId }}',
	options: {
		concurrency: 4,
		externalId: '={{ $json.externalId }}',
		sendDtmf: '={{ $json.sendDtmf }}',
		maxCallDuration: '={{ $json.maxCallDuration }}',
		timeout: '={{ $json.timeout }}',
		rateLimitRetries: '={{ $json.rateLimitRetries }}',
	},
};

/** `bad(name, input, error)` and `good(name, input, expected)` dial cases, each with a unique external_id. */
function dialCaseMakers(freshNumber) {
	let n = 0;
	const bad = (name, input, error) => {
		const externalId =
			input.externalId ?? `input-bad-${++n}-${crypto.randomBytes(3).toString('hex')}`;
		return {
			name,
			input: { callerId: CALLER_ID, to: freshNumber(), ...input, externalId },
			error,
			request: (r) =>
				r.body?.params?.external_id === externalId ||
				(typeof input.to === 'string' && r.body?.params?.to === input.to),
		};
	};
	const good = (name, input, expected) => {
		const externalId = `input-ok-${++n}-${crypto.randomBytes(3).toString('hex')}`;
		return {
			name,
			input: { callerId: CALLER_ID, ...input, externalId },
			ok: (item, requests) => {
				expect(item).toMatchObject({
					status: 'dial_accepted',
					external_id: externalId,
					to: expected.to,
				});
				const mine = requests.filter((r) => r.body?.params?.external_id === externalId);
				expect(mine).toHaveLength(1);
				expect(mine[0].status).toBe(202);
				expect(mine[0].body.params).toEqual({
					to: expected.to,
					caller_id_number: CALLER_ID,
					external_id: externalId,
					...expected.params,
				});
			},
		};
	};
	return { bad, good };
}

/** Dial cases: each gets a unique external_id (how the simulator's log is searched). */
function dialCases(freshNumber) {
	const { bad, good } = dialCaseMakers(freshNumber);
	const d = Array.from({ length: 8 }, () => freshNumber());
	const fmt = (x) => ({ cc: x.slice(0, 1), a: x.slice(1, 4), b: x.slice(4, 7), c: x.slice(7) });
	const f = d.map(fmt);
	return [
		good(
			'valid: "+1 (555) 200-0001" form is normalised to digits',
			{ to: `+${f[0].cc} (${f[0].a}) ${f[0].b}-${f[0].c}` },
			{ to: d[0] },
		),
		bad('To empty', { to: '' }, /^To is required/),
		good(
			'valid: dashes "1-555-…" normalised',
			{ to: `${f[1].cc}-${f[1].a}-${f[1].b}-${f[1].c}` },
			{ to: d[1] },
		),
		bad('To only spaces', { to: '   ' }, /^To is required/),
		bad('To missing (null)', { to: null }, /^To is required/),
		good(
			'valid: spaces "+1 555 …" normalised',
			{ to: `+${f[2].cc} ${f[2].a} ${f[2].b} ${f[2].c}` },
			{ to: d[2] },
		),
		bad(
			'To with letters',
			{ to: '555-CALL-NOW' },
			/^To "555-CALL-NOW" is not a phone number: it contains letters/,
		),
		bad('To too short (5 digits)', { to: '12345' }, /^To "12345" is too short/),
		good(
			'valid: international "00" prefix normalised',
			{ to: `00${f[3].cc} ${f[3].a} ${f[3].b} ${f[3].c}` },
			{ to: d[3] },
		),
		bad(
			'To too long (16 digits)',
			{ to: '1234567890123456' },
			/^To "1234567890123456" is too long/,
		),
		bad(
			'To huge (300 digits): message stays short',
			{ to: '1'.repeat(300) },
			/^To ".*" \(300 characters\) is too long/,
		),
		bad(
			'To national form (leading 0)',
			{ to: '05555551212' },
			/^To "05555551212" looks like a national number/,
		),
		good(
			'valid: dots "1.555.…" normalised',
			{ to: `${f[4].cc}.${f[4].a}.${f[4].b}.${f[4].c}` },
			{ to: d[4] },
		),
		bad(
			'To with "#"',
			{ to: '1555#5551212' },
			/^To "1555#5551212" is not a phone number: only digits/,
		),
		bad('To just "+"', { to: '+' }, /^To "\+" is not a phone number: only digits/),
		bad(
			'To "++1…"',
			{ to: '++15555551212' },
			/^To "\+\+15555551212" is not a phone number: only digits/,
		),
		bad('To an array', { to: ['15555551212'] }, /^To .* is not a phone number: it is an array/),
		bad(
			'To an object',
			{ to: { number: '15555551212' } },
			/^To .* is not a phone number: it is an object/,
		),
		good('valid: number value (not text) from an expression', { to: Number(d[5]) }, { to: d[5] }),
		bad('Caller ID Number empty', { callerId: '' }, /^Caller ID Number is required/),
		bad(
			'Caller ID Number with letters',
			{ callerId: 'CALLER' },
			/^Caller ID Number "CALLER" is not a phone number: it contains letters/,
		),
		bad('Caller ID Number too short', { callerId: '12' }, /^Caller ID Number "12" is too short/),
		good(
			'valid: Send DTMF "ww1234#", Max Call Duration "600" (text)',
			{ to: d[6], sendDtmf: 'ww1234#', maxCallDuration: '600' },
			{ to: d[6], params: { send_dtmf: 'ww1234#', max_call_duration: '600' } },
		),
		bad(
			'Send DTMF with "x"',
			{ sendDtmf: '12x4' },
			/^Send DTMF "12x4" contains "x", which is not a DTMF tone/,
		),
		bad('Send DTMF with "E"', { sendDtmf: '1E' }, /^Send DTMF "1E" contains "E"/),
		bad('Send DTMF with ","', { sendDtmf: '1,2' }, /^Send DTMF "1,2" contains ","/),
		bad(
			'Send DTMF an array',
			{ sendDtmf: ['1', '2'] },
			/^Send DTMF .* is an array, not DTMF tones/,
		),
		bad(
			'Max Call Duration 0',
			{ maxCallDuration: 0 },
			/^Max Call Duration "0" is out of range: allowed 1 to 14400/,
		),
		bad(
			'Max Call Duration 14401',
			{ maxCallDuration: 14401 },
			/^Max Call Duration "14401" is out of range: allowed 1 to 14400/,
		),
		bad(
			'Max Call Duration "abc"',
			{ maxCallDuration: 'abc' },
			/^Max Call Duration "abc" must be a whole number from 1 to 14400/,
		),
		bad(
			'Max Call Duration 1.5',
			{ maxCallDuration: 1.5 },
			/^Max Call Duration "1.5" must be a whole number/,
		),
		bad(
			'Max Call Duration -60',
			{ maxCallDuration: -60 },
			/^Max Call Duration "-60" is out of range/,
		),
		good(
			'valid: Send DTMF "abcd" upper-cased, Max Call Duration 14400',
			{ to: d[7], sendDtmf: 'abcd', maxCallDuration: 14400 },
			{ to: d[7], params: { send_dtmf: 'ABCD', max_call_duration: '14400' } },
		),
		bad(
			'External ID of 129 characters',
			{ externalId: 'x'.repeat(129) },
			/^External ID is 129 characters long: keep it to 128 characters or fewer/,
		),
		bad(
			'Timeout 500 ms (below 1000)',
			{ timeout: 500 },
			/^Timeout "500" is out of range: allowed 1000 to 120000/,
		),
		bad(
			'Rate Limit Retries 11',
			{ rateLimitRetries: 11 },
			/^Rate Limit Retries "11" is out of range: allowed 0 to 10/,
		),
		bad(
			'Rate Limit Retries "many"',
			{ rateLimitRetries: 'many' },
			/^Rate Limit Retries "many" must be a whole number/,
		),
	];
}

const respondCases = {
	speak: () => [
		{
			name: 'valid: message and language',
			input: { message: 'Disk full on db-1', language: 'en-US' },
			ok: (item) =>
				expect(item).toEqual({
					jsonrpc: '2.0',
					method: 'speak',
					params: { tts: { message: 'Disk full on db-1', language: 'en-US' } },
				}),
		},
		{
			name: 'Message empty',
			input: { message: '', language: 'en-US' },
			error: /^Message is required/,
		},
		{
			name: 'Message only spaces',
			input: { message: '   ', language: 'en-US' },
			error: /^Message is required/,
		},
		{
			name: 'Message missing (null)',
			input: { message: null, language: 'en-US' },
			error: /^Message is required/,
		},
		{
			name: 'Message an array',
			input: { message: ['a'], language: 'en-US' },
			error: /^Message .* must be text, not an array/,
		},
		{
			name: 'valid: a number as Message is spoken as text',
			input: { message: 42, language: 'en-US' },
			ok: (item) => expect(item.params.tts.message).toBe('42'),
		},
		{
			name: 'Language "english!"',
			input: { message: 'x', language: 'english!' },
			error: /^Language "english!" is not a language tag/,
		},
		{
			name: 'Language "e"',
			input: { message: 'x', language: 'e' },
			error: /^Language "e" is not a language tag/,
		},
		{
			name: 'Max Digits 0 while collecting',
			input: { message: 'x', language: 'en-US', collect: true, maxDigits: 0 },
			error: /^Max Digits "0" is out of range: allowed 1 to 64/,
		},
		{
			name: 'Max Digits 65',
			input: { message: 'x', language: 'en-US', collect: true, maxDigits: 65 },
			error: /^Max Digits "65" is out of range/,
		},
		{
			name: 'Max Digits "two"',
			input: { message: 'x', language: 'en-US', collect: true, maxDigits: 'two' },
			error: /^Max Digits "two" must be a whole number/,
		},
		{
			name: 'valid: collecting 4 digits in fr-FR',
			input: { message: 'Code?', language: 'fr-FR', collect: true, maxDigits: 4 },
			ok: (item) =>
				expect(item.params).toEqual({
					tts: { message: 'Code?', language: 'fr-FR' },
					collect_digits: { max: 4 },
				}),
		},
	],
	play: () => [
		{
			name: 'valid: https URL',
			input: { url: 'https://example.com/menu.wav' },
			ok: (item) =>
				expect(item).toEqual({
					jsonrpc: '2.0',
					method: 'play',
					params: { url: 'https://example.com/menu.wav' },
				}),
		},
		{ name: 'Audio URL empty', input: { url: '' }, error: /^Audio URL is required/ },
		{
			name: 'Audio URL not a URL',
			input: { url: 'not a url' },
			error: /^Audio URL "not a url" is not a URL/,
		},
		{
			name: 'Audio URL relative path',
			input: { url: '/menu.wav' },
			error: /^Audio URL "\/menu.wav" is not a URL/,
		},
		{
			name: 'Audio URL ftp://',
			input: { url: 'ftp://example.com/a.wav' },
			error: /^Audio URL "ftp:\/\/example.com\/a.wav" must start with https:\/\/ or http:\/\//,
		},
		{
			name: 'Audio URL javascript:',
			input: { url: 'javascript:alert(1)' },
			error: /^Audio URL "javascript:alert\(1\)" must start with https:\/\//,
		},
		{
			name: 'Audio URL file://',
			input: { url: 'file:///etc/passwd' },
			error: /^Audio URL "file:\/\/\/etc\/passwd" must start with https:\/\//,
		},
		{
			name: 'valid: http URL collecting 1 digit',
			input: { url: 'http://example.com/a.wav', collect: true, maxDigits: 1 },
			ok: (item) =>
				expect(item.params).toEqual({
					url: 'http://example.com/a.wav',
					collect_digits: { max: 1 },
				}),
		},
	],
	sendDtmf: () => [
		{
			name: 'valid: "1234#"',
			input: { digits: '1234#' },
			ok: (item) =>
				expect(item).toEqual({ jsonrpc: '2.0', method: 'send_dtmf', params: { digits: '1234#' } }),
		},
		{ name: 'Digits empty', input: { digits: '' }, error: /^Digits is required/ },
		{
			name: 'Digits with "Z"',
			input: { digits: '12Z' },
			error: /^Digits "12Z" contains "Z", which is not a DTMF tone/,
		},
		{ name: 'Digits with "+"', input: { digits: '+1' }, error: /^Digits "\+1" contains "\+"/ },
		{
			name: 'Digits an object',
			input: { digits: { d: 1 } },
			error: /^Digits .* is an object, not DTMF tones/,
		},
		{
			name: 'valid: number 42 and pauses',
			input: { digits: 42 },
			ok: (item) => expect(item.params).toEqual({ digits: '42' }),
		},
	],
	rawAction: () => [
		{
			name: 'valid: play_multiple with object params',
			input: { method: 'play_multiple', params: { urls: ['https://example.com/a.wav'] } },
			ok: (item) =>
				expect(item).toEqual({
					jsonrpc: '2.0',
					method: 'play_multiple',
					params: { urls: ['https://example.com/a.wav'] },
				}),
		},
		{
			name: 'Params a JSON array',
			input: { method: 'play_multiple', params: [1, 2] },
			error: /^Params must be a JSON object \(\{ … \}\), not an array/,
		},
		{
			name: 'Params JSON text of a string',
			input: { method: 'play_multiple', params: '"text"' },
			error: /^Params must be a JSON object \(\{ … \}\), not a string/,
		},
		{
			name: 'Params not JSON',
			input: { method: 'play_multiple', params: '{not json' },
			error: /^Params is not valid JSON/,
		},
		{
			name: 'Params JSON null',
			input: { method: 'play_multiple', params: 'null' },
			error: /^Params must be a JSON object \(\{ … \}\), not null/,
		},
		{
			name: 'Params a number',
			input: { method: 'play_multiple', params: 42 },
			error: /^Params must be a JSON object \(\{ … \}\), not a number/,
		},
		{ name: 'Method empty', input: { method: '', params: {} }, error: /^Method is required/ },
		{
			name: 'Method "Play Multiple" (not an action name)',
			input: { method: 'Play Multiple', params: {} },
			error: /^Method "Play Multiple" is not an action name/,
		},
		{
			name: 'Method a number',
			input: { method: 7, params: {} },
			error: /^Method "7" is a number, not an action name/,
		},
		{
			name: 'valid: hangup with "{}" text params',
			input: { method: 'hangup', params: '{}' },
			ok: (item) => expect(item).toEqual({ jsonrpc: '2.0', method: 'hangup', params: {} }),
		},
	],
	bridge: () => [
		{
			name: 'valid: "+44 7911 123456" normalised',
			input: { to: '+44 7911 123456', callerId: CALLER_ID },
			ok: (item) =>
				expect(item).toEqual({
					jsonrpc: '2.0',
					method: 'dial',
					params: { to: '447911123456', caller_id_number: CALLER_ID },
				}),
		},
		{
			name: 'To with letters',
			input: { to: 'abc', callerId: CALLER_ID },
			error: /^To "abc" is not a phone number/,
		},
		{
			name: 'Caller ID Number too short',
			input: { to: '15555551212', callerId: '12' },
			error: /^Caller ID Number "12" is too short/,
		},
		{
			name: 'Max Call Duration 99999',
			input: { to: '15555551212', callerId: CALLER_ID, maxCallDuration: 99999 },
			error: /^Max Call Duration "99999" is out of range/,
		},
		{
			name: 'Send DTMF "x"',
			input: { to: '15555551212', callerId: CALLER_ID, sendDtmf: 'x' },
			error: /^Send DTMF "x" contains "x"/,
		},
	],
};

const listed = (ref) => (item) => expect(item).toMatchObject({ reference_id: ref });

/** Recording → Get Many over the simulator's recordings (suite.js); Start/End are expressions of the item. */
const recordingGetAllCases = () => [
	{
		name: 'valid: one-hour UTC range',
		input: { start: '2025-03-01T09:30:00', end: '2025-03-01T10:30:00', limit: 1 },
		ok: listed('RELGETALL0001'),
	},
	{
		name: 'End before Start (dates reversed)',
		input: { start: '2025-03-02T00:00:00', end: '2025-03-01T00:00:00', limit: 1 },
		error: /^End must be after Start/,
	},
	{
		name: 'Start not a date',
		input: { start: 'yesterday-ish', end: '2025-03-01T00:00:00', limit: 1 },
		error: /^Start "yesterday-ish" is not a date/,
	},
	{
		name: 'valid: End empty = now',
		input: { start: '2025-03-01T09:30:00', end: '', limit: 1 },
		ok: listed('RELGETALL0001'),
	},
	{
		name: 'Start an array',
		input: { start: ['2025-03-01'], end: '2025-03-02T00:00:00', limit: 1 },
		error: /^Start .* is an array, not a date/,
	},
	{
		name: 'End month 13',
		input: { start: '2025-03-01T00:00:00', end: '2025-13-45T00:00:00', limit: 1 },
		error: /^End "2025-13-45T00:00:00" is not a date/,
	},
	{
		name: 'Start a number (epoch ms)',
		input: { start: 1740787200000, end: '2025-03-02T00:00:00', limit: 1 },
		error: /^Start "1740787200000" is a number, not a date/,
	},
	{
		name: 'valid: range with a time zone offset',
		input: { start: '2025-03-02T11:30:00+02:00', end: '2025-03-02T12:30:00+02:00', limit: 1 },
		ok: listed('RELGETALL0002'),
	},
	{
		name: 'Limit 0',
		input: { start: '2025-03-01T00:00:00', end: '2025-03-02T00:00:00', limit: 0 },
		error: /^Limit "0" is out of range/,
	},
	{
		name: 'Limit "ten"',
		input: { start: '2025-03-01T00:00:00', end: '2025-03-02T00:00:00', limit: 'ten' },
		error: /^Limit "ten" must be a whole number/,
	},
	{
		name: 'valid: {{ $now.minus({ days: 1 }) }} … {{ $now }} (Luxon dates)',
		input: { daysAgo: 1, limit: 1 },
		ok: listed('RELRECENT0001'),
	},
];

const byRef = (ref) => (r) =>
	typeof ref === 'string' && ref !== '' && r.path.includes(encodeURIComponent(ref.trim()));

/** Recording → Get and Delete: the valid reference IDs given, then the same invalid ones for both. */
const referenceIdCases = (valid) => [
	...valid.map((ref) => ({
		name: `valid: ${ref}`,
		input: { ref },
		ok: (item) => expect(item.reference_id).toBe(ref),
	})),
	{
		name: 'Reference ID empty',
		input: { ref: '' },
		error: /^Reference ID is required/,
		request: () => false,
	},
	{
		name: 'Reference ID with spaces',
		input: { ref: 'has space' },
		error: /^Reference ID "has space" is not a reference ID/,
		request: byRef('has space'),
	},
	{
		name: 'Reference ID of 129 characters',
		input: { ref: 'R'.repeat(129) },
		error: /^Reference ID ".*" \(129 characters\) is not a reference ID/,
		request: byRef('R'.repeat(129)),
	},
	{
		name: 'Reference ID an array',
		input: { ref: ['RELGET0001'] },
		error: /^Reference ID .* must be text, not an array/,
		request: () => false,
	},
];

module.exports = { dialParams, dialCases, respondCases, recordingGetAllCases, referenceIdCases };
