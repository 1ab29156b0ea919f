import { execFileSync } from 'node:child_process';
import makeFakeCamera from '../e2e/global-setup';

/** The e2e tests' fake camera, and the extension built as `npm run build:extension` builds it. */
export default function globalSetup(): void {
  makeFakeCamera();
  execFileSync(process.execPath, ['src/extension/build.mjs'], { stdio: 'inherit' });
}
