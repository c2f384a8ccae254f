'use strict';
/** Runs task(item, index) for every item with at most `size` in flight. */
async function pool(items, size, task) {
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const i = next++;
			await task(items[i], i);
		}
	};
	await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}

module.exports = { pool };
