/**
 * Input errors name the node's field ("External ID is 194 characters long"). When the user filled that field
 * with an expression, the value came from elsewhere (e.g. a webhook's "message" mapped to External ID), so the
 * error also says which expression: that is the thing the user wrote and can fix.
 */
import type { INodeParameters } from 'n8n-workflow';

const MAX_SHOWN = 120;

/**
 * Fields whose parameter name is not their display name: Call and Wait's Recipients keeps the name "to" of the
 * single number it extends, so that workflows saved before it go on unchanged.
 */
const KEPT_NAMES: Record<string, string> = { Recipients: 'to' };

/** The parameter name of a field: its display name in camel case ("Caller ID Number" → callerIdNumber). */
export function parameterNameOf(displayName: string): string {
	if (KEPT_NAMES[displayName] !== undefined) return KEPT_NAMES[displayName];
	const words = displayName.split(/\s+/).filter((word) => word !== '');
	return words
		.map((word, index) =>
			index === 0 ? word.toLowerCase() : word.charAt(0).toUpperCase() + word.slice(1).toLowerCase(),
		)
		.join('');
}

function asObject(value: unknown): INodeParameters | undefined {
	return value !== null && typeof value === 'object' && !Array.isArray(value)
		? (value as INodeParameters)
		: undefined;
}

/**
 * "Options → External ID is set by the expression {{ $json.message }}." for a field set by an expression, at the
 * top level or in the Options collection; undefined for a fixed value or an unknown field.
 */
export function expressionSourceOf(parameters: INodeParameters, field: string): string | undefined {
	const name = parameterNameOf(field);
	const inOptions = !(name in parameters);
	let value: unknown = inOptions ? asObject(parameters.options)?.[name] : parameters[name];
	// A resource locator ({ __rl, mode, value }) keeps its expression in value.
	if (asObject(value)?.__rl === true) value = asObject(value)?.value;
	if (typeof value !== 'string' || !value.startsWith('=')) return undefined;
	let expression = value.slice(1).trim();
	if (expression.length > MAX_SHOWN) expression = `${expression.slice(0, MAX_SHOWN)}…`;
	return `${inOptions ? `Options → ${field}` : field} is set by the expression ${expression}: fix the value there, or the data it reads.`;
}
