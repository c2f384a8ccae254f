/**
 * Telesign Voice actions: the JSON-RPC style objects sent as the body of POST /v2/voice (dial) or returned as
 * the HTTP answer to a webhook event. The only place that knows action and field names.
 *
 * Only fields documented by Telesign are typed here; anything else goes through buildRawAction.
 */
import {
	ValidationError,
	describeKind,
	normalizePhoneNumber,
	requireText,
	showValue,
	validateDtmf,
	validateHttpUrl,
	validateInteger,
} from './validation';

export type ActionParams = Record<string, unknown>;

export interface TelesignAction {
	jsonrpc: '2.0';
	method: string;
	params: ActionParams;
	[key: string]: unknown;
}

export const ACTION_METHODS = {
	dial: 'dial',
	speak: 'speak',
	play: 'play',
	sendDtmf: 'send_dtmf',
	hangup: 'hangup',
} as const;

/** Telesign's ceiling for a call (4 h); max_call_duration can only lower it. */
export const MAX_CALL_DURATION_SECONDS = 14400;
/** Upper bound this package accepts for collect_digits.max (Telesign publishes none; demos use 1). */
export const MAX_COLLECT_DIGITS = 64;
export const DEFAULT_TTS_LANGUAGE = 'en-US';
/** What this package accepts as a speak language: a BCP 47-like tag (en-US, fr-CA, yue-Hant-HK). */
export const LANGUAGE_TAG_PATTERN = '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$';

/**
 * Language tags offered as suggestions for speak (tts.language). Telesign's v2 table was not public; these are
 * the legacy voice list without its "f-" prefix, so any other tag is accepted too.
 * https://standard.telesign.com/api-reference/apis/voice-api/send-a-voice-message/post-voice
 */
export const SUGGESTED_TTS_LANGUAGES: ReadonlyArray<{ code: string; name: string }> = [
	{ code: 'ca-ES', name: 'Catalan (Spain)' },
	{ code: 'zh-CN', name: 'Chinese (China)' },
	{ code: 'zh-HK', name: 'Chinese (Hong Kong)' },
	{ code: 'zh-TW', name: 'Chinese (Taiwan)' },
	{ code: 'da-DK', name: 'Danish' },
	{ code: 'nl-NL', name: 'Dutch' },
	{ code: 'en-AU', name: 'English (Australia)' },
	{ code: 'en-CA', name: 'English (Canada)' },
	{ code: 'en-IN', name: 'English (India)' },
	{ code: 'en-GB', name: 'English (United Kingdom)' },
	{ code: 'en-US', name: 'English (United States)' },
	{ code: 'fi-FI', name: 'Finnish' },
	{ code: 'fr-CA', name: 'French (Canada)' },
	{ code: 'fr-FR', name: 'French (France)' },
	{ code: 'de-DE', name: 'German' },
	{ code: 'it-IT', name: 'Italian' },
	{ code: 'ja-JP', name: 'Japanese' },
	{ code: 'ko-KR', name: 'Korean' },
	{ code: 'nb-NO', name: 'Norwegian (Bokmål)' },
	{ code: 'pl-PL', name: 'Polish' },
	{ code: 'pt-BR', name: 'Portuguese (Brazil)' },
	{ code: 'pt-PT', name: 'Portuguese (Portugal)' },
	{ code: 'ru-RU', name: 'Russian' },
	{ code: 'es-MX', name: 'Spanish (Mexico)' },
	{ code: 'es-ES', name: 'Spanish (Spain)' },
	{ code: 'sv-SE', name: 'Swedish' },
];

/**
 * Telesign documents `send_dtmf` as an action but its parameter name was not public when this was written
 * (https://developer.telesign.com/enterprise/reference/voice-actions). This is the package's assumption; users
 * can change it per node.
 */
export const DEFAULT_SEND_DTMF_PARAM = 'digits';

function envelope(method: string, params: ActionParams): TelesignAction {
	return { jsonrpc: '2.0', method, params };
}

export interface DialInput {
	to: unknown;
	callerIdNumber: unknown;
	externalId?: unknown;
	sendDtmf?: unknown;
	maxCallDuration?: unknown;
}

export type DialParams = {
	to: string;
	caller_id_number: string;
	external_id?: string;
	send_dtmf?: string;
	max_call_duration?: string;
};

export function buildDialAction(input: DialInput): TelesignAction & { params: DialParams } {
	const params: DialParams = {
		to: normalizePhoneNumber(input.to, 'To'),
		caller_id_number: normalizePhoneNumber(input.callerIdNumber, 'Caller ID Number'),
	};
	if (
		input.externalId !== undefined &&
		input.externalId !== null &&
		String(input.externalId).trim() !== ''
	) {
		const externalId = String(input.externalId).trim();
		if (externalId.length > 128) {
			throw new ValidationError(
				'External ID',
				`External ID is ${externalId.length} characters long: keep it to 128 characters or fewer`,
			);
		}
		params.external_id = externalId;
	}
	if (input.sendDtmf !== undefined && input.sendDtmf !== null && input.sendDtmf !== '') {
		params.send_dtmf = validateDtmf(input.sendDtmf, 'Send DTMF');
	}
	if (
		input.maxCallDuration !== undefined &&
		input.maxCallDuration !== null &&
		input.maxCallDuration !== ''
	) {
		// Telesign expects the number of seconds as a string, e.g. "600".
		params.max_call_duration = String(
			validateInteger(input.maxCallDuration, 'Max Call Duration', 1, MAX_CALL_DURATION_SECONDS),
		);
	}
	return { ...envelope(ACTION_METHODS.dial, params as unknown as ActionParams), params };
}

function collectDigitsParams(maxDigits: unknown): ActionParams | undefined {
	if (maxDigits === undefined || maxDigits === null || maxDigits === '' || maxDigits === 0)
		return undefined;
	return { max: validateInteger(maxDigits, 'Max Digits', 1, MAX_COLLECT_DIGITS) };
}

export interface SpeakInput {
	message: unknown;
	language?: unknown;
	/** Number of digits to collect after the message; omit (or 0) to collect none. */
	collectDigits?: unknown;
}

export function buildSpeakAction(input: SpeakInput): TelesignAction {
	const message = requireText(input.message, 'Message', 'enter the text Telesign should speak');
	if (
		input.language !== undefined &&
		input.language !== null &&
		typeof input.language !== 'string'
	) {
		throw new ValidationError(
			'Language',
			`Language ${showValue(input.language)} is ${describeKind(input.language)}, not a language tag: use a code such as en-US, en-GB, fr-FR or es-MX`,
		);
	}
	const language =
		typeof input.language === 'string' && input.language.trim() !== ''
			? input.language.trim()
			: DEFAULT_TTS_LANGUAGE;
	if (!new RegExp(LANGUAGE_TAG_PATTERN).test(language)) {
		throw new ValidationError(
			'Language',
			`Language "${language}" is not a language tag: use a code such as en-US, en-GB, fr-FR or es-MX`,
		);
	}
	const params: ActionParams = { tts: { message, language } };
	const collect = collectDigitsParams(input.collectDigits);
	if (collect) params.collect_digits = collect;
	return envelope(ACTION_METHODS.speak, params);
}

export interface PlayInput {
	url: unknown;
	collectDigits?: unknown;
}

export function buildPlayAction(input: PlayInput): TelesignAction {
	const params: ActionParams = { url: validateHttpUrl(input.url, 'Audio URL') };
	const collect = collectDigitsParams(input.collectDigits);
	if (collect) params.collect_digits = collect;
	return envelope(ACTION_METHODS.play, params);
}

export function buildSendDtmfAction(input: {
	digits: unknown;
	paramName?: unknown;
}): TelesignAction {
	const paramName =
		typeof input.paramName === 'string' && input.paramName.trim() !== ''
			? input.paramName.trim()
			: DEFAULT_SEND_DTMF_PARAM;
	return envelope(ACTION_METHODS.sendDtmf, { [paramName]: validateDtmf(input.digits, 'Digits') });
}

export function buildHangupAction(): TelesignAction {
	return envelope(ACTION_METHODS.hangup, {});
}

/** Any action by name, for play_multiple and whatever the typed operations do not cover. */
export function buildRawAction(input: { method: unknown; params: unknown }): TelesignAction {
	if (
		input.method === undefined ||
		input.method === null ||
		(typeof input.method === 'string' && input.method.trim() === '')
	) {
		throw new ValidationError(
			'Method',
			'Method is required: the Telesign action name, e.g. play_multiple',
		);
	}
	if (typeof input.method !== 'string') {
		throw new ValidationError(
			'Method',
			`Method ${showValue(input.method)} is ${describeKind(input.method)}, not an action name: use e.g. play_multiple`,
		);
	}
	const method = input.method.trim();
	if (!/^[a-z][a-z0-9_]*$/.test(method)) {
		throw new ValidationError(
			'Method',
			`Method "${method}" is not an action name: use lower-case letters, digits and "_", e.g. play_multiple`,
		);
	}
	if (input.params === null || typeof input.params !== 'object' || Array.isArray(input.params)) {
		const kind = Array.isArray(input.params)
			? 'an array'
			: input.params === null
				? 'null'
				: `a ${typeof input.params}`;
		throw new ValidationError('Params', `Params must be a JSON object ({ … }), not ${kind}`);
	}
	return envelope(method, input.params as ActionParams);
}

/**
 * Actions Telesign accepts in answer to each event (later events follow Telesign's demos):
 * https://developer.telesign.com/enterprise/reference/voice-actions
 */
export const LEGAL_ACTIONS_BY_EVENT: Readonly<Record<string, readonly string[]>> = {
	incoming_call: ['hangup', 'speak', 'play', 'play_multiple', 'dial'],
	dial_completed: ['speak', 'play', 'play_multiple', 'hangup', 'send_dtmf'],
	speak_completed: ['speak', 'play', 'play_multiple', 'hangup', 'dial'],
	play_completed: ['speak', 'play', 'play_multiple', 'hangup', 'dial'],
	call_leg_completed: ['speak', 'play', 'play_multiple', 'hangup', 'dial'],
	call_completed: [],
};
