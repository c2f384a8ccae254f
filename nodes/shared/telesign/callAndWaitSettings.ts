/**
 * Call and Wait for Response, the settings: the node's message, response and repeat fields, validated once per
 * item into what decideNext (callAndWait.ts) needs at each event. Pure: no n8n, no I/O.
 */
import { MAX_COLLECT_DIGITS, buildSpeakAction } from './actions';
import { ValidationError, requireText, validateDtmf, validateInteger } from './validation';

export type ResponseType = 'none' | 'keyPress' | 'approval';
export const RESPONSE_TYPES: readonly ResponseType[] = ['approval', 'keyPress', 'none'];
export const MAX_REPEATS = 5;

export interface WaitSettings {
	message: string;
	language?: unknown;
	responseType: ResponseType;
	/** How many digits one prompt collects (0 for "none"). */
	maxDigits: number;
	/** keyPress: the digits that acknowledge ("" = any key acknowledges). approval: the approve key. */
	acknowledgeDigits: string;
	/** approval with "Approve and Decline": the decline key. */
	declineDigits?: string;
	/** How many more times the message is spoken when nothing was pressed. */
	repeat: number;
	closingMessage?: string;
	/** Key Messages: spoken after these keys instead of the Closing Message (outbound IVR). */
	keyMessages?: Record<string, string>;
}

export interface WaitSettingsInput {
	message: unknown;
	language?: unknown;
	responseType?: unknown;
	maxDigits?: unknown;
	acknowledgeKey?: unknown;
	approvalType?: unknown;
	approveKey?: unknown;
	declineKey?: unknown;
	repeat?: unknown;
	closingMessage?: unknown;
	/** Key Messages as the node's fixedCollection gives them: [{ key, message }]. */
	keyMessages?: unknown;
}

function optionalKeys(value: unknown, field: string): string {
	if (value === undefined || value === null || String(value).trim() === '') return '';
	const keys = validateDtmf(String(value).trim(), field);
	if (!/^[0-9*#]+$/.test(keys))
		throw new ValidationError(field, `${field} "${keys}" can only hold the keys 0-9, * and #`);
	return keys;
}

/** Validates the settings of one item; every error names the field the user set. */
export function buildWaitSettings(input: WaitSettingsInput): WaitSettings {
	const message = requireText(
		input.message,
		'Message',
		'enter the text Telesign should speak when the call is answered',
	);
	const responseType = (input.responseType ?? 'keyPress') as ResponseType;
	if (!RESPONSE_TYPES.includes(responseType)) {
		throw new ValidationError(
			'Response Type',
			`Response Type "${String(input.responseType)}" is not one of: ${RESPONSE_TYPES.join(', ')}`,
		);
	}
	const repeat = validateInteger(input.repeat ?? 0, 'Repeat Message', 0, MAX_REPEATS);
	const closing =
		typeof input.closingMessage === 'string' && input.closingMessage.trim() !== ''
			? input.closingMessage.trim()
			: undefined;
	// The speak builder checks the language; run it once here so a bad tag fails before any dial.
	buildSpeakAction({ message, language: input.language });
	const settings: WaitSettings = {
		message,
		language: input.language,
		responseType,
		maxDigits: 0,
		acknowledgeDigits: '',
		repeat,
		closingMessage: closing,
	};
	if (responseType === 'keyPress') {
		settings.acknowledgeDigits = optionalKeys(input.acknowledgeKey, 'Acknowledge Key');
		const fallback = settings.acknowledgeDigits.length || 1;
		settings.maxDigits = validateInteger(
			input.maxDigits ?? fallback,
			'Max Digits',
			1,
			MAX_COLLECT_DIGITS,
		);
		if (settings.acknowledgeDigits.length > settings.maxDigits) {
			throw new ValidationError(
				'Acknowledge Key',
				`Acknowledge Key "${settings.acknowledgeDigits}" has more keys than Max Digits (${settings.maxDigits})`,
			);
		}
	} else if (responseType === 'approval') {
		settings.maxDigits = 1;
		settings.acknowledgeDigits = optionalKeys(input.approveKey ?? '1', 'Approve Key') || '1';
		if (settings.acknowledgeDigits.length !== 1)
			throw new ValidationError('Approve Key', 'Approve Key must be a single key: 0-9, * or #');
		if (input.approvalType === 'double') {
			settings.declineDigits = optionalKeys(input.declineKey ?? '2', 'Decline Key') || '2';
			if (settings.declineDigits.length !== 1)
				throw new ValidationError('Decline Key', 'Decline Key must be a single key: 0-9, * or #');
			if (settings.declineDigits === settings.acknowledgeDigits) {
				throw new ValidationError(
					'Decline Key',
					`Decline Key and Approve Key are both "${settings.declineDigits}": choose two different keys`,
				);
			}
		}
	}
	const keyMessages = readKeyMessages(input.keyMessages, settings);
	if (keyMessages !== undefined) settings.keyMessages = keyMessages;
	return settings;
}

/** Validates Key Messages: each key a possible answer of the prompt, once, with a text to speak. */
function readKeyMessages(
	value: unknown,
	settings: WaitSettings,
): Record<string, string> | undefined {
	if (value === undefined || value === null || (Array.isArray(value) && value.length === 0))
		return undefined;
	if (!Array.isArray(value))
		throw new ValidationError(
			'Key Messages',
			'Key Messages must be a list of keys, each with a message',
		);
	if (settings.responseType === 'none') {
		throw new ValidationError(
			'Key Messages',
			'Key Messages need a Response Type that collects keys (Key Press or Approval)',
		);
	}
	const messages: Record<string, string> = {};
	value.forEach((entry, index) => {
		const row = (entry ?? {}) as Record<string, unknown>;
		const field = `Key Messages entry ${index + 1}`;
		const key = optionalKeys(row.key, `${field} Key`);
		if (key === '')
			throw new ValidationError(
				'Key Messages',
				`${field} has no key: enter the key(s) after which its message is spoken, e.g. 1`,
			);
		if (key.length > settings.maxDigits) {
			throw new ValidationError(
				'Key Messages',
				`${field} key "${key}" has more keys than the call collects (${settings.maxDigits})`,
			);
		}
		if (messages[key] !== undefined)
			throw new ValidationError(
				'Key Messages',
				`${field} repeats the key "${key}": give each key one message`,
			);
		messages[key] = requireText(
			row.message,
			`${field} Message`,
			`enter what Telesign speaks after the key ${key}`,
		);
	});
	return messages;
}
