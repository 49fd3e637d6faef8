import { createFakePlatform } from './fake-platform.js';
import { platformSuite } from './platform.suite.js';

platformSuite('fake', async () => ({
  platform: createFakePlatform(),
  colorSpec: (color, version, replicas) => ({
    deploymentName: `suite-${color}`,
    replicas,
    modelVersion: version,
    enabled: true,
  }),
  close: async () => {},
}));
