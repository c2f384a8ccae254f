/**
 * Input validation shared by every operation: phone numbers, DTMF strings, numbers in ranges, URLs.
 * Each failure is a ValidationError that names the field, shows the offending value and says what is allowed,
 * so the node can turn it into an item-level error before any request is sent.
 */

export class ValidationError extends Error {
	constructor(
		readonly field: string,
		message: string,
		readonly hint?: string,
	) {
		super(message);
		this.name = 'ValidationError';
	}
}

const MAX_SHOWN = 40;

/** Quotes a user value for an error message, shortened so a huge value cannot flood the message. */
export function showValue(value: unknown): string {
	let text: string;
	if (typeof value === 'string') text = value;
	else if (value === undefined) text = 'undefined';
	else {
		try {
			text = JSON.stringify(value) ?? String(value);
		} catch {
			text = String(value);
		}
	}
	return text.length > MAX_SHOWN
		? `"${text.slice(0, MAX_SHOWN)}…" (${text.length} characters)`
		: `"${text}"`;
}

/** "an array", "an object", "a boolean", "null": what a value of the wrong type is, for error messages. */
export function describeKind(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (value instanceof Date) return 'a date';
	const type = typeof value;
	return type === 'object' ? 'an object' : `a ${type}`;
}

/** Whether a value counts as "not given": undefined, null, or text that is empty or only spaces. */
function isBlank(value: unknown): boolean {
	return (
		value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
	);
}

/** Telesign wants digits only, country code first, no "+", spaces or punctuation (E.164 without "+"). */
export const PHONE_MIN_DIGITS = 7;
export const PHONE_MAX_DIGITS = 15;
const PHONE_EXAMPLE =
	'use the full international number with country code, e.g. 15555551212 or +1 (555) 555-1212';

/**
 * Normalises a phone number to Telesign's format: accepts "+", spaces, dashes, dots and parentheses
 * (and a leading international "00"), returns digits only.
 */
export function normalizePhoneNumber(value: unknown, field: string): string {
	if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) value = String(value);
	if (isBlank(value)) {
		throw new ValidationError(field, `${field} is required: ${PHONE_EXAMPLE}`);
	}
	if (typeof value !== 'string') {
		// A value was given, but it is not text (an array or object from an expression, a negative or
		// fractional number): "required" would be misleading.
		throw new ValidationError(
			field,
			`${field} ${showValue(value)} is not a phone number: it is ${describeKind(value)}; ${PHONE_EXAMPLE}`,
		);
	}
	const raw = value.trim();
	if (/[a-z]/i.test(raw)) {
		throw new ValidationError(
			field,
			`${field} ${showValue(raw)} is not a phone number: it contains letters; ${PHONE_EXAMPLE}`,
		);
	}
	const withoutSeparators = raw.replace(/[\s\-.()\u00a0]/g, '');
	let digits: string;
	if (withoutSeparators.startsWith('+')) digits = withoutSeparators.slice(1);
	else if (withoutSeparators.startsWith('00')) digits = withoutSeparators.slice(2);
	else digits = withoutSeparators;
	if (!/^\d+$/.test(digits)) {
		throw new ValidationError(
			field,
			`${field} ${showValue(raw)} is not a phone number: only digits, a leading "+", spaces, dashes, dots and parentheses are allowed; ${PHONE_EXAMPLE}`,
		);
	}
	if (digits.startsWith('0')) {
		throw new ValidationError(
			field,
			`${field} ${showValue(raw)} looks like a national number (leading 0): ${PHONE_EXAMPLE}`,
		);
	}
	if (digits.length < PHONE_MIN_DIGITS) {
		throw new ValidationError(
			field,
			`${field} ${showValue(raw)} is too short (${digits.length} digits; at least ${PHONE_MIN_DIGITS} with the country code): ${PHONE_EXAMPLE}`,
		);
	}
	if (digits.length > PHONE_MAX_DIGITS) {
		throw new ValidationError(
			field,
			`${field} ${showValue(raw)} is too long (${digits.length} digits; at most ${PHONE_MAX_DIGITS}): ${PHONE_EXAMPLE}`,
		);
	}
	return digits;
}

/** DTMF as Telesign documents it: 0-9, A-D, * and #, plus "w" for a half-second pause. */
export function validateDtmf(value: unknown, field: string): string {
	if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) value = String(value);
	if (isBlank(value)) {
		throw new ValidationError(
			field,
			`${field} is required: use the digits 0-9, A-D, * and #, and "w" for a half-second pause`,
		);
	}
	if (typeof value !== 'string') {
		throw new ValidationError(
			field,
			`${field} ${showValue(value)} is ${describeKind(value)}, not DTMF tones: use the digits 0-9, A-D, * and #, and "w" for a half-second pause`,
		);
	}
	const compact = value.replace(/\s/g, '');
	const normalised = compact.replace(/[a-d]/g, (c) => c.toUpperCase()).replace(/W/g, 'w');
	const bad = normalised.match(/[^0-9A-D*#w]/);
	if (bad) {
		throw new ValidationError(
			field,
			`${field} ${showValue(value)} contains "${bad[0]}", which is not a DTMF tone: use the digits 0-9, A-D, * and #, and "w" for a half-second pause`,
		);
	}
	return normalised;
}

/** An integer within [min, max]; accepts numeric strings ("600") since expressions often produce them. */
export function validateInteger(value: unknown, field: string, min: number, max: number): number {
	const n = typeof value === 'string' && value.trim() !== '' ? Number(value.trim()) : value;
	if (typeof n !== 'number' || !Number.isInteger(n)) {
		throw new ValidationError(
			field,
			`${field} ${showValue(value)} must be a whole number from ${min} to ${max}`,
		);
	}
	if (n < min || n > max) {
		throw new ValidationError(
			field,
			`${field} ${showValue(value)} is out of range: allowed ${min} to ${max}`,
		);
	}
	return n;
}

/**
 * Text that must be given. A number (e.g. from an expression such as {{ $json.code }}) is taken as its text;
 * any other non-text value is refused as such, not as "required".
 */
export function requireText(value: unknown, field: string, what: string): string {
	if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'bigint')
		return String(value);
	if (isBlank(value)) {
		throw new ValidationError(field, `${field} is required: ${what}`);
	}
	if (typeof value !== 'string') {
		throw new ValidationError(
			field,
			`${field} ${showValue(value)} must be text, not ${describeKind(value)}: ${what}`,
		);
	}
	return value;
}

/** Parses an absolute URL; undefined when it is not one. */
export function tryParseUrl(text: string): URL | undefined {
	try {
		return new URL(text);
	} catch {
		return undefined;
	}
}

function tryParseJson(text: string): { value: unknown } | { error: string } {
	try {
		return { value: JSON.parse(text) as unknown };
	} catch (error) {
		return { error: (error as Error).message };
	}
}

/** An absolute http(s) URL, e.g. of an audio file Telesign should fetch. */
export function validateHttpUrl(value: unknown, field: string): string {
	const text = requireText(value, field, 'enter an http:// or https:// URL').trim();
	const url = tryParseUrl(text);
	if (url === undefined) {
		throw new ValidationError(
			field,
			`${field} ${showValue(text)} is not a URL: enter an http:// or https:// URL`,
		);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new ValidationError(
			field,
			`${field} ${showValue(text)} must start with https:// or http://`,
		);
	}
	return text;
}

/** Parses a JSON object given as text or as an object (n8n JSON parameters can be either). */
export function parseJsonObject(value: unknown, field: string): Record<string, unknown> {
	let parsed: unknown = value;
	if (typeof value === 'string') {
		if (value.trim() === '') return {};
		const result = tryParseJson(value);
		if ('error' in result) {
			throw new ValidationError(
				field,
				`${field} is not valid JSON (${result.error}): enter a JSON object such as {"url": "https://…"}`,
			);
		}
		parsed = result.value;
	}
	if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new ValidationError(
			field,
			`${field} must be a JSON object ({ … }), not ${Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : `a ${typeof parsed}`}`,
		);
	}
	return parsed as Record<string, unknown>;
}

const DATE_EXAMPLE =
	'enter a date and time, e.g. 2026-11-01T00:00:00, or an expression such as {{ $now.minus({ days: 1 }) }}';

/** A Luxon DateTime (what n8n expressions such as {{ $now }} produce), recognised without importing Luxon. */
function luxonIso(value: unknown): string | undefined {
	if (value === null || typeof value !== 'object') return undefined;
	const candidate = value as { isLuxonDateTime?: unknown; isValid?: unknown; toISO?: unknown };
	if (typeof candidate.toISO !== 'function') return undefined;
	if (candidate.isLuxonDateTime !== true && candidate.isValid === undefined) return undefined;
	if (candidate.isValid === false) return '';
	const iso = (candidate.toISO as () => unknown).call(value);
	return typeof iso === 'string' ? iso : '';
}

/**
 * Recording API dates: UTC "YYYY-MM-DDThh:mm:ss". Accepts ISO text (converted to UTC), a JavaScript Date and
 * a Luxon DateTime (n8n's {{ $now }}, {{ $today }}, DateTime.fromISO(…)).
 */
export function toTelesignUtc(value: unknown, field: string): string {
	if (value instanceof Date) {
		if (Number.isNaN(value.getTime()))
			throw new ValidationError(field, `${field} is an invalid date: ${DATE_EXAMPLE}`);
		return value.toISOString().slice(0, 19);
	}
	const fromLuxon = luxonIso(value);
	if (fromLuxon !== undefined) {
		if (fromLuxon === '')
			throw new ValidationError(field, `${field} is an invalid date: ${DATE_EXAMPLE}`);
		value = fromLuxon;
	}
	if (typeof value === 'number') {
		// Seconds or milliseconds? Guessing could silently list the wrong range: ask for a date instead.
		throw new ValidationError(
			field,
			`${field} ${showValue(value)} is a number, not a date: ${DATE_EXAMPLE}`,
		);
	}
	if (!isBlank(value) && typeof value !== 'string') {
		throw new ValidationError(
			field,
			`${field} ${showValue(value)} is ${describeKind(value)}, not a date: ${DATE_EXAMPLE}`,
		);
	}
	const text = requireText(value, field, DATE_EXAMPLE);
	const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(text.trim());
	const date = new Date(hasZone ? text.trim() : `${text.trim().replace(' ', 'T')}Z`);
	if (Number.isNaN(date.getTime())) {
		throw new ValidationError(
			field,
			`${field} ${showValue(text)} is not a date: use e.g. 2026-11-01T00:00:00 (UTC)`,
		);
	}
	return date.toISOString().slice(0, 19);
}

/** Telesign's reference_id is opaque (hex, UUID or shorter); required, one token, at most 128 characters. */
export function validateReferenceId(value: unknown, field: string): string {
	const text = requireText(
		typeof value === 'number' ? String(value) : value,
		field,
		'enter the reference_id of the call, e.g. from the Dial output or a call_completed event',
	).trim();
	if (/\s/.test(text) || text.length > 128) {
		throw new ValidationError(
			field,
			`${field} ${showValue(text)} is not a reference ID: use the reference_id of the call, one word without spaces, at most 128 characters`,
		);
	}
	return text;
}
