import {
	ValidationError,
	normalizePhoneNumber,
	parseJsonObject,
	requireText,
	toTelesignUtc,
	validateDtmf,
	validateHttpUrl,
	validateInteger,
} from '../../nodes/shared/telesign/validation';

function errorOf(fn: () => unknown): ValidationError {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(ValidationError);
		return error as ValidationError;
	}
	throw new Error('expected a ValidationError');
}

describe('normalizePhoneNumber', () => {
	it.each([
		['+1 (555) 555-1212', '15555551212'],
		['15555551212', '15555551212'],
		['1-555-555-1212', '15555551212'],
		['+44 7911 123456', '447911123456'],
		['0044 7911 123456', '447911123456'],
		['1.555.555.1212', '15555551212'],
		[' +49\u00a030 1234567 ', '49301234567'],
	])('%s → %s', (input, expected) => {
		expect(normalizePhoneNumber(input, 'To')).toBe(expected);
	});

	it('accepts a number value from an expression', () => {
		expect(normalizePhoneNumber(15555551212, 'To')).toBe('15555551212');
	});

	it.each([
		['', /To is required/],
		['   ', /To is required/],
		['555-CALL-NOW', /"555-CALL-NOW" is not a phone number: it contains letters/],
		['12345', /too short \(5 digits/],
		['1234567890123456', /too long \(16 digits/],
		['+1 555 555 1212 ext 5', /contains letters/],
		['1555#5551212', /only digits/],
		['07911 123456', /national number/],
		['++15555551212', /only digits/],
	])('rejects %j', (input, message) => {
		const error = errorOf(() => normalizePhoneNumber(input, 'To'));
		expect(error.message).toMatch(message);
		expect(error.field).toBe('To');
	});

	it.each([
		[['15555551212'], /^To "\["15555551212"\]" is not a phone number: it is an array/],
		[{ number: '15555551212' }, /is not a phone number: it is an object/],
		[-15555551212, /is not a phone number: it is a number/],
		[true, /is not a phone number: it is a boolean/],
	])('refuses a non-text value %j as such, not as "required"', (input, message) => {
		expect(errorOf(() => normalizePhoneNumber(input, 'To')).message).toMatch(message);
	});

	it('names the field it was given', () => {
		expect(errorOf(() => normalizePhoneNumber('abc', 'Caller ID Number')).message).toMatch(
			/^Caller ID Number "abc"/,
		);
	});

	it('shortens a huge value in the message', () => {
		const message = errorOf(() => normalizePhoneNumber('x'.repeat(5000), 'To')).message;
		expect(message.length).toBeLessThan(400);
		expect(message).toMatch(/5000 characters/);
	});
});

describe('validateDtmf', () => {
	it.each([
		['1234', '1234'],
		['6458#', '6458#'],
		['*9w1abcd', '*9w1ABCD'],
		['1 2 3', '123'],
		['WW1', 'ww1'],
		[42, '42'],
	])('%j → %s', (input, expected) => {
		expect(validateDtmf(input, 'Send DTMF')).toBe(expected);
	});

	it.each([
		['', /required/],
		['12x', /contains "x"/],
		['1E', /contains "E"/],
		['1,2', /contains ","/],
		['+1', /contains "\+"/],
		[['1', '2'], /is an array, not DTMF tones/],
	])('rejects %j', (input, message) => {
		const error = errorOf(() => validateDtmf(input, 'Send DTMF'));
		expect(error.message).toMatch(message);
		expect(error.message).toMatch(/0-9, A-D, \* and #/);
	});
});

describe('validateInteger', () => {
	it('accepts numbers and numeric strings in range', () => {
		expect(validateInteger(600, 'Max Call Duration', 1, 14400)).toBe(600);
		expect(validateInteger('14400', 'Max Call Duration', 1, 14400)).toBe(14400);
	});
	it.each([0, 14401, 'abc', 1.5, '', null])('rejects %j', (value) => {
		expect(errorOf(() => validateInteger(value, 'Max Call Duration', 1, 14400)).message).toMatch(
			/^Max Call Duration .*(1 to 14400)/,
		);
	});
});

describe('validateHttpUrl / parseJsonObject / toTelesignUtc', () => {
	it('accepts http(s) URLs only', () => {
		expect(validateHttpUrl(' https://example.com/a.wav ', 'Audio URL')).toBe(
			'https://example.com/a.wav',
		);
		expect(errorOf(() => validateHttpUrl('ftp://x/a.wav', 'Audio URL')).message).toMatch(
			/must start with https:\/\//,
		);
		expect(errorOf(() => validateHttpUrl('menu.wav', 'Audio URL')).message).toMatch(/is not a URL/);
		expect(errorOf(() => validateHttpUrl('', 'Audio URL')).message).toMatch(
			/Audio URL is required/,
		);
	});
	it('parses JSON objects and refuses other JSON', () => {
		expect(parseJsonObject('{"a":1}', 'Params')).toEqual({ a: 1 });
		expect(parseJsonObject({ a: 1 }, 'Params')).toEqual({ a: 1 });
		expect(errorOf(() => parseJsonObject('[1]', 'Params')).message).toMatch(/not an array/);
		expect(errorOf(() => parseJsonObject('"x"', 'Params')).message).toMatch(/not a string/);
		expect(errorOf(() => parseJsonObject('{nope', 'Params')).message).toMatch(/not valid JSON/);
	});
	it('formats dates as Telesign UTC', () => {
		expect(toTelesignUtc('2026-11-01T10:00:00', 'Start')).toBe('2026-11-01T10:00:00');
		expect(toTelesignUtc('2026-11-01T10:00:00+02:00', 'Start')).toBe('2026-11-01T08:00:00');
		expect(toTelesignUtc('2026-11-01 10:00:00', 'Start')).toBe('2026-11-01T10:00:00');
		expect(errorOf(() => toTelesignUtc('yesterday', 'Start')).message).toMatch(
			/^Start "yesterday" is not a date/,
		);
	});
	it('takes Dates and Luxon DateTimes (what {{ $now }} gives), refuses numbers and objects by name', () => {
		expect(toTelesignUtc(new Date('2026-11-01T10:00:00Z'), 'Start')).toBe('2026-11-01T10:00:00');
		const luxonLike = {
			isLuxonDateTime: true,
			isValid: true,
			toISO: () => '2026-11-01T12:00:00.000+02:00',
		};
		expect(toTelesignUtc(luxonLike, 'End')).toBe('2026-11-01T10:00:00');
		const invalidLuxon = { isLuxonDateTime: true, isValid: false, toISO: () => null };
		expect(errorOf(() => toTelesignUtc(invalidLuxon, 'End')).message).toMatch(
			/^End is an invalid date/,
		);
		expect(errorOf(() => toTelesignUtc(new Date('nope'), 'Start')).message).toMatch(
			/^Start is an invalid date/,
		);
		expect(errorOf(() => toTelesignUtc(1790000000000, 'Start')).message).toMatch(
			/^Start "1790000000000" is a number, not a date/,
		);
		expect(errorOf(() => toTelesignUtc({ day: 1 }, 'Start')).message).toMatch(
			/^Start .* is an object, not a date/,
		);
		expect(errorOf(() => toTelesignUtc('', 'Start')).message).toMatch(/^Start is required/);
	});
	it('requireText takes numbers as text and refuses other non-text values by name', () => {
		expect(requireText(42, 'Message', 'enter the text')).toBe('42');
		expect(errorOf(() => requireText(['a'], 'Message', 'enter the text')).message).toMatch(
			/^Message "\["a"\]" must be text, not an array/,
		);
		expect(errorOf(() => requireText(null, 'Message', 'enter the text')).message).toMatch(
			/^Message is required/,
		);
	});
});
