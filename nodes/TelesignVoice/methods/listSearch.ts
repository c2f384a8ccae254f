import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { SUGGESTED_TTS_LANGUAGES } from '../../shared/telesign/actions';

/** The language suggestions of Speak → Language, filtered by name or code. */
export async function searchLanguages(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const needle = (filter ?? '').trim().toLowerCase();
	const results = SUGGESTED_TTS_LANGUAGES.filter(
		({ code, name }) =>
			needle === '' || code.toLowerCase().includes(needle) || name.toLowerCase().includes(needle),
	).map(({ code, name }) => ({ name: `${name} (${code})`, value: code }));
	return { results };
}
