// Copies the non-TypeScript assets (icons, codex JSON) next to the compiled code in dist/.
const path = require('path');
const { task, src, dest, parallel } = require('gulp');

function copyNodeAssets() {
	return src('nodes/**/*.{png,svg,json}', { cwd: __dirname, encoding: false }).pipe(
		dest(path.resolve(__dirname, 'dist', 'nodes')),
	);
}

function copyCredentialAssets() {
	return src('credentials/**/*.{png,svg}', { cwd: __dirname, encoding: false }).pipe(
		dest(path.resolve(__dirname, 'dist', 'credentials')),
	);
}

task('build:assets', parallel(copyNodeAssets, copyCredentialAssets));
