import { RouterAdminClient } from './admin-client.js';
import { startAdminServer } from './admin-server.js';
import { createRouter } from './router.js';
import { routerControlSuite } from './router-control.suite.js';

routerControlSuite('in-process router', async (opts) => {
  const router = await createRouter(opts);
  return { control: router, router, close: () => router.close(100) };
});

routerControlSuite('admin HTTP client, admin thread', async (opts) => {
  const router = await createRouter(opts);
  const admin = await startAdminServer(router, { token: 'suite-token' });
  const client = new RouterAdminClient(admin.url, 'suite-token');
  return {
    control: client,
    router,
    close: async () => {
      await client.close();
      await admin.close();
      await router.close(100);
    },
  };
});

routerControlSuite('admin HTTP client, in-thread admin server', async (opts) => {
  const router = await createRouter(opts);
  const admin = await startAdminServer(router, { token: 'suite-token', thread: false });
  const client = new RouterAdminClient(admin.url, 'suite-token');
  return {
    control: client,
    router,
    close: async () => {
      await client.close();
      await admin.close();
      await router.close(100);
    },
  };
});
