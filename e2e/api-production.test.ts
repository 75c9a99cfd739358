/**
 * In production the schema is not open to introspection: clients are built
 * against the published SDL, and strangers learn nothing from the server.
 */
import { useApiHarness, apiError } from './api-harness';

jest.setTimeout(60_000);

const h = useApiHarness({ production: true });

test('introspection is refused in production, while ordinary queries work', async () => {
  const manager = await h.as('manager-city-1');
  expect(await apiError(manager.request('{ __schema { types { name } } }'))).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED' });
  expect(await apiError(manager.request('{ __type(name: "Task") { fields { name } } }'))).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED' });
  const { departments } = await manager.request<{ departments: { code: string }[] }>('{ departments { code } }');
  expect(departments.length).toBeGreaterThan(30);
});
