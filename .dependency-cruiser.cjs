// The layering the frame's path sets: a stage imports only stages before it, product code imports no tool or test
// helper, and src/ (its tests too) never imports tools/, which stand outside the product and may import all of it.
// `npm run lint:deps` checks it (part of `npm test`). Tests may wire stages together.
const TEST = '\\.test\\.ts$';
const PRODUCT = '^src/(core|gpu|source|detect|track|render|offline|app|ui|export|call|cli|library|extension)/';
const above = (...stages) => `^src/(${stages.join('|')})/`;
const layer = (name, from, ...higher) => ({
  name, severity: 'error', comment: `${from} comes before ${higher.join(', ')} on the frame's path`,
  from: { path: `^src/${from}/`, pathNot: TEST }, to: { path: above(...higher) },
});

module.exports = {
  forbidden: [
    layer('core-is-the-floor', 'core', 'gpu', 'source', 'detect', 'track', 'render', 'offline', 'app', 'ui', 'export', 'call', 'cli', 'library', 'extension', 'testing'),
    layer('gpu-below-stages', 'gpu', 'source', 'detect', 'track', 'render', 'offline', 'app', 'ui', 'export', 'call', 'cli', 'library', 'extension'),
    layer('detect-below-track', 'detect', 'track', 'render', 'offline', 'app', 'ui', 'export', 'call', 'cli', 'library', 'extension'),
    layer('track-below-render', 'track', 'render', 'offline', 'app', 'ui', 'export', 'call', 'cli', 'library', 'extension'),
    layer('render-below-app', 'render', 'offline', 'app', 'ui', 'export', 'call', 'cli', 'library', 'extension'),
    {
      name: 'product-imports-no-tooling', severity: 'error',
      comment: 'the app and the CLI ship without evals, benches, soak or test helpers',
      from: { path: PRODUCT, pathNot: TEST }, to: { path: '^(src/testing|tools|tests)/' },
    },
    {
      name: 'library-below-extension', severity: 'error',
      comment: 'the browser extension is built on the library, never the other way round',
      from: { path: '^src/library/' }, to: { path: '^src/extension/' },
    },
    {
      name: 'src-imports-no-tools', severity: 'error',
      comment: 'the product and its tests build and run without tools/',
      from: { path: '^src/' }, to: { path: '^tools/' },
    },
    {
      name: 'no-circular', severity: 'error', comment: 'modules that import each other are one module',
      from: { pathNot: TEST }, to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/scratch/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
