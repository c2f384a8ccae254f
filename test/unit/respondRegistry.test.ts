/**
 * A Respond action is one operation file: its Operation option, fields and execute live there, and the resource
 * lists the file once. This checks that the Operation list, the fields and what the router runs all come from
 * that one list, so a new action cannot be half-registered.
 */
import type { INodePropertyOptions } from 'n8n-workflow';

import * as respond from '../../nodes/TelesignVoice/actions/respond/Respond.resource';
import { TelesignVoice } from '../../nodes/TelesignVoice/TelesignVoice.node';

const operationField = respond.description.find((property) => property.name === 'operation');
const options = (operationField?.options ?? []) as INodePropertyOptions[];

test('each operation file declares its own Operation option, and the list shows every file once, sorted by name', () => {
	const declared = respond.respondOperations.map((operation) => operation.option);
	expect(options).toEqual([...declared].sort((a, b) => a.name.localeCompare(b.name)));
	expect(new Set(options.map((option) => option.value)).size).toBe(
		respond.respondOperations.length,
	);
});

test('the fields of an operation file are shown only for its own Operation value', () => {
	for (const operation of respond.respondOperations) {
		for (const field of operation.description) {
			expect(field.displayOptions?.show).toMatchObject({
				resource: ['respond'],
				operation: [operation.option.value],
			});
		}
	}
});

test('the router runs the execute of the file whose Operation was chosen', async () => {
	for (const operation of respond.respondOperations) {
		expect(respond.respondExecutes[operation.option.value as string]).toBe(operation.execute);
	}
	expect(new TelesignVoice().description.properties).toEqual(
		expect.arrayContaining(respond.description),
	);
});
