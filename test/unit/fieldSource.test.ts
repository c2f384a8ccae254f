import type { INode, INodeProperties } from 'n8n-workflow';

import { buildDialAction } from '../../nodes/shared/telesign/actions';
import { TelesignVoice } from '../../nodes/TelesignVoice/TelesignVoice.node';
import { toNodeError } from '../../nodes/TelesignVoice/actions/nodeErrors';
import { expressionSourceOf, parameterNameOf } from '../../nodes/TelesignVoice/actions/fieldSource';

function allProperties(properties: INodeProperties[]): INodeProperties[] {
	return properties.flatMap((property) => [
		property,
		...allProperties(
			((property.options ?? []) as INodeProperties[]).filter((option) => 'type' in option),
		),
	]);
}

const node = (parameters: INode['parameters']): INode => ({
	id: '1',
	name: 'Place Call',
	type: 'n8n-nodes-telesign-voice.telesignVoice',
	typeVersion: 1,
	position: [0, 0],
	parameters,
});

describe('errors say which expression set the field', () => {
	it('every field of the node is found by its display name (parameter name = display name in camel case)', () => {
		// binaryPropertyName ("Put Output File in Field") keeps the name every n8n node with binary output uses.
		const fields = allProperties(new TelesignVoice().description.properties).filter(
			(property) => property.type !== 'notice' && property.name !== 'binaryPropertyName',
		);
		expect(
			fields
				.filter((property) => parameterNameOf(property.displayName) !== property.name)
				.map((property) => property.displayName),
		).toEqual([]);
	});

	it('Recipients (Call and Wait) keeps the parameter name "to": its errors name the expression too', () => {
		expect(parameterNameOf('Recipients')).toBe('to');
		expect(expressionSourceOf({ to: '={{ $json.oncall }}' }, 'Recipients')).toBe(
			'Recipients is set by the expression {{ $json.oncall }}: fix the value there, or the data it reads.',
		);
	});

	it('the outbound alert: a Message mapped to External ID names the expression the user wrote', () => {
		const parameters = {
			to: '={{ $json.numbers }}',
			callerIdNumber: '15550000001',
			options: { externalId: '={{ $json.message }}' },
		};
		let thrown: unknown;
		try {
			buildDialAction({
				to: '15551230001',
				callerIdNumber: '15550000001',
				externalId: 'x'.repeat(194),
			});
		} catch (error) {
			thrown = error;
		}
		const error = toNodeError(node(parameters), thrown, 3);
		expect(error.message).toBe(
			'External ID is 194 characters long: keep it to 128 characters or fewer',
		);
		expect(error.description).toBe(
			'Options → External ID is set by the expression {{ $json.message }}: fix the value there, or the data it reads.',
		);
		expect(error.context.itemIndex).toBe(3);
	});

	it.each([
		[
			'a top-level field',
			{ to: '={{ $json.phone }}' },
			'To',
			'To is set by the expression {{ $json.phone }}: fix the value there, or the data it reads.',
		],
		[
			'a resource locator',
			{ language: { __rl: true, mode: 'code', value: '={{ $json.lang }}' } },
			'Language',
			'Language is set by the expression {{ $json.lang }}: fix the value there, or the data it reads.',
		],
		['a fixed value', { to: '0555 1234' }, 'To', undefined],
		['a field not in the parameters', { to: '={{ $json.phone }}' }, 'Caller ID Number', undefined],
		['a fixed value in Options', { options: { externalId: 'INC-1' } }, 'External ID', undefined],
	])('%s', (_name, parameters, field, expected) => {
		expect(expressionSourceOf(parameters as INode['parameters'], field)).toBe(expected);
	});

	it('a long expression is shortened', () => {
		const text = expressionSourceOf({ message: `={{ ${'x'.repeat(300)} }}` }, 'Message') ?? '';
		expect(text.length).toBeLessThan(220);
		expect(text).toContain('…');
	});
});
