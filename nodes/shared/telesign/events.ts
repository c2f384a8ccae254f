/**
 * Telesign Voice events as they arrive at the webhook: names, parsing of the raw body, and the checks a
 * body must pass before it may start a workflow.
 */

export const KNOWN_EVENTS = [
	'incoming_call',
	'dial_completed',
	'speak_completed',
	'play_completed',
	'call_leg_completed',
	'call_completed',
] as const;

/** Largest event body accepted; Telesign's events are a few hundred bytes. */
export const MAX_EVENT_BODY_BYTES = 64 * 1024;

export interface TelesignEvent {
	event: string;
	reference_id?: string;
	external_id?: string;
	data?: Record<string, unknown>;
	[key: string]: unknown;
}

export type ParsedEvent = { ok: true; event: TelesignEvent } | { ok: false; message: string };

export function parseEventBody(rawBody: Buffer | string | undefined): ParsedEvent {
	const raw =
		rawBody === undefined ? '' : typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
	const size = typeof rawBody === 'string' ? Buffer.byteLength(rawBody) : (rawBody?.length ?? 0);
	if (size === 0 || raw.trim() === '')
		return { ok: false, message: 'Empty body: a Telesign event is a JSON object' };
	if (size > MAX_EVENT_BODY_BYTES) {
		return {
			ok: false,
			message: `Body too large (${size} bytes; at most ${MAX_EVENT_BODY_BYTES})`,
		};
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(raw);
	} catch {
		return { ok: false, message: 'Body is not JSON: a Telesign event is a JSON object' };
	}
	if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
		return { ok: false, message: 'Body is not a JSON object: a Telesign event is a JSON object' };
	}
	const event = (parsed as Record<string, unknown>).event;
	if (typeof event !== 'string' || event.trim() === '') {
		return {
			ok: false,
			message: 'Body has no "event" name: a Telesign event has a string field "event"',
		};
	}
	return { ok: true, event: parsed as TelesignEvent };
}

/**
 * Whether an event passes the node's "Events" filter ("*" = any event, including unknown names). An empty list
 * selects nothing, as at activation (which refuses it): "any event" is always the explicit "*".
 */
export function isEventSelected(eventName: string, selected: readonly string[]): boolean {
	if (selected.includes('*')) return true;
	return selected.includes(eventName);
}
