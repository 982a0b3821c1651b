/**
 * Import boundaries, checked by `npm run lint` (dependency-cruiser). The server is layered
 * platform < commerce < money < incentives < http, core is pure, routes get data from domain modules, the apps talk to
 * the server only over HTTP, and nothing imports in a circle.
 */
const SERVER = '^packages/server/src/';

/** A layer of the server may import the layers below it, never those above. */
const layer = (name, above) => ({
  name: `server-layer-${name}`,
  comment: `${name}/ sits below ${above.join(', ')}: it may not import them`,
  severity: 'error',
  from: { path: `${SERVER}${name}/` },
  to: { path: `${SERVER}(${above.join('|')})/` },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'Files that import each other in a loop cannot be understood (or loaded) one at a time. A loop closed only by ' +
        "a lazy import() (the admin router's page loaders) loads in order and is allowed",
      severity: 'error',
      from: { path: '^(packages|apps)/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['dynamic-import'] } },
    },
    {
      name: 'core-is-pure',
      comment: 'packages/core imports nothing from the server or the apps, and no Node built-in (no I/O, no clock)',
      severity: 'error',
      from: { path: '^packages/core/src/' },
      to: { path: '^(packages/server|apps)/' },
    },
    {
      name: 'core-no-node',
      comment: 'packages/core is pure: no Node built-ins',
      severity: 'error',
      from: { path: '^packages/core/src/', pathNot: '\\.test(-helper)?\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'routes-no-db',
      comment: 'Routes get data from domain modules: http/ imports nothing from platform/db/',
      severity: 'error',
      from: { path: `${SERVER}http/`, pathNot: `${SERVER}http/context\\.ts$` },
      to: { path: `${SERVER}platform/db/` },
    },
    {
      name: 'route-context-names-the-store-only',
      comment: 'http/context.ts may name the Store type it hands to routes, nothing else of platform/db/',
      severity: 'error',
      from: { path: `${SERVER}http/context\\.ts$` },
      to: { path: `${SERVER}platform/db/`, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'apps-no-server',
      comment: 'The web apps talk to the server over HTTP only (the browser tests, which start it, excepted)',
      severity: 'error',
      from: { path: '^apps/', pathNot: '^apps/e2e/' },
      to: { path: '^packages/server/' },
    },
    layer('platform', ['commerce', 'money', 'incentives', 'demo', 'http', 'cli']),
    layer('commerce', ['money', 'incentives', 'demo', 'http', 'cli']),
    layer('money', ['incentives', 'demo', 'http', 'cli']),
    layer('incentives', ['demo', 'http', 'cli']),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.mts', '.js', '.mjs', '.vue', '.json'],
    },
  },
};
